/**
 * End to end (needs .venv's Python with DVC: scripts/setup.sh --tests): a
 * pipeline written for a small hand-made run (reads a CSV, logs a param,
 * fits one weight, logs a metric, writes a model file) runs as a script,
 * with a param overridden, and under real `dvc repro`, which reads the
 * declared deps, params, outs and metrics.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { PipelineSpec } from '../../src/records/export/pipeline';
import {
  python,
  sampleSpec,
  sha256,
  VENV_BIN,
  writePipeline
} from './export-pipeline-support';

const CSV = 'x,y\n1,2\n2,4\n3,6\n';

/** What the recorded run computed, for a given lr (the same float arithmetic as Python's). */
function expected(lr: number): { model: string; mse: number } {
  const rows = [
    [1, 2],
    [2, 4],
    [3, 6]
  ];
  const weight =
    (lr * rows.reduce((s, [, y]) => s + y, 0)) /
    rows.reduce((s, [x]) => s + x, 0);
  const mse =
    rows.reduce((s, [x, y]) => s + (weight * x - y) ** 2, 0) / rows.length;
  // Python's repr of a float: 1.0, never 1.
  const repr = Number.isInteger(weight) ? weight.toFixed(1) : String(weight);
  return { model: `weight=${repr}\n`, mse };
}

const hashOf = (text: string): string =>
  createHash('sha256').update(text).digest('hex');

function spec(): PipelineSpec {
  return sampleSpec({
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        cellId: 'load',
        reason: 'defines rows used by step 3',
        python:
          'import csv\nwith open("data/train.csv", newline="") as f:\n    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]',
        imports: ['csv']
      },
      {
        step: 3,
        executionId: 'exec-3',
        cellId: 'fit',
        reason: 'defines weight used by step 4; logs mse',
        python: [
          'import trail',
          'lr = PARAMS["lr"]',
          'trail.log_param("lr", lr)',
          'weight = lr * sum(y for _, y in rows) / sum(x for x, _ in rows)',
          'mse = sum((weight * x - y) ** 2 for x, y in rows) / len(rows)',
          'trail.log_metric("mse", mse)'
        ].join('\n'),
        imports: ['trail']
      },
      {
        step: 4,
        executionId: 'exec-4',
        cellId: 'save',
        reason: 'writes model.txt',
        python:
          'with open("model.txt", "w") as f:\n    f.write("weight=%r\\n" % weight)',
        imports: []
      }
    ],
    params: { lr: 0.1 },
    wiredParams: ['lr'],
    metrics: ['mse'],
    metricValues: { mse: expected(0.1).mse },
    inputs: [
      {
        path: 'data/train.csv',
        step: 1,
        kind: 'file',
        sha256: hashOf(CSV),
        size: CSV.length
      }
    ],
    outputs: ['model.txt'],
    pipRequirements: [],
    dropped: [],
    untranslated: []
  });
}

function dvc(folder: string, ...args: string[]): string {
  const run = spawnSync(join(VENV_BIN, 'dvc'), args, {
    cwd: folder,
    encoding: 'utf-8',
    env: {
      ...process.env,
      PATH: `${VENV_BIN}:${process.env.PATH}`,
      DVC_NO_ANALYTICS: '1',
      TRAIL_DISABLED: '1'
    },
    timeout: 60000
  });
  if (run.status !== 0) {
    throw new Error(
      `dvc ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`
    );
  }
  return run.stdout + run.stderr;
}

const metrics = (folder: string): unknown =>
  JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'));

describe('an exported pipeline, run (needs Python and DVC)', () => {
  let folder: string;
  beforeAll(() => {
    const version = spawnSync(join(VENV_BIN, 'dvc'), ['--version'], {
      encoding: 'utf-8'
    });
    if (version.status !== 0) {
      throw new Error(
        'dvc is not installed in .venv: run scripts/setup.sh --tests'
      );
    }
    folder = writePipeline(spec());
    mkdirSync(join(folder, 'data'));
    writeFileSync(join(folder, 'data', 'train.csv'), CSV);
  });

  it('reproduces the recorded result as a script, and a param given on the command line changes it', () => {
    const run = python(['pipeline.py'], {
      cwd: folder,
      env: { TRAIL_DISABLED: '1' }
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(metrics(folder)).toEqual({ mse: expected(0.1).mse });
    expect(sha256(join(folder, 'model.txt'))).toBe(hashOf(expected(0.1).model));

    const override = python(['pipeline.py', '--lr', '0.5'], {
      cwd: folder,
      env: { TRAIL_DISABLED: '1' }
    });
    expect(override.stderr).toBe('');
    expect(metrics(folder)).toEqual({ mse: expected(0.5).mse });
    expect(expected(0.5).mse).not.toBe(expected(0.1).mse);
    expect(sha256(join(folder, 'model.txt'))).toBe(hashOf(expected(0.5).model));
  });

  it('still runs, and says why on stderr, when the MLflow run it is told to log metrics to cannot take them', () => {
    const run = python(['pipeline.py'], {
      cwd: folder,
      env: {
        TRAIL_DISABLED: '1',
        MLFLOW_RUN_ID: '0123456789abcdef0123456789abcdef',
        MLFLOW_TRACKING_URI: `file:${join(folder, 'no-mlruns')}`,
        MLFLOW_ALLOW_FILE_STORE: 'true'
      }
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^trail: metric 'mse' not logged to MLflow, nor any after it \(Run '0123456789abcdef0123456789abcdef' not found\)/
    );
    expect(run.stderr.match(/^trail: /gm)).toHaveLength(1);
    expect(metrics(folder)).toEqual({ mse: expected(0.1).mse });
  });

  it('runs as a notebook in a real kernel, a parameter injected after its parameters cell as papermill does', () => {
    // papermill is not among the test tools: nbclient (which papermill runs
    // notebooks with) executes the notebook with papermill's injected cell.
    const run = python(
      [
        '-c',
        [
          'import sys, nbformat',
          'from nbclient import NotebookClient',
          'nb = nbformat.read("pipeline.ipynb", as_version=4)',
          'at = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])][0]',
          'injected = nbformat.v4.new_code_cell("lr = 0.5", metadata={"tags": ["injected-parameters"]})',
          'nb.cells.insert(at + 1, injected)',
          'NotebookClient(nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": "."}}).execute()',
          'nbformat.validate(nb)'
        ].join('\n')
      ],
      { cwd: folder, env: { TRAIL_DISABLED: '1' } }
    );
    expect(run.status).toBe(0);
    expect(metrics(folder)).toEqual({ mse: expected(0.5).mse });
    expect(sha256(join(folder, 'model.txt'))).toBe(hashOf(expected(0.5).model));
  });

  it('runs under dvc repro with the recorded deps, params, outs and metrics', () => {
    dvc(folder, 'init', '--no-scm', '-q');
    dvc(folder, 'repro');
    expect(sha256(join(folder, 'model.txt'))).toBe(hashOf(expected(0.1).model));
    expect(metrics(folder)).toEqual({ mse: expected(0.1).mse });
    const lock = readFileSync(join(folder, 'dvc.lock'), 'utf-8');
    const md5 = (text: string): string =>
      createHash('md5').update(text).digest('hex');
    // DVC tracked what the recording declared: the input, the script, the param, the output.
    expect(lock).toContain(
      `- path: data/train.csv\n      hash: md5\n      md5: ${md5(CSV)}`
    );
    expect(lock).toContain('- path: pipeline.py');
    expect(lock).toMatch(/params:\s+params\.yaml:\s+lr: 0\.1/);
    expect(lock).toContain(
      `- path: model.txt\n      hash: md5\n      md5: ${md5(expected(0.1).model)}`
    );
    expect(dvc(folder, 'metrics', 'show', '--json')).toContain(
      `"mse": ${expected(0.1).mse}`
    );

    // Nothing changed: nothing runs.
    expect(dvc(folder, 'repro')).toMatch(/didn't change|up to date/);

    // A changed param reruns the stage.
    const params = readFileSync(join(folder, 'params.yaml'), 'utf-8').replace(
      'lr: 0.1',
      'lr: 0.5'
    );
    writeFileSync(join(folder, 'params.yaml'), params);
    expect(dvc(folder, 'status')).toContain('modified:');
    dvc(folder, 'repro');
    expect(metrics(folder)).toEqual({ mse: expected(0.5).mse });
    expect(sha256(join(folder, 'model.txt'))).toBe(hashOf(expected(0.5).model));
  });
});

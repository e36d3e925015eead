/**
 * `verifyPipeline` (contract C) on a pipeline folder written by the real
 * writer for a hand-made run, in a REAL fresh venv filled by pip from
 * requirements.txt (PyYAML at .venv's version, so pip's cache has it): the
 * run reproduces the recorded file hash, metrics and params; a tampered
 * metric is within or outside its tolerance; a missing input stops it
 * before anything runs; a requirement pip cannot find leaves it unable to
 * run, saying why.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSpec } from '../../src/records/export/pipeline';
import {
  verifyOutcome,
  verifyPipeline,
  VerifyError,
  type VerifyExpected,
  type VerifyPhase
} from '../../src/cli/verify';
import {
  ENVIRONMENT,
  PYTHON,
  sampleSpec,
  writePipeline
} from '../records/export-pipeline-support';

const CSV = 'x,y\n1,2\n2,4\n3,6\n';
const LR = 0.1;
// What the recorded run computed (the same float arithmetic as Python's).
const WEIGHT = (LR * (2 + 4 + 6)) / (1 + 2 + 3);
const MSE = [1, 2, 3].reduce((s, x) => s + (WEIGHT * x - 2 * x) ** 2, 0) / 3;
const PYYAML = ENVIRONMENT.packages!.find(p => p.name === 'PyYAML')!.version;

const sha = (text: string): string =>
  createHash('sha256').update(text).digest('hex');

function spec(overrides: Partial<PipelineSpec> = {}): PipelineSpec {
  return sampleSpec({
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        cellId: 'load',
        reason: 'defines rows used by step 2',
        python:
          'import csv\nwith open("data/train.csv", newline="") as f:\n    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]',
        imports: ['csv']
      },
      {
        step: 2,
        executionId: 'exec-2',
        cellId: 'fit',
        reason: 'writes model.yaml; logs mse, weight',
        python: [
          'import yaml, trail',
          'lr = PARAMS["lr"]',
          'trail.log_param("lr", lr)',
          'weight = lr * sum(y for _, y in rows) / sum(x for x, _ in rows)',
          'mse = sum((weight * x - y) ** 2 for x, y in rows) / len(rows)',
          'trail.log_metric("mse", mse)',
          'trail.log_metric("weight", weight)',
          'with open("model.yaml", "w") as f:',
          '    yaml.safe_dump({"weight": weight}, f)'
        ].join('\n'),
        imports: ['yaml', 'trail']
      },
      {
        step: 3,
        executionId: 'exec-3',
        cellId: 'where',
        reason: 'test only: what the run could import and see',
        python: [
          'import importlib.util, json, os, sys',
          'with open("run-env.json", "w") as f:',
          '    json.dump({"prefix": sys.prefix, "numpy": importlib.util.find_spec("numpy") is not None,',
          '               "jupyterlab_trail": importlib.util.find_spec("jupyterlab_trail") is not None,',
          '               "url": os.environ.get("TRAIL_URL"), "disabled": os.environ.get("TRAIL_DISABLED")}, f)'
        ].join('\n'),
        imports: ['importlib', 'json', 'os', 'sys']
      }
    ],
    params: { lr: LR },
    wiredParams: ['lr'],
    metrics: ['mse', 'weight'],
    metricValues: { mse: MSE, weight: WEIGHT },
    inputs: [
      {
        path: 'data/train.csv',
        step: 1,
        kind: 'file',
        sha256: sha(CSV),
        size: CSV.length
      }
    ],
    outputs: ['model.yaml'],
    pipRequirements: [],
    dropped: [],
    untranslated: [],
    ...overrides
  });
}

/** What the recording holds for spec(): the model file, both metrics, the param. */
function expected(): VerifyExpected {
  return {
    files: [{ path: 'model.yaml', sha256: sha(`weight: ${WEIGHT}\n`) }],
    metrics: [
      { name: 'mse', value: MSE },
      { name: 'weight', value: WEIGHT }
    ],
    params: [{ name: 'lr', value: LR }]
  };
}

function pipelineWithData(overrides: Partial<PipelineSpec> = {}): string {
  const folder = writePipeline(spec(overrides));
  mkdirSync(join(folder, 'data'));
  writeFileSync(join(folder, 'data', 'train.csv'), CSV);
  return folder;
}

const runEnv = (folder: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(folder, 'run-env.json'), 'utf-8'));

const timings: Record<string, string> = {};

afterAll(() => {
  // How long a verification takes here (pip's share under load varies most).
  process.stdout.write(`verify timings: ${JSON.stringify(timings)}\n`);
});

describe('verifyPipeline, in a real fresh venv (needs .venv and pip)', () => {
  it('reproduces the recorded file hash, metrics and params, in a venv that has only the requirements', async () => {
    const folder = pipelineWithData();
    expect(readFileSync(join(folder, 'requirements.txt'), 'utf-8')).toContain(
      `PyYAML==${PYYAML}`
    );
    const phases: VerifyPhase[] = [];
    const report = await verifyPipeline({
      folder,
      python: PYTHON,
      expected: expected(),
      tolerance: {},
      // As the export answers them (without: dvc.yaml's deps, as below).
      inputs: spec().inputs,
      onProgress: (message, phase) => {
        expect(message).toBeTruthy();
        phases.push(phase);
      }
    });
    timings.reproduced = `${report.durationMs} ms (venv ${report.environment.createMs} ms, pip ${report.environment.installMs} ms, run ${report.run?.durationMs} ms)`;
    expect(report.run?.stderr).toBe('');
    expect(report.environment).toMatchObject({
      installed: true,
      requirements: 1
    });
    expect(phases).toEqual(['venv', 'install', 'run', 'compare']);
    expect(report.files).toEqual([
      {
        path: 'model.yaml',
        recorded: expected().files[0].sha256,
        reproduced: expected().files[0].sha256,
        same: true,
        within: true,
        // What the run wrote is kept aside; the folder is left as it was.
        reproducedAt: join(report.kept!.reproduced, 'model.yaml')
      }
    ]);
    expect(report.kept?.folder).toMatch(/\/\.trail-verify\/[^/]+$/);
    expect(existsSync(join(folder, 'model.yaml'))).toBe(false);
    expect(report.metrics).toEqual([
      {
        name: 'mse',
        recorded: MSE,
        reproduced: MSE,
        within: true,
        tolerance: 0,
        difference: 0
      },
      {
        name: 'weight',
        recorded: WEIGHT,
        reproduced: WEIGHT,
        within: true,
        tolerance: 0,
        difference: 0
      }
    ]);
    expect(report.params).toEqual([
      { name: 'lr', recorded: LR, used: LR, same: true }
    ]);
    expect(report.inputs).toEqual([
      expect.objectContaining({
        path: 'data/train.csv',
        recorded: sha(CSV),
        same: true
      })
    ]);
    expect(report.reproduced).toBe(true);
    expect(verifyOutcome(report)).toBe('reproduced');
    // It ran in the new venv, which has PyYAML and not .venv's numpy, unrecorded.
    expect(runEnv(folder)).toEqual({
      prefix: report.environment.venv,
      numpy: false,
      jupyterlab_trail: false,
      url: null,
      disabled: '1'
    });
    expect(report.run?.recording).toBe('not asked to record the run');
    // The venv was a temporary one.
    expect(existsSync(report.environment.venv)).toBe(false);
  });

  it('compares a tampered metric within its tolerance, and another outside it, and says which', async () => {
    const folder = pipelineWithData();
    const tampered = expected();
    tampered.metrics = [
      { name: 'mse', value: MSE + 0.001 },
      { name: 'weight', value: WEIGHT + 0.5 }
    ];
    const report = await verifyPipeline({
      folder,
      python: PYTHON,
      expected: tampered,
      tolerance: { default: 0.1, metrics: { mse: 0.01 } },
      // Asked to record: jupyterlab_trail alone joins the run's path, with TRAIL_URL.
      record: { url: 'http://127.0.0.1:9', token: 't' }
    });
    timings.tolerance = `${report.durationMs} ms`;
    const [mse, weight] = report.metrics;
    expect(mse).toMatchObject({
      name: 'mse',
      reproduced: MSE,
      within: true,
      tolerance: 0.01
    });
    expect(mse.difference).toBeCloseTo(0.001, 12);
    expect(weight).toMatchObject({
      name: 'weight',
      reproduced: WEIGHT,
      within: false,
      tolerance: 0.1
    });
    expect(weight.difference).toBeCloseTo(0.5, 12);
    expect(report.files[0].same).toBe(true);
    expect(report.reproduced).toBe(false);
    expect(verifyOutcome(report)).toBe('not-reproduced');
    expect(runEnv(folder)).toMatchObject({
      numpy: false,
      jupyterlab_trail: true,
      url: 'http://127.0.0.1:9',
      disabled: null
    });
    expect(report.run?.recording).toContain('http://127.0.0.1:9');
  });

  it('does not count an output left by an earlier run, nor a run that failed', async () => {
    const fit = (tail: string[]): Partial<PipelineSpec> => {
      const steps = spec().steps;
      const code = steps[1].python.split('\n');
      // The model is no longer written (its two lines replaced).
      steps[1] = {
        ...steps[1],
        python: [...code.slice(0, -2), ...tail].join('\n')
      };
      return { steps };
    };
    const stale = pipelineWithData(fit([]));
    // What an earlier run wrote: the right model, the right metrics.
    writeFileSync(join(stale, 'model.yaml'), `weight: ${WEIGHT}\n`);
    const notWritten = await verifyPipeline({
      folder: stale,
      python: PYTHON,
      expected: expected(),
      tolerance: {}
    });
    expect(notWritten.run?.exitCode).toBe(0);
    expect(notWritten.files).toEqual([
      {
        path: 'model.yaml',
        recorded: expected().files[0].sha256,
        same: false,
        within: false
      }
    ]);
    expect(notWritten.metrics.every(m => m.within)).toBe(true);
    expect(notWritten.reproduced).toBe(false);

    const failing = pipelineWithData(fit(['raise RuntimeError("boom")']));
    writeFileSync(join(failing, 'model.yaml'), `weight: ${WEIGHT}\n`);
    writeFileSync(
      join(failing, 'metrics.json'),
      JSON.stringify({ mse: MSE, weight: WEIGHT })
    );
    const failed = await verifyPipeline({
      folder: failing,
      python: PYTHON,
      expected: expected(),
      tolerance: {}
    });
    timings.failing = `${failed.durationMs} ms`;
    expect(failed.run?.exitCode).toBe(1);
    expect(failed.run?.stderr).toContain('RuntimeError: boom');
    expect(failed.files[0]).toMatchObject({ same: false });
    expect(failed.files[0].reproduced).toBeUndefined();
    expect(failed.metrics.map(m => [m.reproduced, m.within])).toEqual([
      [undefined, false],
      [undefined, false]
    ]);
    expect(failed.params[0]).toEqual({ name: 'lr', recorded: LR, same: false });
    expect(verifyOutcome(failed)).toBe('not-reproduced');
  });

  it('stops before anything runs when a recorded input is missing, naming it (found in dvc.yaml)', async () => {
    const folder = writePipeline(spec());
    const phases: string[] = [];
    const verifying = verifyPipeline({
      folder,
      python: PYTHON,
      expected: expected(),
      tolerance: {},
      onProgress: (_, phase) => phases.push(phase)
    });
    await expect(verifying).rejects.toThrow(VerifyError);
    await expect(verifying).rejects.toMatchObject({
      code: 'input-missing',
      message: expect.stringContaining(
        `data/train.csv (looked for ${join(folder, 'data', 'train.csv')})`
      )
    });
    expect(phases).toEqual([]);
    expect(existsSync(join(folder, 'model.yaml'))).toBe(false);
    expect(existsSync(join(folder, 'metrics.json'))).toBe(false);
  });

  it('cannot run when pip cannot resolve a requirement, and says which', async () => {
    const folder = pipelineWithData({
      pipRequirements: ['nonexistent-package-trail==0.0.1']
    });
    const report = await verifyPipeline({
      folder,
      python: PYTHON,
      expected: expected(),
      tolerance: {}
    });
    timings.unresolvable = `${report.durationMs} ms`;
    expect(report.environment.installed).toBe(false);
    expect(report.environment.error).toMatch(
      /^pip could not install requirements\.txt: .*nonexistent-package-trail==0\.0\.1/
    );
    expect(report.run).toBeUndefined();
    expect(report.reproduced).toBe(false);
    expect(verifyOutcome(report)).toBe('could-not-run');
    expect(existsSync(join(folder, 'model.yaml'))).toBe(false);
  });

  it('refuses a folder without pipeline.py and a negative tolerance, nothing run', async () => {
    const folder = pipelineWithData();
    await expect(
      verifyPipeline({
        folder: join(folder, 'data'),
        python: PYTHON,
        expected: expected(),
        tolerance: {}
      })
    ).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringContaining('has no pipeline.py')
    });
    await expect(
      verifyPipeline({
        folder,
        python: PYTHON,
        expected: expected(),
        tolerance: { metrics: { mse: -1 } }
      })
    ).rejects.toMatchObject({
      code: 'bad-input',
      message: 'the tolerance of mse must be a number >= 0, got -1'
    });
    expect(existsSync(join(folder, 'metrics.json'))).toBe(false);
  });
});

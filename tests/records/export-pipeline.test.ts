/**
 * The pipeline writer (#15, contract 3): each file of the folder, read back
 * by what reads it for real (PyYAML for the YAML files, nbformat for the
 * notebook, Python for the script and its params).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  buildPipeline,
  resolveRequirements
} from '../../src/records/export/pipeline';
import { stepCode } from '../../src/records/export/pipeline/script';
import {
  ENVIRONMENT,
  fileOf,
  python,
  pythonJson,
  sampleSpec,
  writePipeline
} from './export-pipeline-support';

/** Every YAML file of a folder as PyYAML reads it, and nbformat's verdict on the notebook. */
function readBack(folder: string): Record<string, any> {
  return pythonJson(
    [
      'import json, os, sys, yaml, nbformat',
      'folder = sys.argv[1]',
      'out = {}',
      'for name in ("params.yaml", "dvc.yaml", "MLproject", "python_env.yaml"):',
      '    with open(os.path.join(folder, name)) as f:',
      '        out[name] = yaml.safe_load(f)',
      'nb = nbformat.read(os.path.join(folder, "pipeline.ipynb"), as_version=4)',
      'nbformat.validate(nb)',
      'out["notebook"] = {"minor": nb.nbformat_minor, "cells": [{"id": c.id, "type": c.cell_type, "tags": c.metadata.get("tags", []), "source": c.source} for c in nb.cells]}',
      'compile(open(os.path.join(folder, "pipeline.py")).read(), "pipeline.py", "exec")',
      'print(json.dumps(out))'
    ].join('\n'),
    [folder]
  ) as Record<string, any>;
}

/** A spec whose one step prints PARAMS as JSON. */
function paramsPrinter(): ReturnType<typeof sampleSpec> {
  return sampleSpec({
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        reason: 'shows the params',
        python: 'import json\nprint(json.dumps(PARAMS, sort_keys=True))',
        imports: ['json']
      }
    ],
    outputs: []
  });
}

describe('buildPipeline', () => {
  const spec = sampleSpec();
  const pipeline = buildPipeline(spec);
  let folder: string;
  let back: Record<string, any>;
  beforeAll(() => {
    folder = writePipeline(spec);
    back = readBack(folder);
  });

  it('writes the ten files of the folder', () => {
    expect(pipeline.files.map(f => f.path).sort()).toEqual(
      [
        'Dockerfile',
        'MLproject',
        'README.md',
        'dvc.yaml',
        'params.yaml',
        'pipeline.ipynb',
        'pipeline.py',
        'python_env.yaml',
        'requirements.lock',
        'requirements.txt'
      ].sort()
    );
  });

  it('writes params.yaml so that each param reads back as recorded', () => {
    expect(back['params.yaml']).toEqual(spec.params);
  });

  it('declares a dvc stage from what was recorded', () => {
    expect(back['dvc.yaml']).toEqual({
      stages: {
        train: {
          cmd: 'python pipeline.py',
          deps: ['pipeline.py', 'data/train.csv'],
          // model.depth would be nested for DVC; /tmp/elsewhere.bin is outside the workspace.
          params: ['lr', 'epochs', 'tiny', 'shuffle', 'name', 'seed'],
          outs: ['model.txt'],
          metrics: [{ 'metrics.json': { cache: false } }]
        }
      }
    });
  });

  it('runs the stage in the notebook folder when the pipeline sits elsewhere', () => {
    const placed = sampleSpec({
      placement: {
        notebookDir: '../..',
        pipelineDir: 'pipelines/train-2026-12-06'
      }
    });
    const dvc = readBack(writePipeline(placed))['dvc.yaml'].stages.train;
    expect(dvc.wdir).toBe('../..');
    // DVC refuses outputs outside its project: the README has it run from
    // the notebook's folder, where the outputs are written.
    const readme = buildPipeline(placed).files.find(
      file => file.path === 'README.md'
    )!.content;
    expect(readme).toContain('cd ../..   # the notebook');
    expect(readme).toContain('dvc repro pipelines/train-2026-12-06/dvc.yaml');
    expect(dvc.cmd).toBe('python pipelines/train-2026-12-06/pipeline.py');
    expect(dvc.deps).toEqual([
      'pipelines/train-2026-12-06/pipeline.py',
      'data/train.csv'
    ]);
    expect(dvc.params).toEqual([
      {
        'pipelines/train-2026-12-06/params.yaml': [
          'lr',
          'epochs',
          'tiny',
          'shuffle',
          'name',
          'seed'
        ]
      }
    ]);
    expect(dvc.metrics).toEqual([
      { 'pipelines/train-2026-12-06/metrics.json': { cache: false } }
    ]);
    expect(fileOf(buildPipeline(placed), 'pipeline.py')).toContain(
      'NOTEBOOK_DIR = "../.."'
    );
  });

  it('gives MLflow an entry point whose parameters are the params, and the recorded Python', () => {
    const project = back.MLproject;
    expect(project.name).toBe('train');
    expect(project.python_env).toBe('python_env.yaml');
    expect(project.entry_points.main.parameters).toEqual({
      lr: { type: 'float', default: 0.1 },
      epochs: { type: 'float', default: 3 },
      tiny: { type: 'float', default: 1e-7 },
      shuffle: { type: 'string', default: 'true' },
      name: { type: 'string', default: 'a "b": #c' },
      seed: { type: 'string', default: '' }
    });
    expect(project.entry_points.main.command).toBe(
      'python pipeline.py --lr {lr} --epochs {epochs} --tiny {tiny} --shuffle {shuffle} --name {name} --seed {seed}'
    );
    expect(back['python_env.yaml']).toEqual({
      python: '3.11.9',
      build_dependencies: ['pip'],
      dependencies: ['-r requirements.txt']
    });
  });

  it('builds the Docker image on the recorded Python', () => {
    const docker = fileOf(pipeline, 'Dockerfile');
    expect(docker).toMatch(/^FROM python:3\.11-slim$/m);
    expect(docker).toMatch(
      /^RUN pip install --no-cache-dir -r requirements\.txt$/m
    );
    expect(docker).toMatch(/^CMD \["python", "pipeline\.py"\]$/m);
  });

  it('writes a notebook nbformat accepts, with a papermill parameters cell', () => {
    const { cells, minor } = back.notebook;
    expect(minor).toBe(5);
    const parameters = cells.filter((c: any) => c.tags.includes('parameters'));
    expect(parameters).toHaveLength(1);
    expect(parameters[0].source.split('\n')).toEqual([
      'lr = 0.1',
      'epochs = 3',
      'tiny = 1e-7',
      'shuffle = True',
      'name = "a \\"b\\": #c"',
      'seed = None',
      'model_depth = 4  # param "model.depth"'
    ]);
    expect(cells.map((c: any) => c.id)).toEqual([
      'trail-about',
      'trail-parameters',
      'trail-prologue',
      'step-1',
      'step-4',
      'trail-epilogue'
    ]);
    expect(cells[2].source).toContain('PARAMS = {"lr": lr, "epochs": epochs');
    expect(cells[2].source).toContain('"model.depth": model_depth}');
  });

  it('puts the kept steps in order, each under the step and cell it came from', () => {
    const script = fileOf(pipeline, 'pipeline.py');
    const first = script.indexOf(
      '# ---- Step 1 (cell cell-load, execution exec-1): defines rows used by step 4'
    );
    const second = script.indexOf(
      '# ---- Step 4 (cell cell-fit, execution exec-4): writes model.txt; logs score'
    );
    expect(first).toBeGreaterThan(
      script.indexOf('_sys.modules["trail"] = trail')
    );
    expect(second).toBeGreaterThan(first);
    expect(script.indexOf('trail.finish(')).toBeGreaterThan(second);
    expect(script).not.toMatch(/^import jupyterlab_trail/m);
  });

  it('writes a README with provenance, what was dropped and why, and how to run it', () => {
    const text = fileOf(pipeline, 'README.md');
    for (const expected of [
      '`sess-abc123` on http://trail.example:8765',
      'Author: Alice',
      '`env-0123456789abcdef` (python 3.11.9, 8 packages)',
      `| \`data/train.csv\` | \`${'f'.repeat(64)}\` | 24 | 1 |`,
      '| 2 | `cell-plot` | display | only shows rows.head() |',
      '| 3 | `cell-fit` | failed | NameError: name lr is not defined |',
      '- step 4, line 7: `%load_ext foo` (an extension of its own)',
      '| `epochs` | `3` | no: the code sets it itself; overriding it changes only what is logged |',
      '| `seed` | `null` | no: None cannot be given on the command line; overriding',
      '- `score` (recorded: 1.2)',
      'Not declared as DVC outputs (outside the workspace): `/tmp/elsewhere.bin`',
      'python pipeline.py --lr 0.1',
      'dvc repro',
      'dvc exp run -S lr=0.1',
      'mlflow run . --env-manager local -P lr=0.1',
      'papermill pipeline.ipynb out.ipynb -p lr 0.1',
      '**Not pinned:** `helpers_of_mine`'
    ]) {
      expect(text).toContain(expected);
    }
    // Every input is relative here: nothing to say about absolute paths.
    expect(text).not.toContain('Read by an absolute path');
  });

  it('says in the README which inputs are read by an absolute path', () => {
    const spec = sampleSpec();
    const input = spec.inputs[0];
    spec.inputs = [
      input,
      { ...input, path: '/mnt/shared/labels.csv', step: 2 },
      { ...input, path: 'C:\\data\\extra.csv', step: 3 }
    ];
    const text = fileOf(buildPipeline(spec), 'README.md');
    expect(text).toContain(
      '**Read by an absolute path:** `/mnt/shared/labels.csv`, `C:\\data\\extra.csv`. ' +
        'On another machine (or in the Docker image, which mounts only this folder) the pipeline finds them only at the same path'
    );
    expect(text).not.toMatch(/absolute path:[^\n]*data\/train\.csv/);
  });
});

describe('requirements', () => {
  it('pins what the code imports at the recorded versions, and the %pip requirements', () => {
    const pipeline = buildPipeline(sampleSpec());
    expect(pipeline.unresolvedImports).toEqual(['helpers_of_mine']);
    const lines = fileOf(pipeline, 'requirements.txt')
      .split('\n')
      .filter(l => l && !l.startsWith('#'));
    expect(lines).toEqual([
      '-c requirements.lock',
      'lightgbm==4.5.0',
      'opencv-python-headless==4.10.0.84',
      'pillow==11.0.0',
      'PyYAML==6.0.4',
      'scikit-learn==1.5.0',
      'xgboost==2.0.3'
    ]);
    expect(fileOf(pipeline, 'requirements.txt')).toContain(
      '# Not carried over from %pip install: -r extra.txt'
    );
  });

  it('leaves out the standard library and Trail, and keeps a %pip version as written', () => {
    const resolved = resolveRequirements(
      [
        'os',
        'json',
        '__future__',
        '_thread',
        'trail',
        'jupyterlab_trail',
        'sklearn',
        'mpl_toolkits'
      ],
      ['scikit-learn>=1.4', 'pandas'],
      ENVIRONMENT
    );
    expect(resolved.requirements).toEqual([
      'pandas==3.1.1',
      'scikit-learn>=1.4'
    ]);
    expect(resolved.unresolved).toEqual(['mpl_toolkits']);
  });

  it('locks the full recorded freeze, sorted', () => {
    const lock = fileOf(buildPipeline(sampleSpec()), 'requirements.lock')
      .split('\n')
      .filter(l => l && !l.startsWith('#'));
    expect(lock).toHaveLength(ENVIRONMENT.packages.length);
    expect(lock[0]).toBe('lightgbm==4.5.0');
    expect(lock).toContain('PyYAML==6.0.4');
  });

  it('is accepted by pip as a requirements file with constraints', () => {
    const folder = writePipeline(sampleSpec());
    const parsed = pythonJson(
      [
        'import json, sys',
        'from pip._internal.req.req_file import parse_requirements',
        'from pip._internal.network.session import PipSession',
        'reqs = list(parse_requirements(sys.argv[1], session=PipSession()))',
        'print(json.dumps([[r.requirement, r.constraint] for r in reqs]))'
      ].join('\n'),
      [join(folder, 'requirements.txt')]
    ) as [string, boolean][];
    expect(parsed.filter(([, constraint]) => constraint)).toHaveLength(
      ENVIRONMENT.packages.length
    );
    expect(
      parsed.filter(([, constraint]) => !constraint).map(([r]) => r)
    ).toContain('scikit-learn==1.5.0');
  });
});

describe('pipeline.py', () => {
  it('neutralises imports of the kernel module as trail, keeping the indentation', () => {
    expect(
      stepCode('if True:\n    import jupyterlab_trail.kernel as trail\nx = 1')
    ).toBe(
      "if True:\n    pass  # trail: the pipeline's own trail object stands in for: import jupyterlab_trail.kernel as trail\nx = 1"
    );
    expect(
      stepCode('from jupyterlab_trail import kernel as trail  # log')
    ).toMatch(/^pass {2}# trail:/);
    expect(stepCode('import trail')).toBe('import trail');
  });

  it('reads params.yaml in the recorded types, with PyYAML and without it', () => {
    const folder = writePipeline(paramsPrinter());
    const expected = { ...sampleSpec().params };
    const withYaml = python(['pipeline.py'], { cwd: folder });
    expect(withYaml.stderr).toBe('');
    expect(JSON.parse(withYaml.stdout)).toEqual(expected);
    // PyYAML hidden: the script's flat reader.
    const flat = python(
      [
        '-c',
        'import sys, runpy; sys.modules["yaml"] = None; sys.argv = ["pipeline.py"]; runpy.run_path("pipeline.py", run_name="__main__")'
      ],
      { cwd: folder }
    );
    expect(flat.stderr).toBe('');
    expect(JSON.parse(flat.stdout)).toEqual(expected);
  });

  it('takes --name value over params.yaml, in the type of the recorded value', () => {
    const folder = writePipeline(paramsPrinter());
    const run = python(
      [
        'pipeline.py',
        '--lr',
        '0.5',
        '--epochs',
        '10',
        '--shuffle',
        'false',
        '--seed',
        '7',
        '--model.depth',
        '6',
        '--name',
        'x'
      ],
      { cwd: folder }
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({
      lr: 0.5,
      epochs: 10,
      shuffle: false,
      seed: '7',
      'model.depth': 6,
      name: 'x',
      tiny: 1e-7
    });
    const bad = python(['pipeline.py', '--epochs', 'many'], { cwd: folder });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      "argument --epochs: invalid int value: 'many'"
    );
  });

  it('takes a param named like an option of its own (--help)', () => {
    const folder = writePipeline({ ...paramsPrinter(), params: { help: 1 } });
    const run = python(['pipeline.py', '--help', '2'], { cwd: folder });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ help: 2 });
  });

  it('reads a value written by another YAML writer (1e-05 without a dot) as a number', () => {
    const folder = writePipeline(paramsPrinter());
    const params = readFileSync(join(folder, 'params.yaml'), 'utf-8').replace(
      'tiny: 1.0e-7',
      'tiny: 1e-05'
    );
    writeFileSync(join(folder, 'params.yaml'), params);
    const run = python(['pipeline.py'], { cwd: folder });
    expect(JSON.parse(run.stdout).tiny).toBe(1e-5);
  });

  it('writes the metrics it logged to metrics.json, through import trail', () => {
    const folder = writePipeline(
      sampleSpec({
        steps: [
          {
            step: 2,
            executionId: 'exec-2',
            reason: 'logs acc',
            // The code may use the prologue's plain names for itself.
            python:
              'import trail\ntrail.log_metric("acc", 0.5)\ntrail.log_metrics({"loss": float("nan"), "n": 3})\ntrail.log_metric("acc", 0.75)\nHERE = SOURCE = "/nowhere"\ntrail = None',
            imports: ['trail']
          }
        ]
      })
    );
    const run = python(['pipeline.py'], { cwd: folder });
    expect(run.stderr).toBe('');
    expect(
      JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'))
    ).toEqual({ acc: 0.75, loss: null, n: 3 });
  });

  it("records through the kernel's own trail when run where Trail records, and gives it back at the end", () => {
    const folder = writePipeline(
      sampleSpec({
        steps: [
          {
            step: 2,
            executionId: 'exec-2',
            reason: 'logs',
            python: 'import trail\ntrail.log_metric("acc", 0.5)',
            imports: ['trail']
          }
        ]
      })
    );
    const run = python(
      [
        '-c',
        [
          'import json, runpy, sys, types',
          'kernel = types.ModuleType("trail")',
          'calls = []',
          'kernel.log_metric = lambda *args: calls.append(["log_metric", *args])',
          'sys.modules["trail"] = kernel',
          'sys.argv = ["pipeline.py"]',
          'runpy.run_path("pipeline.py", run_name="__main__")',
          'print(json.dumps({"calls": calls, "restored": sys.modules["trail"] is kernel}))'
        ].join('\n')
      ],
      { cwd: folder, env: { TRAIL_DISABLED: '' } }
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      calls: [['log_metric', 'acc', 0.5, null]],
      restored: true
    });
    expect(
      JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'))
    ).toEqual({ acc: 0.5 });
  });

  it('records through jupyterlab_trail.pipeline_run when it is installed (the seam)', () => {
    const folder = writePipeline(
      sampleSpec({
        steps: [
          {
            step: 2,
            executionId: 'exec-2',
            reason: 'logs',
            python:
              'trail.log_param("lr", PARAMS["lr"])\ntrail.tag("fast")\nx = trail.dataset("data/train.csv")\ntrail.log_metric("acc", 0.5, step=1)',
            imports: []
          }
        ]
      })
    );
    // A stand-in recorder, found first on PYTHONPATH.
    const fake = join(folder, 'fake');
    mkdirSync(join(fake, 'jupyterlab_trail'), {
      recursive: true
    });
    writeFileSync(join(fake, 'jupyterlab_trail', '__init__.py'), '');
    writeFileSync(
      join(fake, 'jupyterlab_trail', 'pipeline_run.py'),
      [
        'import json, os',
        'class Run:',
        '    def __init__(self, source, params): self.calls = [["start", source["session"], params["lr"]]]',
        '    def __getattr__(self, method):',
        '        return lambda *args: self.calls.append([method, *args])',
        '    def finish(self, metrics):',
        '        self.calls.append(["finish", metrics])',
        '        json.dump(self.calls, open(os.environ["CALLS"], "w"))',
        'def start(source, params): return Run(source, params)'
      ].join('\n')
    );
    const calls = join(folder, 'calls.json');
    const run = python(['pipeline.py', '--lr', '0.3'], {
      cwd: folder,
      env: { PYTHONPATH: fake, CALLS: calls, TRAIL_DISABLED: '' }
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(readFileSync(calls, 'utf-8'))).toEqual([
      ['start', 'sess-abc123', 0.3],
      ['log_param', 'lr', 0.3],
      ['tag', 'fast'],
      ['dataset', 'data/train.csv', 'input'],
      ['log_metric', 'acc', 0.5, 1],
      ['finish', { acc: 0.5 }]
    ]);
  });
});

/**
 * Export to a pipeline end to end (#15), as a new user meets it: a
 * realistic training notebook (CSV -> features -> a scikit-learn model ->
 * metrics -> a pickled model -> a matplotlib PNG, with a display-only cell,
 * a cell run twice with an edit between, a failed cell, `%matplotlib
 * inline` and `%pip install`) is recorded through the one recorder in a
 * real kernel and delivered to a real Trail server; the server's export API
 * turns it into a pipeline folder; then, in a FRESH virtual environment
 * built from nothing but the folder's requirements.txt, `python
 * pipeline.py` and real `dvc repro` reproduce the recorded sha256 of the
 * model file and of the plot, and the recorded metrics; and `trail export
 * --verify` says so, its run recorded as linked to the session. ~100 s on
 * an idle machine (pip from its cache), ~250 s at load 15 on 2 cores.
 *
 * Needs .venv with scikit-learn, matplotlib and DVC (`scripts/setup.sh
 * --tests`) and PyPI or its wheels in pip's cache for the fresh venv.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TrailClient } from '../../src/client';
import type { TrailEvent } from '../../src/records/schema';
import {
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import type { VerifyReport } from '../../src/cli/verify';
import {
  bundleCli,
  cleanEnv,
  PYTHON,
  recordSession,
  type RecordedCell
} from './support';

jest.setTimeout(300000);

const TOKEN = 'export-e2e-owner-token-0123456789';
const VENV_BIN = dirname(PYTHON);
const MODEL = 'models/model.pkl';
const PLOT = 'plots/test-scores.png';

/**
 * 240 rows of two features and a label that depends on them with some
 * overlap, from a fixed linear congruential generator: the same bytes on
 * every run.
 */
function trainingCsv(): string {
  let state = 20261206;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 240; i++) {
    const x1 = Math.round(next() * 1000) / 100;
    const x2 = Math.round(next() * 1000) / 100;
    const noise = next() * 4 - 2;
    rows.push(`${x1},${x2},${x1 - 0.6 * x2 + noise > 1.5 ? 1 : 0}`);
  }
  return rows.join('\n') + '\n';
}

/** The notebook as its author ran it, top to bottom with one edit. */
const TRAIN_CELL = (c: number) =>
  'from sklearn.linear_model import LogisticRegression\n' +
  `C = ${c}\n` +
  'trail.log_param("C", C)\n' +
  'model = LogisticRegression(C=C, max_iter=500)\n' +
  'model.fit(X_train, y_train)';
const CELLS: RecordedCell[] = [
  {
    id: 'setup',
    code: '%matplotlib inline\nimport numpy as np\nimport pandas as pd\nimport trail'
  },
  { id: 'pip', code: '%pip install scikit-learn==1.9.1' },
  {
    id: 'load',
    code: 'df = pd.read_csv("data/train.csv")\nprint(df.shape)'
  },
  { id: 'look', code: 'df.describe()' },
  {
    id: 'features',
    code:
      'df["ratio"] = df["x1"] / (df["x2"] + 1)\n' +
      'features = ["x1", "x2", "ratio"]\n' +
      'X = df[features].to_numpy()\n' +
      'y = df["label"].to_numpy()'
  },
  {
    id: 'scale',
    code: 'X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)\nX_scaled.shape[2]',
    fails: true
  },
  {
    id: 'split',
    code:
      'from sklearn.model_selection import train_test_split\n' +
      'X_train, X_test, y_train, y_test = train_test_split(\n' +
      '    X, y, test_size=0.25, random_state=7, stratify=y\n' +
      ')'
  },
  // Run once, edited (C), run again: the first run is superseded.
  { id: 'train', code: TRAIN_CELL(1.0) },
  { id: 'train', code: TRAIN_CELL(0.5) },
  {
    id: 'evaluate',
    code:
      'from sklearn.metrics import accuracy_score, f1_score\n' +
      'predicted = model.predict(X_test)\n' +
      'accuracy = accuracy_score(y_test, predicted)\n' +
      'trail.log_metric("accuracy", accuracy)\n' +
      'trail.log_metric("f1", f1_score(y_test, predicted))\n' +
      'print(f"accuracy {accuracy:.4f}")'
  },
  {
    id: 'save',
    code:
      'import os, pickle\n' +
      'os.makedirs("models", exist_ok=True)\n' +
      `with open("${MODEL}", "wb") as f:\n` +
      '    pickle.dump(model, f, protocol=4)'
  },
  {
    id: 'plot',
    code:
      'import matplotlib.pyplot as plt\n' +
      'os.makedirs("plots", exist_ok=True)\n' +
      'scores = model.predict_proba(X_test)[:, 1]\n' +
      'fig, ax = plt.subplots(figsize=(4, 3))\n' +
      'ax.scatter(X_test[:, 0], X_test[:, 1], c=scores, s=8, cmap="viridis")\n' +
      'ax.set_title(f"accuracy {accuracy:.3f}")\n' +
      `fig.savefig("${PLOT}", dpi=80, metadata={"Software": None})\n` +
      'plt.close(fig)'
  },
  { id: 'peek', code: 'print(model.coef_.round(3))' }
];

let tmp: string;
let work: string;
let server: RunningServer;
let client: TrailClient;
let events: TrailEvent[];
let sessionId: string;

const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

/** The last recorded hash of each file the run wrote, from the events. */
function recordedWrites(): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const event of events) {
    const capture =
      event.kind === 'execution.completed'
        ? event.execution.capture
        : event.kind === 'execution.annotated'
          ? event.capture
          : undefined;
    for (const file of capture?.files ?? []) {
      if (file.access !== 'read' && file.sha256) {
        hashes.set(file.path, file.sha256);
      }
    }
  }
  return hashes;
}

/** The last recorded value of each metric, from the events. */
function recordedMetrics(): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const event of events) {
    const capture =
      event.kind === 'execution.completed'
        ? event.execution.capture
        : event.kind === 'execution.annotated'
          ? event.capture
          : undefined;
    for (const metric of capture?.metrics ?? []) {
      values[metric.name] = metric.value;
    }
  }
  return values;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeout = 240000
): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf-8',
    env: { ...process.env, DVC_NO_ANALYTICS: '1', ...env },
    timeout
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`
    );
  }
  return result.stdout + result.stderr;
}

beforeAll(async () => {
  const missing = spawnSync(PYTHON, [
    '-c',
    'import sklearn, matplotlib, dvc'
  ]).status;
  if (missing !== 0) {
    throw new Error(
      'scikit-learn, matplotlib or dvc is missing in .venv: run scripts/setup.sh --tests'
    );
  }
  buildServer();
  tmp = mkdtempSync(join(tmpdir(), 'trail-export-e2e-'));
  bundleCli(join(tmp, 'trail.cjs'));
  work = join(tmp, 'work');
  mkdirSync(join(work, 'data'), { recursive: true });
  writeFileSync(join(work, 'data', 'train.csv'), trainingCsv());
  server = await startServer(join(tmp, 'data'), TOKEN, {
    TRAIL_PYTHON: PYTHON
  });
  client = new TrailClient({
    baseUrl: server.line.url,
    token: TOKEN,
    timeoutMs: 120000
  });
  ({ sessionId, events } = await recordSession(client, work, {
    cells: CELLS,
    input: 'data/train.csv',
    hashed: [MODEL, PLOT]
  }));
});

afterAll(async () => {
  await server?.stop();
  if (tmp && !process.env.TRAIL_KEEP_E2E) {
    rmSync(tmp, { recursive: true, force: true });
  }
});

it('exports the recorded training run, and a fresh venv reproduces the model file, the plot and the metrics with python pipeline.py and dvc repro', async () => {
  const recorded = recordedWrites();
  expect([...recorded.keys()].sort()).toEqual([MODEL, PLOT]);
  const metrics = recordedMetrics();
  expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'f1']);
  expect(metrics.accuracy).toBeGreaterThan(0.7);

  const result = await client.exportPipeline(sessionId, {});
  const today = new Date().toISOString().slice(0, 10);
  expect(result.folder).toBe(`pipelines/analysis-${today}`);
  expect(result.upto).toBe(CELLS.length);

  if (process.env.TRAIL_KEEP_E2E) {
    writeFileSync(join(tmp, 'export.json'), JSON.stringify(result, null, 1));
  }
  // What was kept and dropped, and why (steps are 1-based, in run order):
  // the failed scaling, the displays and the first training run (edited
  // and run again before anything used it) are dead ends.
  expect({
    kept: result.kept.map(k => k.step),
    dropped: result.dropped.map(d => `${d.step} ${d.reason}`)
  }).toEqual({
    kept: [1, 3, 5, 7, 9, 10, 11, 12],
    dropped: [
      expect.stringMatching(/^2 /), // %pip only: its requirement stays
      '4 display', // df.describe()
      '6 failed', // the scaling that raised
      '8 superseded', // train with C = 1.0
      '13 display' // the peek at the coefficients
    ]
  });
  expect(result.translations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        step: 1,
        magic: expect.stringMatching(/^%matplotlib/)
      })
    ])
  );
  expect(result.unresolvedImports).toEqual([]);
  expect(result.inputs.map(i => i.path)).toEqual(['data/train.csv']);
  expect([...result.outputs].sort()).toEqual([MODEL, PLOT]);
  expect(
    Object.fromEntries(result.expected.files.map(f => [f.path, f.sha256]))
  ).toEqual(Object.fromEntries(recorded));
  expect(
    Object.fromEntries(result.expected.metrics.map(m => [m.name, m.value]))
  ).toEqual(metrics);
  expect(result.expected.params).toEqual([{ name: 'C', value: 0.5 }]);

  const file = (name: string): string => {
    const found = result.files.find(f => f.path === name);
    if (!found) {
      throw new Error(`the export has no ${name}`);
    }
    return found.content;
  };
  // The dead ends are not in the script; the kept code is, in run order.
  const script = file('pipeline.py');
  expect(script).not.toContain('X_scaled');
  expect(script).not.toContain('describe()');
  expect(script).not.toContain('C = 1.0');
  expect(script).toContain('pickle.dump(model, f, protocol=4)');
  expect(script.indexOf('train_test_split(')).toBeLessThan(
    script.indexOf('model.fit(')
  );
  const requirements = file('requirements.txt');
  expect(requirements).toMatch(/^scikit-learn==1\.9\.1$/m);
  expect(requirements).toMatch(/^pandas==/m);
  expect(requirements).toMatch(/^matplotlib==/m);

  // The folder, beside the notebook as the dialog and trail export put it.
  const folder = join(work, result.folder);
  for (const { path, content } of result.files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }

  // A fresh venv from requirements.txt alone (pip's cache may serve wheels).
  const venv = join(tmp, 'fresh-venv');
  run(PYTHON, ['-m', 'venv', venv], tmp);
  const bin = join(venv, 'bin');
  run(
    join(bin, 'python'),
    [
      '-m',
      'pip',
      'install',
      '--retries',
      '0',
      '--disable-pip-version-check',
      '-q',
      '-r',
      join(folder, 'requirements.txt')
    ],
    folder
  );
  expect(
    spawnSync(join(bin, 'python'), ['-c', 'import jupyterlab_trail'], {
      cwd: tmp
    }).status
  ).not.toBe(0);

  const outputs = [MODEL, PLOT].map(path => join(work, path));
  const clear = (): void => {
    for (const path of [...outputs, join(folder, 'metrics.json')]) {
      rmSync(path, { force: true });
    }
  };
  const reproduced = (): void => {
    expect(sha256(join(work, MODEL))).toBe(recorded.get(MODEL));
    expect(sha256(join(work, PLOT))).toBe(recorded.get(PLOT));
    expect(
      JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'))
    ).toEqual(metrics);
  };

  // 1. As a script, in the fresh venv.
  clear();
  run(join(bin, 'python'), ['pipeline.py'], folder, {
    PATH: `${bin}:${process.env.PATH}`
  });
  reproduced();

  // 2. Under real DVC (the repo's), its stage's python the fresh venv's.
  clear();
  const dvc = join(VENV_BIN, 'dvc');
  const env = { PATH: `${bin}:${process.env.PATH}` };
  run(dvc, ['init', '--no-scm', '-q'], work, env);
  const stage = join(result.folder, 'dvc.yaml');
  const repro = run(dvc, ['repro', stage], work, env);
  expect(repro).toMatch(/Running stage '[^']*:?train'/);
  reproduced();
  const lock = readFileSync(join(folder, 'dvc.lock'), 'utf-8');
  expect(lock).toContain('data/train.csv');
  expect(lock).toContain(MODEL);
  expect(lock).toContain(PLOT);
  // Nothing changed: DVC skips the stage.
  expect(run(dvc, ['repro', stage], work, env)).toMatch(
    /didn't change|skipping|up to date/i
  );
  expect(existsSync(join(work, MODEL))).toBe(true);
});

it('trail export --verify says the training run reproduced: a clean venv from the requirements, the model, the plot and both metrics the same, the run recorded as linked to the session', async () => {
  const bundle = join(tmp, 'trail.cjs');
  const env = cleanEnv({
    TRAIL_URL: server.line.url,
    TRAIL_TOKEN: TOKEN,
    TRAIL_CLI: bundle
  });
  // pip may take minutes on a loaded machine: runCli's 90 s is too short.
  const run = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        bundle,
        'export',
        sessionId,
        '--out',
        'pipelines/verified',
        '--verify',
        '--json'
      ],
      { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280000);
    child.once('error', reject);
    child.once('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
    code: 0,
    stderr: ''
  });
  const report = JSON.parse(run.stdout).verify as VerifyReport;
  expect(report.environment.installed).toBe(true);
  expect(report.reproduced).toBe(true);
  expect(report.files.map(f => [f.path, f.same]).sort()).toEqual([
    [MODEL, true],
    [PLOT, true]
  ]);
  expect(report.metrics.map(m => [m.name, m.within]).sort()).toEqual([
    ['accuracy', true],
    ['f1', true]
  ]);
  const recordedAs = report.run?.recordedAs;
  expect(recordedAs?.sessionId).toBeTruthy();
  const session = await client.getSession(recordedAs!.sessionId);
  expect(session.lineage).toMatchObject({ kind: 'export', sessionId });
});

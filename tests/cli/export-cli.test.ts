/**
 * `trail export` end to end: the bundled command, run as a user would in
 * the notebook's folder, against a real Trail server holding a session
 * recorded through the real recorder in a real kernel. The notebook reads
 * a CSV, logs a param, shows a table (display only), fails once, fits a
 * weight and logs a metric, and writes a model file. The export writes the
 * folder (nothing else beside it), says what it dropped and why; the
 * script it wrote, run with the project's Python, writes the model file
 * with the recorded hash and the metric with the recorded value. A
 * non-empty --out is refused (exit 2, untouched) and replaced with
 * --force; a target nothing produced exits 2 naming it, writing nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import type { ExportDocument } from '../../src/cli/export';
import type { VerifyReport } from '../../src/cli/verify';
import {
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import {
  bundleCli,
  cleanEnv,
  PYTHON,
  recordSession,
  runCli,
  type CliRun,
  type RecordedCell
} from './support';

jest.setTimeout(240000);

const TOKEN = 'export-cli-owner-token-0123456789';

const CSV = 'x,y\n1,2\n2,4\n3,7\n';

const CELLS: RecordedCell[] = [
  { id: 'cell-import', code: 'import pandas as pd\nimport trail' },
  { id: 'cell-read', code: 'df = pd.read_csv("data.csv")' },
  { id: 'cell-param', code: 'lr = 0.5\ntrail.log_param("lr", lr)' },
  { id: 'cell-show', code: 'df.head()' },
  { id: 'cell-typo', code: 'weight = lr * df["why"].sum()', fails: true },
  {
    id: 'cell-fit',
    code:
      'weight = lr * float(df["y"].sum()) / float(df["x"].sum())\n' +
      'mse = float(((weight * df["x"] - df["y"]) ** 2).mean())\n' +
      'trail.log_metric("mse", mse)'
  },
  {
    id: 'cell-save',
    code: 'with open("model.txt", "w") as f:\n    f.write("weight=%r\\n" % weight)'
  }
];

let tmp: string;
let work: string;
let bundle: string;
let server: RunningServer;
let sessionId: string;
/** What the recording wrote to model.txt, and its metric. */
let recordedModel: string;
let recordedMse: number;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-export-cli-'));
  work = join(tmp, 'work');
  bundle = join(tmp, 'trail.cjs');
  buildServer();
  bundleCli(bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  const client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
  mkdirSync(work);
  writeFileSync(join(work, 'data.csv'), CSV);
  sessionId = (
    await recordSession(client, work, { cells: CELLS, hashed: ['model.txt'] })
  ).sessionId;
  recordedModel = readFileSync(join(work, 'model.txt'), 'utf8');
  const weight = (0.5 * 13) / 6;
  recordedMse =
    [
      [1, 2],
      [2, 4],
      [3, 7]
    ].reduce((sum, [x, y]) => sum + (weight * x - y) ** 2, 0) / 3;
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => cleanEnv({ TRAIL_URL: server.line.url, TRAIL_TOKEN: TOKEN });

function trail(args: string[]): Promise<CliRun> {
  return runCli(bundle, args, work, env());
}

const sha256 = (text: string | Buffer) =>
  createHash('sha256').update(text).digest('hex');

function documentOf(
  run: CliRun
): ExportDocument & { error?: { message: string; exitCode: number } } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `not one JSON document:\n${run.stdout}\n--- stderr:\n${run.stderr}`
    );
  }
}

/** The names in `dir`, sorted. */
const list = (dir: string) => readdirSync(dir).sort();

it('writes the pipeline folder and reports what it kept and dropped, with why', async () => {
  const run = await trail(['export', sessionId, '--out', 'pipelines/train']);
  expect(run.stderr).not.toMatch(/trail export:/);
  expect(run.code).toBe(0);
  const folder = join(work, 'pipelines', 'train');
  // Nothing but the folder beside it: the temporary one was renamed.
  expect(list(join(work, 'pipelines'))).toEqual(['train']);
  for (const name of [
    'pipeline.py',
    'params.yaml',
    'requirements.txt',
    'dvc.yaml',
    'MLproject',
    'Dockerfile',
    'README.md'
  ]) {
    expect(existsSync(join(folder, name))).toBe(true);
  }
  const script = readFileSync(join(folder, 'pipeline.py'), 'utf8');
  expect(script).toContain('pd.read_csv("data.csv")');
  expect(script).not.toContain('df["why"]');
  expect(readFileSync(join(folder, 'params.yaml'), 'utf8')).toMatch(/lr: 0\.5/);

  const out = run.stdout;
  expect(out).toContain(`session ${sessionId}`);
  expect(out).toMatch(/Kept \d+ steps:/);
  expect(out).toMatch(/step 7: .*model\.txt/);
  // Step 4 only showed a table, step 5 failed: both said, with why.
  expect(out).toMatch(/Dropped \d+ steps?:/);
  expect(out).toMatch(/step 4: display/);
  expect(out).toMatch(/step 5: failed: KeyError: 'why'/);
  expect(out).toMatch(/Params .*lr=0\.5/);
  expect(out).toMatch(/Metrics .*mse=/);
  expect(out).toContain('Inputs: data.csv');
  expect(out).toContain('Outputs: model.txt');
  expect(out).toContain(
    'cd pipelines/train && pip install -r requirements.txt && python pipeline.py'
  );
});

it('--json: one document with the expected results; python pipeline.py reproduces the model hash and the metric', async () => {
  const run = await trail([
    'export',
    sessionId,
    '--out',
    'pipelines/json',
    '--json'
  ]);
  expect(run.code).toBe(0);
  const document = documentOf(run);
  expect(document.sessionId).toBe(sessionId);
  expect(document.out).toBe(join(work, 'pipelines', 'json'));
  expect(document.files.map(file => file.path)).toContain('pipeline.py');
  expect(document.dropped.map(drop => [drop.step, drop.reason])).toEqual(
    expect.arrayContaining([
      [4, 'display'],
      [5, 'failed']
    ])
  );
  expect(document.expected.files).toEqual([
    { path: 'model.txt', sha256: sha256(recordedModel) }
  ]);
  const [mse] = document.expected.metrics;
  expect(mse.name).toBe('mse');
  expect(mse.value).toBeCloseTo(recordedMse, 12);

  // The run writes beside the notebook, where the recording wrote.
  rmSync(join(work, 'model.txt'));
  const folder = join(work, 'pipelines', 'json');
  const ran = spawnSync(PYTHON, ['pipeline.py'], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...cleanEnv({}), TRAIL_DISABLED: '1' },
    timeout: 60000
  });
  expect(ran.stderr).toBe('');
  expect(ran.status).toBe(0);
  expect(sha256(readFileSync(join(work, 'model.txt')))).toBe(
    document.expected.files[0].sha256
  );
  const metrics = JSON.parse(
    readFileSync(join(folder, 'metrics.json'), 'utf8')
  );
  expect(metrics.mse).toBe(mse.value);
});

it('refuses an --out that exists and is not empty (exit 2, untouched), and --force replaces it as a whole', async () => {
  const folder = join(work, 'pipelines', 'taken');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'notes.txt'), 'mine');
  const refused = await trail([
    'export',
    sessionId,
    '--out',
    'pipelines/taken'
  ]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(
    `trail export: --out ${folder} exists and is not empty (notes.txt)`
  );
  expect(refused.stderr).toContain('--force');
  expect(list(folder)).toEqual(['notes.txt']);
  expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('mine');

  const forced = await trail([
    'export',
    sessionId,
    '--out',
    'pipelines/taken',
    '--force'
  ]);
  expect(forced.code).toBe(0);
  expect(list(folder)).not.toContain('notes.txt');
  expect(list(folder)).toContain('pipeline.py');
  // Neither the old folder nor the temporary one is left beside it.
  expect(list(join(work, 'pipelines')).filter(n => n.startsWith('.'))).toEqual(
    []
  );
});

it('a target nothing produced exits 2 naming it, and writes nothing', async () => {
  const metric = await trail([
    'export',
    sessionId,
    '--target',
    'metric:accuracy',
    '--out',
    'pipelines/accuracy'
  ]);
  expect(metric.code).toBe(2);
  expect(metric.stderr).toMatch(/trail export: .*accuracy/);
  expect(existsSync(join(work, 'pipelines', 'accuracy'))).toBe(false);

  const file = await trail([
    'export',
    sessionId,
    '--target',
    'nowhere.pkl',
    '--out',
    'pipelines/nowhere'
  ]);
  expect(file.code).toBe(2);
  expect(file.stderr).toMatch(/trail export: .*nowhere\.pkl/);
  expect(existsSync(join(work, 'pipelines', 'nowhere'))).toBe(false);
});

it('--target model.txt exports what produced it; bad options exit 2 before the server is asked', async () => {
  const run = await trail([
    'export',
    sessionId,
    '--target',
    'model.txt',
    '--out',
    'pipelines/model',
    '--json'
  ]);
  expect(run.code).toBe(0);
  const document = documentOf(run);
  expect(document.target).toEqual({ kind: 'file', path: 'model.txt' });
  expect(document.kept.map(step => step.step)).toContain(7);

  const outside = await trail(['export', sessionId, '--out', tmp]);
  expect(outside.code).toBe(2);
  expect(outside.stderr).toContain('is outside the current folder');
  const tolerance = await trail([
    'export',
    sessionId,
    '--out',
    'pipelines/t',
    '--tolerance',
    'mse=0.1'
  ]);
  expect(tolerance.code).toBe(2);
  expect(tolerance.stderr).toContain('--tolerance is for --verify');
  const past = await trail([
    'export',
    sessionId,
    '--upto',
    '99',
    '--out',
    'pipelines/past'
  ]);
  expect(past.code).toBe(2);
  expect(past.stderr).toContain('--upto: ');
  expect(past.stderr).toContain('no step 99');
  const unknown = await trail([
    'export',
    '00000000-0000-4000-8000-000000000000',
    '--out',
    'pipelines/u'
  ]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('not shared with you');
});

describe("--verify (a fresh venv from requirements.txt: PyPI or pip's cache)", () => {
  /** The exported steps, run by the command's own recorder. */
  const verifyEnv = () => ({ ...env(), TRAIL_CLI: bundle });

  it('reproduced: exit 0, each file and metric said the same, the run recorded as linked to the session', async () => {
    const run = await runCli(
      bundle,
      [
        'export',
        sessionId,
        '--out',
        'pipelines/verified',
        '--verify',
        '--json'
      ],
      work,
      verifyEnv()
    );
    const document = documentOf(run);
    expect(document.error).toBeUndefined();
    expect(run.code).toBe(0);
    const report = document.verify as VerifyReport;
    expect(report.reproduced).toBe(true);
    expect(report.files).toEqual([
      expect.objectContaining({ path: 'model.txt', same: true })
    ]);
    expect(report.metrics).toEqual([
      expect.objectContaining({ name: 'mse', within: true })
    ]);
    expect(run.stderr).toMatch(/same +model\.txt/);
    expect(run.stderr).toContain(
      'Reproduced: every recorded file hash and metric'
    );
    const recorded = report.run?.recordedAs;
    expect(recorded?.sessionId).toBeTruthy();
    const client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
    const session = await client.getSession(recorded!.sessionId);
    expect(session.lineage).toMatchObject({ kind: 'export', sessionId });
  });

  it('an input that changed: exit 1, the model said to differ; an input missing: exit 6 naming it', async () => {
    const csv = join(work, 'data.csv');
    try {
      writeFileSync(csv, 'x,y\n1,3\n2,4\n3,7\n');
      const differs = await runCli(
        bundle,
        ['export', sessionId, '--out', 'pipelines/differs', '--verify'],
        work,
        verifyEnv()
      );
      expect(differs.code).toBe(1);
      expect(differs.stdout).toMatch(
        /DIFFERS model\.txt: recorded [0-9a-f]{12}, reproduced [0-9a-f]{12}/
      );
      expect(differs.stdout).toMatch(/DIFFERS metric mse/);
      expect(differs.stdout).toContain(
        'note: the input data.csv changed since the recording'
      );
      expect(differs.stdout).toContain('Not reproduced');

      rmSync(csv);
      const missing = await runCli(
        bundle,
        ['export', sessionId, '--out', 'pipelines/missing', '--verify'],
        work,
        verifyEnv()
      );
      expect(missing.code).toBe(6);
      expect(missing.stderr).toMatch(
        /trail export: Cannot verify: .*data\.csv/
      );
      // The folder was written all the same.
      expect(
        existsSync(join(work, 'pipelines', 'missing', 'pipeline.py'))
      ).toBe(true);
    } finally {
      writeFileSync(csv, CSV);
    }
  });
});

it('trail --help lists export; trail export --help gives examples and exit codes', async () => {
  const top = await trail(['--help']);
  expect(top.code).toBe(0);
  expect(top.stdout).toMatch(/export \[options\] <session>/);
  const help = await trail(['export', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--target metric:accuracy');
  expect(help.stdout).toContain('6    --verify could not run the pipeline');
});

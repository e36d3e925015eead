/**
 * Export end to end with side effects (#15 F1): a notebook that seeds
 * numpy's and Python's global generators in a cell of their own, makes its
 * output folder in another, and reads its data after `os.chdir("data")`,
 * then draws (`points.sample(n=25)`, `shuffle(order)`) in cells that name
 * neither numpy nor random. Recorded in a real kernel, delivered to a real
 * Trail server, exported through its API (the real analysis); the pipeline
 * run with .venv's Python where the output folder no longer exists must
 * write the same sample (sha256) and log the same metrics. Without the
 * side-effect rule the seeds, the folder and the chdir are dropped: the
 * script stops reading points.csv, or (with the chdir alone) writes into a
 * missing folder, or draws another sample.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
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
import { PYTHON, recordSession, type RecordedCell } from './support';

jest.setTimeout(180000);

const TOKEN = 'export-side-effects-owner-token-0123456789';
const SAMPLE = 'out/samples/sample.csv';
const INPUT = 'data/points.csv';

/** 200 rows from a fixed generator: the same bytes on every run. */
function pointsCsv(): string {
  let state = 7;
  const rows = ['x,y'];
  for (let i = 0; i < 200; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    rows.push(`${i},${(state % 10000) / 100}`);
  }
  return rows.join('\n') + '\n';
}

const CELLS: RecordedCell[] = [
  {
    id: 'setup',
    code:
      'import os\nimport random\nfrom random import shuffle\n' +
      'import numpy as np\nimport pandas as pd\nimport trail'
  },
  { id: 'seed', code: 'np.random.seed(7)\nrandom.seed(3)' },
  { id: 'folder', code: 'os.makedirs("out/samples", exist_ok=True)' },
  { id: 'into-data', code: 'os.chdir("data")' },
  { id: 'load', code: 'points = pd.read_csv("points.csv")' },
  { id: 'back', code: 'os.chdir("..")' },
  { id: 'look', code: 'points.describe()' },
  {
    id: 'sample',
    code:
      'sample = points.sample(n=25)\n' +
      `sample.to_csv("${SAMPLE}", index=False)`
  },
  { id: 'order', code: 'order = list(sample["x"])\nshuffle(order)' },
  {
    id: 'metrics',
    code:
      'trail.log_metric("sample_mean", float(sample["y"].mean()))\n' +
      'trail.log_metric("first", int(order[0]))'
  },
  { id: 'reseed', code: 'np.random.seed(99)' }
];

let tmp: string;
let work: string;
let server: RunningServer;
let client: TrailClient;
let events: TrailEvent[];
let sessionId: string;

const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

function captures(): NonNullable<
  Extract<TrailEvent, { kind: 'execution.annotated' }>['capture']
>[] {
  return events.flatMap(event =>
    event.kind === 'execution.completed' && event.execution.capture
      ? [event.execution.capture]
      : event.kind === 'execution.annotated'
        ? [event.capture]
        : []
  );
}

beforeAll(async () => {
  buildServer();
  tmp = mkdtempSync(join(tmpdir(), 'trail-export-effects-'));
  work = join(tmp, 'work');
  mkdirSync(join(work, 'data'), { recursive: true });
  writeFileSync(join(work, INPUT), pointsCsv());
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
    input: INPUT,
    hashed: [SAMPLE]
  }));
});

afterAll(async () => {
  await server?.stop();
  if (tmp) {
    rmSync(tmp, { recursive: true, force: true });
  }
});

it('keeps the seeds, the folder and the chdir cells with their reasons, and the pipeline reproduces the sample and the metrics', async () => {
  const recordedSample = captures()
    .flatMap(c => c.files ?? [])
    .find(f => f.path === SAMPLE && f.access !== 'read')?.sha256;
  expect(recordedSample).toMatch(/^[0-9a-f]{64}$/);
  const metrics: Record<string, number | null> = {};
  for (const point of captures().flatMap(c => c.metrics ?? [])) {
    metrics[point.name] = point.value;
  }
  expect(Object.keys(metrics).sort()).toEqual(['first', 'sample_mean']);

  const result = await client.exportPipeline(sessionId, {
    folder: 'pipelines/effects'
  });
  const reason = (step: number): string =>
    result.kept.find(k => k.step === step)?.reason ?? '(dropped)';
  expect(result.kept.map(k => k.step)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
  expect(reason(2)).toBe(
    'sets the random seed (np.random.seed and random.seed) that later steps draw from'
  );
  expect(reason(3)).toContain(
    'creates the folder out/samples/ that step 8 writes into'
  );
  expect(reason(4)).toContain(
    'changes the working folder to data (os.chdir) for later steps'
  );
  expect(reason(6)).toContain(
    'changes the working folder to .. (os.chdir) for later steps'
  );
  expect(result.dropped.map(d => [d.step, d.reason, d.detail])).toEqual([
    [7, 'display', expect.any(String)],
    [
      11,
      'unused',
      'sets the random seed (np.random.seed) after the last kept step (step 10)'
    ]
  ]);
  expect(result.inputs.map(i => i.path)).toEqual([INPUT]);

  const folder = join(work, result.folder);
  for (const { path, content } of result.files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  // As on another machine: the output folder is not there.
  rmSync(join(work, 'out'), { recursive: true, force: true });
  const run = spawnSync(PYTHON, ['pipeline.py'], {
    cwd: folder,
    encoding: 'utf-8',
    env: { ...process.env, TRAIL_DISABLED: '1' },
    timeout: 120000
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(sha256(join(work, SAMPLE))).toBe(recordedSample);
  expect(
    JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'))
  ).toEqual(metrics);
});

/**
 * The Parquet export is what pandas expects: executions, params and
 * metrics with the right counts and column types (timestamps as UTC
 * datetimes, numbers as numbers), read by .venv's pandas (pyarrow).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openFileEnd } from '../../../server/transfer/file-end';
import { exportParquet } from '../../../server/transfer/parquet';
import { seedHistory, type Seeded } from './transfer-seed';

const run = promisify(execFile);
const PYTHON = join(__dirname, '../../../.venv/bin/python');

const READ = `
import json, sys
import pandas as pd
out = {}
for name in ("executions", "params", "metrics"):
    df = pd.read_parquet(f"{sys.argv[1]}/{name}.parquet")
    out[name] = {
        "rows": len(df),
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
        "first": json.loads(df.head(1).to_json(orient="records", date_format="iso"))[0] if len(df) else None,
    }
ex = pd.read_parquet(f"{sys.argv[1]}/executions.parquet")
out["authors"] = sorted(ex["author"].dropna().unique().tolist())
out["errors"] = int((ex["status"] == "error").sum())
m = pd.read_parquet(f"{sys.argv[1]}/metrics.parquet")
out["loss_steps"] = int(m[m["name"] == "loss"]["step"].notna().sum())
print(json.dumps(out))
`;

/** A text column (pandas 3 says `str`, pandas 2 `object`). */
const STR = expect.stringMatching(/^(object|str|string)$/);

let root: string;
let seeded: Seeded;
let summary: Awaited<ReturnType<typeof exportParquet>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trail-transfer-parquet-'));
  seeded = await seedHistory(join(root, 'data'), 4, 5);
  const end = await openFileEnd(join(root, 'data'), { create: false });
  try {
    summary = await exportParquet(end, join(root, 'parquet'));
  } finally {
    await end.close();
  }
});

afterAll(() => rm(root, { recursive: true, force: true }));

it('writes executions, params and metrics that pandas reads with their types', async () => {
  // Each execution: 3 params and 2 metrics (the annotations add tags only).
  expect(summary).toEqual({
    executions: seeded.executions,
    params: seeded.executions * 3,
    metrics: seeded.executions * 2
  });
  const { stdout } = await run(PYTHON, ['-c', READ, join(root, 'parquet')]);
  const read = JSON.parse(stdout);
  expect(read.executions.rows).toBe(seeded.executions);
  expect(read.params.rows).toBe(seeded.executions * 3);
  expect(read.metrics.rows).toBe(seeded.executions * 2);
  expect(read.executions.dtypes).toMatchObject({
    execution_id: STR,
    session_id: STR,
    seq: 'int32',
    execution_count: expect.stringMatching(/^(Int32|int32|float64)$/),
    status: STR,
    started_at: expect.stringMatching(/^datetime64\[(ms|ns|us)(, UTC)?\]$/),
    duration_ms: 'float64',
    author: STR
  });
  expect(read.executions.dtypes.started_at).toContain('UTC');
  expect(read.executions.first.started_at).toBe('2026-03-01T10:00:01.000Z');
  expect(read.authors).toEqual(['alice', 'bob']);
  expect(read.errors).toBe(seeded.sessions);
  expect(read.params.dtypes).toMatchObject({
    name: STR,
    value: STR,
    value_number: 'float64'
  });
  expect(read.metrics.dtypes).toMatchObject({
    name: STR,
    value: 'float64',
    step: expect.stringMatching(/^(Int64|float64|int64)$/),
    at: expect.stringMatching(/^datetime64\[(ms|ns|us), UTC\]$/)
  });
  expect(read.loss_steps).toBe(seeded.executions);
});

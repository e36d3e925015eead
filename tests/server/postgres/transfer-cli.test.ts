/**
 * The transfer commands as the command line runs them (runCli, in
 * process): export, import and Parquet on data folders, migrate --from
 * into a real PostgreSQL, and their refusals: a running server's folder,
 * a damaged file, a missing choice, each with exit code 1 and a message.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../server/cli-options';
import { DataLock } from '../../../server/data-lock';
import { stopStarted, testDatabase } from '../support/postgres';
import { seedHistory, type Seeded } from './transfer-seed';

jest.setTimeout(60_000);

let root: string;
let source: string;
let seeded: Seeded;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trail-transfer-cli-'));
  source = join(root, 'source');
  seeded = await seedHistory(source, 3, 4);
});

afterAll(async () => {
  await stopStarted();
  await rm(root, { recursive: true, force: true });
});

async function cli(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['node', 'trail-server', ...args],
    {
      serve: async () => {
        throw new Error('serve must not run');
      },
      migrate: async () => {
        throw new Error('the schema migration must not run');
      }
    },
    { out: t => out.push(t), err: t => err.push(t) }
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('exports, imports and writes Parquet', async () => {
  const file = join(root, 'all.jsonl.gz');
  const exported = await cli('export', '--data', source, '--out', file);
  expect(exported).toMatchObject({ code: 0 });
  expect(exported.out).toMatch(
    new RegExp(
      `^exported ${seeded.events} events, 7 blobs, \\d+ access facts, 2 users and 3 tokens \\(without their hashes\\) to ${file} \\(sha256 [0-9a-f]{64}\\)$`
    )
  );
  const imported = await cli(
    'import',
    '--data',
    join(root, 'copy'),
    '--in',
    file
  );
  expect(imported).toMatchObject({ code: 0 });
  expect(imported.out).toContain(
    `imported ${seeded.events} events (0 were there)`
  );
  expect(imported.out).toContain('3 tokens were not restored');
  const parquet = await cli(
    'export',
    '--data',
    source,
    '--parquet',
    join(root, 'pq')
  );
  expect(parquet).toMatchObject({ code: 0 });
  expect(parquet.out).toBe(
    `wrote ${seeded.executions} executions, ${seeded.executions * 3} params and ` +
      `${seeded.executions * 2} metrics to ${join(root, 'pq')}`
  );
});

it('refuses a damaged file, a folder in use, and a missing choice', async () => {
  const file = join(root, 'cut.jsonl.gz');
  await cli('export', '--data', source, '--out', file);
  const bytes = await readFile(file);
  await writeFile(file, bytes.subarray(0, bytes.length - 40));
  const cut = await cli('import', '--data', join(root, 'cut'), '--in', file);
  expect(cut.code).toBe(1);
  expect(cut.err).toMatch(/^error: .*cut\.jsonl\.gz .*truncated/);

  const lock = await DataLock.acquire(source);
  try {
    const busy = await cli('export', '--data', source, '--out', file);
    expect(busy.code).toBe(1);
    expect(busy.err).toBe(
      `error: a Trail server (pid ${process.pid}) is running on ${source}: stop it first`
    );
  } finally {
    await (lock as DataLock).release();
  }
  const neither = await cli('export', '--data', source);
  expect(neither).toMatchObject({
    code: 1,
    err: 'error: export needs one of --out FILE or --parquet DIR'
  });
  const nothing = await cli(
    'export',
    '--data',
    join(root, 'nothing-here'),
    '--out',
    file
  );
  expect(nothing.err).toBe(
    `error: ${join(root, 'nothing-here')} holds no Trail data`
  );
});

it('migrates a data folder into PostgreSQL, and a second run says there is nothing to copy', async () => {
  const url = await testDatabase();
  const first = await cli('migrate', '--from', source, '--to', url);
  expect(first.err).toContain('events: ');
  expect(first).toMatchObject({ code: 0 });
  expect(first.out).toMatch(/^kind +source +target +content$/m);
  expect(first.out).toMatch(
    new RegExp(
      `^execution\\.completed +${seeded.executions} +${seeded.executions} +same \\(`,
      'm'
    )
  );
  expect(first.out).toContain(
    `migrated ${seeded.events} events; both sides match`
  );
  const again = await cli('migrate', '--from', source, '--to', url);
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain(
    'nothing to copy: the database already held all of it; both sides match'
  );
  // The imported copy has the same history but no tokens: the database
  // holds more than it.
  const other = await cli('migrate', '--from', join(root, 'copy'), '--to', url);
  expect(other.code).toBe(1);
  expect(other.out).toMatch(/^token +0 +3 +DIFFERS/m);
  expect(other.err).toContain(
    'error: the database differs from the data folder (see DIFFERS above): it holds more than the folder'
  );
  const missing = await cli('migrate', '--from', source);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain('migrate --from <dir> needs --to <url>');
});

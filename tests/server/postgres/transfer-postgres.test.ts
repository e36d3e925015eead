/**
 * Migration of a data folder into PostgreSQL (blobs in S3, and in the
 * database), on a real cluster and moto server: nothing is lost (the
 * comparison, an export of the database imported into a new folder equals
 * the source), tokens keep working, owners and visibility hold, a second
 * run is a no-op that says so, an interrupted run resumes, and text
 * holding NUL characters arrives as it was.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../server/store/postgres/database';
import { PgDirectory } from '../../../server/store/postgres/pg-directory';
import { PgOwnership } from '../../../server/store/postgres/pg-ownership';
import { compareEnds } from '../../../server/transfer/compare';
import { exportHistory } from '../../../server/transfer/export';
import { openFileEnd } from '../../../server/transfer/file-end';
import type { HistoryEnd } from '../../../server/transfer/history-end';
import { FileStore } from '../../../server/store/file-store';
import { importHistory } from '../../../server/transfer/import';
import { migrateHistory } from '../../../server/transfer/migrate';
import { openPostgresEnd } from '../../../server/transfer/pg-end';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';
import { executionEvent, sessionEvent } from '../support/records';
import {
  blobsOf,
  eventsOf,
  factsOf,
  seedHistory,
  type Seeded
} from './transfer-seed';

jest.setTimeout(120_000);

let root: string;
let source: string;
let seeded: Seeded;
const opened: HistoryEnd[] = [];

async function track<T extends HistoryEnd>(end: Promise<T>): Promise<T> {
  const e = await end;
  opened.push(e);
  return e;
}

async function closeAll(): Promise<void> {
  for (const end of opened.splice(0)) {
    await end.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trail-transfer-pg-'));
  source = join(root, 'source');
  seeded = await seedHistory(source, 6, 8);
});

afterEach(closeAll);

afterAll(async () => {
  await closeAll();
  await stopStarted();
  await rm(root, { recursive: true, force: true });
});

describe('migrate --from <dir> --to postgres --blobs s3', () => {
  let url: string;
  let bucket: Awaited<ReturnType<typeof testBucket>>;

  beforeAll(async () => {
    url = await testDatabase();
    bucket = await testBucket();
  });

  const target = () =>
    track(openPostgresEnd(url, { blobs: bucket.url, env: bucket.env }));

  it('copies everything, checks it, and a second run is a no-op', async () => {
    const from = await track(openFileEnd(source, { create: false }));
    const lines: string[] = [];
    const report = await migrateHistory(from, await target(), l =>
      lines.push(l)
    );
    expect(report.comparison.same).toBe(true);
    // The planner has statistics of what was copied (ANALYZE at the end).
    expect(lines).toContain(
      `${(await target()).where}: updating the planner's statistics (ANALYZE)`
    );
    const db = openDatabase(url);
    try {
      const { rows } = await db.pool.query(
        `SELECT last_analyze FROM pg_stat_user_tables
         WHERE relname = 'trail_executions'`
      );
      expect(rows[0].last_analyze).toBeInstanceOf(Date);
    } finally {
      await db.close();
    }
    expect(report).toMatchObject({
      eventsCopied: seeded.events,
      eventsPresent: 0,
      nothingToDo: false,
      people: { users: 2, tokens: 3, tokensWithoutHash: 0 }
    });
    const kinds = Object.fromEntries(
      report.comparison.kinds.map(k => [k.kind, k.target.count])
    );
    expect(kinds).toMatchObject({
      'session.started': seeded.sessions,
      'execution.completed': seeded.executions,
      'environment.captured': seeded.sessions,
      blob: 7,
      user: 2,
      token: 3
    });
    expect(lines[0]).toMatch(
      new RegExp(
        `^copying .*source \\(${seeded.sessions} sessions, ${seeded.executions} executions\\) into 127\\.0\\.0\\.1:\\d+`
      )
    );
    await closeAll();

    const again = await migrateHistory(
      await track(openFileEnd(source, { create: false })),
      await target(),
      l => lines.push(l)
    );
    expect(again).toMatchObject({
      nothingToDo: true,
      eventsCopied: 0,
      eventsPresent: seeded.events,
      factsCopied: 0,
      people: { users: 0, tokens: 0 }
    });
    expect(again.comparison.same).toBe(true);
    expect(lines).toContain(
      `nothing to copy: ${opened[opened.length - 1].where} already holds everything in ${opened[opened.length - 2].where}`
    );
  });

  it('leaves tokens working and owners and visibility as they were', async () => {
    const db = openDatabase(url);
    try {
      const directory = await PgDirectory.open(db);
      expect(await directory.authenticate(seeded.tokens.alice)).toMatchObject({
        name: 'alice',
        displayName: 'Alice A.',
        role: 'member'
      });
      expect(await directory.authenticate(seeded.tokens.bob)).toMatchObject({
        name: 'bob',
        role: 'admin'
      });
      const ownership = await PgOwnership.open(db);
      const from = await track(openFileEnd(source, { create: false }));
      const sessions = (await from.store.listSessions({ limit: 100 })).items;
      const bob = directory.userByName('bob')!;
      for (const s of sessions) {
        const access = ownership.session(s.id)!;
        expect(access).toBeDefined();
        expect(access.visibility).toBe(
          access.authorId === bob.id ? 'private' : 'team'
        );
      }
      expect(ownership.rule(bob.id, 'nb/bob-1.ipynb')).toBe('private');
      expect(ownership.aliases.size).toBe(1);
      await ownership.close();
    } finally {
      await db.close();
    }
  });

  it('exports from PostgreSQL what imports into a new folder as the source', async () => {
    const file = join(root, 'from-pg.jsonl.gz');
    const summary = await exportHistory(await target(), file);
    expect(summary.missingBlobs).toEqual([]);
    expect(summary.counts.event).toBe(seeded.events);
    const copy = await track(openFileEnd(join(root, 'copy'), { create: true }));
    await importHistory(file, copy);
    const from = await track(openFileEnd(source, { create: false }));
    expect(await eventsOf(copy)).toEqual(await eventsOf(from));
    expect(await blobsOf(copy)).toEqual(await blobsOf(from));
    expect(await factsOf(copy)).toEqual(await factsOf(from));
    expect((await copy.people()).users).toEqual((await from.people()).users);
  });
});

describe('people with NUL in their text', () => {
  it('go into PostgreSQL and come back exactly', async () => {
    const end = await track(openPostgresEnd(await testDatabase()));
    const odd = 'Zoe\u0000 \uffff0';
    const user = {
      id: 'f3a1c2d4-0000-4000-8000-000000000001',
      name: 'zoe',
      displayName: odd,
      role: 'member' as const,
      createdAt: '2026-01-01T00:00:00.000Z',
      disabledAt: null
    };
    const token = {
      id: 'f3a1c2d4-0000-4000-8000-000000000002',
      userId: user.id,
      label: `laptop ${odd}`,
      sha256: 'a'.repeat(64),
      prefix: 'abcdef',
      createdAt: '2026-01-01T00:00:00.000Z',
      revokedAt: null
    };
    await end.addPeople({ users: [user], tokens: [token] });
    expect(await end.people()).toEqual({ users: [user], tokens: [token] });
  });
});

describe('import of an export into PostgreSQL', () => {
  it('restores events, blobs, owners and people (not tokens), and a re-run stores nothing', async () => {
    const file = join(root, 'from-files.jsonl.gz');
    const from = await track(openFileEnd(source, { create: false }));
    await exportHistory(from, file);
    const bucket = await testBucket('imported');
    const url = await testDatabase();
    const target = await track(
      openPostgresEnd(url, { blobs: bucket.url, env: bucket.env })
    );
    const first = await importHistory(file, target);
    expect(first).toMatchObject({
      eventsStored: seeded.events,
      people: { users: 2, tokens: 0, tokensWithoutHash: 3 }
    });
    const again = await importHistory(file, target);
    expect(again).toMatchObject({ eventsStored: 0, factsStored: 0 });
    const comparison = await compareEnds(from, target);
    const differ = comparison.kinds.filter(k => !k.same).map(k => k.kind);
    expect(differ).toEqual(['token']);
    const db = openDatabase(url);
    try {
      const ownership = await PgOwnership.open(db);
      const directory = await PgDirectory.open(db);
      const bob = directory.userByName('bob')!;
      expect(ownership.sessionsOf(bob.id)).toHaveLength(seeded.sessions / 2);
      expect([...ownership.privateSessions().values()]).toEqual(
        Array(seeded.sessions / 2).fill(bob.id)
      );
      expect(await directory.authenticate(seeded.tokens.bob)).toBeNull();
      await ownership.close();
    } finally {
      await db.close();
    }
  });
});

describe('an interrupted migration (blobs in the database)', () => {
  it('resumes where it stopped and ends equal', async () => {
    const url = await testDatabase();
    const from = await track(openFileEnd(source, { create: false }));
    const real = await track(openPostgresEnd(url));
    let appends = 0;
    const store = new Proxy(real.store, {
      get(obj, prop) {
        if (prop === 'append') {
          return (...args: Parameters<typeof obj.append>) => {
            if (++appends === 3) {
              return Promise.reject(new Error('connection lost'));
            }
            return obj.append(...args);
          };
        }
        const value = Reflect.get(obj, prop);
        return typeof value === 'function' ? value.bind(obj) : value;
      }
    });
    const failing: HistoryEnd = {
      kind: real.kind,
      where: real.where,
      store,
      counts: () => real.counts(),
      facts: () => real.facts(),
      people: () => real.people(),
      appendFacts: facts => real.appendFacts(facts),
      addPeople: people => real.addPeople(people),
      close: () => real.close()
    };
    await expect(
      migrateHistory(from, failing, () => undefined, { batchSize: 10 })
    ).rejects.toThrow('connection lost');
    const lines: string[] = [];
    const report = await migrateHistory(from, real, l => lines.push(l), {
      batchSize: 10
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^events: the first 20 were copied by an earlier run; resuming after event 20 \(evt-/
        )
      ])
    );
    expect(report.eventsCopied).toBe(seeded.events - 20);
    expect(report.eventsPresent).toBe(20);
    expect(report.comparison.same).toBe(true);
  });
});

describe('a history holding NUL characters', () => {
  it('migrates into PostgreSQL without loss and exports back as it was', async () => {
    const dir = join(root, 'nul');
    const files = await FileStore.open(dir);
    const s = sessionEvent();
    const odd = 'a\u0000b\uffffc\uffff0d';
    const x = executionEvent(s.session.id, 1, {
      code: `print("${odd}")`,
      capture: { params: { [`p${odd}`]: odd } }
    });
    x.execution.outputs[0] = {
      output_type: 'stream',
      name: 'stdout',
      text: 'a\u0000b'
    };
    await files.append([s, x]);
    await files.close();
    const from = await track(openFileEnd(dir, { create: false }));
    const to = await track(openPostgresEnd(await testDatabase()));
    const report = await migrateHistory(from, to, () => undefined);
    expect(report.eventsCopied).toBe(2);
    expect(report.comparison.same).toBe(true);
    const back = await to.store.getExecution(x.execution.id);
    expect(back).toEqual(x.execution);
    const scanned: unknown[] = [];
    await to.store.scanEvents!(batch => {
      scanned.push(...batch);
    });
    expect(scanned).toEqual([s, x]);
  });
});

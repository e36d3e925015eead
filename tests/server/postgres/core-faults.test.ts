/**
 * The PostgreSQL store under faults, on a cluster of this file's own (it
 * is stopped and started again here): an append sent twice, or by two
 * servers at once, stores once; an append that fails leaves nothing; a
 * database that goes away fails reads and writes as 503
 * database_unavailable, nothing acknowledged, and the store works again
 * once it is back; a listener hears appends, and again after a restart.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import {
  isUnavailable,
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import {
  PgStore,
  storedRangeOf
} from '../../../server/store/postgres/pg-store';
import { S3BlobStore } from '../../../server/store/s3-blobs';
import { executionEvent, sessionEvent } from '../support/records';
import {
  createDatabase,
  RUNUSER,
  startPostgres,
  stopStarted,
  testBucket,
  type TestPostgres
} from '../support/postgres';

const run = promisify(execFile);
const quiet = { warn: () => undefined };

let cluster: TestPostgres;
const opened: PgDatabase[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map(db => db.close()));
  await cluster?.stop();
  await stopStarted();
});

/** A migrated database on this file's cluster, and a store on it. */
async function freshStore(
  options: Parameters<typeof PgStore.open>[1] = {}
): Promise<{ db: PgDatabase; store: PgStore; url: string }> {
  const url = await createDatabase(cluster.url);
  const db = openDatabase(url, { log: quiet, poolSize: 4 });
  opened.push(db);
  await db.migrate();
  return { db, store: await PgStore.open(db, options), url };
}

/** Runs pg_ctl on this file's cluster, as scripts/postgres-temp.mjs does. */
async function pgCtl(args: string[]): Promise<void> {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter(v => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))[0];
  const pgCtlPath = join(root, version, 'bin', 'pg_ctl');
  const full = ['-D', join(cluster.dir, 'data'), ...args];
  if (userInfo().uid === 0) {
    await run(RUNUSER, ['-u', 'postgres', '--', pgCtlPath, ...full]);
  } else {
    await run(pgCtlPath, full);
  }
}

async function stopCluster(): Promise<void> {
  await pgCtl(['-m', 'immediate', '-w', 'stop']);
}

async function startCluster(): Promise<void> {
  const port = new URL(cluster.url).port;
  await pgCtl([
    '-o',
    `-p ${port} -k ${cluster.dir} -c listen_addresses=127.0.0.1`,
    '-l',
    join(cluster.dir, 'postgres.log'),
    '-w',
    'start'
  ]);
}

async function count(db: PgDatabase, table: string): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS count FROM ${table}`
  );
  return rows[0].count;
}

function blobOf(text: string): [string, Buffer] {
  const content = Buffer.from(text, 'utf8');
  return [createHash('sha256').update(content).digest('hex'), content];
}

const eventually = async (check: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) {
      throw new Error('timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
};

describe('PostgreSQL store faults', () => {
  it('refuses to open on a database without the schema, and opens on one that is down', async () => {
    const url = await createDatabase(cluster.url);
    const bare = openDatabase(url, { log: quiet, poolSize: 2 });
    opened.push(bare);
    await expect(PgStore.open(bare)).rejects.toThrow(/trail-server migrate/);
    const away = openDatabase('postgres://trail@127.0.0.1:1/none', {
      log: quiet
    });
    opened.push(away);
    const store = await PgStore.open(away);
    await expect(store.hasEvent('evt-1')).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
    await expect(store.append([sessionEvent()])).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
  });

  it('stores a batch once, sent again or by two servers at once', async () => {
    const { store, url } = await freshStore();
    const other = openDatabase(url, { log: quiet, poolSize: 4 });
    opened.push(other);
    const second = await PgStore.open(other);
    const s = sessionEvent();
    const batch = [s, ...[1, 2, 3].map(q => executionEvent(s.session.id, q))];
    const ids = batch.map(e => e.id);
    const [a, b] = await Promise.all([
      store.append(batch),
      second.append(batch)
    ]);
    expect([a.accepted, b.accepted]).toContainEqual(ids);
    expect([a.duplicates, b.duplicates]).toContainEqual(ids);
    const again = await store.append(batch);
    expect(again).toEqual({ accepted: [], duplicates: ids });
    expect(storedRangeOf(again)).toBeNull();
    const session = await second.getSession(s.session.id);
    expect(session?.executionCount).toBe(3);
  });

  it('numbers what an append stored, in increasing order across appends', async () => {
    const { store, db } = await freshStore();
    const s = sessionEvent();
    const first = await store.append([s, executionEvent(s.session.id, 1)]);
    const second = await store.append([executionEvent(s.session.id, 2)]);
    const r1 = storedRangeOf(first)!;
    const r2 = storedRangeOf(second)!;
    expect(r1.lastN - r1.firstN).toBe(1);
    expect(r2.firstN).toBeGreaterThan(r1.lastN);
    expect(store.lastStoredN).toBe(r2.lastN);
    expect(Object.keys(first)).toEqual(['accepted', 'duplicates']);
    expect(await count(db, 'trail_events')).toBe(3);
  });

  it('commits appends that arrive together in one group, each answered as if alone', async () => {
    const { store, db } = await freshStore();
    const s = sessionEvent();
    const batches = [1, 2, 3, 4, 5].map(q => [executionEvent(s.session.id, q)]);
    const bad = [executionEvent(s.session.id, 2 ** 40)];
    const twice = batches[0];
    const answers = await Promise.allSettled([
      store.append([s]),
      ...batches.map(b => store.append(b)),
      store.append(bad),
      store.append(twice)
    ]);
    expect(answers.map(a => a.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled'
    ]);
    const values = answers.map(a =>
      a.status === 'fulfilled' ? a.value : null
    );
    expect(values[1]).toEqual({ accepted: [twice[0].id], duplicates: [] });
    expect(values[7]).toEqual({ accepted: [], duplicates: [twice[0].id] });
    expect((answers[6] as PromiseRejectedResult).reason).toMatchObject({
      status: 400,
      code: 'unstorable_value'
    });
    const ranges = values
      .slice(0, 6)
      .map(v => storedRangeOf(v!)!)
      .sort((a, b) => a.firstN - b.firstN);
    ranges.forEach((r, i) => {
      expect(r.lastN).toBe(r.firstN);
      if (i > 0) {
        expect(r.firstN).toBeGreaterThan(ranges[i - 1].lastN);
      }
    });
    expect(await count(db, 'trail_events')).toBe(6);
    expect((await store.getSession(s.session.id))?.executionCount).toBe(5);
  });

  it("ends a transaction left idle holding the appends' lock, so other servers go on", async () => {
    const { url } = await freshStore();
    const frozen = openDatabase(url, {
      log: quiet,
      poolSize: 2,
      idleInTransactionMs: 1000
    });
    opened.push(frozen);
    // A server that took the lock and then stopped answering.
    const held = await frozen.pool.connect();
    held.on('error', () => undefined);
    await held.query('BEGIN; SELECT pg_advisory_xact_lock(7400717)');
    const other = openDatabase(url, { log: quiet, poolSize: 2 });
    opened.push(other);
    const store = await PgStore.open(other);
    const s = sessionEvent();
    const started = Date.now();
    await expect(store.append([s])).resolves.toEqual({
      accepted: [s.id],
      duplicates: []
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    // The frozen one, awake again, learns its transaction is gone: 503.
    const late = await held.query('SELECT 1').catch(err => err);
    expect(isUnavailable(late)).toBe(true);
    held.release(true);
  });

  it('leaves nothing of an append whose transaction fails', async () => {
    const { store, db } = await freshStore();
    const s = sessionEvent();
    const [sha, content] = blobOf('never stored');
    // A seq past PostgreSQL's integer fails the executions' insert, after
    // the events and the session were inserted in the same transaction.
    const batch = [s, executionEvent(s.session.id, 2 ** 40)];
    await expect(
      store.append(batch, new Map([[sha, content]]))
    ).rejects.toThrow(/out of range/);
    for (const table of [
      'trail_events',
      'trail_sessions',
      'trail_executions',
      'trail_blobs'
    ]) {
      expect(await count(db, table)).toBe(0);
    }
    expect(await store.hasEvent(s.id)).toBe(false);
    expect(await store.writeFailure()).toBeNull();
    // The store goes on: the same session stores fine afterwards, text
    // holding NUL too (escaped, see pg-json.ts; nul-text.test.ts).
    const nul = executionEvent(s.session.id, 1, { code: 'print("a\u0000b")' });
    await expect(store.append([s, nul])).resolves.toMatchObject({
      duplicates: []
    });
    expect((await store.getExecution(nul.execution.id))?.code).toBe(
      'print("a\u0000b")'
    );
  });

  it('stores nothing when the object store refuses a blob, then stores it all once it takes them', async () => {
    const { url: bucketUrl, env, bucket } = await testBucket();
    const refusing = S3BlobStore.fromUrl(
      bucketUrl.replace(bucket, `${bucket}-missing`),
      { env, attempts: 1 }
    );
    const { store, db } = await freshStore({ blobs: refusing });
    const s = sessionEvent();
    const [sha, content] = blobOf('an image, say');
    const batch = [s, executionEvent(s.session.id, 1)];
    await expect(
      store.append(batch, new Map([[sha, content]]))
    ).rejects.toMatchObject({ status: 503, code: 'blob_store_unavailable' });
    expect(await count(db, 'trail_events')).toBe(0);

    const taking = S3BlobStore.fromUrl(bucketUrl, { env });
    const working = await PgStore.open(db, { blobs: taking });
    await expect(
      working.append(batch, new Map([[sha, content]]))
    ).resolves.toEqual({ accepted: batch.map(e => e.id), duplicates: [] });
    expect(await working.blobs.get(sha)).toEqual(content);
    // Blobs went to the bucket, not the database.
    expect(await count(db, 'trail_blobs')).toBe(0);
  });

  it('fails as 503 while the database is down, acknowledges nothing, and works again once it is back', async () => {
    const { store, db } = await freshStore();
    const lost = executionEvent('placeholder', 2);
    const heard: (string | null)[] = [];
    const stopListening = await db.listen('trail_events', p => heard.push(p));
    const s = sessionEvent();
    const first = await store.append([s, executionEvent(s.session.id, 1)]);
    await eventually(() => heard.includes(String(storedRangeOf(first)!.lastN)));

    await stopCluster();
    try {
      lost.execution.sessionId = s.session.id;
      await expect(store.append([lost])).rejects.toMatchObject({
        status: 503,
        code: 'database_unavailable'
      });
      await expect(store.getSession(s.session.id)).rejects.toMatchObject({
        status: 503,
        code: 'database_unavailable'
      });
      expect(await store.writeFailure()).toMatchObject({
        code: 'database_unavailable'
      });
      expect(await db.health()).toMatchObject({ ok: false });
    } finally {
      await startCluster();
    }

    expect(await store.hasEvent(lost.id)).toBe(false);
    // The listener connects again by itself and says it may have missed some.
    await eventually(() => heard.includes(null), 20_000);
    const again = executionEvent(s.session.id, 2);
    const result = await store.append([again]);
    expect(result.accepted).toEqual([again.id]);
    await eventually(() =>
      heard.includes(String(storedRangeOf(result)!.lastN))
    );
    expect(await store.writeFailure()).toBeNull();
    expect(await db.health()).toEqual({ ok: true });
    expect((await store.getSession(s.session.id))?.executionCount).toBe(2);
    await stopListening();
  }, 60_000);

  it('listens from a start with the database down: says so once it connects, then hears appends', async () => {
    const { store, db } = await freshStore();
    await stopCluster();
    const heard: (string | null)[] = [];
    let stopListening: () => Promise<void>;
    try {
      stopListening = await db.listen('trail_events', p => heard.push(p));
      expect(heard).toEqual([]);
    } finally {
      await startCluster();
    }
    await eventually(() => heard.includes(null), 20_000);
    const s = sessionEvent();
    const result = await store.append([s]);
    await eventually(() =>
      heard.includes(String(storedRangeOf(result)!.lastN))
    );
    await stopListening!();
  }, 60_000);
});

/**
 * Runs and fingerprints kept by two servers at once: two PgStores (two
 * pools, as two trail-server processes) append executions and annotations
 * of the same sessions concurrently, in batches that interleave; each run
 * and each fingerprint chain must come out as a MemoryStore fed the same
 * events gives it (no fold lost to a race: the run rows are locked FOR
 * UPDATE in the append transaction, and appends are serialised).
 */
import type { TrailEvent } from '../../../src/records/schema';
import { parseSort } from '../../../src/records/runs/filter';
import { MemoryStore } from '../../../server/store/memory-store';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import type { TrailStore } from '../../../server/store/types';
import { storedForm } from '../store-contract/harness';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';

const quiet = { warn: () => undefined };
const databases: PgDatabase[] = [];
const stores: TrailStore[] = [];

afterAll(async () => {
  await Promise.all(stores.map(store => store.close()));
  await Promise.all(databases.map(db => db.close()));
  await stopStarted();
});

async function append(store: TrailStore, events: TrailEvent[]) {
  const blobs = new Map<string, Buffer>();
  return store.append(
    events.map(e => storedForm(e, blobs)),
    blobs
  );
}

it('folds every execution and annotation of sessions two servers append to at once', async () => {
  const url = await testDatabase();
  const [a, b] = [0, 1].map(() => {
    const db = openDatabase(url, { log: quiet, poolSize: 4 });
    databases.push(db);
    return db;
  });
  await a.migrate();
  const one = await PgStore.open(a);
  const two = await PgStore.open(b);
  stores.push(one, two);
  const memory = new MemoryStore();

  const sessions = [0, 1, 2].map(i =>
    sessionEvent({ startedAt: new Date(Date.UTC(2026, 2, 1, i)).toISOString() })
  );
  await append(one, sessions);
  await append(memory, sessions);
  // 3 sessions × 40 executions, each with a param, a metric point and a
  // file read; half annotated afterwards with another point and a tag.
  const batches: TrailEvent[][] = [];
  for (let seq = 1; seq <= 40; seq++) {
    for (const s of sessions) {
      const x = executionEvent(s.session.id, seq, {
        code: `step(${seq})`,
        capture: {
          params: { [`p${seq % 5}`]: seq },
          metrics: [
            { name: 'loss', value: 1 / seq, step: seq, at: s.session.startedAt }
          ],
          files: [
            {
              path: `in${seq % 3}.csv`,
              access: 'read',
              kind: 'file',
              sha256: seq % 7 === 0 ? null : String(seq % 3).repeat(64)
            }
          ]
        }
      });
      const batch: TrailEvent[] = [x];
      if (seq % 2 === 0) {
        batch.push(
          annotationEvent(x.execution, {
            metrics: [
              { name: 'acc', value: seq / 40, at: s.session.startedAt }
            ],
            tags: [`t${seq % 4}`]
          })
        );
      }
      batches.push(batch);
    }
  }
  // Every batch to the memory store in order; to the two servers at once,
  // alternately, several in flight.
  for (const batch of batches) {
    await append(memory, batch);
  }
  await Promise.all(
    [0, 1].map(async k => {
      for (let i = k; i < batches.length; i += 2) {
        await append(k === 0 ? one : two, batches[i]);
      }
    })
  );

  for (const store of [one, two]) {
    for (const s of sessions) {
      expect(await store.getRun(s.session.id)).toEqual(
        await memory.getRun(s.session.id)
      );
      expect(await store.sessionFingerprints(s.session.id)).toEqual(
        await memory.sessionFingerprints(s.session.id)
      );
    }
    const page = await store.queryRuns({
      sort: parseSort('-metrics.acc.max,id'),
      limit: 10
    });
    const want = await memory.queryRuns({
      sort: parseSort('-metrics.acc.max,id'),
      limit: 10
    });
    expect(page.items.map(r => r.id)).toEqual(want.items.map(r => r.id));
    expect(page.total).toBe(3);
  }
});

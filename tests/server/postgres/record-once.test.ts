/**
 * PostgreSQL keeps each execution's record once (in trail_executions): an
 * execution.completed event in the recorder's shape keeps no body of its
 * own, and every reader of event bodies (scanEvents, the follower, export
 * and migrate through scanEvents) gets the event back exactly as stored,
 * keys in their order, as the memory store gives it. Events of any other
 * shape (keys in another order, an id the NUL escape changes) keep their
 * whole body.
 */
import type { ExecutionCompletedEvent } from '../../../src/records/schema';
import { MemoryStore } from '../../../server/store/memory-store';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import type { StoredEvent, TrailStore } from '../../../server/store/types';
import { stopStarted, testMigratedDatabase } from '../support/postgres';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';

let db: PgDatabase;
let pg: PgStore;

beforeAll(async () => {
  db = openDatabase(await testMigratedDatabase(), {
    log: { warn: () => undefined }
  });
  pg = await PgStore.open(db);
});

afterAll(async () => {
  await pg.close();
  await db.close();
  await stopStarted();
});

/** The batches, each event made once; both stores get copies. */
const batches = (() => {
  const s = sessionEvent({ id: 'ses-once' });
  s.id = 'evt-once-s';
  const x = (seq: number, patch = {}): ExecutionCompletedEvent => {
    const e = executionEvent('ses-once', seq, patch);
    e.id = `evt-once-${seq}`;
    e.execution.id = `exe-once-${seq}`;
    return e;
  };
  // Params in the order logged (not alphabetical), NUL and U+FFFF in
  // code and output text, a key named __proto__.
  const odd = x(2, {
    code: 'print("a\u0000b\uffffc")',
    params: JSON.parse(
      '{"zeta":1,"alpha":"\\u0000","__proto__":{"b":2,"a":1},"mid":[3,1]}'
    )
  });
  odd.execution.outputs.push({
    output_type: 'stream',
    name: 'stderr',
    text: 'warn \u0000 \uffff done'
  });
  // The same event with its keys in another order: kept whole.
  const reordered = x(3);
  const { id, kind, execution } = reordered;
  const turned = { execution, kind, id } as unknown as StoredEvent;
  // An id the NUL escape changes: kept whole.
  const marked = x(4);
  marked.id = 'evt-once-\uffff-4';
  return [
    [s, x(1), odd],
    [
      turned,
      annotationEvent(
        { id: 'exe-once-1', sessionId: 'ses-once' },
        { params: { seed: 42, alpha: 1 } }
      ),
      marked,
      x(5)
    ],
    [x(1), x(6)]
  ] as StoredEvent[][];
})();

async function fill(store: TrailStore): Promise<void> {
  for (const batch of batches) {
    await store.append(structuredClone(batch), new Map());
  }
}

/** Every event scanned, as JSON text (keys in their order). */
async function scanned(
  store: TrailStore & Required<Pick<TrailStore, 'scanEvents'>>,
  batchSize: number
): Promise<string[]> {
  const events: string[] = [];
  await store.scanEvents(
    batch => {
      events.push(...batch.map(e => JSON.stringify(e)));
    },
    { batchSize }
  );
  return events;
}

it('stores recorder-shaped execution events without a body and reads every event back as stored', async () => {
  const memory = new MemoryStore();
  await fill(memory);
  await fill(pg);
  const expected = await scanned(memory, 100);
  expect(expected).toHaveLength(8);
  expect(await scanned(pg, 100)).toEqual(expected);
  expect(await scanned(pg, 2)).toEqual(expected);

  const { rows } = await db.pool.query<{ id: string; kept: boolean }>(
    'SELECT id, body IS NOT NULL AS kept FROM trail_events ORDER BY n'
  );
  expect(rows).toEqual([
    { id: 'evt-once-s', kept: true },
    { id: 'evt-once-1', kept: false },
    { id: 'evt-once-2', kept: false },
    { id: 'evt-once-3', kept: true },
    { id: expect.stringMatching(/^evt-[0-9a-f-]{36}$/), kept: true },
    { id: 'evt-once-\uffff-4', kept: true },
    { id: 'evt-once-5', kept: false },
    { id: 'evt-once-6', kept: false }
  ]);
  // Storage order on both (evt-once-1's repeat was a duplicate).
  expect(expected.map(e => (JSON.parse(e) as StoredEvent).id)).toEqual(
    rows.map(r => r.id)
  );
});

it('rebuilds the stored text itself, byte for byte, and the record stays readable', async () => {
  const { rows } = await db.pool.query<{ id: string; text: string }>(
    `SELECT id, body::text AS text FROM trail_event_bodies
     WHERE id IN ('evt-once-1', 'evt-once-5') ORDER BY n`
  );
  const plain = batches.flat().filter(e => e.id === 'evt-once-1')[0];
  expect(rows[0].text).toBe(JSON.stringify(plain));
  expect(rows).toHaveLength(2);
  const record = await pg.getExecution('exe-once-2');
  expect(JSON.stringify(record?.params)).toBe(
    '{"zeta":1,"alpha":"\\u0000","__proto__":{"b":2,"a":1},"mid":[3,1]}'
  );
  expect(record?.code).toBe('print("a\u0000b\uffffc")');
});

/**
 * scanEvents, what export and migration read, on every backend: each
 * stored event once, as stored (blob references, the environment by id),
 * in storage order, in batches of the size asked, duplicates never; the
 * file store the same after a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../../server/canonical-json';
import { loadRecordSchemas } from '../../../server/schemas';
import { IngestService } from '../../../server/services/ingest';
import { FileStore } from '../../../server/store/file-store';
import { MemoryStore } from '../../../server/store/memory-store';
import { openDatabase } from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import type { StoredEvent, TrailStore } from '../../../server/store/types';
import { RecordValidator } from '../../../server/validation';
import {
  bigPng,
  environmentEvent,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';

type Scanning = TrailStore & Required<Pick<TrailStore, 'scanEvents'>>;

let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trail-transfer-scan-'));
});

afterAll(async () => {
  for (const close of closers.reverse()) {
    await close();
  }
  await stopStarted();
  await rm(dir, { recursive: true, force: true });
});

/** Three batches, the last one repeating an event; made once for all stores. */
const batches = (() => {
  const s = sessionEvent({ id: 'ses-scan' });
  s.id = 'evt-scan-s';
  const x = (seq: number) => {
    const e = executionEvent('ses-scan', seq);
    e.id = `evt-scan-${seq}`;
    e.execution.id = `exe-scan-${seq}`;
    e.execution.outputs.push(imageOutput(bigPng('scan')));
    return e;
  };
  const env = environmentEvent('ses-scan', 1);
  env.id = 'evt-scan-env';
  const two = x(2);
  return [
    [s, x(1), two],
    [env, x(3)],
    [two, x(4)]
  ];
})();

const IDS = [
  'evt-scan-s',
  'evt-scan-1',
  'evt-scan-2',
  'evt-scan-env',
  'evt-scan-3',
  'evt-scan-4'
];

/** Stores the batches through the ingest service (as a server does). */
async function fill(store: TrailStore): Promise<string[]> {
  const ingest = new IngestService(
    store,
    new RecordValidator(loadRecordSchemas()),
    { authorizeIngest: async (_p, events) => events }
  );
  const owner = {
    userId: 'owner',
    name: 'owner',
    displayName: 'Owner',
    role: 'admin' as const,
    tokenId: null
  };
  for (const events of batches) {
    await ingest.ingest(owner, { events: structuredClone(events) });
  }
  return IDS;
}

async function scan(
  store: Scanning,
  batchSize: number
): Promise<{ events: StoredEvent[]; sizes: number[] }> {
  const events: StoredEvent[] = [];
  const sizes: number[] = [];
  await store.scanEvents(
    async batch => {
      sizes.push(batch.length);
      events.push(...batch);
    },
    { batchSize }
  );
  return { events, sizes };
}

async function expectScans(store: Scanning, ids: string[]): Promise<string> {
  const { events, sizes } = await scan(store, 4);
  expect(events.map(e => e.id)).toEqual(ids);
  expect(sizes).toEqual([4, 2]);
  const image = events[1] as Extract<
    StoredEvent,
    { kind: 'execution.completed' }
  >;
  const ref = image.execution.outputs[2] as { data: Record<string, unknown> };
  expect(ref.data['image/png']).toMatchObject({
    $blob: expect.stringMatching(/^[0-9a-f]{64}$/)
  });
  const env = events[3] as Extract<
    StoredEvent,
    { kind: 'environment.captured' }
  >;
  expect(await store.blobs.get(env.environmentId)).not.toBeNull();
  return canonicalJson(events);
}

it('gives every event once, as stored, in storage order, on every backend', async () => {
  const memory = new MemoryStore();
  const ids = await fill(memory);
  const expected = await expectScans(memory, ids);

  let file = await FileStore.open(join(dir, 'file'));
  closers.push(() => file.close());
  await fill(file);
  expect(await expectScans(file, ids)).toBe(expected);
  await file.close();
  file = await FileStore.open(join(dir, 'file'));
  expect(await expectScans(file, ids)).toBe(expected);

  const db = openDatabase(await testDatabase(), {
    log: { warn: () => undefined }
  });
  closers.push(() => db.close());
  await db.migrate();
  const pg = await PgStore.open(db);
  closers.push(() => pg.close());
  await fill(pg);
  expect(await expectScans(pg, ids)).toBe(expected);
});

/**
 * `kill -9` of a `trail-server` on PostgreSQL (blobs in S3) mid-ingest
 * loses no acknowledged event and leaves nothing partial: clients record
 * every event id the server acknowledged, the server is killed at a random
 * moment while their requests are in flight, and a new server on the same
 * database holds every acknowledged event (a re-post answers duplicates
 * only) with its blobs, while each batch that was cut off is there whole
 * or not at all.
 */
import { createHash } from 'node:crypto';
import type {
  ExecutionCompletedEvent,
  TrailEvent
} from '../../../src/records/schema';
import { buildServer, exitOf, type RunningServer } from '../support/process';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';
import { get, post, startOn, TOKEN, type Place } from './process-support';

jest.setTimeout(120_000);

let place: Place;
/** The same, with blobs in the database (no bucket). */
let inDatabase: Place;
const started: RunningServer[] = [];

beforeAll(async () => {
  buildServer();
  const [database, other, bucket] = await Promise.all([
    testDatabase(),
    testDatabase(),
    testBucket()
  ]);
  place = { database, blobs: bucket.url, env: bucket.env };
  inDatabase = { database: other };
}, 120_000);

afterAll(async () => {
  for (const server of started) {
    server.child.kill('SIGKILL');
  }
  await stopStarted();
});

it.each([
  ['in S3', () => place],
  ['in the database', () => inDatabase]
])(
  'keeps every acknowledged event and nothing partial after kill -9 mid-ingest (blobs %s)',
  async (_where, placeOf) => {
    const place = placeOf();
    const first = await startOn(place);
    started.push(first);
    const acknowledged = new Map<string, TrailEvent>();
    /** Batches in flight when the server died: stored whole or not at all. */
    const cutOff: TrailEvent[][] = [];
    // A random moment: after 150 to 450 acknowledged events.
    const killAfter = 150 + Math.floor(Math.random() * 300);
    let killed = false;

    const client = async (n: number) => {
      const session = sessionEvent();
      const sid = session.session.id;
      let seq = 0;
      let events: TrailEvent[] = [session];
      for (;;) {
        while (events.length < 10) {
          events.push(executionEvent(sid, ++seq));
        }
        // Each batch cites a blob of its own (put in S3 before the commit).
        const withImage: ExecutionCompletedEvent = executionEvent(sid, ++seq, {
          outputs: [imageOutput(bigPng(`kill-${n}-${seq}-${Math.random()}`))]
        });
        events.push(withImage);
        try {
          const result = await post(first, events);
          const byId = new Map(events.map(e => [e.id, e]));
          for (const id of [...result.accepted, ...result.duplicates]) {
            acknowledged.set(id, byId.get(id)!);
          }
        } catch {
          cutOff.push(events); // the server died under this request
          return;
        }
        events = [];
        if (!killed && acknowledged.size >= killAfter) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, n) => client(n)));
    expect(await exitOf(first.child)).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter);
    expect(cutOff.length).toBeGreaterThan(0);

    const second = await startOn(place);
    started.push(second);
    // Every acknowledged event is stored: a re-post stores nothing new.
    const all = [...acknowledged.values()];
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      const result = await post(second, chunk);
      expect(result.accepted).toEqual([]);
      expect(result.duplicates).toHaveLength(chunk.length);
    }
    // Every acknowledged execution reads back as sent, its image whole.
    for (const event of all) {
      if (event.kind !== 'execution.completed') {
        continue;
      }
      const read = await get(second, `/executions/${event.execution.id}`);
      expect(read.status).toBe(200);
      const image = event.execution.outputs.find(
        o => o.output_type === 'display_data'
      );
      if (!image) {
        expect(read.body).toEqual(event.execution);
        continue;
      }
      const ref = read.body.outputs[0].data['image/png'];
      const blob = await second.call(TOKEN, 'GET', `/blobs/${ref.$blob}`);
      expect(blob.status).toBe(200);
      const bytes = Buffer.from(await blob.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.$blob);
    }
    // A batch cut off by the kill was committed whole or not at all.
    for (const batch of cutOff) {
      const result = await post(second, batch);
      expect([0, batch.length]).toContain(result.duplicates.length);
    }
    await second.stop();
  }
);

it('finishes the requests in flight on SIGTERM, exits 0, and every acknowledged event is stored', async () => {
  const server = await startOn(place);
  started.push(server);
  const acknowledged = new Map<string, TrailEvent>();
  let refused = 0;
  let signalled = false;
  let signalledAt = 0;
  const client = async () => {
    const session = sessionEvent();
    let seq = 0;
    let events: TrailEvent[] = [session];
    for (;;) {
      while (events.length < 20) {
        events.push(executionEvent(session.session.id, ++seq));
      }
      try {
        const result = await post(server, events);
        const byId = new Map(events.map(e => [e.id, e]));
        for (const id of [...result.accepted, ...result.duplicates]) {
          acknowledged.set(id, byId.get(id)!);
        }
      } catch (err) {
        // After the listener closed: refused, never answered with an error.
        expect(String(err)).not.toContain('POST /events:');
        refused++;
        return;
      }
      events = [];
      if (!signalled && acknowledged.size >= 200) {
        signalled = true;
        signalledAt = Date.now();
        server.child.kill('SIGTERM');
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, () => client()));
  expect(await exitOf(server.child)).toBe(0);
  // Kept-alive connections close as their last request ends: no waiting
  // for the 10 s cut-off.
  expect(Date.now() - signalledAt).toBeLessThan(8_000);
  expect(server.stderr()).toContain('SIGTERM: finishing requests in flight');
  expect(refused).toBe(4);

  // Every acknowledged event was committed before the process exited.
  const again = await startOn(place);
  started.push(again);
  const all = [...acknowledged.values()];
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    const result = await post(again, chunk);
    expect(result.accepted).toEqual([]);
    expect(result.duplicates).toHaveLength(chunk.length);
  }
  await again.stop();
});

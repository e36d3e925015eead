/**
 * DeliveryQueue end to end over real HTTP: a TrailClient sends to a loopback
 * server that stores ids idempotently (tests/frontend/client/mini-trail.ts),
 * and events wait in (fake) IndexedDB. Intervals are a few milliseconds so
 * the tests run in real time, fast.
 */
import {
  BatchSender,
  DeliveryQueue,
  DeliveryQueueOptions,
  DeliveryState,
  IQueueStorage,
  IndexedDbQueueStorage,
  LockProvider,
  MemoryQueueStorage,
  TrailClient,
  backoffDelay
} from '../../src/client';
import type { TrailEvent } from '../../src/records/schema';
import {
  executionEvent,
  executionEvents,
  freshDbName,
  sleep,
  waitFor
} from './client/events';
import { MiniTrail } from './client/mini-trail';

const TOKEN = 'secret-token';

let server: MiniTrail;
const queues: DeliveryQueue[] = [];

beforeEach(async () => {
  server = await MiniTrail.start({ token: TOKEN });
});

afterEach(async () => {
  queues.splice(0).forEach(queue => queue.dispose());
  await server.close();
});

function clientFor(url = server.url, token = TOKEN): TrailClient {
  return new TrailClient({ baseUrl: url, token, timeoutMs: 2000 });
}

function sender(client = clientFor()): BatchSender {
  return batch => client.ingest(batch);
}

function createQueue(
  options: Partial<DeliveryQueueOptions> = {}
): DeliveryQueue {
  const queue = new DeliveryQueue({
    send: sender(),
    storage: new MemoryQueueStorage(),
    batchSize: 50,
    flushIntervalMs: 5,
    initialBackoffMs: 5,
    maxBackoffMs: 40,
    ...options
  });
  queues.push(queue);
  return queue;
}

async function enqueueAll(queue: DeliveryQueue, events: TrailEvent[]) {
  for (const event of events) {
    await queue.enqueue(event);
  }
}

const ids = (events: TrailEvent[]) => events.map(e => e.id);

/**
 * Whether the queue is idle and empty. Pass the storage when it held events
 * before the queue was made: until its first count the queue reports 0.
 */
const delivered = (queue: DeliveryQueue, storage?: IQueueStorage) => async () =>
  queue.state.pending === 0 &&
  !queue.state.sending &&
  (!storage || (await storage.count()) === 0);

describe('delivery', () => {
  it('delivers events from an earlier page load (IndexedDB survives the reload)', async () => {
    const dbName = freshDbName();
    const events = executionEvents(5);
    await server.close(); // nothing can be sent on the first "page"
    const first = createQueue({
      send: sender(clientFor(server.url)),
      storage: new IndexedDbQueueStorage({ dbName })
    });
    await enqueueAll(first, events);
    expect(first.state.pending).toBe(5);
    first.dispose();

    await server.listen(0);
    const storage = new IndexedDbQueueStorage({ dbName });
    expect(await storage.count()).toBe(5);
    const second = createQueue({ send: sender(), storage });
    await waitFor(delivered(second, storage), 'the reloaded queue to deliver');
    expect(server.stored).toEqual(ids(events));
    expect(await new IndexedDbQueueStorage({ dbName }).count()).toBe(0);
  });

  it('resolves enqueue only once the event is stored', async () => {
    const storage = new MemoryQueueStorage();
    const queue = createQueue({ storage, flushIntervalMs: 60000 });
    const [event] = executionEvents(1);
    await queue.enqueue(event);
    expect(await storage.peek(1)).toEqual([event]);
    expect(queue.state.pending).toBe(1);
  });

  it('groups writes: a burst in one, and what comes during a write in the next', async () => {
    const storage = new MemoryQueueStorage();
    const writes: number[] = [];
    const add = storage.add.bind(storage);
    storage.add = async events => {
      writes.push(events.length);
      await sleep(30); // as an IndexedDB transaction takes a while
      return add(events);
    };
    const queue = createQueue({ storage, flushIntervalMs: 60000 });
    const events = executionEvents(16);
    await queue.enqueue(events[0]);
    const burst = Promise.all(events.slice(1, 11).map(e => queue.enqueue(e)));
    await sleep(10); // the burst's write is in flight
    const later = Promise.all(events.slice(11).map(e => queue.enqueue(e)));
    await Promise.all([burst, later]);
    expect(writes).toEqual([1, 10, 5]);
    expect(queue.state.pending).toBe(16);
    expect((await storage.peek(20)).map(e => e.id)).toEqual(ids(events));
  });

  it('rejects the events of a failed write and keeps writing later ones', async () => {
    const storage = new MemoryQueueStorage();
    const add = storage.add.bind(storage);
    let fail = true;
    storage.add = async events => {
      if (fail) {
        throw new Error('QuotaExceededError');
      }
      return add(events);
    };
    const queue = createQueue({ storage, flushIntervalMs: 60000 });
    const [lost, kept] = executionEvents(2);
    await expect(queue.enqueue(lost)).rejects.toThrow('QuotaExceededError');
    fail = false;
    await queue.enqueue(kept);
    expect((await storage.peek(10)).map(e => e.id)).toEqual([kept.id]);
  });

  it('waits the flush interval, then sends what waits as one batch', async () => {
    const queue = createQueue({ flushIntervalMs: 300 });
    const events = executionEvents(3);
    await enqueueAll(queue, events);
    expect(server.batches).toEqual([]);
    await waitFor(delivered(queue), 'the interval flush');
    expect(server.batches).toEqual([ids(events)]);
  });

  it('sends at once when a batch is full, without waiting the interval', async () => {
    const queue = createQueue({ batchSize: 3, flushIntervalMs: 60000 });
    const events = executionEvents(3);
    await enqueueAll(queue, events.slice(0, 2));
    await sleep(30);
    expect(server.batches).toEqual([]);
    await queue.enqueue(events[2]);
    await waitFor(delivered(queue), 'the full batch to go');
    expect(server.batches).toEqual([ids(events)]);
  });

  it('keeps the order across batches of at most batchSize', async () => {
    const storage = new MemoryQueueStorage();
    const events = executionEvents(10);
    await storage.add(events);
    const queue = createQueue({ storage, batchSize: 4 });
    await waitFor(delivered(queue, storage), 'all batches');
    expect(server.batches.map(b => b.length)).toEqual([4, 4, 2]);
    expect(server.batches.flat()).toEqual(ids(events));
  });

  it('cuts batches before their JSON passes maxBatchChars', async () => {
    const storage = new MemoryQueueStorage();
    const events = executionEvents(6);
    await storage.add(events);
    const size = JSON.stringify(events[0]).length;
    const queue = createQueue({ storage, maxBatchChars: size * 2 + 10 });
    await waitFor(delivered(queue, storage), 'all batches');
    expect(server.batches).toEqual([
      ids(events.slice(0, 2)),
      ids(events.slice(2, 4)),
      ids(events.slice(4))
    ]);
  });

  it('flush() sends at once', async () => {
    const queue = createQueue({ flushIntervalMs: 60000 });
    await enqueueAll(queue, executionEvents(2));
    await queue.flush();
    expect(queue.state.pending).toBe(0);
    expect(server.stored).toHaveLength(2);
  });
});

describe('failures', () => {
  it('retries with backoff until the server is back, then stores every id once', async () => {
    const events = executionEvents(20);
    const url = server.url;
    const port = server.port;
    await server.close();
    const states: DeliveryState[] = [];
    const queue = createQueue({
      send: sender(clientFor(url)),
      batchSize: 7
    });
    queue.stateChanged.connect((_, state) => states.push(state));
    await enqueueAll(queue, events);
    await waitFor(
      () => states.filter(s => s.lastError).length >= 3,
      'a few failed attempts'
    );
    expect(queue.state.lastError).toContain(
      `Cannot reach the Trail server at ${url}`
    );
    expect(queue.state.pending).toBe(20);

    await server.listen(port);
    await waitFor(delivered(queue), 'delivery after the outage');
    expect(server.stored).toEqual(ids(events));
    expect([...server.acceptedCount.values()].every(n => n === 1)).toBe(true);
    expect(queue.state.lastError).toBeNull();
    expect(queue.state.lastDeliveredAt).not.toBeNull();
  });

  it('resends when an answer is lost and counts duplicates as delivered', async () => {
    const events = executionEvents(6);
    server.mode = 'drop-answer';
    const queue = createQueue({ batchSize: 3 });
    await enqueueAll(queue, events);
    await waitFor(() => server.batches.length >= 2, 'stored but unanswered');
    expect(queue.state.pending).toBeGreaterThan(0);
    server.mode = 'ok';
    await waitFor(delivered(queue), 'delivery after lost answers');
    expect(server.stored).toEqual(ids(events));
    expect([...server.acceptedCount.values()].every(n => n === 1)).toBe(true);
  });

  it('backs off longer after each failure, up to the maximum', async () => {
    const times: number[] = [];
    server.routes.push(() => {
      times.push(Date.now());
      return false;
    });
    server.mode = 'unavailable';
    const queue = createQueue({
      initialBackoffMs: 20,
      maxBackoffMs: 80,
      random: () => 0.999
    });
    await queue.enqueue(executionEvent(1));
    await waitFor(() => times.length >= 5, 'five attempts');
    const gaps = times.slice(1, 5).map((t, i) => t - times[i]);
    // Ceilings 20, 40, 80, 80 (the maximum); the jitter picks 99.9% of each.
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(gaps[3]).toBeGreaterThanOrEqual(78);
    expect(gaps[3]).toBeLessThan(400);
    expect(queue.state.lastError).toBe('Try again later.');
    expect(queue.state.pending).toBe(1);
  });

  it('sets aside the one invalid event of a batch and delivers the other nine', async () => {
    const events = executionEvents(10);
    const bad = executionEvent(7, { status: 'exploded' });
    events[6] = bad;
    const storage = new MemoryQueueStorage();
    await storage.add(events);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const queue = createQueue({ storage, batchSize: 10 });
    await waitFor(delivered(queue, storage), 'the good events');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(bad.id));
    warn.mockRestore();
    expect(server.stored).toEqual(ids(events).filter(id => id !== bad.id));
    expect(queue.state.failed).toBe(1);
    expect(queue.state.lastError).toContain('1 event was refused');
    expect(queue.state.lastError).toContain(bad.id);
    expect(queue.state.lastError).toContain(
      '/events/0/execution/status: must be equal to one of the allowed values'
    );
    const dead = await storage.deadLetters();
    expect(dead.map(d => d.event)).toEqual([bad]);
    expect(dead[0].error).toContain('The batch does not match the schema.');
    expect(await storage.count()).toBe(0);
    // Bisection, not one request per event.
    expect(server.requests.length).toBeLessThan(10);
  });

  it('splits a batch that is too large and sets aside an event larger than the limit', async () => {
    await server.close();
    server = await MiniTrail.start({ token: TOKEN, maxBodyBytes: 4000 });
    const events = Array.from({ length: 8 }, (_, i) =>
      executionEvent(i + 1, { code: 'y'.repeat(900) })
    );
    const huge = executionEvent(9, { code: 'z'.repeat(5000) });
    events.splice(5, 0, huge);
    const storage = new MemoryQueueStorage();
    await storage.add(events);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const queue = createQueue({ storage, send: sender(), batchSize: 20 });
    await waitFor(delivered(queue, storage), 'the events that fit');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(huge.id));
    warn.mockRestore();
    expect(server.stored).toEqual(ids(events).filter(id => id !== huge.id));
    const dead = await storage.deadLetters();
    expect(dead.map(d => d.event.id)).toEqual([huge.id]);
    expect(dead[0].error).toContain('too large');
    expect(queue.state.failed).toBe(1);
    expect(queue.state.lastError).toContain('too large');
  });

  it('keeps events on 401 and retries slowly, until the token is fixed', async () => {
    const queue = createQueue({
      send: sender(clientFor(server.url, 'wrong-token')),
      maxBackoffMs: 60000
    });
    const events = executionEvents(3);
    await enqueueAll(queue, events);
    await waitFor(() => queue.state.lastError !== null, 'the 401');
    expect(queue.state).toMatchObject({
      pending: 3,
      failed: 0,
      sending: false,
      lastError: 'Missing or wrong token.'
    });
    expect(queue.retryAt! - Date.now()).toBeGreaterThan(50000);
    await sleep(50);
    expect(server.requests).toHaveLength(1);

    queue.setSender(sender(clientFor(server.url, TOKEN)));
    await waitFor(delivered(queue), 'delivery with the right token');
    expect(server.stored).toEqual(ids(events));
    expect(queue.state.lastError).toBeNull();
    expect(queue.retryAt).toBeNull();
  });

  it('does not resend at once what the server did not acknowledge', async () => {
    let calls = 0;
    const queue = createQueue({
      send: async batch => {
        calls++;
        return { accepted: [batch.events[0].id], duplicates: [] };
      },
      initialBackoffMs: 1000,
      maxBackoffMs: 1000,
      random: () => 0.999
    });
    await enqueueAll(queue, executionEvents(2));
    await waitFor(() => queue.state.lastError !== null, 'the partial answer');
    expect(queue.state.lastError).toContain('acknowledged 1 of 2 events');
    expect(queue.state.pending).toBe(1);
    await sleep(100);
    expect(calls).toBe(1);
  });

  it('tries again at once when the browser comes back online', async () => {
    const events = executionEvents(2);
    server.mode = 'unavailable';
    const queue = createQueue({ initialBackoffMs: 60000, maxBackoffMs: 60000 });
    await enqueueAll(queue, events);
    await waitFor(() => queue.state.lastError !== null, 'the failure');
    server.mode = 'ok';
    window.dispatchEvent(new Event('online'));
    await waitFor(delivered(queue), 'delivery after online', 1000);
    expect(server.stored).toEqual(ids(events));
  });
});

describe('state and lifecycle', () => {
  it('emits each change of state once', async () => {
    const queue = createQueue({ flushIntervalMs: 20 });
    await sleep(10); // the initial load
    const states: DeliveryState[] = [];
    queue.stateChanged.connect((_, state) => states.push(state));
    await queue.enqueue(executionEvent(1));
    await waitFor(delivered(queue), 'delivery');
    expect(states[0]).toEqual({
      pending: 1,
      sending: false,
      lastError: null,
      lastDeliveredAt: null,
      failed: 0
    });
    expect(states.some(s => s.sending && s.pending === 1)).toBe(true);
    expect(states[states.length - 1]).toEqual(queue.state);
    expect(queue.state).toMatchObject({
      pending: 0,
      sending: false,
      failed: 0
    });
    expect(Date.parse(queue.state.lastDeliveredAt!)).toBeGreaterThan(
      Date.now() - 5000
    );
    for (let i = 1; i < states.length; i++) {
      expect(states[i]).not.toEqual(states[i - 1]);
    }
  });

  it('counts dead letters left by an earlier page load', async () => {
    const storage = new MemoryQueueStorage();
    const [event] = executionEvents(1);
    await storage.addDeadLetters([{ event, error: 'x', at: 'now' }]);
    const queue = createQueue({ storage });
    await waitFor(() => queue.state.failed === 1, 'the dead-letter count');
  });

  it('stops sending once disposed, still storing what is enqueued', async () => {
    const storage = new MemoryQueueStorage();
    const queue = createQueue({ storage, flushIntervalMs: 20 });
    queue.dispose();
    queue.dispose();
    expect(queue.isDisposed).toBe(true);
    await queue.enqueue(executionEvent(1));
    await queue.flush();
    await sleep(60);
    expect(server.requests).toHaveLength(0);
    expect(await storage.count()).toBe(1);
  });

  it('lets only one tab deliver at a time when tabs share the queue', async () => {
    const dbName = freshDbName();
    const locks = new InProcessLocks();
    server.ingestDelayMs = 15;
    const tabs = [0, 1].map(() =>
      createQueue({
        storage: new IndexedDbQueueStorage({ dbName }),
        batchSize: 3,
        locks
      })
    );
    const events = executionEvents(12);
    await Promise.all([
      enqueueAll(
        tabs[0],
        events.filter((_, i) => i % 2 === 0)
      ),
      enqueueAll(
        tabs[1],
        events.filter((_, i) => i % 2 === 1)
      )
    ]);
    await waitFor(
      async () =>
        (await new IndexedDbQueueStorage({ dbName }).count()) === 0 &&
        tabs.every(tab => !tab.state.sending),
      'both tabs to finish'
    );
    expect(server.maxInFlight).toBe(1);
    expect(server.batches.flat()).toHaveLength(12);
    expect(new Set(server.stored)).toEqual(new Set(ids(events)));
    expect(locks.requested).toBeGreaterThan(0);
  });
});

describe('backoffDelay', () => {
  it('is a random share of a ceiling that doubles up to the maximum', () => {
    const options = { initialMs: 500, maxMs: 30000 };
    const half = () => 0.5;
    expect(
      [0, 1, 2, 3, 6, 7, 20].map(a => backoffDelay(a, options, half))
    ).toEqual([250, 500, 1000, 2000, 15000, 15000, 15000]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.999)).toBe(3996);
  });
});

/** A mutex per name, like navigator.locks within one browser. */
class InProcessLocks implements LockProvider {
  requested = 0;
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    this.requested++;
    const previous = this._tails.get(name) ?? Promise.resolve();
    const run = previous.then(callback);
    this._tails.set(
      name,
      run.then(
        () => undefined,
        () => undefined
      )
    );
    return run;
  }
  private _tails = new Map<string, Promise<unknown>>();
}

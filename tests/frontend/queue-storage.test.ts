/**
 * The queue storages: both keep order, store each id once, and keep refused
 * events. IndexedDB is fake-indexeddb (set up for the frontend project).
 */
import {
  IQueueStorage,
  IndexedDbQueueStorage,
  MemoryQueueStorage,
  openQueueStorage
} from '../../src/client';
import { executionEvents, freshDbName } from './client/events';

const storages: [string, () => IQueueStorage][] = [
  ['MemoryQueueStorage', () => new MemoryQueueStorage()],
  [
    'IndexedDbQueueStorage',
    () => new IndexedDbQueueStorage({ dbName: freshDbName() })
  ]
];

describe.each(storages)('%s', (_, create) => {
  it('peeks the oldest events first and removes by id', async () => {
    const storage = create();
    const events = executionEvents(5);
    await storage.add(events.slice(0, 3));
    await storage.add(events.slice(3));
    expect(await storage.count()).toBe(5);
    expect((await storage.peek(2)).map(e => e.id)).toEqual(
      events.slice(0, 2).map(e => e.id)
    );
    await storage.remove([events[0].id, events[2].id, 'unknown-id-000']);
    expect((await storage.peek(10)).map(e => e.id)).toEqual(
      [events[1], events[3], events[4]].map(e => e.id)
    );
    expect(await storage.peek(10)).toEqual([events[1], events[3], events[4]]);
    expect(await storage.count()).toBe(3);
  });

  it('stores an id once even when added again', async () => {
    const storage = create();
    const events = executionEvents(3);
    await storage.add(events);
    await storage.add([events[1], events[0]]);
    expect(await storage.count()).toBe(3);
    expect((await storage.peek(10)).map(e => e.id)).toEqual(
      events.map(e => e.id)
    );
  });

  it('keeps a copy: later changes by the caller are not stored', async () => {
    const storage = create();
    const [event] = executionEvents(1);
    await storage.add([event]);
    (event as any).execution.code = 'changed';
    const [stored] = await storage.peek(1);
    expect((stored as any).execution.code).toBe('x = 1');
  });

  it('keeps dead letters with their reason', async () => {
    const storage = create();
    const events = executionEvents(2);
    expect(await storage.countDeadLetters()).toBe(0);
    await storage.addDeadLetters([
      { event: events[0], error: 'invalid', at: '2026-11-22T10:00:00.000Z' },
      { event: events[1], error: 'too large', at: '2026-11-22T10:00:01.000Z' }
    ]);
    expect(await storage.countDeadLetters()).toBe(2);
    expect(await storage.deadLetters()).toEqual([
      { event: events[0], error: 'invalid', at: '2026-11-22T10:00:00.000Z' },
      { event: events[1], error: 'too large', at: '2026-11-22T10:00:01.000Z' }
    ]);
  });
});

describe('IndexedDbQueueStorage', () => {
  it('is shared by instances over the same database (tabs, reloads)', async () => {
    const dbName = freshDbName();
    const first = new IndexedDbQueueStorage({ dbName });
    const events = executionEvents(4);
    await first.add(events);
    first.close();
    const second = new IndexedDbQueueStorage({ dbName });
    expect((await second.peek(10)).map(e => e.id)).toEqual(
      events.map(e => e.id)
    );
    await second.add([events[0]]);
    expect(await second.count()).toBe(4);
    await second.remove([events[0].id]);
    const third = new IndexedDbQueueStorage({ dbName });
    expect(await third.count()).toBe(3);
  });

  it('skips ids another tab queued and stores the rest of the batch', async () => {
    const dbName = freshDbName();
    const first = new IndexedDbQueueStorage({ dbName });
    const second = new IndexedDbQueueStorage({ dbName });
    const events = executionEvents(4);
    await first.add([events[1]]);
    await second.add(events);
    expect((await first.peek(10)).map(e => e.id)).toEqual(
      [events[1], events[0], events[2], events[3]].map(e => e.id)
    );
    expect(await second.count()).toBe(4);
  });

  it('removes a run of the last peek, and nothing around it', async () => {
    const storage = new IndexedDbQueueStorage({ dbName: freshDbName() });
    const events = executionEvents(6);
    await storage.add(events.slice(0, 5));
    await storage.peek(4);
    // Added after the peek: its key is above the run's.
    await storage.add([events[5]]);
    await storage.remove([events[2].id, events[1].id]);
    expect((await storage.peek(10)).map(e => e.id)).toEqual(
      [events[0], events[3], events[4], events[5]].map(e => e.id)
    );
    await storage.remove([events[3].id, events[0].id]);
    expect((await storage.peek(10)).map(e => e.id)).toEqual(
      [events[4], events[5]].map(e => e.id)
    );
  });

  it('removes by id events it never added or peeked', async () => {
    const dbName = freshDbName();
    const first = new IndexedDbQueueStorage({ dbName });
    const events = executionEvents(3);
    await first.add(events);
    // Another tab, that neither added nor peeked them, delivered two.
    const second = new IndexedDbQueueStorage({ dbName });
    await second.remove([events[0].id, events[2].id]);
    expect((await first.peek(10)).map(e => e.id)).toEqual([events[1].id]);
    // The first tab's own removal of an event gone already changes nothing.
    await first.remove([events[0].id]);
    expect((await second.peek(10)).map(e => e.id)).toEqual([events[1].id]);
    await first.remove([events[1].id]);
    expect(await second.count()).toBe(0);
  });

  it('is what openQueueStorage picks when IndexedDB works', async () => {
    expect(await openQueueStorage({ dbName: freshDbName() })).toBeInstanceOf(
      IndexedDbQueueStorage
    );
  });
});

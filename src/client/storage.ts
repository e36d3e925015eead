import { DBSchema, IDBPDatabase, openDB } from 'idb';
import type { TrailEvent } from '../_schema/records';

/**
 * An event the server refused for good, set aside instead of dropped.
 */
export interface DeadLetter {
  event: TrailEvent;
  /** Why it was refused, as the server said it. */
  error: string;
  /** When it was set aside (ISO 8601). */
  at: string;
}

/**
 * Where the delivery queue keeps events until the server has them.
 *
 * Implementations keep insertion order and store each event id once: adding
 * an id that is already queued does nothing, so a retried enqueue cannot
 * duplicate an event.
 */
export interface IQueueStorage {
  /** Appends events (skipping ids already queued); resolves once they are stored. */
  add(events: TrailEvent[]): Promise<void>;
  /** The oldest `limit` events, oldest first; they stay queued. */
  peek(limit: number): Promise<TrailEvent[]>;
  /** Removes the events with these ids; unknown ids are ignored. */
  remove(ids: string[]): Promise<void>;
  /** How many events are queued. */
  count(): Promise<number>;
  /** Keeps refused events with the reason. */
  addDeadLetters(entries: DeadLetter[]): Promise<void>;
  /** Every refused event, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** How many refused events are kept. */
  countDeadLetters(): Promise<number>;
}

/**
 * Keeps the queue in memory: for tests, and for browsers without IndexedDB
 * (events then survive outages but not a page reload).
 */
export class MemoryQueueStorage implements IQueueStorage {
  async add(events: TrailEvent[]): Promise<void> {
    for (const event of events) {
      if (!this._events.has(event.id)) {
        // A copy, as IndexedDB would store: later changes by the caller
        // must not alter what gets sent.
        this._events.set(event.id, copy(event));
      }
    }
  }

  async peek(limit: number): Promise<TrailEvent[]> {
    const events: TrailEvent[] = [];
    for (const event of this._events.values()) {
      if (events.length >= limit) {
        break;
      }
      events.push(copy(event));
    }
    return events;
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      this._events.delete(id);
    }
  }

  async count(): Promise<number> {
    return this._events.size;
  }

  async addDeadLetters(entries: DeadLetter[]): Promise<void> {
    this._dead.push(...entries.map(copy));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this._dead.map(copy);
  }

  async countDeadLetters(): Promise<number> {
    return this._dead.length;
  }

  // A Map keeps insertion order, which is the queue order.
  private _events = new Map<string, TrailEvent>();
  private _dead: DeadLetter[] = [];
}

/** The layout of the IndexedDB database. */
interface TrailQueueDB extends DBSchema {
  queue: {
    key: number;
    value: { seq?: number; id: string; event: TrailEvent };
    indexes: { id: string };
  };
  dead: {
    key: number;
    value: { seq?: number; id: string } & DeadLetter;
  };
}

/**
 * Options of an IndexedDbQueueStorage.
 */
export interface IndexedDbQueueStorageOptions {
  /** The database name; `jupyterlab-trail` by default (shared by the tabs of an origin). */
  dbName?: string;
}

/**
 * Keeps the queue in the browser's IndexedDB, so events survive reloads,
 * closed tabs and crashes. Tabs of the same origin share one queue.
 *
 * Store `queue` is keyed by an auto-increment `seq`, which is the delivery
 * order, with a unique index on the event id; store `dead` holds refused
 * events.
 */
export class IndexedDbQueueStorage implements IQueueStorage {
  constructor(options: IndexedDbQueueStorageOptions = {}) {
    this.dbName = options.dbName ?? 'jupyterlab-trail';
  }

  /** The name of the IndexedDB database. */
  readonly dbName: string;

  async add(events: TrailEvent[]): Promise<void> {
    const db = await this._open();
    const tx = db.transaction('queue', 'readwrite');
    const index = tx.store.index('id');
    await settle(tx.done, async () => {
      // Checked inside the same transaction, so two tabs cannot both add
      // one. All requests go out at once: IndexedDB runs them in order
      // without a round trip through the event loop for each.
      const keys = await Promise.all(events.map(e => index.getKey(e.id)));
      const seen = new Set<string>();
      await Promise.all(
        events.map((event, i) => {
          if (keys[i] !== undefined || seen.has(event.id)) {
            return undefined;
          }
          seen.add(event.id);
          return tx.store.add({ id: event.id, event });
        })
      );
    });
  }

  async peek(limit: number): Promise<TrailEvent[]> {
    const db = await this._open();
    const rows = await db.getAll('queue', undefined, limit);
    return rows.map(row => row.event);
  }

  async remove(ids: string[]): Promise<void> {
    if (!ids.length) {
      return;
    }
    const db = await this._open();
    const tx = db.transaction('queue', 'readwrite');
    const index = tx.store.index('id');
    await settle(tx.done, async () => {
      const seqs = await Promise.all(ids.map(id => index.getKey(id)));
      await Promise.all(
        [...new Set(seqs)]
          .filter((seq): seq is number => seq !== undefined)
          .map(seq => tx.store.delete(seq))
      );
    });
  }

  async count(): Promise<number> {
    const db = await this._open();
    return db.count('queue');
  }

  async addDeadLetters(entries: DeadLetter[]): Promise<void> {
    const db = await this._open();
    const tx = db.transaction('dead', 'readwrite');
    await settle(tx.done, async () => {
      for (const entry of entries) {
        await tx.store.add({ id: entry.event.id, ...entry });
      }
    });
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const db = await this._open();
    const rows = await db.getAll('dead');
    return rows.map(({ event, error, at }) => ({ event, error, at }));
  }

  async countDeadLetters(): Promise<number> {
    const db = await this._open();
    return db.count('dead');
  }

  /** Closes the database connection; the next call opens it again. */
  close(): void {
    const opening = this._db;
    this._db = null;
    void opening?.then(db => db.close()).catch(() => undefined);
  }

  private _open(): Promise<IDBPDatabase<TrailQueueDB>> {
    if (!this._db) {
      const opening = openDB<TrailQueueDB>(this.dbName, 1, {
        upgrade(db) {
          const queue = db.createObjectStore('queue', {
            keyPath: 'seq',
            autoIncrement: true
          });
          queue.createIndex('id', 'id', { unique: true });
          db.createObjectStore('dead', { keyPath: 'seq', autoIncrement: true });
        },
        // A newer version of the extension in another tab wants to upgrade
        // the database: let it, and reopen on the next call.
        blocking: () => this._forget(opening),
        // The browser closed the connection (e.g. storage cleared).
        terminated: () => this._forget(opening)
      });
      this._db = opening;
      // A failed open must not stick: the next call tries again.
      opening.catch(() => this._forget(opening));
    }
    return this._db;
  }

  private _forget(opening: Promise<IDBPDatabase<TrailQueueDB>>): void {
    if (this._db === opening) {
      this._db = null;
    }
    void opening.then(db => db.close()).catch(() => undefined);
  }

  private _db: Promise<IDBPDatabase<TrailQueueDB>> | null = null;
}

/**
 * The persistent IndexedDB storage when this browser can open it, else an
 * in-memory one (e.g. IndexedDB disabled in a private window).
 */
export async function openQueueStorage(
  options: IndexedDbQueueStorageOptions = {}
): Promise<IQueueStorage> {
  if (typeof indexedDB === 'undefined') {
    return new MemoryQueueStorage();
  }
  const storage = new IndexedDbQueueStorage(options);
  try {
    await storage.count();
    return storage;
  } catch (reason) {
    console.warn(
      'Trail: IndexedDB is not available; queued events will not survive a reload.',
      reason
    );
    return new MemoryQueueStorage();
  }
}

/**
 * Runs the requests of a transaction, then waits for its commit. When a
 * request fails the transaction aborts too: its `done` rejection is then
 * expected and must not surface as an unhandled rejection.
 */
async function settle(
  done: Promise<void>,
  work: () => Promise<void>
): Promise<void> {
  try {
    await work();
  } catch (reason) {
    done.catch(() => undefined);
    throw reason;
  }
  await done;
}

function copy<T>(value: T): T {
  return typeof structuredClone === 'function'
    ? structuredClone(value)
    : JSON.parse(JSON.stringify(value));
}

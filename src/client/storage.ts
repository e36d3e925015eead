import { DBSchema, IDBPDatabase, openDB, unwrap } from 'idb';
import type { TrailEvent } from '../records/schema';

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
    if (!events.length) {
      return;
    }
    const db = unwrap(await this._open());
    const seqs = this._seqs;
    await runTransaction(db, 'queue', store => {
      const seen = new Set<string>();
      for (const event of events) {
        if (seen.has(event.id)) {
          continue;
        }
        seen.add(event.id);
        // One request per event: the unique index on `id` refuses an id
        // that is queued already (by this tab or another), in the same
        // transaction, so no lookup has to come first.
        const request = store.add({ id: event.id, event });
        request.onsuccess = () => {
          seqs.set(event.id, request.result as number);
        };
        request.onerror = e => {
          if (request.error?.name === 'ConstraintError') {
            // Already queued: not a failure of the transaction.
            e.preventDefault();
            e.stopPropagation();
          }
        };
      }
    });
  }

  async peek(limit: number): Promise<TrailEvent[]> {
    const db = await this._open();
    const rows = await db.getAll('queue', undefined, limit);
    if (this._seqs.size > MAX_KNOWN_SEQS) {
      // Entries of events that another tab delivered: start over.
      this._seqs.clear();
    }
    this._peeked = rows.map(row => row.seq!);
    return rows.map(row => {
      this._seqs.set(row.id, row.seq!);
      return row.event;
    });
  }

  async remove(ids: string[]): Promise<void> {
    if (!ids.length) {
      return;
    }
    const db = unwrap(await this._open());
    const seqs = this._seqs;
    const run = peekedRun(this._peeked, ids, seqs);
    await runTransaction(db, 'queue', store => {
      if (run) {
        // A run of the last peek: no other key lies between its ends (keys
        // only grow), so one range request deletes exactly those events.
        store.delete(IDBKeyRange.bound(run[0], run[1]));
        ids.forEach(id => seqs.delete(id));
        return;
      }
      for (const id of new Set(ids)) {
        const seq = seqs.get(id);
        seqs.delete(id);
        if (seq !== undefined) {
          // Known from peek or add: keys are never reused, so deleting a
          // key another tab removed already is harmless.
          store.delete(seq);
          continue;
        }
        const lookup = store.index('id').getKey(id);
        lookup.onsuccess = () => {
          if (lookup.result !== undefined) {
            store.delete(lookup.result);
          }
        };
      }
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
  /**
   * The key (`seq`) of events this tab added or peeked, so that removing
   * them needs no lookup by id.
   */
  private _seqs = new Map<string, number>();
  /** The keys of the last peek, in order. */
  private _peeked: number[] = [];
}

/**
 * The first and last key when `ids` are, in some order, the events of
 * consecutive rows of the last peek (a delivered batch, or part of one);
 * null otherwise.
 */
function peekedRun(
  peeked: readonly number[],
  ids: readonly string[],
  seqs: ReadonlyMap<string, number>
): [number, number] | null {
  const keys = new Set<number>();
  for (const id of ids) {
    const seq = seqs.get(id);
    if (seq === undefined) {
      return null;
    }
    keys.add(seq);
  }
  const start = peeked.findIndex(seq => keys.has(seq));
  if (start < 0 || start + keys.size > peeked.length) {
    return null;
  }
  for (let i = start; i < start + keys.size; i++) {
    if (!keys.has(peeked[i])) {
      return null;
    }
  }
  return [peeked[start], peeked[start + keys.size - 1]];
}

/** How many keys {@link IndexedDbQueueStorage} remembers at most. */
const MAX_KNOWN_SEQS = 10000;

/**
 * Runs `work` on one store in a readwrite transaction with plain IndexedDB
 * requests (no promise per request: they are the delivery's hot path) and
 * resolves when it commits; rejects with the reason when it aborts.
 */
function runTransaction(
  db: IDBDatabase,
  storeName: string,
  work: (store: IDBObjectStore) => void
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, 'readwrite');
    tx.oncomplete = () => resolve();
    tx.onabort = () =>
      reject(tx.error ?? new Error('the IndexedDB transaction was aborted'));
    try {
      work(tx.objectStore(storeName));
    } catch (reason) {
      reject(reason);
      try {
        tx.abort();
      } catch {
        // Already finished: nothing to undo.
      }
    }
  });
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

/**
 * The delivery queue's contract (state, options) and its policies: backoff,
 * batch cutting, cross-tab locking. Kept apart from the queue's mechanics.
 */
import type { EventBatch, IngestResult, TrailEvent } from '../records/schema';
import type { IQueueStorage } from './storage';

/**
 * What the delivery queue is doing, for the status bar and the panel.
 */
export interface DeliveryState {
  /** Events stored and not yet acknowledged by the server. */
  pending: number;
  /** Whether a delivery round is running. */
  sending: boolean;
  /** Why the last round failed or set events aside; null after a clean round. */
  lastError: string | null;
  /** When the server last acknowledged events (ISO 8601). */
  lastDeliveredAt: string | null;
  /** Events the server refused for good, kept in the dead-letter store. */
  failed: number;
}

/**
 * Sends one batch; usually `batch => client.ingest(batch)`.
 */
export type BatchSender = (batch: EventBatch) => Promise<IngestResult>;

/**
 * Options of a DeliveryQueue.
 */
export interface DeliveryQueueOptions {
  /** Sends a batch to the server. */
  send: BatchSender;
  /** Where events wait; IndexedDB in the browser. */
  storage: IQueueStorage;
  /** Events per request at most (1..1000); 50 by default. */
  batchSize?: number;
  /** How long an event waits for more before a batch is sent; 500 ms by default. */
  flushIntervalMs?: number;
  /**
   * A batch is cut before its JSON text exceeds this many characters; 4 Mi by
   * default, so that even 3-byte UTF-8 text stays under the server's 16 MiB.
   */
  maxBatchChars?: number;
  /** Upper bound of the first retry wait; 500 ms by default. */
  initialBackoffMs?: number;
  /** Upper bound of every retry wait; 30 s by default. */
  maxBackoffMs?: number;
  /** Source of jitter in [0, 1); Math.random by default. */
  random?: () => number;
  /**
   * Serialises delivery across the tabs that share the storage; the
   * browser's `navigator.locks` by default, none (null) where absent.
   */
  locks?: LockProvider | null;
  /** The name of the Web Lock; `jupyterlab-trail-delivery` by default. */
  lockName?: string;
}

/**
 * How long to wait between delivery attempts.
 */
export interface BackoffOptions {
  /** The upper bound of the first wait, in ms. */
  initialMs: number;
  /** The upper bound of every wait, in ms. */
  maxMs: number;
}

/**
 * Exponential backoff with full jitter: a random wait between 0 and
 * `min(maxMs, initialMs * 2^attempt)`. The jitter spreads the retries of many
 * browsers after a server outage instead of having them all return at once.
 *
 * @param attempt - How many attempts failed before this wait, minus one (0 for the first retry).
 * @param random - A source of numbers in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(
    options.maxMs,
    options.initialMs * 2 ** Math.max(0, attempt)
  );
  return Math.floor(random() * ceiling);
}

/**
 * The part of the Web Locks API the queue uses (`navigator.locks`).
 */
export interface LockProvider {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * The browser's Web Locks, when it has them (every current browser in a
 * secure context; not jsdom, not Node).
 */
export function browserLocks(): LockProvider | null {
  const nav = (globalThis as { navigator?: { locks?: LockProvider } })
    .navigator;
  return nav?.locks && typeof nav.locks.request === 'function'
    ? nav.locks
    : null;
}

/** The batch size nearest to `size` that the batch schema allows (1..1000). */
export function clampBatchSize(size: number): number {
  return Math.min(1000, Math.max(1, Math.floor(size) || 1));
}

/**
 * The leading events whose JSON fits in `maxChars` (at least one, so an
 * oversized event still reaches the server and gets its 413).
 */
export function withinChars(
  events: TrailEvent[],
  maxChars: number
): TrailEvent[] {
  let total = 0;
  const taken: TrailEvent[] = [];
  for (const event of events) {
    const size = JSON.stringify(event).length + 1;
    if (taken.length && total + size > maxChars) {
      break;
    }
    taken.push(event);
    total += size;
  }
  return taken;
}

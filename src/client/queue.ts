import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { IngestResult, TrailEvent } from '../records/schema';
import {
  BatchSender,
  DeliveryQueueOptions,
  DeliveryState,
  LockProvider,
  backoffDelay,
  browserLocks,
  clampBatchSize,
  withinChars
} from './delivery';
import { TrailResponseError, describeError, isRetryable } from './errors';
import type { IQueueStorage } from './storage';

/**
 * Delivers recorded events to the Trail server without losing any.
 *
 * Every event is stored first (enqueue resolves after the write), then sent
 * in order in batches. Events leave the storage only once the server
 * acknowledged them (accepted or duplicate), so a reload, a crash or an
 * outage only delays them. Failed sends are retried with exponential backoff;
 * a batch the server refuses as invalid (400) or too large (413) is split to
 * find the culprits, which go to the dead-letter store with the reason while
 * the rest is delivered.
 */
export class DeliveryQueue implements IDisposable {
  constructor(options: DeliveryQueueOptions) {
    this._send = options.send;
    this._storage = options.storage;
    this._batchSize = clampBatchSize(options.batchSize ?? 50);
    this._flushIntervalMs = options.flushIntervalMs ?? 500;
    this._maxBatchChars = options.maxBatchChars ?? 4 * 1024 * 1024;
    this._backoff = {
      initialMs: options.initialBackoffMs ?? 500,
      maxMs: options.maxBackoffMs ?? 30000
    };
    this._random = options.random ?? Math.random;
    this._locks = options.locks === undefined ? browserLocks() : options.locks;
    this._lockName = options.lockName ?? 'jupyterlab-trail-delivery';
    if (typeof window !== 'undefined' && window.addEventListener) {
      window.addEventListener('online', this._onOnline);
    }
    this._loaded = this._load();
  }

  /** Emitted with the new state whenever it changes. */
  get stateChanged(): ISignal<this, DeliveryState> {
    return this._stateChanged;
  }

  /** A copy of the current state. */
  get state(): DeliveryState {
    return { ...this._state };
  }

  /** The time (ms since the epoch) of the next retry while backing off, else null. */
  get retryAt(): number | null {
    return this._timerKind === 'backoff' ? this._timerDue : null;
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Stores an event for delivery. Resolves once it is stored (it will then
   * be delivered, on this page or a later one); rejects when it could not be
   * stored. An id already queued is not stored twice.
   *
   * Writes are grouped: events enqueued in the same tick, or while a write
   * is in flight, go together in the next one (one IndexedDB transaction
   * and one count for a burst such as Run All, not one each); a write never
   * waits for a timer.
   */
  enqueue(event: TrailEvent): Promise<void> {
    if (!event || typeof event.id !== 'string') {
      return Promise.reject(new TypeError('A Trail event needs a string id.'));
    }
    return new Promise((resolve, reject) => {
      this._toWrite.push({ event, resolve, reject });
      if (!this._writing) {
        void this._writeQueued();
      }
    });
  }

  /** Writes enqueued events, a group per write, until none wait. */
  private async _writeQueued(): Promise<void> {
    this._writing = true;
    // The first count tells what earlier page loads left: writes wait for it.
    await this._loaded;
    while (this._toWrite.length > 0) {
      const group = this._toWrite;
      this._toWrite = [];
      try {
        // Stored even after dispose: a later page load delivers them.
        await this._storage.add(group.map(item => item.event));
      } catch (reason) {
        group.forEach(item => item.reject(reason));
        continue;
      }
      if (!this._disposed) {
        try {
          // Dead letters only change when a batch is sent: count pending.
          this._update({ pending: await this._storage.count() });
        } catch {
          // The events are stored: a failed count must not lose track.
          this._update({ pending: this._state.pending + group.length });
        }
        this._schedule();
      }
      // Answered once stored and counted, so `state` includes them.
      group.forEach(item => item.resolve());
    }
    this._writing = false;
  }

  /**
   * Sends every pending event now, skipping any wait (also a backoff wait).
   * Resolves when the round is over, delivered or not: see `state`.
   */
  flush(): Promise<void> {
    if (this._disposed) {
      return Promise.resolve();
    }
    this._clearTimer();
    if (this._flushing) {
      // The running round may have started before the reason for this call
      // (a new sender, the network coming back): run once more after it.
      this._flushAgain = true;
      return this._flushing;
    }
    return this._startRound();
  }

  /**
   * Sends with another function from now on (e.g. a client for a changed
   * server URL or token) and retries pending events at once.
   */
  setSender(send: BatchSender): void {
    this._send = send;
    this._attempt = 0;
    if (this._state.pending > 0) {
      void this.flush();
    }
  }

  /** Changes batch size and flush interval (from the settings). */
  configure(options: { batchSize?: number; flushIntervalMs?: number }): void {
    if (options.batchSize !== undefined) {
      this._batchSize = clampBatchSize(options.batchSize);
    }
    if (options.flushIntervalMs !== undefined) {
      this._flushIntervalMs = options.flushIntervalMs;
    }
  }

  /**
   * Stops timers and listeners. Events stay in the storage; a request in
   * flight completes and its acknowledged events are still removed.
   */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._clearTimer();
    if (typeof window !== 'undefined' && window.removeEventListener) {
      window.removeEventListener('online', this._onOnline);
    }
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    try {
      await this._refreshCounts();
    } catch (reason) {
      this._update({
        lastError: `The delivery queue's storage cannot be read: ${describeError(
          reason
        )}`
      });
      return;
    }
    if (this._state.pending > 0) {
      // Events left by an earlier page load.
      void this.flush();
    }
  }

  private _onOnline = (): void => {
    if (this._state.pending > 0) {
      void this.flush();
    }
  };

  /** Plans the next round after new events: at once for a full batch. */
  private _schedule(): void {
    if (this._disposed || this._flushing || this._timerKind === 'backoff') {
      return;
    }
    if (this._state.pending >= this._batchSize) {
      this._clearTimer();
      void this._startRound();
    } else if (this._state.pending > 0 && !this._timerKind) {
      this._setTimer('interval', this._flushIntervalMs);
    }
  }

  private _startRound(): Promise<void> {
    const round = (async () => {
      do {
        this._flushAgain = false;
        await this._round();
      } while (this._flushAgain && !this._disposed);
    })();
    this._flushing = round.finally(() => {
      this._flushing = null;
    });
    return this._flushing;
  }

  /** Sends batches until the storage is empty or a send fails. */
  private async _round(): Promise<void> {
    this._clearTimer();
    this._update({ sending: true });
    this._refused = [];
    let failure: unknown = null;
    try {
      await this._withLock(async () => {
        while (!this._disposed) {
          const events = withinChars(
            await this._storage.peek(this._batchSize),
            this._maxBatchChars
          );
          if (!events.length) {
            break;
          }
          await this._deliver(events);
          await this._refreshCounts();
        }
      });
    } catch (reason) {
      failure = reason;
    }
    if (this._disposed) {
      return;
    }
    await this._refreshCounts().catch(() => undefined);
    if (failure !== null) {
      // Retryable failures back off exponentially; the others (token,
      // configuration, unknown) need a person first, so retry slowly.
      const delay = isRetryable(failure)
        ? backoffDelay(this._attempt, this._backoff, this._random)
        : this._backoff.maxMs;
      this._attempt++;
      this._setTimer('backoff', delay);
      this._update({ sending: false, lastError: describeError(failure) });
      return;
    }
    this._attempt = 0;
    const refused = this._refused;
    this._update({
      sending: false,
      lastError: refused.length
        ? `${refused.length} event${
            refused.length > 1 ? 's were' : ' was'
          } refused by the Trail server and set aside: ${refused[0]}`
        : null
    });
    // Events enqueued after the last (empty) peek wait for the next round.
    if (this._state.pending > 0) {
      const full = this._state.pending >= this._batchSize;
      this._setTimer('interval', full ? 0 : this._flushIntervalMs);
    }
  }

  /**
   * Sends one batch and removes what the server acknowledged. A refused
   * batch (400, 413) is split in halves, in order, until the refused events
   * are alone; those are moved to the dead-letter store. Other failures
   * propagate, leaving the events stored.
   */
  private async _deliver(events: TrailEvent[]): Promise<void> {
    if (this._disposed) {
      return;
    }
    let result: IngestResult;
    try {
      result = await this._send({ events });
    } catch (reason) {
      const status = reason instanceof TrailResponseError ? reason.status : 0;
      if (status !== 400 && status !== 413) {
        throw reason;
      }
      if (events.length > 1) {
        const half = Math.ceil(events.length / 2);
        await this._deliver(events.slice(0, half));
        await this._deliver(events.slice(half));
        return;
      }
      await this._setAside(events[0], reason as TrailResponseError);
      return;
    }
    const acknowledged = new Set([...result.accepted, ...result.duplicates]);
    const done = events.filter(e => acknowledged.has(e.id)).map(e => e.id);
    await this._storage.remove(done);
    if (done.length) {
      this._update({ lastDeliveredAt: new Date().toISOString() });
    }
    if (done.length < events.length) {
      // Sending the rest again right away could loop forever.
      throw new Error(
        `The Trail server acknowledged ${done.length} of ${events.length} events; the others will be sent again later.`
      );
    }
  }

  private async _setAside(
    event: TrailEvent,
    reason: TrailResponseError
  ): Promise<void> {
    const why =
      reason.status === 413
        ? `event ${event.id} is too large for the server (${
            JSON.stringify(event).length
          } characters): ${describeError(reason)}`
        : `event ${event.id}: ${describeError(reason)}`;
    // Stored as dead before it leaves the queue: a crash in between sends
    // it again rather than losing it.
    await this._storage.addDeadLetters([
      { event, error: why, at: new Date().toISOString() }
    ]);
    await this._storage.remove([event.id]);
    this._refused.push(why);
    console.warn(`Trail: ${why}`);
  }

  private _withLock(work: () => Promise<void>): Promise<void> {
    return this._locks ? this._locks.request(this._lockName, work) : work();
  }

  private async _refreshCounts(): Promise<void> {
    const [pending, failed] = await Promise.all([
      this._storage.count(),
      this._storage.countDeadLetters()
    ]);
    this._update({ pending, failed });
  }

  private _setTimer(kind: 'interval' | 'backoff', delay: number): void {
    this._clearTimer();
    this._timerKind = kind;
    this._timerDue = Date.now() + delay;
    this._timer = setTimeout(() => {
      this._timer = null;
      this._timerKind = null;
      void this.flush();
    }, delay);
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = null;
    this._timerKind = null;
  }

  private _update(patch: Partial<DeliveryState>): void {
    const next = { ...this._state, ...patch };
    const changed = (Object.keys(next) as (keyof DeliveryState)[]).some(
      key => next[key] !== this._state[key]
    );
    if (!changed || this._disposed) {
      return;
    }
    this._state = next;
    this._stateChanged.emit({ ...next });
  }

  private _send: BatchSender;
  private readonly _storage: IQueueStorage;
  private _batchSize: number;
  private _flushIntervalMs: number;
  private readonly _maxBatchChars: number;
  private readonly _backoff: { initialMs: number; maxMs: number };
  private readonly _random: () => number;
  private readonly _locks: LockProvider | null;
  private readonly _lockName: string;
  private _state: DeliveryState = {
    pending: 0,
    sending: false,
    lastError: null,
    lastDeliveredAt: null,
    failed: 0
  };
  private _stateChanged = new Signal<this, DeliveryState>(this);
  private _flushing: Promise<void> | null = null;
  private _flushAgain = false;
  private _attempt = 0;
  private _refused: string[] = [];
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _timerKind: 'interval' | 'backoff' | null = null;
  private _timerDue = 0;
  private _disposed = false;
  private _toWrite: {
    event: TrailEvent;
    resolve: () => void;
    reject: (reason: unknown) => void;
  }[] = [];
  private _writing = false;
  private _loaded: Promise<void>;
}

import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type {
  ChangesQuery,
  HistoryChange,
  HistoryChanges,
  RequestOptions
} from './types';

/**
 * Where a feed reads changes from: the client satisfies it.
 */
export interface IChangeSource {
  getChanges(
    query: ChangesQuery,
    options?: RequestOptions
  ): Promise<HistoryChanges>;
}

/**
 * Follows what the Trail server stores, by long-polling GET /changes: each
 * request waits on the server until something the caller may read is
 * stored, so a teammate's execution is seen about as soon as it is stored,
 * at the cost of one open request.
 *
 * #### Notes
 * Failures back off exponentially (1 s, 2 s, 4 s … 30 s) and never stop
 * the feed; a success resets the delay. `stop()` aborts the request in
 * flight and keeps the cursor, so `start()` later delivers what was stored
 * in between; `start({ fromNow: true })` skips it instead, for a caller
 * that reloads what it shows anyway (the panel shown again).
 */
export class ChangeFeed implements IDisposable {
  constructor(options: ChangeFeed.IOptions) {
    this._source = options.source;
    this._waitMs = options.waitMs ?? 20000;
    this._minRetryMs = options.minRetryMs ?? 1000;
    this._maxRetryMs = options.maxRetryMs ?? 30000;
  }

  /**
   * Emitted with the changes of each answer that has some (never for the
   * first answer, which only says where "now" is).
   */
  get changed(): ISignal<this, readonly HistoryChange[]> {
    return this._changed;
  }

  /**
   * Emitted when `error` changes.
   */
  get errorChanged(): ISignal<this, Error | null> {
    return this._errorChanged;
  }

  /**
   * Why the last request failed, or null once one succeeded.
   */
  get error(): Error | null {
    return this._error;
  }

  /**
   * The cursor of the last answer, or null before the first.
   */
  get cursor(): string | null {
    return this._cursor;
  }

  /**
   * Whether the feed is polling.
   */
  get running(): boolean {
    return this._running;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Start polling (does nothing when running or disposed).
   *
   * @param options.fromNow - follow from the server's current cursor: what
   * was stored while stopped is not delivered.
   * @returns resolves once the feed knows where it follows from: at once
   * when it has a cursor, else when its first request is answered (what is
   * read after that cannot miss a change) or has failed, or it is stopped.
   */
  start(options: { fromNow?: boolean } = {}): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    if (this._running) {
      return this._placed;
    }
    if (options.fromNow) {
      this._cursor = null;
    }
    this._running = true;
    this._placed =
      this._cursor !== null
        ? Promise.resolve()
        : new Promise(resolve => (this._onPlaced = resolve));
    void this._run(++this._generation);
    return this._placed;
  }

  /**
   * Stop polling: the request in flight is aborted, the cursor kept.
   */
  stop(): void {
    if (!this._running) {
      return;
    }
    this._running = false;
    this._generation++;
    this._markPlaced();
    this._controller?.abort();
    this._controller = null;
    this._wake?.();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this.stop();
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _run(generation: number): Promise<void> {
    const current = () => generation === this._generation;
    let failures = 0;
    while (current()) {
      const controller = new AbortController();
      this._controller = controller;
      const asked = Date.now();
      const first = this._cursor === null;
      let pause = 0;
      try {
        const answer = await this._source.getChanges(
          first ? {} : { after: this._cursor!, wait: this._waitMs },
          { signal: controller.signal }
        );
        if (!current()) {
          return;
        }
        failures = 0;
        this._cursor = answer.cursor;
        this._markPlaced();
        this._setError(null);
        if (!first && answer.changes.length > 0) {
          this._changed.emit(answer.changes);
        } else if (!first && Date.now() - asked < this._minRetryMs / 2) {
          // An empty answer that did not wait: a server that cannot hold
          // the request must not be asked in a tight loop.
          pause = this._minRetryMs;
        }
      } catch (reason) {
        if (!current()) {
          return;
        }
        failures++;
        this._markPlaced();
        this._setError(
          reason instanceof Error ? reason : new Error(String(reason))
        );
        pause = Math.min(
          this._maxRetryMs,
          this._minRetryMs * 2 ** Math.min(failures - 1, 16)
        );
      }
      if (pause > 0 && current()) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, pause);
          this._wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this._wake = null;
      }
    }
  }

  private _markPlaced(): void {
    this._onPlaced?.();
    this._onPlaced = null;
  }

  private _setError(error: Error | null): void {
    if (error === this._error || (error === null && this._error === null)) {
      return;
    }
    this._error = error;
    if (!this._isDisposed) {
      this._errorChanged.emit(error);
    }
  }

  private _changed = new Signal<this, readonly HistoryChange[]>(this);
  private _controller: AbortController | null = null;
  private _cursor: string | null = null;
  private _error: Error | null = null;
  private _errorChanged = new Signal<this, Error | null>(this);
  private _generation = 0;
  private _isDisposed = false;
  private _maxRetryMs: number;
  private _minRetryMs: number;
  private _onPlaced: (() => void) | null = null;
  private _placed: Promise<void> = Promise.resolve();
  private _running = false;
  private _source: IChangeSource;
  private _waitMs: number;
  private _wake: (() => void) | null = null;
}

/**
 * The namespace for `ChangeFeed` statics.
 */
export namespace ChangeFeed {
  /**
   * Options to create a feed.
   */
  export interface IOptions {
    /** Where changes are read (a TrailClient). */
    source: IChangeSource;
    /** How long the server may hold each request, in ms (default 20000, at most 25000). */
    waitMs?: number;
    /** The first delay after a failure, in ms (default 1000). */
    minRetryMs?: number;
    /** The longest delay after failures, in ms (default 30000). */
    maxRetryMs?: number;
  }
}

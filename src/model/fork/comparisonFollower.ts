/**
 * Keeps the parent/fork comparisons shown up to date (#14 item 5): a fork
 * still running gets more steps, params and metrics. One change feed runs
 * while any comparison is followed; a comparison is read again when its
 * fork (or its parent) got something.
 */
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

/** What the follower needs of a change feed (the client's ChangeFeed). */
export interface IComparisonFeed extends IDisposable {
  readonly changed: ISignal<unknown, readonly { sessionId?: string }[]>;
  start(options?: { fromNow?: boolean }): Promise<void>;
}

/** What the follower needs of a comparison (ParentComparisonModel). */
export interface IFollowedComparison {
  readonly sessionId: string;
  readonly comparison: { parent: { sessionId: string } } | null;
  readonly isDisposed: boolean;
  refresh(): Promise<void>;
}

/**
 * Follows comparisons: `follow(model)` until the returned disposable is
 * disposed.
 */
export class ComparisonFollower implements IDisposable {
  constructor(options: ComparisonFollower.IOptions) {
    this._createFeed = options.createFeed;
    this._delayMs = options.delayMs ?? 800;
  }

  /** Whether a feed runs (some comparison is followed). */
  get following(): boolean {
    return this._feed !== null;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Follow a comparison; dispose the answer to stop. */
  follow(model: IFollowedComparison): IDisposable {
    this._models.add(model);
    this._ensureFeed();
    let done = false;
    return {
      get isDisposed() {
        return done;
      },
      dispose: () => {
        if (!done) {
          done = true;
          this._models.delete(model);
          this._ensureFeed();
        }
      }
    };
  }

  /**
   * Start over with a new feed (the server or token changed), if any
   * comparison is followed.
   */
  restart(): void {
    this._feed?.dispose();
    this._feed = null;
    this._ensureFeed();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._models.clear();
    this._feed?.dispose();
    this._feed = null;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _ensureFeed(): void {
    for (const model of this._models) {
      if (model.isDisposed) {
        this._models.delete(model);
      }
    }
    if (this._models.size === 0 || this._isDisposed) {
      this._feed?.dispose();
      this._feed = null;
      return;
    }
    if (this._feed) {
      return;
    }
    const feed = this._createFeed();
    if (!feed) {
      return;
    }
    feed.changed.connect((_, changes) => {
      for (const change of changes) {
        if (change.sessionId) {
          this._pending.add(change.sessionId);
        }
      }
      this._schedule();
    });
    this._feed = feed;
    void feed.start({ fromNow: true });
  }

  private _schedule(): void {
    if (this._timer !== null || this._isDisposed) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      const sessions = this._pending;
      this._pending = new Set();
      for (const model of this._models) {
        const parent = model.comparison?.parent.sessionId;
        if (
          !model.isDisposed &&
          (sessions.has(model.sessionId) ||
            (parent !== undefined && sessions.has(parent)))
        ) {
          void model.refresh();
        }
      }
    }, this._delayMs);
  }

  private _createFeed: () => IComparisonFeed | null;
  private _delayMs: number;
  private _feed: IComparisonFeed | null = null;
  private _isDisposed = false;
  private _models = new Set<IFollowedComparison>();
  private _pending = new Set<string>();
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/** The namespace for `ComparisonFollower` statics. */
export namespace ComparisonFollower {
  export interface IOptions {
    /** A new feed of the current server, or null while there is none. */
    createFeed: () => IComparisonFeed | null;
    /** How long changes are gathered before reading again, in ms (800). */
    delayMs?: number;
  }
}

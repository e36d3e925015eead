/**
 * When the leaderboard reads the server again: the change feed's reports
 * of sessions are gathered into one read per delay, and nothing is read
 * while the leaderboard is hidden (the feed is stopped; one read follows
 * once it shows again).
 */
import type { IDisposable } from '@lumino/disposable';
import type { IRunsFeed } from './types';

/** See the module comment. */
export class RunsFollower implements IDisposable {
  constructor(options: RunsFollower.IOptions) {
    this._onChange = options.onChange;
    this._concerns = options.concerns ?? (() => true);
    this._delayMs = options.delayMs ?? 800;
    this.feed = options.feed ?? null;
  }

  /**
   * What says when the server stored something; the one left is stopped
   * (whoever made it disposes it).
   */
  get feed(): IRunsFeed | null {
    return this._feed;
  }
  set feed(value: IRunsFeed | null) {
    if (value === this._feed) {
      return;
    }
    this._feed?.changed.disconnect(this._onFeedChanged, this);
    this._feed?.stop();
    this._feed = value;
    if (value && !this._isDisposed) {
      value.changed.connect(this._onFeedChanged, this);
      if (this._active && this._started) {
        void value.start({ fromNow: true });
      }
    }
  }

  /**
   * Whether the leaderboard shows: the feed runs only then; a change seen
   * before it was hidden is read once it shows again.
   */
  get active(): boolean {
    return this._active;
  }
  set active(value: boolean) {
    if (value === this._active || this._isDisposed) {
      return;
    }
    this._active = value;
    if (!this._started) {
      return;
    }
    if (value) {
      void this._feed?.start({ fromNow: true });
      if (this._stale) {
        this._stale = false;
        this._onChange();
      }
    } else {
      // What happens while hidden is not followed: read when shown.
      this._stale = true;
      this._feed?.stop();
    }
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Start following (the feed runs if the leaderboard shows). */
  start(): void {
    this._started = true;
    if (this._active) {
      void this._feed?.start({ fromNow: true });
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this.feed = null;
  }

  private _onFeedChanged(
    _: unknown,
    changes: readonly { sessionId?: string }[]
  ): void {
    if (
      !changes.some(
        change =>
          change.sessionId !== undefined && this._concerns(change.sessionId)
      )
    ) {
      return;
    }
    if (!this._active) {
      this._stale = true;
      return;
    }
    if (this._timer !== null) {
      return;
    }
    // Gathered: a notebook running cell after cell reads once per delay.
    this._timer = setTimeout(() => {
      this._timer = null;
      this._onChange();
    }, this._delayMs);
  }

  private _active = true;
  private _concerns: (sessionId: string) => boolean;
  private _delayMs: number;
  private _feed: IRunsFeed | null = null;
  private _isDisposed = false;
  private _onChange: () => void;
  private _stale = false;
  private _started = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/** The namespace for `RunsFollower` statics. */
export namespace RunsFollower {
  export interface IOptions {
    feed?: IRunsFeed | null;
    /** Reads what is shown again. */
    onChange: () => void;
    /** Whether a change of this session concerns what is shown (default: all do). */
    concerns?: (sessionId: string) => boolean;
    /** How long reports are gathered before a read, in ms (default 800). */
    delayMs?: number;
  }
}

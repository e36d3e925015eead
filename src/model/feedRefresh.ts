import type { IDisposable } from '@lumino/disposable';
import { ILevelChanges, noChanges } from './levels';
import type { ITrailFeed } from './types';

/**
 * Default delay that gathers bursts of `refresh()` calls into one.
 */
export const DEFAULT_REFRESH_DELAY_MS = 300;

/** How long a refresh waits at most for the feed's first answer. */
const PLACE_TIMEOUT_MS = 3000;

/** What the panel reads of a change from the feed. */
interface ChangeNote {
  kind?: string;
  sessionId?: string;
  executionId?: string;
  notebookPath?: string;
}

/**
 * When the panel reads the server again: refreshes asked are gathered into
 * one per delay, the feed's changes are noted so that only the levels they
 * concern are read, and nothing is read while the panel is hidden.
 *
 * #### Notes
 * The refresh itself belongs to the panel model (`refresh` option); it
 * starts with {@link take}, which says what changed since the last one.
 */
export class FeedRefresh implements IDisposable {
  /**
   * Create the schedule.
   */
  constructor(options: FeedRefresh.IOptions) {
    this._delayMs = options.delayMs ?? DEFAULT_REFRESH_DELAY_MS;
    this._refresh = options.refresh;
  }

  /**
   * Whether the panel is showing. While inactive, refreshes are only noted
   * and run once it shows again, and the feed is stopped, so a hidden panel
   * costs no requests.
   */
  get active(): boolean {
    return this._active;
  }
  set active(value: boolean) {
    const was = this._active;
    if (was && !value) {
      // What happens while hidden is not followed: refresh when shown.
      this._stale = true;
      this._feed?.stop();
    }
    this._active = value;
    if (!was && value && !this._isDisposed) {
      // The refresh below reloads what is shown: the feed need not deliver
      // what was stored while hidden (that would refresh a second time).
      // Started first, it learns where "now" is before the reload asks.
      this._follow({ fromNow: true });
    }
    if (value && this._stale) {
      void this._refresh({ onlyChanged: false });
    }
  }

  /**
   * What tells the panel that the server stored something, or null. It
   * runs only while active; whoever made it disposes it.
   */
  get feed(): ITrailFeed | null {
    return this._feed;
  }
  set feed(value: ITrailFeed | null) {
    if (value === this._feed) {
      return;
    }
    if (this._feed) {
      this._feed.changed.disconnect(this._onFeedChanged, this);
      this._feed.stop();
    }
    this._feed = value;
    if (value && !this._isDisposed) {
      value.changed.connect(this._onFeedChanged, this);
      if (this._active) {
        this._follow();
      }
    }
  }

  /**
   * Settles once the feed knows where it follows from (or gave up asking):
   * a refresh reads only then, or a change stored between its reads and the
   * feed's first answer would never be shown.
   */
  get placed(): Promise<void> {
    return this._placed;
  }

  /**
   * Whether the schedule is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Ask for a whole refresh soon. Calls within the delay are gathered into
   * one; a steady stream of calls still refreshes once per delay (the timer
   * is not pushed back), so the panel follows the work.
   */
  request(): void {
    this._full = true;
    this._schedule();
  }

  /**
   * Note that what is shown must be read again once the panel shows.
   */
  markStale(): void {
    this._stale = true;
  }

  /**
   * Start a refresh: what the feed's changes touched since the last one,
   * or null while the panel is hidden (the refresh is then only noted).
   */
  take(): ILevelChanges | null {
    if (!this._active) {
      this._stale = true;
      return null;
    }
    this._stale = false;
    const changed = this._changedSince ?? noChanges();
    this._changedSince = null;
    return changed;
  }

  /**
   * Stop the timer and leave the feed (its maker disposes it).
   */
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

  /**
   * Gather refreshes into one per delay; the ones of the change feed only
   * ask for the levels their changes concern.
   */
  private _schedule(): void {
    if (this._isDisposed || this._timer !== null) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      const whole = this._full;
      this._full = false;
      void this._refresh({ onlyChanged: !whole });
    }, this._delayMs);
  }

  /**
   * Starts the feed; refreshes wait until it knows where it follows from,
   * or {@link PLACE_TIMEOUT_MS} at most (a server that does not answer
   * must not hold the panel's own error up).
   */
  private _follow(options?: { fromNow?: boolean }): void {
    const placed = this._feed?.start(options);
    this._placed = placed
      ? new Promise<void>(resolve => {
          const timer = setTimeout(resolve, PLACE_TIMEOUT_MS);
          void placed.then(() => {
            clearTimeout(timer);
            resolve();
          });
        })
      : Promise.resolve();
  }

  private _onFeedChanged(_: unknown, changes: readonly unknown[]): void {
    const changed = (this._changedSince ??= noChanges());
    for (const change of changes as ChangeNote[]) {
      if (change.kind === 'annotation' && change.executionId) {
        changed.executions.add(change.executionId);
      }
      if (change.kind === 'visibility') {
        changed.visibility = true;
      }
      if (change.sessionId) {
        changed.sessions.add(change.sessionId);
        if (change.kind === 'session') {
          changed.started.add(change.sessionId);
        }
      }
      if (change.notebookPath) {
        changed.notebooks.add(change.notebookPath);
      }
    }
    this._schedule();
  }

  private _active = true;
  /** What the feed's changes since the last refresh touched. */
  private _changedSince: ILevelChanges | null = null;
  private _delayMs: number;
  private _feed: ITrailFeed | null = null;
  /** Whether the next refresh must reload every level shown. */
  private _full = false;
  private _isDisposed = false;
  private _placed: Promise<void> = Promise.resolve();
  private _refresh: (options: { onlyChanged: boolean }) => Promise<void>;
  private _stale = true;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/**
 * The namespace for `FeedRefresh` statics.
 */
export namespace FeedRefresh {
  /**
   * Options to create the schedule.
   */
  export interface IOptions {
    /** Delay gathering `request()` calls, in ms (default 300). */
    delayMs?: number;
    /** The panel's refresh: of the levels changes concern, or of all. */
    refresh: (options: { onlyChanged: boolean }) => Promise<void>;
  }
}

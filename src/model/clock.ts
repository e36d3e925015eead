import type { IDisposable } from '@lumino/disposable';
import { DisposableDelegate } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * How often relative times ("3 minutes ago") are redrawn, in ms.
 */
export const DEFAULT_CLOCK_INTERVAL_MS = 30_000;

/**
 * The clock of the panel's relative times: one timer for the whole panel,
 * which ticks only while the panel shows and a view showing relative times
 * follows it.
 *
 * #### Notes
 * A view calls `follow()` while it shows relative times and redraws on
 * `ticked`. The browser model sets `active` with the panel's visibility;
 * when the panel shows again after being hidden, the clock ticks at once so
 * times are not left as they were when it was hidden.
 */
export class TrailClock implements IDisposable {
  constructor(options: TrailClock.IOptions = {}) {
    this._intervalMs = options.intervalMs ?? DEFAULT_CLOCK_INTERVAL_MS;
  }

  /**
   * Emitted on each tick, with the time of the tick (ms since the epoch).
   */
  get ticked(): ISignal<this, number> {
    return this._ticked;
  }

  /**
   * Whether the panel shows: the clock only ticks while it does.
   */
  get active(): boolean {
    return this._active;
  }
  set active(value: boolean) {
    if (value === this._active) {
      return;
    }
    this._active = value;
    this._sync();
    if (value && this._followers > 0) {
      // Times drawn before the panel was hidden may be stale by now.
      this._tick();
    }
  }

  /**
   * Whether the timer runs.
   */
  get running(): boolean {
    return this._timer !== null;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Follow the clock: it runs while it is followed (and active). Dispose
   * what is returned to stop following.
   */
  follow(): IDisposable {
    this._followers++;
    this._sync();
    return new DisposableDelegate(() => {
      this._followers--;
      this._sync();
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._sync();
    Signal.clearData(this);
  }

  /**
   * Start or stop the timer as the clock is followed, active and alive.
   */
  private _sync(): void {
    const run = this._active && this._followers > 0 && !this._isDisposed;
    if (run && this._timer === null) {
      this._timer = setInterval(() => this._tick(), this._intervalMs);
    } else if (!run && this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  private _tick(): void {
    if (!this._isDisposed) {
      this._ticked.emit(Date.now());
    }
  }

  private _active = true;
  private _followers = 0;
  private _intervalMs: number;
  private _isDisposed = false;
  private _ticked = new Signal<this, number>(this);
  private _timer: ReturnType<typeof setInterval> | null = null;
}

/**
 * The namespace for `TrailClock` statics.
 */
export namespace TrailClock {
  /**
   * Options to create a clock.
   */
  export interface IOptions {
    /** Time between ticks, in ms (default 30000). */
    intervalMs?: number;
  }
}

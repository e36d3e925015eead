import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * Common state of a model filled from the Trail server: a `changed` signal,
 * a `loading` flag, the last `error`, and requests run one at a time.
 *
 * #### Notes
 * Requests are serialised so that a refresh and a "load more" can never
 * interleave their merges. Failures never reject: they land in `error`,
 * which the panel shows with a Retry button.
 */
export abstract class LoadableModel implements IDisposable {
  /**
   * Emitted whenever any state of the model changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Whether a request is running or waiting to run.
   */
  get loading(): boolean {
    return this._pending > 0;
  }

  /**
   * The error of the last request, cleared by the next successful one.
   */
  get error(): Error | null {
    return this._error;
  }

  /**
   * Whether the model is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Dispose the model; results of requests still running are dropped.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._generation++;
    Signal.clearData(this);
  }

  /**
   * A counter bumped whenever earlier results must be dropped (a reset or
   * disposal). A request compares it before and after awaiting.
   */
  protected get generation(): number {
    return this._generation;
  }

  /**
   * Forget results of requests still running: they will not be applied.
   */
  protected invalidate(): void {
    this._generation++;
  }

  /**
   * Queue a request after the ones already queued.
   *
   * @param request - does the work; receives a function telling whether its
   * results are still wanted (false after a reset or disposal).
   * @returns resolves when the request is done; never rejects.
   */
  protected enqueue(
    request: (isCurrent: () => boolean) => Promise<void>
  ): Promise<void> {
    this._pending++;
    this.emitChanged();
    const run = async (): Promise<void> => {
      const generation = this._generation;
      const isCurrent = () =>
        !this._isDisposed && generation === this._generation;
      try {
        if (isCurrent()) {
          await request(isCurrent);
          if (isCurrent()) {
            this._error = null;
          }
        }
      } catch (reason) {
        if (isCurrent()) {
          this._error = toError(reason);
        }
      } finally {
        this._pending--;
        this.emitChanged();
      }
    };
    this._tail = this._tail.then(run);
    return this._tail;
  }

  /**
   * Emit `changed` unless disposed.
   */
  protected emitChanged(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _error: Error | null = null;
  private _generation = 0;
  private _isDisposed = false;
  private _pending = 0;
  private _tail: Promise<void> = Promise.resolve();
}

/**
 * Turn anything thrown into an Error, keeping Errors (and their subclasses,
 * such as the client's typed errors) as they are.
 */
export function toError(reason: unknown): Error {
  if (reason instanceof Error) {
    return reason;
  }
  return new Error(typeof reason === 'string' ? reason : String(reason));
}

/**
 * A typed signal: what a service announces and others observe, so the
 * service need not know who follows it (the change feed, the search index
 * and the access bookkeeping follow the ingest service; see app.ts).
 *
 * Observers are called in the order they connected. One that throws does
 * not stop the others, nor reach the emitter: its error goes to the
 * signal's error log, as a failed side effect must not undo or fail what
 * was already done.
 */

/** Where a signal reports an observer that threw. */
export type SignalErrorLog = (message: string, err: unknown) => void;

/** See the module comment. */
export class Signal<T> {
  private readonly observers = new Set<(value: T) => void>();

  /**
   * @param name what the signal announces, named in error reports.
   * @param log where an observer's error goes (default: console.error).
   */
  constructor(
    readonly name: string,
    private readonly log: SignalErrorLog = (message, err) =>
      console.error(message, err)
  ) {}

  /** Calls `observer` with every value emitted from now on; returns the disconnect. */
  connect(observer: (value: T) => void): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  /** Calls every observer with `value`, now. */
  emit(value: T): void {
    for (const observer of [...this.observers]) {
      try {
        observer(value);
      } catch (err) {
        this.log(`${this.name}: an observer failed`, err);
      }
    }
  }
}

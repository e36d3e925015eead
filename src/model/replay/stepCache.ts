/**
 * A bounded cache of loaded steps, least recently used out first, that
 * also shares a load in flight: asking for a step being prefetched waits
 * for that request instead of sending another.
 */
export class StepCache<T> {
  /**
   * Create a cache that loads a missing step with `load`.
   */
  constructor(options: StepCache.IOptions<T>) {
    this._load = options.load;
    this._capacity = Math.max(1, options.capacity ?? 64);
  }

  /** How many loaded steps are kept. */
  get size(): number {
    return this._done.size;
  }

  /** The step if loaded, without loading it (it becomes the newest). */
  peek(step: number): T | undefined {
    const value = this._done.get(step);
    if (value !== undefined) {
      this._done.delete(step);
      this._done.set(step, value);
    }
    return value;
  }

  /** Whether the step is loaded or being loaded. */
  has(step: number): boolean {
    return this._done.has(step) || this._pending.has(step);
  }

  /**
   * The step: from the cache, the load in flight, or a new load. A failed
   * load is not kept (the next ask tries again).
   */
  get(step: number): Promise<T> {
    const done = this.peek(step);
    if (done !== undefined) {
      return Promise.resolve(done);
    }
    const pending = this._pending.get(step);
    if (pending) {
      return pending;
    }
    const generation = this._generation;
    const loading = this._load(step).then(
      value => {
        if (generation === this._generation) {
          this._pending.delete(step);
          this._store(step, value);
        }
        return value;
      },
      (reason: unknown) => {
        if (generation === this._generation) {
          this._pending.delete(step);
        }
        throw reason;
      }
    );
    this._pending.set(step, loading);
    return loading;
  }

  /** Load the step in the background unless known; errors are dropped. */
  prefetch(step: number): void {
    if (!this.has(step)) {
      this.get(step).catch(() => undefined);
    }
  }

  /** Forget everything (loads in flight are not kept when they land). */
  clear(): void {
    this._generation++;
    this._done.clear();
    this._pending.clear();
  }

  private _store(step: number, value: T): void {
    this._done.delete(step);
    this._done.set(step, value);
    while (this._done.size > this._capacity) {
      const oldest = this._done.keys().next().value as number;
      this._done.delete(oldest);
    }
  }

  private _capacity: number;
  private _done = new Map<number, T>();
  private _generation = 0;
  private _load: (step: number) => Promise<T>;
  private _pending = new Map<number, Promise<T>>();
}

/**
 * The namespace for `StepCache` statics.
 */
export namespace StepCache {
  export interface IOptions<T> {
    /** Loads one step. */
    load: (step: number) => Promise<T>;
    /** Loaded steps kept (default 64). */
    capacity?: number;
  }
}

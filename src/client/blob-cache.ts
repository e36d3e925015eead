/**
 * A least-recently-used cache of blob contents by sha256.
 *
 * Blobs are content-addressed, so an entry never goes stale: the cache only
 * has to bound memory. It is bounded both by total size (large images) and
 * by entry count (many small ones).
 */
export class BlobCache {
  /**
   * @param maxBytes - Total size of the kept values, counted as UTF-16 code units x 2.
   * @param maxEntries - How many values are kept at most.
   */
  constructor(
    readonly maxBytes = 32 * 1024 * 1024,
    readonly maxEntries = 500
  ) {}

  /** How many values are kept. */
  get size(): number {
    return this._entries.size;
  }

  /** The value of a blob, marking it as recently used; undefined when absent. */
  get(hash: string): string | undefined {
    const value = this._entries.get(hash);
    if (value !== undefined) {
      // A Map iterates in insertion order: re-inserting moves it to the end.
      this._entries.delete(hash);
      this._entries.set(hash, value);
    }
    return value;
  }

  /** Keeps a value, evicting the least recently used ones beyond the bounds. */
  set(hash: string, value: string): void {
    const cost = value.length * 2;
    if (cost > this.maxBytes) {
      return;
    }
    const old = this._entries.get(hash);
    if (old !== undefined) {
      this._entries.delete(hash);
      this._bytes -= old.length * 2;
    }
    this._entries.set(hash, value);
    this._bytes += cost;
    for (const [oldest, kept] of this._entries) {
      if (
        this._bytes <= this.maxBytes &&
        this._entries.size <= this.maxEntries
      ) {
        break;
      }
      this._entries.delete(oldest);
      this._bytes -= kept.length * 2;
    }
  }

  /** Forgets every value. */
  clear(): void {
    this._entries.clear();
    this._bytes = 0;
  }

  private _entries = new Map<string, string>();
  private _bytes = 0;
}

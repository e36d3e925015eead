/**
 * A bounded memory of blob contents, the least recently used dropped
 * first. Blobs are content-addressed, so a blob never changes under its
 * name and a cached copy is never stale: an object store's blob read
 * again (the same notebook stepped through, output by output) is served
 * without a request. Bounded by bytes, and holding only small blobs, so
 * one large output cannot push out everything else.
 */

/** Bounds of a {@link BlobCache}. */
export interface BlobCacheOptions {
  /** Total bytes of the contents held (64 MiB by default). */
  maxBytes?: number;
  /** The largest blob held (1 MiB by default); larger ones pass through. */
  maxBlobBytes?: number;
}

/** See the module comment. */
export class BlobCache {
  /** Contents by name, least recently used first (Map order). */
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  readonly maxBytes: number;
  readonly maxBlobBytes: number;

  constructor(options: BlobCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxBlobBytes = Math.min(
      options.maxBlobBytes ?? 1024 * 1024,
      this.maxBytes
    );
  }

  /** The bytes held now. */
  get size(): number {
    return this.bytes;
  }

  /** The content held under `sha256` (now the most recently used). */
  get(sha256: string): Buffer | undefined {
    const content = this.entries.get(sha256);
    if (content !== undefined) {
      this.entries.delete(sha256);
      this.entries.set(sha256, content);
    }
    return content;
  }

  /** Holds `content` when small enough, dropping the least recent first. */
  set(sha256: string, content: Buffer): void {
    if (content.length > this.maxBlobBytes || this.entries.has(sha256)) {
      return;
    }
    this.entries.set(sha256, content);
    this.bytes += content.length;
    for (const [name, held] of this.entries) {
      if (this.bytes <= this.maxBytes) {
        break;
      }
      this.entries.delete(name);
      this.bytes -= held.length;
    }
  }
}

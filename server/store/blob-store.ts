/**
 * Content-addressed blobs: large mime values and environment snapshots,
 * stored once by SHA-256. The file store keeps new blobs in its log (see
 * log-records.ts); this module holds what else reads them.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { BlobStore } from './types';

/** A lowercase hex SHA-256. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  }
}

/**
 * Blob files `<dir>/ab/cdef…`, as store format 2 wrote them (each its own
 * file, synced alongside the log under a blob guard record). Read only:
 * newer servers write blobs into the log, in the same write as the records
 * citing them.
 */
export class BlobFolder implements BlobStore {
  constructor(private readonly dir: string) {}

  /** The path of a blob's file. */
  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2));
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(sha256)) {
      return null;
    }
    try {
      return await fs.readFile(this.pathOf(sha256));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return null;
      }
      throw err;
    }
  }

  /**
   * Whether the blob of `sha256` is on disk with the right content (a
   * crash of a format-2 server between a rename and a data sync could
   * leave a file with the right name and wrong bytes).
   */
  async holds(sha256: string): Promise<boolean> {
    const bytes = await this.get(sha256).catch(() => null);
    return (
      bytes !== null &&
      createHash('sha256').update(bytes).digest('hex') === sha256
    );
  }
}

/** Blobs in a Map, for unit tests. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();

  /** How many distinct blobs are stored. */
  get size(): number {
    return this.blobs.size;
  }

  /** Stores `content` under `sha256` unless already there. */
  put(sha256: string, content: Buffer): void {
    assertSha256(sha256);
    if (!this.blobs.has(sha256)) {
      this.blobs.set(sha256, Buffer.from(content));
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    return this.blobs.get(sha256) ?? null;
  }
}

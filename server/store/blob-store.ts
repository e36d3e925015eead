/**
 * Content-addressed blob stores: large mime values stored once by SHA-256.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { syncDirectory } from './segment-log';
import type { BlobStore } from './types';

/** A lowercase hex SHA-256. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  }
}

/**
 * Blobs as files `<dir>/ab/cdef…` (the hash split after two characters so
 * no folder grows huge). A blob is written to `<dir>/tmp`, fsync'd, renamed
 * into place and its folder fsync'd, so a blob that exists is complete.
 */
export class FileBlobStore implements BlobStore {
  /** Blobs known durable in this process. */
  private readonly durable = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly readyDirs = new Set<string>();

  private constructor(private readonly dir: string) {}

  /** Opens the store, clearing temp files left by an interrupted write. */
  static async open(dir: string): Promise<FileBlobStore> {
    await fs.rm(join(dir, 'tmp'), { recursive: true, force: true });
    await fs.mkdir(join(dir, 'tmp'), { recursive: true });
    return new FileBlobStore(dir);
  }

  /** The path of a blob's file. */
  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2));
  }

  put(sha256: string, content: Buffer): Promise<void> {
    assertSha256(sha256);
    if (this.durable.has(sha256)) {
      return Promise.resolve();
    }
    let write = this.pending.get(sha256);
    if (!write) {
      write = this.write(sha256, content).finally(() => {
        this.pending.delete(sha256);
      });
      this.pending.set(sha256, write);
    }
    return write;
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(sha256)) {
      return null;
    }
    try {
      return await fs.readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw err;
    }
  }

  private async write(sha256: string, content: Buffer): Promise<void> {
    const target = this.pathOf(sha256);
    const folder = join(this.dir, sha256.slice(0, 2));
    if (await exists(target)) {
      // Written by an earlier process, which may have died before its
      // folder fsync: make sure it is durable before a record cites it.
      const handle = await fs.open(target, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await syncDirectory(folder);
    } else {
      await this.ensureFolder(folder);
      const temp = join(this.dir, 'tmp', randomBytes(12).toString('hex'));
      const handle = await fs.open(temp, 'wx');
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
      await syncDirectory(folder);
    }
    this.durable.add(sha256);
  }

  private async ensureFolder(folder: string): Promise<void> {
    if (this.readyDirs.has(folder)) {
      return;
    }
    if (!(await exists(folder))) {
      await fs.mkdir(folder, { recursive: true });
      await syncDirectory(this.dir);
    }
    this.readyDirs.add(folder);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** Blobs in a Map, for unit tests. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();

  /** How many distinct blobs are stored. */
  get size(): number {
    return this.blobs.size;
  }

  async put(sha256: string, content: Buffer): Promise<void> {
    assertSha256(sha256);
    if (!this.blobs.has(sha256)) {
      this.blobs.set(sha256, Buffer.from(content));
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    return this.blobs.get(sha256) ?? null;
  }
}

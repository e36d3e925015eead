/**
 * Content-addressed blob stores: large mime values stored once by SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
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
 * no folder grows huge). A blob is written to `<dir>/tmp`, renamed into
 * place, and then it and its folder are fsync'd.
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

  /*
   * The data fsync and the folder fsync run in parallel after the rename:
   * a record citing the blob is written only once both are done, so the
   * order between them does not matter, and one sync round is saved. A
   * crash between the rename and the data sync can leave a file with the
   * right name and wrong bytes, cited by no record: that is why a file
   * found on disk is trusted only after its hash is checked.
   */
  private async write(sha256: string, content: Buffer): Promise<void> {
    const target = this.pathOf(sha256);
    const folder = join(this.dir, sha256.slice(0, 2));
    if (await this.holdsContent(target, sha256)) {
      // Written by an earlier process, which may have died before its
      // syncs: make sure it is durable before a record cites it.
      const handle = await fs.open(target, 'r');
      try {
        await Promise.all([handle.datasync(), syncDirectory(folder)]);
      } finally {
        await handle.close();
      }
    } else {
      await this.ensureFolder(folder);
      const temp = join(this.dir, 'tmp', randomBytes(12).toString('hex'));
      const handle = await fs.open(temp, 'wx');
      try {
        await handle.writeFile(content);
        await fs.rename(temp, target);
        await Promise.all([handle.datasync(), syncDirectory(folder)]);
      } finally {
        await handle.close();
      }
    }
    this.durable.add(sha256);
  }

  /** Whether `path` exists and holds the content of `sha256`. */
  private async holdsContent(path: string, sha256: string): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path);
    } catch {
      return false;
    }
    return createHash('sha256').update(bytes).digest('hex') === sha256;
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

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

/** A blob written in place whose bytes and folder entry await a sync. */
export interface StagedBlob {
  sha256: string;
  folder: string;
  /** Open on the blob's file, for its data sync; closed by the sync. */
  handle: fs.FileHandle;
}

/**
 * Blobs as files `<dir>/ab/cdef…` (the hash split after two characters so
 * no folder grows huge).
 *
 * Writing is split in two so that blob durability can ride on the log's
 * group commit: {@link FileBlobStore.stage} writes a blob to `<dir>/tmp` and
 * renames it into place at once, without waiting for the disk; the commit
 * then calls {@link FileBlobStore.sync} for all the blobs of its batches
 * together, concurrently with the log's fdatasync: their data syncs and one
 * fsync per folder (not per blob), plus the root when a folder is new.
 * Because the log may then be durable before the blobs, the commit puts a
 * guard record in front of its records, and the startup check
 * ({@link FileBlobStore.holds}) cuts a last commit whose blobs did not make
 * it (see FileStore).
 */
export class FileBlobStore implements BlobStore {
  /** Blobs known durable in this process. */
  private readonly durable = new Set<string>();
  /** Blobs being written or written and not yet synced, by hash. */
  private readonly staged = new Map<string, Promise<StagedBlob>>();
  private readonly readyDirs = new Set<string>();
  /** Folders created whose entries in the root are not synced yet. */
  private readonly newDirs = new Set<string>();

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

  /**
   * Writes `content` under its hash unless it is known durable (then null);
   * resolves once it is in place, not yet durable: pass the result to
   * {@link FileBlobStore.sync} before citing it in an acknowledged record.
   * Concurrent stages of one hash share one write.
   */
  stage(sha256: string, content: Buffer): Promise<StagedBlob | null> {
    assertSha256(sha256);
    if (this.durable.has(sha256)) {
      return Promise.resolve(null);
    }
    let staged = this.staged.get(sha256);
    if (!staged) {
      staged = this.write(sha256, content);
      this.staged.set(sha256, staged);
      // A failed write is forgotten, so that a later stage tries again.
      staged.catch(() => {
        if (this.staged.get(sha256) === staged) {
          this.staged.delete(sha256);
        }
      });
    }
    return staged;
  }

  /**
   * Makes staged blobs durable: their data syncs, one fsync per folder, and
   * the root's when a folder is new, all at once; then closes them. Blobs
   * already made durable by an earlier sync are skipped.
   */
  async sync(blobs: (StagedBlob | null)[]): Promise<void> {
    const pending = new Map<string, StagedBlob>();
    for (const blob of blobs) {
      if (blob && !this.durable.has(blob.sha256)) {
        pending.set(blob.sha256, blob);
      }
    }
    if (pending.size === 0) {
      return;
    }
    const folders = new Set([...pending.values()].map(b => b.folder));
    const created = [...folders].filter(f => this.newDirs.has(f));
    const syncs = [
      ...[...pending.values()].map(b => b.handle.datasync()),
      ...[...folders].map(f => syncDirectory(f)),
      ...(created.length > 0 ? [syncDirectory(this.dir)] : [])
    ];
    const settled = await Promise.allSettled(syncs);
    await Promise.allSettled([...pending.values()].map(b => b.handle.close()));
    for (const sha256 of pending.keys()) {
      this.staged.delete(sha256);
    }
    const failed = settled.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected'
    );
    if (failed) {
      throw failed.reason;
    }
    created.forEach(f => this.newDirs.delete(f));
    for (const sha256 of pending.keys()) {
      this.durable.add(sha256);
    }
  }

  /** Stores `content` durably (stage and sync), for callers outside a commit. */
  async put(sha256: string, content: Buffer): Promise<void> {
    await this.sync([await this.stage(sha256, content)]);
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

  /** Whether the blob of `sha256` is on disk with the right content. */
  holds(sha256: string): Promise<boolean> {
    return SHA256_HEX.test(sha256)
      ? this.holdsContent(this.pathOf(sha256), sha256)
      : Promise.resolve(false);
  }

  /*
   * The rename comes before the data sync: a crash in between can leave a
   * file with the right name and wrong bytes. That is why a file found on
   * disk is trusted only after its hash is checked, here and at startup.
   */
  private async write(sha256: string, content: Buffer): Promise<StagedBlob> {
    const target = this.pathOf(sha256);
    const folder = join(this.dir, sha256.slice(0, 2));
    if (await this.holdsContent(target, sha256)) {
      // Written by an earlier process, which may have died before its
      // syncs: it is synced again before a record cites it.
      return { sha256, folder, handle: await fs.open(target, 'r') };
    }
    await this.ensureFolder(folder);
    const temp = join(this.dir, 'tmp', randomBytes(12).toString('hex'));
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await fs.rename(temp, target);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return { sha256, folder, handle };
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
      this.newDirs.add(folder);
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

/**
 * Files appended to durably: each write returns once its bytes (and the
 * file's size) are on disk. Where the platform has O_DSYNC the file is
 * opened with it, so that is one system call, like a write then an
 * fdatasync; a write costs one trip through libuv's thread pool instead of
 * two, so a busy event loop delays it once, not twice. Elsewhere callers
 * fdatasync after writing (`syncAfterWrite`).
 */
import { constants as fsConstants, promises as fs } from 'node:fs';

const DSYNC: number | undefined = fsConstants.O_DSYNC;

/** Whether a write must be followed by an fdatasync to be durable. */
export const syncAfterWrite = DSYNC === undefined;

/**
 * Opens (creating) a file for durable appends; `readable` also allows
 * reads and truncation.
 */
export function openDurableAppend(
  path: string,
  readable = false
): Promise<fs.FileHandle> {
  if (DSYNC === undefined) {
    return fs.open(path, readable ? 'a+' : 'a');
  }
  return fs.open(
    path,
    (readable ? fsConstants.O_RDWR : fsConstants.O_WRONLY) |
      fsConstants.O_APPEND |
      fsConstants.O_CREAT |
      DSYNC
  );
}

/**
 * Cuts a file appended to durably back to `size` bytes (those acknowledged
 * before a write that failed, which may have left some of its bytes) and
 * syncs that, through a fresh handle, which it returns for the next
 * appends: the handle of a failed write or sync is not trusted again.
 * Throws, leaving the file as it was, when that fails too. Truncating
 * frees space, so it works on a full disk.
 */
export async function reopenTruncated(
  path: string,
  size: number
): Promise<fs.FileHandle> {
  const handle = await openDurableAppend(path, true);
  try {
    await handle.truncate(size);
    await handle.datasync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
  return handle;
}

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

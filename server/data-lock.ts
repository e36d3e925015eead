/**
 * One server per data folder: `<data>/server.lock` is created exclusively
 * and holds the owner's pid and process start time. A lock whose owner is
 * gone (no such pid, or a pid reused by another process) is stale and
 * taken over.
 *
 * The lock is a symbolic link whose target is the owner's JSON: it is
 * created with its content in one step (no empty lock for a moment), and a
 * target this short lives in the inode, so the lock is taken on a full disk
 * too. Where symbolic links are not allowed (Windows without the
 * privilege) it is a file holding that JSON, as older servers wrote it.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockOwner {
  pid: number;
  /** Linux process start time (clock ticks since boot), to detect pid reuse. */
  startTime: string | null;
}

/** The start time of a process, or null where /proc is not available. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may contain spaces, so count
    // from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  if (owner.startTime !== null) {
    const now = processStartTime(owner.pid);
    if (now !== null && now !== owner.startTime) {
      return false;
    }
  }
  return true;
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    let text: string;
    try {
      text = await fs.readlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') {
        throw err;
      }
      text = await fs.readFile(path, 'utf8'); // a file, not a link
    }
    const owner = JSON.parse(text);
    return typeof owner?.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A held lock on a data folder. */
export class DataLock {
  private constructor(readonly path: string) {}

  /**
   * Takes the lock of `dataDir`, or returns the pid of the live server that
   * holds it.
   */
  static async acquire(
    dataDir: string
  ): Promise<DataLock | { heldBy: number }> {
    const path = join(dataDir, 'server.lock');
    const me: LockOwner = {
      pid: process.pid,
      startTime: processStartTime(process.pid)
    };
    let links = true;
    for (let attempt = 0; ; attempt++) {
      try {
        if (links) {
          try {
            await fs.symlink(JSON.stringify(me), path);
            return new DataLock(path);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'EPERM' && code !== 'ENOSYS' && code !== 'ENOTSUP') {
              throw err;
            }
            links = false;
          }
        }
        const handle = await fs.open(path, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify(me));
          await handle.sync();
        } finally {
          await handle.close();
        }
        return new DataLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
      }
      const owner = await readOwner(path);
      if (owner === null && attempt < 10) {
        // Just created and not yet written by its owner: look again.
        await sleep(50);
        continue;
      }
      if (owner !== null && isAlive(owner)) {
        return { heldBy: owner.pid };
      }
      if (attempt > 20) {
        throw new Error(`could not take the lock ${path}`);
      }
      await fs.rm(path, { force: true });
    }
  }

  /** Whether the lock's owner (see {@link DataLock.acquire}) is still alive. */
  static async holderAlive(dataDir: string): Promise<boolean> {
    const owner = await readOwner(join(dataDir, 'server.lock'));
    return owner !== null && isAlive(owner);
  }

  /** Removes the lock file. */
  async release(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}

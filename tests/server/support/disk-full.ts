/**
 * A data folder whose disk a test can fill and give room again, for a real
 * server process (support/process.ts). The disk is a small tmpfs mounted
 * over the folder; where mounting is not permitted (or with
 * TRAIL_TEST_NO_TMPFS set, to run this path on purpose), the server is
 * started with a preload, inject-enospc.cjs, that makes the named calls
 * fail with ENOSPC while the disk is "full".
 */
import { execFileSync } from 'node:child_process';
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './server';

/** The calls inject-enospc.cjs can make fail (see there). */
export type InjectedCall = 'appendFile' | 'write' | 'writeFile';

/** A disk that can be made full and given room again. */
export interface Disk {
  /** True on a real tmpfs; false where ENOSPC is injected instead. */
  mounted: boolean;
  /** The environment to start the server process with. */
  env: NodeJS.ProcessEnv;
  /** Leaves not one byte free (or turns the injected ENOSPC on). */
  fill(): Promise<void>;
  /** Gives room again (or turns the injected ENOSPC off). */
  free(): Promise<void>;
}

const mounted: string[] = [];

/** Mounts a small tmpfs on `dir`; false when this machine does not allow it. */
function mountTmpfs(dir: string): boolean {
  if (process.env.TRAIL_TEST_NO_TMPFS) {
    return false; // to run the fallback on purpose
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], {
      stdio: 'pipe'
    });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

/** Writes `path` until the disk has not one byte left. */
async function fillUp(path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let size = 1 << 16; size >= 1;) {
      try {
        await file.write(Buffer.alloc(size, 0x78));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') {
          throw err;
        }
        size >>= 1;
      }
    }
  } finally {
    await file.close();
  }
}

/**
 * A disk under the (empty) data folder `dir`. Where it cannot be mounted,
 * `inject` names the calls that fail on the "full" disk.
 */
export async function diskAt(
  dir: string,
  inject: InjectedCall[]
): Promise<Disk> {
  if (mountTmpfs(dir)) {
    const filler = join(dir, 'filler');
    return {
      mounted: true,
      env: {},
      fill: () => fillUp(filler),
      free: () => rm(filler)
    };
  }
  // The flag lives outside the data folder, which the server reads.
  const flag = join(await tempDir(), 'disk-full.flag');
  return {
    mounted: false,
    env: {
      NODE_OPTIONS: `--require ${join(__dirname, 'inject-enospc.cjs')}`,
      TRAIL_TEST_DISK_FULL: flag,
      TRAIL_TEST_DISK_FULL_CALLS: inject.join(',')
    },
    fill: () => writeFile(flag, ''),
    free: () => rm(flag)
  };
}

/** Unmounts every disk mounted so far (before removeTempDirs). */
export function unmountDisks(): void {
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir]);
  }
}

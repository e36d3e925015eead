/**
 * What the replaying kernel has: its environment and the input files as it
 * sees them, from the kernel probe (the replay models' `runProbe`: the
 * helper's `_trail_probe`, else the installed package's, by one silent
 * request). A kernel that cannot probe (not Python) still gets its files
 * checked: hashed from here, since the kernel runs in this same folder.
 */
import type { Kernel } from '@jupyterlab/services';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { runProbe } from '../model/replay-run/probe';
import type { TargetFile } from '../records/replay/preflight';
import type { EnvironmentSnapshot } from '../records/schema';

/** The probe's answer, and how it was obtained. */
export interface TargetProbe {
  environment?: EnvironmentSnapshot;
  files: TargetFile[];
  /** `kernel` when the kernel answered; `local` when only files were hashed here. */
  source: 'kernel' | 'local';
  /** Why the kernel could not answer, when it could not. */
  problem?: string;
}

/**
 * Asks the kernel; falls back to hashing the files from `cwd`. With
 * `detail` (a fork's new files) the kernel also says whether each is a file
 * or a folder, whether it can be read, and counts a table's rows.
 */
export async function probeTarget(
  kernel: Kernel.IKernelConnection,
  paths: string[],
  cwd: string,
  options: { detail?: boolean } = {}
): Promise<TargetProbe> {
  try {
    const answer = await runProbe(kernel, paths, { detail: options.detail });
    return {
      ...(answer.environment ? { environment: answer.environment } : {}),
      files: answer.files,
      source: 'kernel'
    };
  } catch (error) {
    return {
      files: await Promise.all(paths.map(path => fileHere(path, cwd))),
      source: 'local',
      problem: (error as Error).message
    };
  }
}

/** A file as this process sees it: exists, size and sha256. */
async function fileHere(path: string, cwd: string): Promise<TargetFile> {
  const full = isAbsolute(path) ? path : join(cwd, path);
  let size: number;
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) {
      return { path, exists: true, kind: 'folder' };
    }
    if (!stat.isFile()) {
      return { path, exists: false };
    }
    size = stat.size;
  } catch {
    return { path, exists: false };
  }
  const hash = createHash('sha256');
  try {
    await new Promise<void>((resolve, reject) =>
      createReadStream(full)
        .on('data', chunk => hash.update(chunk))
        .on('end', resolve)
        .on('error', reject)
    );
  } catch (error) {
    return {
      path,
      exists: true,
      size,
      readable: false,
      error: (error as Error).message.slice(0, 1000)
    };
  }
  return { path, exists: true, size, sha256: hash.digest('hex') };
}

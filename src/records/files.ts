/**
 * How the files of an execution compare with those of the previous run of
 * its cell.
 */
import { hashSettled } from './capture';
import type { FileAccess } from './schema';

/**
 * How a file of an execution compares with the previous run of its cell:
 * `pending` while its hash is computed, `changed` when the content differs,
 * `new` when the previous run did not touch it, `same` when equal, and
 * `unknown` when there is no previous run (or no hash to compare).
 */
export type FileChange = 'pending' | 'changed' | 'new' | 'same' | 'unknown';

/**
 * Compares a file with the previous run's files (`undefined`: no previous
 * run known). The previous entry is the one with the same path and access,
 * else the same path: a file written before and read now is the same file.
 */
export function fileChange(
  file: FileAccess,
  previous: readonly FileAccess[] | undefined
): FileChange {
  if (!hashSettled(file)) {
    // Still hashing in the kernel.
    return 'pending';
  }
  if (previous === undefined) {
    return 'unknown';
  }
  const before =
    previous.find(p => p.path === file.path && p.access === file.access) ??
    previous.find(p => p.path === file.path);
  if (!before) {
    return 'new';
  }
  if (!file.sha256 || !before.sha256) {
    return 'unknown';
  }
  return file.sha256 === before.sha256 ? 'same' : 'changed';
}

/**
 * Writing an exported pipeline folder with nothing half-written: the files
 * go into a temporary folder beside the destination, which is then renamed
 * into place. A destination that exists and is not empty is refused unless
 * `force`, and then replaced as a whole: the old folder is renamed aside,
 * the new one renamed in, the old one removed (put back if the second
 * rename fails).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CliError, ExitCode } from './exit-codes';
import { VERIFY_DIR } from './verify-keep';

/** One file of the folder, its path relative to the folder. */
export interface FolderFile {
  path: string;
  content: string;
}

/** What is at the destination now. */
export type Destination = 'absent' | 'empty' | 'not-empty';

/**
 * Looks at `dir` before anything is asked: a file there, or a non-empty
 * folder without `force`, is bad input (exit 2) with nothing changed. With
 * `force`, a folder holding `cwd` (the data's folder) is refused too:
 * replacing it would delete what the pipeline reads.
 */
export function checkDestination(
  dir: string,
  options: { force: boolean; cwd: string }
): Destination {
  let entries: string[];
  try {
    const stat = statSync(dir);
    if (!stat.isDirectory()) {
      throw new CliError(
        `--out ${dir} is a file, not a folder; choose a new or empty folder.`
      );
    }
    entries = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'absent';
    }
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(`Cannot read --out ${dir}: ${(error as Error).message}`);
  }
  if (entries.length === 0) {
    return 'empty';
  }
  if (!options.force) {
    throw new CliError(
      `--out ${dir} exists and is not empty (${describeEntries(entries)}); nothing was written. Choose a new folder, or add --force to replace it as a whole.`
    );
  }
  if (contains(dir, options.cwd)) {
    throw new CliError(
      `--out ${dir} holds the current folder ${options.cwd}; --force would delete it. Choose a folder of its own for the pipeline.`
    );
  }
  return 'not-empty';
}

/** "a.txt, b/ and 3 more" */
function describeEntries(entries: string[]): string {
  const shown = [...entries].sort().slice(0, 3).join(', ');
  const more = entries.length - 3;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** Whether `inner` is `outer` or inside it. */
export function contains(outer: string, inner: string): boolean {
  const path = relative(outer, inner);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/**
 * A file's path as the answer gave it, checked: relative, inside the
 * folder, no empty or dot segments (the answer is a server's; a path that
 * leaves the folder is never written).
 */
function safePath(path: string): string {
  const parts = path.split('/');
  if (
    !path ||
    isAbsolute(path) ||
    path.includes('\\') ||
    path.includes('\0') ||
    parts.some(part => part === '' || part === '.' || part === '..')
  ) {
    throw new CliError(
      `The server's answer names a file outside the pipeline folder ("${path}"); nothing was written.`,
      ExitCode.Incomplete
    );
  }
  return parts.join(sep);
}

/**
 * Writes `files` as the folder `dir` (absolute). The files are checked and
 * written into a temporary folder beside `dir` first; any failure removes
 * it and leaves `dir` as it was.
 */
export function writeFolder(
  dir: string,
  files: readonly FolderFile[],
  options: { force: boolean; cwd: string }
): void {
  const paths = files.map(file => safePath(file.path));
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) {
      throw new CliError(
        `The server's answer names the file ${path} twice; nothing was written.`,
        4
      );
    }
    seen.add(path);
  }
  const parent = dirname(dir);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new CliError(
      `Cannot make the folder ${parent}: ${(error as Error).message}`
    );
  }
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(dir)}.trail-export-`));
  } catch (error) {
    throw new CliError(
      `Cannot write beside ${dir}: ${(error as Error).message}`
    );
  }
  try {
    files.forEach((file, i) => {
      const target = join(staging, paths[i]);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    });
    // Looked at again: it may have changed while the server worked.
    const now = checkDestination(dir, options);
    if (now === 'empty') {
      rmdirSync(dir);
    }
    if (now === 'not-empty') {
      replace(dir, staging);
    } else {
      renameSync(staging, dir);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(
      `Cannot write the pipeline folder ${dir}: ${(error as Error).message}; nothing was written.`
    );
  }
}

/**
 * Swaps `staging` in for the existing folder `dir`. Its `.trail-verify/`
 * (verify-keep.ts) goes over to the new folder: it may hold the user's own
 * outputs a verification killed in the middle moved aside (the next
 * verify of the folder puts them back), and the reproduced files.
 */
function replace(dir: string, staging: string): void {
  const aside = `${staging}-old`;
  renameSync(dir, aside);
  try {
    renameSync(staging, dir);
  } catch (error) {
    renameSync(aside, dir);
    throw error;
  }
  const kept = join(aside, VERIFY_DIR);
  if (existsSync(kept)) {
    renameSync(kept, join(dir, VERIFY_DIR));
  }
  rmSync(aside, { recursive: true, force: true });
}

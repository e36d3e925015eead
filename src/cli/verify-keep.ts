/**
 * A verification never destroys the user's own outputs. pipeline.py runs
 * in the notebook's folder (its recorded relative inputs resolve there), so
 * it writes the very paths the recording wrote: a model, a table. Before
 * the run each recorded output that exists is MOVED aside into the
 * pipeline folder's `.trail-verify/<run>/recorded/` (a rename on the same
 * filesystem, else a copy that keeps its times); after the run (success,
 * failure, Ctrl-C, an exception) what the run wrote at those paths goes to
 * `.trail-verify/<run>/reproduced/` and the originals are put back as they
 * were (content, mode, mtime). The notebook's folder is left as it was
 * found; the reproduced files stay to look at.
 *
 * A journal, `restore.json`, is written before anything moves and marked
 * restored once everything is back: a verification killed in the middle
 * (kill -9) leaves it, and the next one puts that run's originals back
 * before anything else. Its `pid` also keeps two verifications of one
 * folder from running at once. The last {@link KEPT_RUNS} run folders are
 * kept.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { VerifyExpected } from './verify-compare';
import { placed, VerifyError } from './verify-folder';

/** The folder, inside the pipeline folder, holding the verifications' files. */
export const VERIFY_DIR = '.trail-verify';
/** Each run folder's journal. */
export const JOURNAL = 'restore.json';
/** How many run folders are kept (the newest). */
export const KEPT_RUNS = 3;

/** One recorded output in the journal. */
export interface KeptEntry {
  /** The recorded path (as trail-expected.json has it). */
  path: string;
  /** Where it is on this machine. */
  original: string;
  /** Its name under recorded/ and reproduced/. */
  name: string;
  /** Whether the user's file was there (and so was moved aside). */
  existed: boolean;
  mtimeMs?: number;
  atimeMs?: number;
}

export interface Journal {
  version: 1;
  pid: number;
  host: string;
  startedAt: string;
  entries: KeptEntry[];
  /** When everything was put back (absent: not yet, or the run was killed). */
  restoredAt?: string;
}

/** A verification's own folder under `.trail-verify/`. */
export interface KeptRun {
  /** `<pipeline>/.trail-verify/<run>`. */
  folder: string;
  journal: Journal;
}

/** What putting back did: by recorded path, where the reproduced file now is. */
export interface PutBack {
  reproduced: Map<string, string>;
  /** The recorded paths whose user's file was put back. */
  restored: string[];
}

const journalPath = (run: KeptRun) => join(run.folder, JOURNAL);

function writeJournal(run: KeptRun): void {
  const path = journalPath(run);
  writeFileSync(`${path}.part`, JSON.stringify(run.journal, null, 2));
  renameSync(`${path}.part`, path);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a file, keeping its content, mode and times: a rename, or across
 * filesystems a copy (to a `.part` name renamed into place) then unlink.
 */
export function moveFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') {
      throw error;
    }
  }
  const stat = statSync(from);
  copyFileSync(from, `${to}.part`);
  utimesSync(`${to}.part`, stat.atime, stat.mtime);
  renameSync(`${to}.part`, to);
  unlinkSync(from);
}

/** A recorded path's name under recorded/ and reproduced/: the path itself when it stays inside. */
function nameOf(path: string, index: number): string {
  const clean = normalize(path);
  if (
    isAbsolute(clean) ||
    clean === '.' ||
    clean.split(sep).some(part => part === '..' || part === '')
  ) {
    return `${index}-${clean.split(/[\\/]/).filter(Boolean).pop() ?? 'output'}`;
  }
  return clean;
}

function readJournal(folder: string): Journal | undefined {
  try {
    const value = JSON.parse(
      readFileSync(join(folder, JOURNAL), 'utf8')
    ) as Journal;
    return value && Array.isArray(value.entries) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The run folders under `<pipeline>/.trail-verify`, oldest first. */
function runFolders(pipelineFolder: string): string[] {
  const root = join(pipelineFolder, VERIFY_DIR);
  if (!existsSync(root)) {
    return [];
  }
  return readdirSync(root, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => join(root, entry.name))
    .sort();
}

/**
 * Puts back every file a run moved aside: what lies at an output's path now
 * (written by the run) goes to reproduced/, the user's file back to its
 * path with its times. Safe to call again (a file already back is left).
 */
export function putBack(run: KeptRun): PutBack {
  const result: PutBack = { reproduced: new Map(), restored: [] };
  for (const entry of run.journal.entries) {
    const kept = join(run.folder, 'recorded', entry.name);
    const keptThere = entry.existed && existsSync(kept);
    // A file at the path is the run's unless the user's was never moved.
    if (
      (keptThere || !entry.existed) &&
      existsSync(entry.original) &&
      statSync(entry.original).isFile()
    ) {
      const reproduced = join(run.folder, 'reproduced', entry.name);
      moveFile(entry.original, reproduced);
      result.reproduced.set(entry.path, reproduced);
    } else if (existsSync(join(run.folder, 'reproduced', entry.name))) {
      result.reproduced.set(
        entry.path,
        join(run.folder, 'reproduced', entry.name)
      );
    }
    if (keptThere) {
      // A rename keeps its times exactly; a copy is given them back.
      moveFile(kept, entry.original);
      result.restored.push(entry.path);
    }
  }
  run.journal.restoredAt = new Date().toISOString();
  writeJournal(run);
  return result;
}

/**
 * Before a verification: puts back what an earlier one killed in the
 * middle left aside (each told to `notice`), and refuses when another
 * verification of this folder is running (its journal's live pid).
 */
export function recoverLeftovers(
  pipelineFolder: string,
  notice: (message: string) => void
): void {
  for (const folder of runFolders(pipelineFolder)) {
    const journal = readJournal(folder);
    if (!journal || journal.restoredAt) {
      continue;
    }
    if (
      journal.host === hostname() &&
      journal.pid !== process.pid &&
      alive(journal.pid)
    ) {
      throw new VerifyError(
        'bad-input',
        `${pipelineFolder} is already being verified (process ${journal.pid}, started ${journal.startedAt}); wait for it to end`
      );
    }
    const done = putBack({ folder, journal });
    const moved = done.restored.length + done.reproduced.size;
    notice(
      moved === 0
        ? `a verification started ${journal.startedAt} did not end; nothing of it was left aside (${folder})`
        : `a verification started ${journal.startedAt} did not end: ` +
            `${done.restored.length ? `put back your ${done.restored.join(', ')}` : 'nothing of yours to put back'}` +
            `${done.reproduced.size ? `; what it wrote is in ${join(folder, 'reproduced')}` : ''}`
    );
  }
}

/**
 * Starts a verification's run folder and journal (before the venv, so a
 * second verification of the folder is refused from the start). Throws a
 * VerifyError when the pipeline folder cannot hold it: nothing is run then.
 */
export function startRun(pipelineFolder: string): KeptRun {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const folder = join(pipelineFolder, VERIFY_DIR, `${stamp}-${process.pid}`);
  const run: KeptRun = {
    folder,
    journal: {
      version: 1,
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      entries: []
    }
  };
  try {
    mkdirSync(folder, { recursive: true });
    writeJournal(run);
  } catch (error) {
    throw new VerifyError(
      'bad-input',
      `cannot make ${folder} to keep your outputs aside while the pipeline runs (${(error as Error).message}); nothing was run`
    );
  }
  return run;
}

/**
 * Right before the run: every recorded output that is a file is journaled,
 * then moved into recorded/. Outputs that are not files (a folder) are
 * left alone.
 */
export function setAside(
  run: KeptRun,
  files: VerifyExpected['files'],
  notebookFolder: string
): void {
  run.journal.entries = [];
  files.forEach(({ path }, index) => {
    const original = placed(notebookFolder, path);
    const stat = existsSync(original) ? statSync(original) : undefined;
    if (stat && !stat.isFile()) {
      return;
    }
    run.journal.entries.push({
      path,
      original,
      name: nameOf(path, index),
      existed: !!stat,
      ...(stat ? { mtimeMs: stat.mtimeMs, atimeMs: stat.atimeMs } : {})
    });
  });
  // Journaled before anything moves: a kill from here on is recoverable.
  writeJournal(run);
  for (const entry of run.journal.entries) {
    if (entry.existed) {
      moveFile(entry.original, join(run.folder, 'recorded', entry.name));
    }
  }
}

/** Removes all but the newest {@link KEPT_RUNS} run folders (never one not yet put back). */
export function pruneRuns(pipelineFolder: string): void {
  const folders = runFolders(pipelineFolder);
  for (const folder of folders.slice(
    0,
    Math.max(0, folders.length - KEPT_RUNS)
  )) {
    const journal = readJournal(folder);
    if (journal && !journal.restoredAt && journal.entries.length > 0) {
      continue;
    }
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The input files of a replay or a fork: what steps 1..k read that no
 * earlier step wrote. Those are what must be there, unchanged, for a replay
 * to see what the recording saw (and what a fork may substitute); a file an
 * earlier step wrote is an intermediate, made by the replay itself.
 */
import type { ExecutionRecord, TableSchema } from '../schema';

/** A file (or folder) a replay needs, as the recording read it first. */
export interface InputFile {
  /** As captured: relative to the notebook's folder, or absolute. */
  path: string;
  sha256?: string;
  size?: number;
  table?: TableSchema;
  /** The step (1-based position in seq order) that read it first. */
  step: number;
  /** folder: a folder read file by file (or named with trail.dataset). */
  kind?: 'file' | 'folder';
  /** For a folder: how many files it groups. */
  fileCount?: number;
  /** The role given with `trail.dataset(path, role)` (never "output"). */
  role?: string;
}

/** The fields of an execution the rule reads. */
export type InputSource = Pick<ExecutionRecord, 'seq' | 'capture'>;

/** The role `trail.dataset` gives a file the code writes. */
const OUTPUT_ROLE = 'output';

/**
 * The files read by steps 1..`upto` (executions in seq order; step k is the
 * k-th) and not written by an earlier step. The first read wins: its hash,
 * size and table schema are what the recording saw. A file read and written
 * by one step (`readwrite`, or read then written) is an input of that step.
 * A file under a folder an earlier step wrote is an intermediate too. What
 * `trail.dataset(path, role)` named is an input with its role, unless the
 * role is "output" (a write, whatever its access says).
 */
export function inputsOf(
  executions: readonly InputSource[],
  upto: number
): InputFile[] {
  const steps = [...executions]
    .sort((a, b) => a.seq - b.seq)
    .slice(0, Math.max(0, upto));
  const written = new Set<string>();
  const writtenFolders: string[] = [];
  const inputs = new Map<string, InputFile>();
  const isOutput = (file: { access: string; role?: string }): boolean =>
    file.access === 'write' || file.role === OUTPUT_ROLE;
  const isIntermediate = (path: string): boolean =>
    written.has(path) ||
    writtenFolders.some(folder => path.startsWith(folder + '/'));
  steps.forEach((execution, i) => {
    const step = i + 1;
    const files = execution.capture?.files ?? [];
    for (const file of files) {
      if (isOutput(file) || isIntermediate(file.path)) {
        continue;
      }
      const known = inputs.get(file.path);
      if (known) {
        // A later trail.dataset names the role of a file already read.
        if (!known.role && file.role) {
          known.role = file.role;
        }
        continue;
      }
      const input: InputFile = { path: file.path, step, kind: file.kind };
      if (file.sha256) {
        input.sha256 = file.sha256;
      }
      if (typeof file.size === 'number') {
        input.size = file.size;
      }
      if (file.schema) {
        input.table = file.schema;
      }
      if (file.kind === 'folder' && typeof file.fileCount === 'number') {
        input.fileCount = file.fileCount;
      }
      if (file.role) {
        input.role = file.role;
      }
      inputs.set(file.path, input);
    }
    // Writes count from the next step on.
    for (const file of files) {
      if (file.access !== 'read' || file.role === OUTPUT_ROLE) {
        written.add(file.path);
        if (file.kind === 'folder') {
          writtenFolders.push(file.path.replace(/\/+$/, ''));
        }
      }
    }
  });
  return [...inputs.values()];
}

/**
 * The input files of a replay: what steps 1..k read that no earlier step
 * wrote. Those are what must be there, unchanged, for a replay to see what
 * the recording saw; a file an earlier step wrote is made by the replay
 * itself.
 */
import type { ExecutionRecord, TableSchema } from '../schema';

/** A file a replay needs, as the recording read it first. */
export interface InputFile {
  /** As captured: relative to the notebook's folder, or absolute. */
  path: string;
  sha256?: string;
  size?: number;
  table?: TableSchema;
  /** The step (1-based position in seq order) that read it first. */
  step: number;
}

/** The fields of an execution the rule reads. */
export type InputSource = Pick<ExecutionRecord, 'seq' | 'capture'>;

/**
 * The files read by steps 1..`upto` (executions in seq order; step k is the
 * k-th) and not written by an earlier step. The first read wins: its hash,
 * size and table schema are what the recording saw. A file read and written
 * by one step (`readwrite`, or read then written) is an input of that step.
 */
export function inputsOf(
  executions: readonly InputSource[],
  upto: number
): InputFile[] {
  const steps = [...executions]
    .sort((a, b) => a.seq - b.seq)
    .slice(0, Math.max(0, upto));
  const written = new Set<string>();
  const inputs = new Map<string, InputFile>();
  steps.forEach((execution, i) => {
    const step = i + 1;
    const files = execution.capture?.files ?? [];
    for (const file of files) {
      if (
        file.access === 'write' ||
        written.has(file.path) ||
        inputs.has(file.path)
      ) {
        continue;
      }
      const input: InputFile = { path: file.path, step };
      if (file.sha256) {
        input.sha256 = file.sha256;
      }
      if (typeof file.size === 'number') {
        input.size = file.size;
      }
      if (file.schema) {
        input.table = file.schema;
      }
      inputs.set(file.path, input);
    }
    // Writes count from the next step on.
    for (const file of files) {
      if (file.access !== 'read') {
        written.add(file.path);
      }
    }
  });
  return [...inputs.values()];
}

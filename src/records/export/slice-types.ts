/**
 * The public shapes of the slicing rule (#15, contract 2): a slice, its
 * kept and dropped steps, the target it was cut for, and the error that
 * says why no slice can be made. slice.ts re-exports them.
 */
import type { InputFile } from '../replay/inputs';

export type DropReason =
  | 'failed'
  | 'interrupted'
  | 'aborted'
  | 'superseded'
  | 'display'
  | 'unused'
  | 'unparsable';

export type ExportTarget =
  | { kind: 'session' }
  | { kind: 'file'; path: string }
  | { kind: 'metric'; name: string };

/** A kept step, with why: "writes model.pkl", "defines X used by step 7". */
export interface SliceStep {
  step: number;
  executionId: string;
  cellId?: string;
  reason: string;
}

/** A dropped step, with its reason and a human detail ("superseded by step 9"). */
export interface SliceDrop {
  step: number;
  executionId: string;
  cellId?: string;
  reason: DropReason;
  detail: string;
}

/** A name a kept step reads that no earlier successful step defines. */
export interface UnresolvedName {
  step: number;
  executionId: string;
  name: string;
}

export interface Slice {
  kept: SliceStep[];
  dropped: SliceDrop[];
  target: ExportTarget;
  /** What the kept steps read that no kept step wrote before (steps renumbered to the run's). */
  inputs: InputFile[];
  /** The files the kept steps wrote that are not inputs, first written first. */
  outputs: string[];
  /**
   * `%pip install` requirements of every successful step, kept or dropped
   * (a cell that only installs is dropped, its requirement stays): one per
   * package, the last one installed, in order of first appearance.
   */
  requirements: string[];
  /**
   * Names kept steps read that no earlier successful step defines (bound by
   * a failed or unparsable step, or from outside the recording): the
   * pipeline will likely stop on them. IPython's own names and `trail` are
   * left out.
   */
  unresolved: UnresolvedName[];
}

export type ExportErrorCode =
  | 'no-success'
  | 'target-not-produced'
  | 'target-unparsable'
  | 'nothing-to-export'
  | 'bad-target';

/** Why no slice can be made, for the user (a 4xx on the server, an exit code in the CLI). */
export class ExportError extends Error {
  readonly code: ExportErrorCode;
  constructor(code: ExportErrorCode, message: string) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
  }
}

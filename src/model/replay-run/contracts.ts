/**
 * The shapes of #13 this part consumes from the records floor: the
 * notebook metadata of a notebook opened from a recorded session
 * (contract 4), the divergence rule's answer and the preflight report
 * (contract 5). Imported from here so that the runner, the preflight and
 * their views name them once.
 */
export type {
  ReplaySource,
  SourceExecution
} from '../../records/replay/notebook';

// Contract 5 (part P). Until its rules land in src/records/replay these
// are declared as the contract states them; the runner takes the rule
// itself as an option (`compare`), never a copy of it.

/** One difference between a recorded and a replayed output. */
export interface OutputDifference {
  index: number;
  kind: 'text' | 'image' | 'table' | 'missing' | 'extra' | 'type';
  mimeType?: string;
  recorded?: string;
  replayed?: string;
  summary: string;
}

/** The divergence rule's verdict on one step. */
export interface ExecutionComparison {
  verdict: 'same' | 'differs' | 'new-error' | 'error-gone';
  differences: OutputDifference[];
  /** Nondeterministic things normalised away, e.g. "memory address". */
  ignored: string[];
}

/** A data file read by steps 1..k and not written by an earlier step. */
export interface InputFile {
  path: string;
  sha256?: string;
  size?: number;
  table?: import('../../records/schema').TableSchema;
  step: number;
}

/** A file as the target kernel sees it. */
export interface TargetFile {
  path: string;
  exists: boolean;
  sha256?: string;
  size?: number;
  table?: import('../../records/schema').TableSchema;
}

/** A package name and version, recorded or target. */
export interface Pkg {
  name: string;
  version?: string;
  recorded?: string;
  target?: string;
}

/** What differs between the recorded run and the target kernel. */
export interface PreflightReport {
  python: { recorded?: string; target?: string; same: boolean };
  packages: { missing: Pkg[]; older: Pkg[]; newer: Pkg[]; same: number };
  pipInstall: string | null;
  files: {
    path: string;
    step: number;
    state: 'same' | 'changed' | 'missing' | 'unknown';
    columns?: { added: string[]; removed: string[]; retyped: string[] };
  }[];
  ready: boolean;
}

/** GET /sessions/{id}/inputs?upto=k */
export interface SessionInputs {
  sessionId: string;
  upto: number;
  environment?: unknown;
  inputs: InputFile[];
}

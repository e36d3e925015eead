/**
 * What the pipeline writer needs to know about an export (#15, contract 3):
 * where the run came from, the steps kept by the slicing rule with their code
 * as plain Python (params already read from `PARAMS`), the params, metrics,
 * files and environment the recording saw, and what was left out and why.
 * The export service, the CLI and the panel fill it in; `buildPipeline`
 * turns it into files without touching the disk or the network.
 */
import type { EnvironmentSnapshot, ParamValue } from '../../schema';
import type { InputFile } from '../../replay/inputs';
import type { ExpectedResults } from '../expected';
import type { ExportTarget, SliceDrop } from '../slice';

export type { ExportTarget, SliceDrop };

/** Where the exported run came from (the README's provenance). */
export interface PipelineSource {
  /** The session's public id. */
  sessionId: string;
  /** The notebook's path as recorded (its base name names the pipeline). */
  notebookPath: string;
  /** Who recorded the session (a display name or user id). */
  author?: string;
  /** The Trail server the session is on (its base URL). */
  server?: string;
  /** The last step (1-based, in seq order) the export considered. */
  step: number;
  target: ExportTarget;
  /** When the export was made (ISO 8601); the README states it. */
  exportedAt?: string;
}

/** A step kept by the slicing rule, with its code ready for the script. */
export interface PipelineStep {
  /** Its 1-based position in the session (seq order). */
  step: number;
  executionId: string;
  cellId?: string;
  /** Why it was kept ("writes model.pkl", "defines X used by step 7"). */
  reason: string;
  /** The cell as plain Python after `rewriteParams` (CellFacts.python). */
  python: string;
  /** Top-level modules it imports (CellFacts.imports). */
  imports: string[];
}

/** A magic the analysis could not translate (left as a comment in the script). */
export interface UntranslatedLine {
  step: number;
  line: number;
  magic: string;
  reason?: string;
}

/** The environment the recording ran in. */
export interface PipelineEnvironment {
  /** The snapshot's content hash (the id the server keeps it under). */
  id?: string;
  snapshot: EnvironmentSnapshot;
}

/**
 * Where the pipeline folder sits relative to the notebook's folder, which
 * recorded relative paths start from. Both `.` (the default) when the
 * inputs are beside the pipeline; otherwise e.g. `../..` and
 * `pipelines/train-2026-12-06`.
 */
export interface PipelinePlacement {
  /** The notebook's folder as seen from the pipeline folder. */
  notebookDir: string;
  /** The pipeline folder as seen from the notebook's folder. */
  pipelineDir: string;
}

/** Everything `buildPipeline` writes a pipeline folder from. */
export interface PipelineSpec {
  source: PipelineSource;
  /** The kept steps, in execution order. */
  steps: PipelineStep[];
  /** Every param the run logged, with its recorded value (the latest per name). */
  params: Record<string, ParamValue>;
  /**
   * The params the kept code reads from `PARAMS` (rewritten by
   * `rewriteParams`); overriding the others changes nothing but what is
   * logged, and the README says so. Absent: all of them.
   */
  wiredParams?: string[];
  /** Why a param is not read from `PARAMS` (SliceParam.note), by name. */
  paramNotes?: Record<string, string>;
  /** The names of the metrics the run logged, in first-logged order. */
  metrics: string[];
  /** The recorded metric values (latest per name), for the README. */
  metricValues?: Record<string, number | null>;
  /** The files the kept steps read that no kept step wrote first. */
  inputs: InputFile[];
  /** The files the kept steps wrote that are not inputs. */
  outputs: string[];
  /** `%pip install` requirements as written, merged (Slice.requirements). */
  pipRequirements: string[];
  environment?: PipelineEnvironment | null;
  /** The steps the slicing rule dropped, with their reasons. */
  dropped: SliceDrop[];
  /** Magics left as comments. */
  untranslated: UntranslatedLine[];
  /** Names the kept code reads that nothing kept defines (Slice.unresolved). */
  unresolvedNames?: { step: number; name: string }[];
  placement?: PipelinePlacement;
  /**
   * What a run should reproduce (expectedOf): when given, the folder holds
   * it as `trail-expected.json`, which `trail verify <folder>` (and the
   * export report's Verify button) compare a run with.
   */
  expected?: ExpectedResults;
}

/** One file of the pipeline folder, its path relative to the folder. */
export interface PipelineFile {
  path: string;
  content: string;
}

/** The written folder, and what the writer could not settle. */
export interface Pipeline {
  files: PipelineFile[];
  /**
   * Imports found neither in the recorded environment nor in Python's
   * standard library (a local module, or a package missing from the
   * snapshot): not pinned in requirements.txt. The caller decides whether
   * that stops the export.
   */
  unresolvedImports: string[];
}

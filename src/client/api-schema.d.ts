/* eslint-disable */
/**
 * Generated from schema/api by scripts/build-schema-types.mjs.
 * Do not edit by hand: change the schema and run `jlpm build:schema`.
 */
import type {
  EnvironmentSnapshot,
  ExecutionRecord,
  ExecutionSummary,
  Lineage,
  NotebookSummary,
  ParamValue,
  Person,
  SearchHit,
  SessionSummary,
  TableSchema,
  TeamMember,
  Visibility
} from '../records/schema';

export type Columns = {
  name: string;
  type: string;
}[];

/**
 * The data-contract check of a fork (POST /api/v1/sessions/{id}/contract): each mapped input's new file against what the recording read. An error means the forked code would break (nothing should run unless forced); a warning may change results; a note is for information.
 */
export interface ContractReport {
  entries: ContractEntry[];
  errors: number;
  warnings: number;
  notes: number;
  /**
   * No error.
   */
  ok: boolean;
}

/**
 * One mapping of the request, in its order.
 */
export interface ContractEntry {
  recorded: string;
  path: string;
  input?: InputFile;
  target?: TargetFile;
  problems: ContractProblem[];
  columns?: ColumnChanges;
  rows?: {
    recorded: number | null;
    target: number | null;
  };
  size?: {
    recorded?: number;
    target?: number;
  };
}

/**
 * The recorded input; absent when the map names a path the experiment did not read.
 */
export interface InputFile {
  /**
   * As captured: relative to the notebook's folder (POSIX separators), or absolute.
   */
  path: string;
  sha256?: string;
  size?: number;
  table?: TableSchema;
  /**
   * The step that read it first.
   */
  step: number;
  /**
   * folder: a folder read file by file (or named with trail.dataset), one entry.
   */
  kind?: 'file' | 'folder';
  /**
   * For a folder: how many files it groups.
   */
  fileCount?: number;
  /**
   * The role given with trail.dataset(path, role), e.g. train, test; never output (a declared output is a write).
   */
  role?: string;
}

/**
 * The new file as probed; absent when the request carried none for this path.
 */
export interface TargetFile {
  path: string;
  exists: boolean;
  sha256?: string;
  size?: number;
  table?: TableSchema;
  /**
   * What is at the path, when it exists.
   */
  kind?: 'file' | 'folder';
  /**
   * For a folder: how many files it holds.
   */
  fileCount?: number;
  /**
   * false when it exists but cannot be read (permissions); absent: readable.
   */
  readable?: boolean;
  /**
   * Why it could not be read or probed.
   */
  error?: string;
}

export interface ContractProblem {
  level: 'error' | 'warning' | 'note';
  code:
    | 'unknown-input'
    | 'duplicate'
    | 'missing'
    | 'unreadable'
    | 'empty'
    | 'kind-mismatch'
    | 'missing-columns'
    | 'retyped'
    | 'extra-columns'
    | 'format'
    | 'rows'
    | 'size';
  /**
   * Names the recorded path, the new path and, where it applies, the columns.
   */
  message: string;
  /**
   * The columns the problem is about.
   */
  columns?: string[];
}

/**
 * A table's columns from the recorded schema to the new one.
 */
export interface ColumnChanges {
  added: Columns;
  removed: Columns;
  retyped: {
    name: string;
    recorded: string;
    target: string;
  }[];
}

/**
 * The body of POST /api/v1/sessions/{id}/contract: a fork of steps 1..upto, the inputs it substitutes (map) and the new files as the forking kernel's probe saw them (files, matched to the map by path).
 */
export interface ContractRequest {
  /**
   * The last step to fork; at most the session's number of steps.
   */
  upto: number;
  /**
   * @minItems 1
   * @maxItems 100
   */
  map: ForkMapping[];
  /**
   * @maxItems 100
   */
  files: TargetFile[];
}

/**
 * One substitution: a recorded input and the file or folder to read in its place.
 */
export interface ForkMapping {
  /**
   * An input's path as the session recorded it (GET /sessions/{id}/inputs).
   */
  recorded: string;
  /**
   * The new file or folder, as the forking kernel names it.
   */
  path: string;
}

/**
 * The body of every error answer of the API.
 */
export interface ErrorBody {
  error: {
    /**
     * snake_case, for programs.
     */
    code: string;
    /**
     * For humans.
     */
    message: string;
    details?: ErrorDetail[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/**
 * One problem of a rejected request, e.g. a schema violation.
 */
export interface ErrorDetail {
  /**
   * JSON Pointer into the request, e.g. /body/visibility.
   */
  path: string;
  message: string;
  [k: string]: unknown;
}

/**
 * One page of executions, without outputs (GET /api/v1/sessions/{id}/executions, GET /api/v1/cells/executions).
 */
export interface ExecutionPage {
  items: ExecutionSummary[];
  /**
   * Pass as cursor for the next page; null on the last page.
   */
  nextCursor: string | null;
}

/**
 * What to export: everything the session produced up to step upto (session, the default), the steps that produced one file (file, its path as recorded) or one metric (metric, its name).
 */
export type ExportTarget =
  | {
      kind: 'session';
    }
  | {
      kind: 'file';
      path: string;
    }
  | {
      kind: 'metric';
      name: string;
    };

/**
 * The body of POST /api/v1/sessions/{id}/export: which of the session's results to export as a pipeline (all of steps 1..upto, one written file, or one logged metric) and where the pipeline folder will sit beside the notebook. The server writes nothing: it answers the folder's files.
 */
export interface ExportRequest {
  /**
   * The last step considered (default: the session's last step); at most the session's number of steps.
   */
  upto?: number;
  target?: ExportTarget;
  /**
   * The pipeline folder relative to the notebook's folder (POSIX separators, no .. segment, not absolute); default pipelines/<notebook stem>-<YYYY-MM-DD> (today, UTC).
   */
  folder?: string;
  /**
   * The caller replaces a non-empty folder. Accepted for clients that pass their options on; the server writes nothing, so it changes nothing here.
   */
  force?: boolean;
}

/**
 * A session's steps 1..upto exported as a pipeline (POST /api/v1/sessions/{id}/export): the folder's files, the steps kept (with why) and dropped (with why), the magics and what became of them, the imports not pinned, the params, metrics, inputs and outputs, and what a run of the pipeline should reproduce.
 */
export interface ExportResult {
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * The last step considered.
   */
  upto: number;
  target: ExportTarget;
  /**
   * The pipeline folder relative to the notebook's folder, as asked or the default.
   */
  folder: string;
  /**
   * The pipeline folder's files (pipeline.py, params.yaml, requirements.txt, ..., README.md), paths relative to the folder.
   */
  files: ExportedFile[];
  /**
   * The steps in the pipeline, in execution order.
   */
  kept: ExportedStep[];
  /**
   * Every other step of 1..upto, with why.
   */
  dropped: ExportDrop[];
  /**
   * What became of each IPython magic or shell line of the kept steps (untranslated: left as a comment with the reason).
   */
  translations: ExportTranslation[];
  /**
   * Imports found neither in the recorded environment nor in the standard library: not pinned in requirements.txt.
   */
  unresolvedImports: string[];
  params: ExportParam[];
  metrics: ExportMetric[];
  /**
   * The files the kept steps read that no kept step wrote first.
   */
  inputs: InputFile[];
  /**
   * The files the kept steps wrote that are not inputs, first written first.
   */
  outputs: string[];
  expected: ExpectedResults;
}

export interface ExportedFile {
  path: string;
  content: string;
}

export interface ExportedStep {
  step: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  cellId?: string;
  /**
   * Why it is kept ("writes model.pkl", "defines X used by step 7").
   */
  reason: string;
}

export interface ExportDrop {
  step: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  cellId?: string;
  reason: 'failed' | 'interrupted' | 'aborted' | 'superseded' | 'display' | 'unused' | 'unparsable';
  /**
   * For humans ("superseded by step 9").
   */
  detail: string;
}

export interface ExportTranslation {
  step: number;
  /**
   * The line in the recorded cell.
   */
  line: number;
  magic: string;
  action: 'requirement' | 'subprocess' | 'dropped' | 'unwrapped' | 'untranslated';
  reason?: string;
}

export interface ExportParam {
  name: string;
  value: ParamValue;
  /**
   * The step that logged the value.
   */
  step: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  /**
   * The name bound to its literal in that step's cell.
   */
  target?: string;
  /**
   * Whether --name value and params.yaml change it.
   */
  overridable: boolean;
  /**
   * Why it cannot be overridden.
   */
  note?: string;
}

export interface ExportMetric {
  name: string;
  /**
   * The last point a kept step logged (null: NaN or an infinity).
   */
  value: number | null;
  step: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  points: number;
}

/**
 * What a run of the pipeline on the recorded inputs should reproduce: each output with a recorded sha256 (the last write by a kept step), each metric's last value, each param's value.
 */
export interface ExpectedResults {
  files: {
    path: string;
    sha256: string;
  }[];
  metrics: {
    name: string;
    value: number | null;
  }[];
  params: {
    name: string;
    value: ParamValue;
  }[];
}

/**
 * The body of POST /api/v1/fingerprints/lookup: a cell about to run in a session, after one of its executions (or first).
 */
export interface FingerprintLookupRequest {
  /**
   * The session the cell runs in (it may not be stored yet).
   */
  sessionId: string;
  /**
   * The session's execution just before this one; null for its first.
   */
  previousExecutionId: string | null;
  /**
   * The code about to run, as it will be recorded (redacted).
   */
  code: string;
}

/**
 * The answer of POST /api/v1/fingerprints/lookup: the executions the caller may read that ran the same code after the same steps on the same environment (the same pathKey), newest first, at most 20. previous-unknown: what came before is not known (the previous execution not stored yet, or its fingerprint unknown while a file hash is pending): no matches.
 */
export interface FingerprintLookupResult {
  state: 'ok' | 'previous-unknown';
  /**
   * @maxItems 20
   */
  matches: IdenticalMatch[];
}

/**
 * An execution that computed the same thing: the same code on the same data and environment after the same steps.
 */
export interface IdenticalMatch {
  executionId: string;
  sessionId: string;
  notebookPath: string;
  /**
   * Its step in its session (its place in seq order, from 1).
   */
  step: number;
  author?: Person;
  endedAt: string;
  durationMs: number;
  status: 'ok' | 'error' | 'aborted' | 'interrupted';
}

/**
 * The answer of GET /api/v1/health: the server is up (degraded: it cannot store writes now, or a backend does not answer). It names error codes and backend kinds, never an address or a credential.
 */
export interface HealthStatus {
  status: 'ok' | 'degraded';
  /**
   * Present when degraded: the last write failed (e.g. a full disk) and none has succeeded since. Writes answer 503 meanwhile and succeed again by themselves once there is room.
   */
  storage?: {
    writable: false;
    /**
     * The system error code, e.g. ENOSPC.
     */
    error: string;
    since: string;
    [k: string]: unknown;
  };
  /**
   * PostgreSQL-backed servers: whether the database answers.
   */
  database?: {
    ok: boolean;
    /**
     * The error code the backend gave (e.g. ECONNREFUSED, 57P01, NoSuchBucket, AccessDenied, timeout).
     */
    error?: string;
    [k: string]: unknown;
  };
  /**
   * PostgreSQL-backed servers: whether the blob store (the database, or the bucket) answers.
   */
  blobs?: {
    /**
     * Where blobs live: in the database, or in an S3 bucket.
     */
    kind: 'database' | 's3';
    ok: boolean;
    /**
     * The error code the backend gave (e.g. ECONNREFUSED, 57P01, NoSuchBucket, AccessDenied, timeout).
     */
    error?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type Digest = string;

/**
 * The answer of GET /api/v1/executions/{id}/identical: the execution's fingerprint (the sha256 of its code, the hashes of the files it read, its environment and the fingerprint of the execution before it) and the other executions with the same one that the caller may read, newest first, at most 20.
 */
export interface IdenticalExecutions {
  /**
   * null while a file it (or an earlier step) read has no hash: unknown.
   */
  fingerprint: Digest | null;
  /**
   * @maxItems 20
   */
  matches: IdenticalMatch[];
}

/**
 * The answer of GET /api/v1/sessions/{id}/identical-prefix: the other sessions the caller may read whose first steps computed the same as this session's (equal fingerprints), each with the longest such prefix, longest first, at most 5.
 */
export interface IdenticalPrefix {
  /**
   * @maxItems 5
   */
  matches: PrefixMatch[];
}

export interface PrefixMatch {
  sessionId: string;
  notebookPath: string;
  author?: Person;
  /**
   * Steps 1..step of both sessions computed the same.
   */
  step: number;
}

/**
 * What a replay of steps 1..upto needs (GET /api/v1/sessions/{id}/inputs?upto=k): the environment the session ran step upto with, and the files those steps read that no earlier step wrote.
 */
export interface InputList {
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * The last step the inputs are for.
   */
  upto: number;
  environment?: EnvironmentSnapshot;
  inputs: InputFile[];
}

/**
 * A replay or fork session beside its parent (GET /api/v1/sessions/{id}/parent-comparison): the substituted inputs (old and new hash and schema), the last value of each param and metric on both sides, and each parent step's verdict.
 */
export interface LineageComparison {
  /**
   * The replay or fork session.
   */
  sessionId: string;
  parent: {
    /**
     * A client-made identifier (a UUID in practice).
     */
    sessionId: string;
    step: number;
    /**
     * What the session is of its parent (export: a run of the pipeline exported from it).
     */
    kind: 'replay' | 'fork' | 'export';
    notebookPath?: string;
    author?: string;
  };
  inputs: ComparedInput[];
  params: {
    name: string;
    parent?: ParamValue;
    fork?: ParamValue;
    same: boolean;
  }[];
  metrics: {
    name: string;
    parent?: number | null;
    fork?: number | null;
    same: boolean;
  }[];
  steps: {
    step: number;
    parentExecutionId: string;
    forkExecutionId?: string;
    verdict: 'same' | 'differs' | 'new-error' | 'error-gone' | 'not-run';
  }[];
  /**
   * How many steps differ (differs, new-error, error-gone).
   */
  differing: number;
}

/**
 * A substituted input: the file the parent read and the one the fork read in its place.
 */
export interface ComparedInput {
  recorded: string;
  path: string;
  parent: FileVersion;
  fork: FileVersion;
  columns?: ColumnChanges;
}

export interface FileVersion {
  sha256?: string;
  size?: number;
  table?: TableSchema;
}

/**
 * A session's notebook as it stood at step k (GET /api/v1/sessions/{id}/steps/{k}).
 */
export interface NotebookAtStep {
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  step: number;
  total: number;
  /**
   * false: the session has no recorded structure, and cells are the cells run up to step k in order of first run.
   */
  structured: boolean;
  cells: CellAtStep[];
}

export interface CellAtStep {
  /**
   * The nbformat cell id; null for an execution that came from no cell (it is a cell of its own).
   */
  cellId: string | null;
  cellType: 'code' | 'markdown' | 'raw';
  /**
   * ran: a code cell run at or before step k (its latest such execution is `execution`); not-run: a cell in the notebook at step k never run up to k (markdown and raw cells are always not-run); deleted: a cell of an earlier structure no longer in the notebook at step k, kept at its last position.
   */
  state: 'ran' | 'not-run' | 'deleted';
  /**
   * Whether this is the cell run at step k.
   */
  current: boolean;
  /**
   * The cell's (redacted) source in the notebook's structure at step k (for a deleted cell, at its last structure). It may differ from execution.code when the cell was edited and not run again. Absent when unknown (no structure, or its content was not stored).
   */
  source?: string;
  execution?: ExecutionRecord;
}

/**
 * One page of GET /api/v1/notebooks: one person's notebooks, most recently active first.
 */
export interface NotebookPage {
  items: NotebookSummary[];
  /**
   * Pass as cursor for the next page; null on the last page.
   */
  nextCursor: string | null;
}

/**
 * The answer of PUT /api/v1/notebooks/visibility.
 */
export interface NotebookVisibilityResult {
  notebookPath: string;
  visibility: Visibility;
  /**
   * How many of the caller's existing sessions of that notebook changed.
   */
  sessions: number;
  [k: string]: unknown;
}

/**
 * The body of PUT /api/v1/notebooks/visibility.
 */
export interface NotebookVisibility {
  /**
   * Lengths count Unicode code points.
   */
  notebookPath: string;
  visibility: Visibility;
  [k: string]: unknown;
}

/**
 * What differs between a recorded session's steps 1..upto and the kernel about to replay them (POST /api/v1/sessions/{id}/preflight; src/records/replay/preflight.ts).
 */
export interface PreflightReport {
  python: {
    recorded?: string;
    target?: string;
    /**
     * The same version, or none recorded.
     */
    same: boolean;
  };
  packages: {
    missing: PreflightPackage[];
    older: PreflightPackage[];
    newer: PreflightPackage[];
    /**
     * How many packages have the recorded version.
     */
    same: number;
  };
  /**
   * One `pip install name==version ...` line for the missing and different packages; null when none.
   */
  pipInstall: string | null;
  files: PreflightFile[];
  /**
   * The same Python, no package missing, older or newer, and no input file changed or missing.
   */
  ready: boolean;
}

export interface PreflightPackage {
  name: string;
  recorded: string;
  /**
   * Absent when the package is missing.
   */
  target?: string;
}

export interface PreflightFile {
  path: string;
  step: number;
  /**
   * same: the sha256 matches; changed: the sha256 (or, without one, the size) differs; missing: not in the target; unknown: no hash on one side.
   */
  state: 'same' | 'changed' | 'missing' | 'unknown';
  /**
   * Present when both sides have a table schema.
   */
  columns?: {
    added: Columns;
    removed: Columns;
    retyped: {
      name: string;
      recorded: string;
      target: string;
    }[];
  };
}

/**
 * The body of POST /api/v1/sessions/{id}/preflight: the kernel about to replay steps 1..upto, as its probe saw it (its environment and the input files at their paths).
 */
export interface PreflightRequest {
  /**
   * The last step to replay; at most the session's number of steps.
   */
  upto: number;
  environment?: EnvironmentSnapshot;
  /**
   * @maxItems 10000
   */
  files: TargetFile[];
}

/**
 * The answer of GET /api/v1/executions/{id}/previous: the latest earlier run of the same notebook cell, or null.
 */
export interface PreviousExecution {
  execution: ExecutionSummary | null;
}

/**
 * The query parameters of GET /api/v1/runs, each given at most once. The server reads filter, sort and columns with the run filter language (src/records/runs) after this check.
 */
export interface RunListParameters {
  /**
   * A filter such as metrics.accuracy > 0.9 and params.model = "rf"; empty or absent: every run.
   */
  filter?: string;
  /**
   * Comma-separated fields, each optionally prefixed by - for descending, e.g. -metrics.accuracy,params.lr. Default: -started (newest first). Missing values sort last either way; ties by start (newest first), then id.
   */
  sort?: string;
  /**
   * Comma-separated params.NAME, metrics.NAME, params.* or metrics.*: the params and metrics the items carry (all when absent).
   */
  columns?: string;
  /**
   * Page size, 1 to 500 (default 100).
   */
  limit?: string;
  /**
   * The next of the previous page (opaque), with the same sort.
   */
  cursor?: string;
  /**
   * Only runs of this notebook path.
   */
  notebook?: string;
  /**
   * Only runs started at or after this RFC 3339 date-time (or YYYY-MM-DD, midnight UTC).
   */
  from?: string;
  /**
   * Only runs started before this RFC 3339 date-time (or YYYY-MM-DD, midnight UTC).
   */
  to?: string;
  [k: string]: unknown;
}

/**
 * The query parameters of GET /api/v1/runs/{id}/metrics, each given at most once.
 */
export interface RunMetricsParameters {
  /**
   * Comma-separated metric names (a name holding a comma backquoted); every metric when absent.
   */
  names?: string;
  [k: string]: unknown;
}

/**
 * GET /api/v1/runs/{id}/metrics?names=: every logged point of the named metrics in seq order, then log order; at most 10,000 points per name (thinned evenly beyond, first and last kept, thinned true).
 */
export interface RunMetrics {
  series: {
    [k: string]: RunMetricPoint[];
  };
  /**
   * true when some series was thinned to 10,000 points (thinnedNames says which).
   */
  thinned?: boolean;
  /**
   * The names whose series were thinned.
   */
  thinnedNames?: string[];
}

export interface RunMetricPoint {
  /**
   * Order of the execution request within its session, from 1.
   */
  seq: number;
  step: number | null;
  /**
   * null stands for NaN or an infinity.
   */
  value: number | null;
  at: string;
}

/**
 * GET /api/v1/runs/names: the param and metric names (with how many runs have each), tags and authors over the runs the caller may read; for completing filters and picking columns.
 */
export interface RunNames {
  params: RunNameCount[];
  metrics: RunNameCount[];
  tags: string[];
  /**
   * The user names of the runs' authors, sorted.
   */
  authors: string[];
}

export interface RunNameCount {
  name: string;
  /**
   * How many runs have it.
   */
  count: number;
}

/**
 * The session's lineage kind; notebook when it has no lineage.
 */
export type RunKind = 'notebook' | 'replay' | 'fork' | 'export';

/**
 * The status of the session's last execution in seq order; empty when it has none.
 */
export type RunStatus = 'ok' | 'failed' | 'interrupted' | 'empty';

/**
 * One page of GET /api/v1/runs: the runs the caller may read that match the filter, in the requested order.
 */
export interface RunPage {
  items: RunSummary[];
  /**
   * Pass as cursor for the next page; null on the last page.
   */
  next: string | null;
  /**
   * How many runs the caller may read match the query (all pages).
   */
  total: number;
}

/**
 * A run (GET /api/v1/runs): one session summarised by what it logged and read. Params merge over the executions in seq order (later wins); metrics keep the last value (in seq order, then log order) and the min and max of the non-null values; tags are the union.
 */
export interface RunSummary {
  /**
   * The session id as its reader sees it (aliases apply).
   */
  id: string;
  kind: RunKind;
  notebookPath: string;
  author?: Person;
  visibility: Visibility;
  startedAt: string;
  /**
   * The latest endedAt of the session's executions; null when it has none.
   */
  endedAt: string | null;
  /**
   * endedAt - startedAt in milliseconds; null when endedAt is null.
   */
  durationMs: number | null;
  executionCount: number;
  status: RunStatus;
  params: {
    [k: string]: ParamValue;
  };
  metrics: {
    [k: string]: RunMetric;
  };
  /**
   * The union of the executions' tags, sorted.
   */
  tags: string[];
  /**
   * The files the run read that no earlier execution of it wrote, with the hash of the first read.
   *
   * @maxItems 100
   */
  inputs: RunInput[];
  /**
   * true when the run read more than 100 inputs (only the first 100 are listed).
   */
  inputsTruncated?: boolean;
  /**
   * The session's latest environment version; GET /api/v1/environments/{id}.
   */
  environmentId: string | null;
  lineage?: Lineage;
}

export interface RunMetric {
  /**
   * The value of the last logged point (seq order, then log order); null for NaN or an infinity.
   */
  last: number | null;
  /**
   * The smallest non-null value; null when every value is null.
   */
  min: number | null;
  /**
   * The largest non-null value; null when every value is null.
   */
  max: number | null;
  /**
   * How many points were logged.
   */
  count: number;
  /**
   * The step of the last point; null when it had none.
   */
  lastStep: number | null;
}

export interface RunInput {
  path: string;
  sha256: string | null;
}

/**
 * One page of GET /api/v1/search: the hits, most recently recorded first.
 */
export interface SearchPage {
  items: SearchHit[];
  /**
   * Pass as cursor for the next page; null on the last page.
   */
  nextCursor: string | null;
  /**
   * Whether the server stopped scanning before the end (the index is still being built, or a scan ran out of time): refine the query.
   */
  truncated: boolean;
}

/**
 * The answer of GET /api/v1/version: who is answering, and the version of the HTTP API it speaks.
 */
export interface ServerVersion {
  name: string;
  version: string;
  apiVersion: number;
  [k: string]: unknown;
}

/**
 * One page of GET /api/v1/sessions: sessions, newest first.
 */
export interface SessionPage {
  items: SessionSummary[];
  /**
   * Pass as cursor for the next page; null on the last page.
   */
  nextCursor: string | null;
}

/**
 * The steps of a session (GET /api/v1/sessions/{id}/steps): its executions in seq order, numbered 1..total.
 */
export interface StepList {
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  total: number;
  /**
   * Whether the session recorded its notebook's structure (false for sessions recorded before structure capture: a step's notebook is then the cells in order of first run).
   */
  structured: boolean;
  steps: SessionStep[];
}

export interface SessionStep {
  /**
   * 1..total in seq order.
   */
  step: number;
  /**
   * Order of the execution request within its session, from 1.
   */
  seq: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  /**
   * The nbformat cell id, from the execute_request metadata; null when the request did not come from a notebook cell.
   */
  cellId: string | null;
  status: 'ok' | 'error' | 'aborted' | 'interrupted';
  startedAt: string;
  durationMs: number;
}

/**
 * The answer of GET /api/v1/users: the people of the team, most recently active first.
 */
export interface TeamMemberList {
  items: TeamMember[];
  [k: string]: unknown;
}

/**
 * The body of PATCH /api/v1/sessions/{id}.
 */
export interface VisibilityChange {
  visibility: Visibility;
  [k: string]: unknown;
}

/* eslint-disable */
/**
 * Generated from schema/records by scripts/build-schema-types.mjs.
 * Do not edit by hand: change the schema and run `jlpm build:schema`.
 */

/**
 * One event sent by a recorder. The client makes its id; the server stores each id once.
 */

export type TrailEvent =
  | SessionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionAnnotatedEvent
  | EnvironmentCapturedEvent
  | StructureCapturedEvent;
/**
 * Who may read the session, as the recorder asks at its start (notebook metadata trail.visibility, or the default setting); team when absent. The author may change it later.
 */

export type Visibility = 'team' | 'private';
/**
 * One cell output in nbformat v4 form, as recorded after clear_output and update_display_data were applied and stream chunks merged. On the server, a large mime value may be replaced by a BlobRef.
 */

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;
/**
 * A param as logged; values that are not JSON scalars are stored as their repr (a string).
 */

export type ParamValue = string | number | boolean | null;

/**
 * The body of POST /api/v1/events.
 */

export interface EventBatch {
  /**
   * @minItems 1
   * @maxItems 1000
   */
  events: TrailEvent[];
}

export interface SessionStartedEvent {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  kind: 'session.started';
  session: SessionRecord;
}
/**
 * One kernel's life on one notebook. A kernel restart or change starts a new session.
 */

export interface SessionRecord {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  notebookPath: string;
  startedAt: string;
  kernel: KernelInfo;
  /**
   * What recorded the session.
   */
  client?: {
    name?: string;
    version?: string;
  };
  visibility?: Visibility;
  lineage?: Lineage;
}

export interface KernelInfo {
  id?: string;
  name: string;
  displayName?: string;
  language?: string;
  languageVersion?: string;
  implementation?: string;
  implementationVersion?: string;
  protocolVersion?: string;
}
/**
 * Where a replay, fork or exported pipeline's run came from: the session and step it replays, forks or was exported from (the step's execution when known). The source session lists it under GET /api/v1/sessions/{id}/replays.
 */

export interface Lineage {
  /**
   * replay: the session's steps run again; fork: run again on other data; export: a run of the pipeline exported from the session up to step (trail export, its --verify).
   */
  kind: 'replay' | 'fork' | 'export';
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * The source session's step (1-based position in seq order) the session starts from.
   */
  step: number;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId?: string;
  /**
   * A fork's inputs: each recorded input path and the file or folder the fork read in its place.
   *
   * @maxItems 100
   */
  substitutions?: {
    /**
     * The input's path as the source session recorded it.
     */
    recorded: string;
    /**
     * The fork's file or folder.
     */
    path: string;
    /**
     * The new file's content hash, when known.
     */
    sha256?: string;
  }[];
}

export interface ExecutionCompletedEvent {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  kind: 'execution.completed';
  execution: ExecutionRecord;
}
/**
 * One run of one cell in a session: the code as sent to the kernel, its outputs, timing and status.
 */

export interface ExecutionRecord {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * Order of the execution request within its session, from 1.
   */
  seq: number;
  /**
   * The execute_request message id.
   */
  msgId?: string;
  notebookPath: string;
  /**
   * The nbformat cell id, from the execute_request metadata; null when the request did not come from a notebook cell.
   */
  cellId: string | null;
  code: string;
  executionCount: number | null;
  status: 'ok' | 'error' | 'aborted' | 'interrupted';
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /**
   * Whether start and end times were reported by the kernel or observed by the client.
   */
  timing: 'kernel' | 'client';
  error?: {
    ename: string;
    evalue: string;
  };
  /**
   * @maxItems 5000
   */
  outputs: Output[];
  capture?: ExecutionCapture;
  /**
   * How many values of each kind the recorder redacted from this execution (code, outputs, params, tags, file paths) before it left the browser, e.g. {"password": 1, "api-key": 1}; absent when none were.
   */
  redactions?: {
    [k: string]: number;
  };
}

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string | string[];
  [k: string]: unknown;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata?: {
    [k: string]: unknown;
  };
  transient?: {
    display_id?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
/**
 * Mime type to value. A value is a string, a list of lines, a JSON value for JSON mime types, or (server side) a BlobRef.
 */

export interface MimeBundle {
  [k: string]: unknown;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count?: number | null;
  data: MimeBundle;
  metadata?: {
    [k: string]: unknown;
  };
  transient?: {
    display_id?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
  [k: string]: unknown;
}
/**
 * What the in-kernel helper saw; absent for kernels without the helper.
 */

export interface ExecutionCapture {
  /**
   * @maxItems 10000
   */
  files?: FileAccess[];
  params?: {
    [k: string]: ParamValue;
  };
  /**
   * @maxItems 100000
   */
  metrics?: MetricPoint[];
  /**
   * @maxItems 200
   */
  tags?: string[];
}

export interface FileAccess {
  /**
   * Relative to the notebook's folder when inside it (POSIX separators), absolute otherwise.
   */
  path: string;
  access: 'read' | 'write' | 'readwrite';
  /**
   * folder: several files of one folder read or written file by file, grouped into one entry.
   */
  kind: 'file' | 'folder';
  /**
   * Given with trail.dataset(path, role), e.g. train, test.
   */
  role?: string;
  size?: number | null;
  mtime?: string | null;
  /**
   * The content hash; for a folder, the hash of its sorted (relative path, sha256) list. null while hashing runs (a later capture fills it in) or when it failed.
   */
  sha256?: string | null;
  /**
   * true when the hash is still being computed in the background.
   */
  hashPending?: boolean;
  hashError?: string;
  /**
   * For a folder entry: how many files it groups.
   */
  fileCount?: number;
  schema?: TableSchema;
}
/**
 * The light schema of a tabular file: the contract a fork onto another dataset is checked against.
 */

export interface TableSchema {
  format: 'csv' | 'tsv' | 'parquet';
  /**
   * @maxItems 5000
   */
  columns: {
    name: string;
    type: string;
  }[];
  /**
   * Row count when known cheaply (Parquet metadata); null otherwise.
   */
  rows?: number | null;
}

export interface MetricPoint {
  name: string;
  /**
   * null stands for NaN or an infinity, which JSON cannot carry.
   */
  value: number | null;
  step?: number | null;
  at: string;
}
/**
 * More of an execution's capture, known after its execution.completed event was made (a background file hash, for instance). Merged into the execution's capture as capture.schema.json describes.
 */

export interface ExecutionAnnotatedEvent {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  kind: 'execution.annotated';
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * A client-made identifier (a UUID in practice).
   */
  executionId: string;
  capture: ExecutionCapture1;
}
/**
 * What the in-kernel helper saw during one execution: the files it read and wrote, the params and metrics it logged and its tags. Several captures of one execution (a late file hash, for instance) merge: files by (path, access), the later non-null values winning; params by name, the later winning; metrics appended; tags as a set.
 */

export interface ExecutionCapture1 {
  /**
   * @maxItems 10000
   */
  files?: FileAccess[];
  params?: {
    [k: string]: ParamValue;
  };
  /**
   * @maxItems 100000
   */
  metrics?: MetricPoint[];
  /**
   * @maxItems 200
   */
  tags?: string[];
}
/**
 * The environment a session's kernel ran with, from the execution with seq fromSeq on (1 at session start; later when packages changed during the session).
 */

export interface EnvironmentCapturedEvent {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  kind: 'environment.captured';
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  fromSeq: number;
  environment: EnvironmentSnapshot;
}
/**
 * What a kernel ran with. Never holds environment variable values. The server keeps identical snapshots once, keyed by the SHA-256 of their canonical JSON (keys sorted, no whitespace).
 */

export interface EnvironmentSnapshot {
  /**
   * Not part of the content hash.
   */
  capturedAt: string;
  language: {
    name: string;
    version: string;
    implementation?: string;
    executable?: string;
  };
  platform: {
    system: string;
    release?: string;
    machine?: string;
    platform?: string;
    hostname?: string;
    cwd?: string;
  };
  cpu?: {
    model?: string;
    count?: number;
  };
  /**
   * @maxItems 64
   */
  gpus?: {
    name: string;
    memoryMiB?: number | null;
    driver?: string | null;
  }[];
  /**
   * Every installed distribution, sorted by name.
   *
   * @maxItems 20000
   */
  packages: {
    name: string;
    version: string;
  }[];
  conda?: {
    name?: string;
    prefix?: string;
  } | null;
  /**
   * The git repository holding the notebook's folder; null outside one.
   */
  git?: {
    commit?: string | null;
    branch?: string | null;
    dirty?: boolean;
    /**
     * The uncommitted diff (git diff HEAD), capped; secrets redacted.
     */
    diff?: string;
    diffTruncated?: boolean;
  } | null;
}
/**
 * The notebook's structure (cell order, ids, types and content hashes) as it stood when the execution with seq fromSeq was sent, sent when it changed since the previous one of the session (always before seq 1). Sources are the cells' redacted text, each sent once per session: sources carries only contents not sent before in this session.
 */

export interface StructureCapturedEvent {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  kind: 'structure.captured';
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  fromSeq: number;
  /**
   * The notebook's cells in order.
   *
   * @maxItems 10000
   */
  cells: StructureCell[];
  /**
   * Cell sources by the SHA-256 (hex) of their UTF-8 bytes: only those not sent before in this session.
   */
  sources: {
    [k: string]: string;
  };
}

export interface StructureCell {
  /**
   * The nbformat cell id.
   */
  id: string;
  cellType: 'code' | 'markdown' | 'raw';
  /**
   * SHA-256 (hex) of the UTF-8 bytes of the cell's redacted source.
   */
  sha256: string;
}

/**
 * A param as logged; values that are not JSON scalars are stored as their repr (a string).
 */

/**
 * What was stored after a cursor (GET /api/v1/changes?after=<cursor>&wait=<ms>, a long poll): new sessions and executions the caller may read, oldest first.
 */

export interface HistoryChanges {
  /**
   * Pass as after= to get what comes next.
   */
  cursor: string;
  changes: {
    kind: 'session' | 'execution' | 'annotation' | 'visibility';
    /**
     * A client-made identifier (a UUID in practice).
     */
    sessionId: string;
    /**
     * A client-made identifier (a UUID in practice).
     */
    executionId?: string;
    notebookPath: string;
    author: Person;
  }[];
}

export interface Person {
  /**
   * The user id; "owner" for the server's own token (the single user of a laptop install).
   */
  id: string;
  name: string;
  displayName: string;
}

/**
 * What a kernel ran with. Never holds environment variable values. The server keeps identical snapshots once, keyed by the SHA-256 of their canonical JSON (keys sorted, no whitespace).
 */

/**
 * One event sent by a recorder. The client makes its id; the server stores each id once.
 */

/**
 * A param as logged; values that are not JSON scalars are stored as their repr (a string).
 */

export interface ExecutionSummary {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  /**
   * A client-made identifier (a UUID in practice).
   */
  sessionId: string;
  /**
   * Order of the execution request within its session, from 1.
   */
  seq: number;
  /**
   * The execute_request message id.
   */
  msgId?: string;
  notebookPath: string;
  /**
   * The nbformat cell id, from the execute_request metadata; null when the request did not come from a notebook cell.
   */
  cellId: string | null;
  code: string;
  executionCount: number | null;
  status: 'ok' | 'error' | 'aborted' | 'interrupted';
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /**
   * Whether start and end times were reported by the kernel or observed by the client.
   */
  timing: 'kernel' | 'client';
  error?: {
    ename: string;
    evalue: string;
  };
  /**
   * How many outputs the execution has.
   */
  outputCount: number;
  /**
   * The distinct output_type values of the outputs, in order of first appearance.
   */
  outputTypes: ('stream' | 'display_data' | 'execute_result' | 'error')[];
  capture?: ExecutionCapture;
  redactions?: Redactions;
}
/**
 * The merged capture of the execution, when it has one.
 */

export interface Redactions {
  [k: string]: number;
}

/**
 * One cell output in nbformat v4 form, as recorded after clear_output and update_display_data were applied and stream chunks merged. On the server, a large mime value may be replaced by a BlobRef.
 */

/**
 * The answer to an accepted batch: every id is durably stored once it is listed here.
 */

export interface IngestResult {
  /**
   * Ids stored by this request.
   */
  accepted: string[];
  /**
   * Ids that were already stored; nothing changed for them.
   */
  duplicates: string[];
}

/**
 * The notebook's rule for new sessions, when its author set one; shown to its author only.
 */

export interface NotebookSummary {
  notebookPath: string;
  author: Person;
  sessionCount: number;
  executionCount: number;
  lastExecutionAt: string | null;
  visibility?: Visibility;
  /**
   * How many of the counted sessions are private: only on the caller's own notebooks, and only when there is one. Nobody else's private sessions are counted or hinted at (they are invisible to everyone but their author).
   */
  privateSessionCount?: number;
}

/**
 * One cell output in nbformat v4 form, as recorded after clear_output and update_display_data were applied and stream chunks merged. On the server, a large mime value may be replaced by a BlobRef.
 */

export type MultilineString = string | string[];

/**
 * A param as logged; values that are not JSON scalars are stored as their repr (a string).
 */

export interface SearchHit {
  execution: ExecutionSummary;
  author: Person;
  snippet: {
    field: 'code' | 'output';
    text: string;
    /**
     * [start, end) offsets in text of each match.
     */
    matches: number[][];
  };
}
/**
 * An execution as the server lists it: the ExecutionRecord without its outputs, with their count and types.
 */

/**
 * team: every member of the team reads it; private: its author only (admins included).
 */

export interface SessionSummary {
  /**
   * A client-made identifier (a UUID in practice).
   */
  id: string;
  notebookPath: string;
  startedAt: string;
  /**
   * The kernel of the session.started event; null until that event arrives.
   */
  kernel: KernelInfo | null;
  /**
   * How many executions of this session are stored.
   */
  executionCount: number;
  /**
   * The latest endedAt of the session's executions; null when it has none.
   */
  lastExecutionAt: string | null;
  /**
   * The session's environment versions in fromSeq order.
   */
  environments?: {
    /**
     * SHA-256 of the snapshot's canonical JSON without capturedAt; GET /api/v1/environments/{id}.
     */
    id: string;
    fromSeq: number;
    capturedAt: string;
  }[];
  author?: Person;
  visibility?: Visibility;
  lineage?: Lineage;
}

/**
 * A client-made identifier (a UUID in practice).
 */

export type Id = string;
/**
 * Who may read the session, as the recorder asks at its start (notebook metadata trail.visibility, or the default setting); team when absent. The author may change it later.
 */

/**
 * A person of the team as the API lists them (GET /api/v1/users, GET /api/v1/me).
 */

export interface TeamMember {
  id: string;
  name: string;
  displayName: string;
  role: 'admin' | 'member';
  disabled?: boolean;
  /**
   * Sessions of theirs the caller may read.
   */
  sessionCount?: number;
  /**
   * Latest execution end among those sessions.
   */
  lastActiveAt?: string | null;
}

/* eslint-disable */
/**
 * Generated from schema/records by scripts/build-schema-types.mjs.
 * Do not edit by hand: change the schema and run `jlpm build:schema`.
 */

/**
 * One event sent by a recorder. The client makes its id; the server stores each id once.
 */

export type TrailEvent = SessionStartedEvent | ExecutionCompletedEvent;
/**
 * One cell output in nbformat v4 form, as recorded after clear_output and update_display_data were applied and stream chunks merged. On the server, a large mime value may be replaced by a BlobRef.
 */

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

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
 * One event sent by a recorder. The client makes its id; the server stores each id once.
 */

/**
 * An execution as the server lists it: the ExecutionRecord without its outputs, with their count and types.
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
 * One cell output in nbformat v4 form, as recorded after clear_output and update_display_data were applied and stream chunks merged. On the server, a large mime value may be replaced by a BlobRef.
 */

export type MultilineString = string | string[];

/**
 * A session as the server lists it. Until its session.started event arrives, a session is derived from its executions: notebookPath from its first execution, startedAt the earliest execution start, kernel null.
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
}

/**
 * A client-made identifier (a UUID in practice).
 */

export type Id = string;

/**
 * One kernel's life on one notebook. A kernel restart or change starts a new session.
 */

/**
 * Types of the Trail HTTP API. Records (events, executions, outputs,
 * summaries) are generated from schema/records into src/records/schema.d.ts,
 * the API's envelopes (pages, health, version, ...) from schema/api into
 * src/client/api-schema.d.ts; the types below are the client's own: the
 * queries of its methods and their options.
 */
import type {
  EnvironmentSnapshot,
  ExecutionSummary,
  HistoryChanges,
  NotebookSummary,
  Person,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
} from '../records/schema';
import type {
  ErrorBody,
  ErrorDetail,
  ExecutionPage,
  HealthStatus,
  NotebookPage,
  NotebookVisibility,
  NotebookVisibilityResult,
  PreviousExecution,
  SearchPage,
  ServerVersion,
  SessionPage,
  TeamMemberList,
  VisibilityChange
} from './api-schema';

/**
 * The records and envelopes the API answers with, generated from
 * schema/records and schema/api, re-exported so client users import from
 * one place.
 */
export type {
  ErrorBody,
  ErrorDetail,
  ExecutionPage,
  HealthStatus,
  NotebookPage,
  NotebookVisibility,
  NotebookVisibilityResult,
  PreviousExecution,
  SearchPage,
  ServerVersion,
  SessionPage,
  TeamMemberList,
  VisibilityChange,
  EnvironmentSnapshot,
  ExecutionSummary,
  HistoryChanges,
  NotebookSummary,
  Person,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
};

/**
 * One change of GET /api/v1/changes: a session or execution stored (or
 * annotated, or whose visibility changed) that the caller may read.
 */
export type HistoryChange = HistoryChanges['changes'][number];

/**
 * Stands, in a mime bundle returned by the server, for a large value kept in
 * the content-addressed blob store.
 */
export interface BlobRef {
  /** The sha256 (lowercase hex) of the blob's bytes. */
  $blob: string;
  /** The blob's size in bytes. */
  size: number;
  /** `text`: the bytes are the string value; `json`: the JSON text of a non-string value. */
  encoding: 'text' | 'json';
}

/**
 * Query of GET /api/v1/sessions.
 */
export interface SessionQuery extends PageQuery {
  /** Only the sessions of this notebook path. */
  notebook?: string;
  /** Only the sessions of this user id. */
  author?: string;
}

/**
 * Query of GET /api/v1/notebooks: one person's notebooks, most recently
 * active first.
 */
export interface NotebookQuery extends PageQuery {
  /** The user id whose notebooks to list. */
  author?: string;
}

/**
 * Query of GET /api/v1/search. Terms of `q` are case-insensitive
 * substrings ("quoted phrases" allowed), or with `match: 'words'` words
 * compared by their stems; every term must match.
 */
export interface SearchQuery extends PageQuery {
  q: string;
  /** How terms match: pieces of the text (default), or word forms. */
  match?: 'substring' | 'words';
  /** Only executions of this user id. */
  author?: string;
  /** Only executions of this notebook path. */
  notebook?: string;
  /** Only executions started at or after this ISO time. */
  from?: string;
  /** Only executions started before this ISO time. */
  to?: string;
}

/**
 * Query of GET /api/v1/changes (a long poll).
 */
export interface ChangesQuery {
  /** The cursor of the previous answer; absent: answer at once with the current cursor. */
  after?: string;
  /** How long the server may wait for a change, in ms (at most 25000). */
  wait?: number;
}

/**
 * Per-request options of the client.
 */
export interface RequestOptions {
  /** Aborts the request (it then rejects with a TrailNetworkError). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

/**
 * Query of GET /api/v1/cells/executions: one cell's runs across sessions.
 */
export interface CellExecutionQuery extends PageQuery {
  /** The notebook path. */
  notebook: string;
  /** The nbformat cell id. */
  cellId: string;
}

/**
 * Paging of a list endpoint.
 */
export interface PageQuery {
  /** 1..200; the server's default is 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * Query of GET /api/v1/runs (#16): the filter and sort in the run filter
 * language, the params and metrics the items carry, notebook and dates.
 */
export interface RunsQuery extends PageQuery {
  /** e.g. `metrics.accuracy > 0.9 and params.model = "rf"`; every run when empty. */
  filter?: string;
  /** e.g. `-metrics.accuracy,params.lr` (default `-started`). */
  sort?: string;
  /** Comma list of `params.NAME`, `metrics.NAME`, `params.*`, `metrics.*`. */
  columns?: string;
  /** Only runs of this notebook path. */
  notebook?: string;
  /** Only runs started at or after this ISO time (or date). */
  from?: string;
  /** Only runs started before this ISO time (or date). */
  to?: string;
}

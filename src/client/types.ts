/**
 * Types of the Trail HTTP API. Records (events, executions, outputs,
 * summaries) are generated from schema/records into src/_schema; the shapes
 * below are the API's envelopes, which have no record schema.
 */
import type {
  EnvironmentSnapshot,
  ExecutionSummary,
  SessionSummary
} from '../_schema/records';

/**
 * One page of a list endpoint.
 */
export interface Page<T> {
  /** The items of this page, in the endpoint's order. */
  items: T[];
  /** Pass this back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The listing shapes, generated from schema/records (session-summary and
 * execution-summary) and re-exported so client users import from one place.
 */
export type { EnvironmentSnapshot, ExecutionSummary, SessionSummary };

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
 * The answer of GET /api/v1/health.
 */
export interface HealthStatus {
  status: 'ok';
}

/**
 * The answer of GET /api/v1/version.
 */
export interface VersionInfo {
  name: string;
  version: string;
  apiVersion: number;
}

/**
 * One problem of a rejected request, e.g. a schema violation.
 */
export interface ErrorDetail {
  /** A JSON pointer into the request body, e.g. `/events/0/execution/status`. */
  path: string;
  message: string;
}

/**
 * Query of GET /api/v1/sessions.
 */
export interface SessionQuery extends PageQuery {
  /** Only the sessions of this notebook path. */
  notebook?: string;
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

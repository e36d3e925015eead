/* eslint-disable */
/**
 * Generated from schema/api by scripts/build-schema-types.mjs.
 * Do not edit by hand: change the schema and run `jlpm build:schema`.
 */
import type {
  ExecutionSummary,
  NotebookSummary,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
} from '../records/schema';

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
 * The answer of GET /api/v1/health: the server is up (degraded: it cannot store writes now).
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
  [k: string]: unknown;
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
 * The answer of GET /api/v1/executions/{id}/previous: the latest earlier run of the same notebook cell, or null.
 */
export interface PreviousExecution {
  execution: ExecutionSummary | null;
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

import type {
  ExecutionRecord,
  ExecutionSummary,
  Output,
  SessionSummary
} from '../_schema/records';

/**
 * The listing shapes of the API, generated from schema/records and
 * re-exported so that panel code imports them from one place.
 */
export type { ExecutionSummary, SessionSummary };

/**
 * One page of a cursor-paged listing.
 */
export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page, or null on the last page. */
  nextCursor: string | null;
}

/**
 * The read side of the Trail server that the panel needs.
 *
 * #### Notes
 * This is the seam between the panel models and the HTTP client: the
 * client satisfies it structurally, tests pass a fake.
 */
export interface ITrailReader {
  listSessions(query?: {
    notebook?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<SessionSummary>>;
  listExecutions(
    sessionId: string,
    query?: { limit?: number; cursor?: string }
  ): Promise<Page<ExecutionSummary>>;
  getExecution(id: string): Promise<ExecutionRecord>;
  /** Replace blob references in outputs with their values. */
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}

/**
 * Which level of the panel is showing.
 */
export type TrailView = 'sessions' | 'timeline' | 'execution';

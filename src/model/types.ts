import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionRecord,
  ExecutionSummary,
  FileAccess,
  MetricPoint,
  Output,
  SessionSummary
} from '../_schema/records';

/**
 * The listing shapes of the API, generated from schema/records and
 * re-exported so that panel code imports them from one place.
 */
export type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionSummary,
  FileAccess,
  MetricPoint,
  SessionSummary
};

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
  /** One session's summary, with its environment versions. */
  getSession(id: string): Promise<SessionSummary>;
  /** The latest earlier run of the same notebook cell, or null. */
  getPreviousExecution(id: string): Promise<ExecutionSummary | null>;
  /** An environment snapshot by id. */
  getEnvironment(id: string): Promise<EnvironmentSnapshot>;
  /** Replace blob references in outputs with their values. */
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}

/**
 * Which level of the panel is showing.
 */
export type TrailView = 'sessions' | 'timeline' | 'execution';

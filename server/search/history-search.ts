/**
 * Search across the team's history, as the routes and the ingest's
 * followers use it: the contract a search backend keeps. SearchService
 * (text indexes in memory, built from the store at start) keeps it; a
 * database's own text search could keep it too.
 */
import type { ExecutionRecord, SearchHit } from '../../src/records/schema';
import type { Principal } from '../access/directory';

/** One page of search hits. */
export interface SearchAnswer {
  items: SearchHit[];
  /** A sealed cursor when a further hit the caller may read exists. */
  nextCursor: string | null;
  /** Whether the search gave up before the oldest history. */
  truncated: boolean;
}

/** See the module comment. */
export interface HistorySearch {
  /** Whether the whole stored history is searchable. */
  readonly ready: boolean;
  /**
   * Makes an execution just stored searchable (by its stored ids), before
   * any later request.
   */
  add(record: ExecutionRecord): void;
  /** Makes the stored history searchable (resolves when done). */
  build(): Promise<void>;
  /** Stops a build in progress. */
  stop(): void;
  /**
   * GET /search: the hits `principal` may read for the query parameters
   * (q, author, notebook, from, to, limit, cursor).
   */
  search(
    principal: Principal,
    query: Record<string, unknown>
  ): Promise<SearchAnswer>;
}

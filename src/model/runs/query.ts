/**
 * The leaderboard's reads of the runs API: the query it sends, and how the
 * rows read again in place merge with those loaded beyond the API's limit.
 */
import { pickedColumn } from './columns';
import type { RunListQuery, RunPage, RunSummary } from './types';

/**
 * The query of one page: the filter and sort when given, and only the
 * params and metrics shown (a team's runs log many more), as fields of the
 * filter language (a name with a space or a comma, or a metric named like
 * `x.min`, is backquoted).
 */
export function runListQuery(
  state: { filter: string; sort: string; columns: readonly string[] },
  page: { limit: number; cursor?: string }
): RunListQuery {
  const query: RunListQuery = { ...page };
  if (state.filter) {
    query.filter = state.filter;
  }
  if (state.sort) {
    query.sort = state.sort;
  }
  const columns = state.columns
    .map(id => pickedColumn(id)?.sortField)
    .filter((field): field is string => field !== undefined);
  if (columns.length > 0) {
    query.columns = columns.join(',');
  }
  return query;
}

/**
 * The rows after the first `limit` were read again: the page's, then those
 * loaded beyond the limit that the page does not hold (kept as they were);
 * the page's cursor holds only when nothing lies beyond.
 */
export function mergeReread(
  loaded: readonly RunSummary[],
  page: RunPage,
  limit: number
): { items: RunSummary[]; next: string | null | undefined } {
  const fresh = new Set(page.items.map(run => run.id));
  const beyond = loaded.slice(limit).filter(run => !fresh.has(run.id));
  return {
    items: [...page.items, ...beyond],
    next: beyond.length === 0 ? page.next : undefined
  };
}

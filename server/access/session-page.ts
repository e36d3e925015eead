/**
 * One page of a session listing as a person sees it: the page size and
 * cursor read from the query, the store's listing cut after the filters
 * (what the caller may not read is left out before the cut, so a short
 * page means the end), sessions under their public ids, and the cursor of
 * the last session shown. The team's listing and a session's replays and
 * forks are both such pages.
 */
import type { SessionSummary } from '../../src/records/schema';
import { parseLimit, type ListingQuery, type Page } from '../services/history';
import { timeMs } from '../store/time-order';
import type { SessionQuery } from '../store/types';
import type { Principal } from './directory';
import { decode, encode } from './listing-cursor';
import type { TeamAccess } from './team';

/** The page size and the place to continue after, as the query asked. */
export interface SessionPageQuery {
  limit: number;
  /** ['ts', startedAt, public session id] of the last session shown. */
  cursor?: [string, string, string];
}

/** Reads `limit` and `cursor` (a 400 for a bad one). */
export function parseSessionPageQuery(query: ListingQuery): SessionPageQuery {
  const limit = parseLimit(query.limit);
  const cursor = decode('ts', query.cursor, ['string', 'string']) as
    [string, string, string] | undefined;
  return cursor ? { limit, cursor } : { limit };
}

/**
 * The page of sessions the filter keeps, newest first. The filter must
 * already leave out what `principal` may not read (TeamAccess.sessionFilter).
 */
export async function sessionPage(
  access: TeamAccess,
  principal: Principal,
  filter: Omit<SessionQuery, 'limit' | 'after'>,
  { limit, cursor }: SessionPageQuery
): Promise<Page<SessionSummary>> {
  const page = await access.store.listSessions({
    ...filter,
    limit,
    // Cursors name sessions by their public ids.
    after: cursor && {
      startedAtMs: timeMs(cursor[1]),
      id: access.recordFor(principal, 'session', cursor[2])
    }
  });
  const items = page.items.map(s => access.decorate(s));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      page.next && last ? encode(['ts', last.startedAt, last.id]) : null
  };
}

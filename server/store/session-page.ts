/**
 * One page of the session listing over sessions in start order: the
 * query's filters applied while walking newest first from its key, so a
 * page is short only at the end. Shared by the stores' in-memory index.
 */
import { lowerBound } from './time-order';
import type { SessionKey, SessionQuery } from './types';

/** What a page needs of a session: its place in the order and its notebook. */
export interface OrderedSession {
  id: string;
  /** Start time in ms, as the order compares it. */
  orderMs: number;
}

/** The sessions of one page, and whether a further one matches. */
export interface PickedSessions<S> {
  picked: S[];
  next: SessionKey | null;
}

/**
 * The page of `query` among `ordered` (oldest first by start, then id):
 * newest first after `query.after`, of `query.notebook` (read with
 * `pathOf`), not in `query.excludeIds`. The `ids` filter is the caller's:
 * it passes only those sessions as `ordered`.
 */
export function pickSessions<S extends OrderedSession>(
  ordered: readonly S[],
  query: SessionQuery,
  pathOf: (session: S) => string
): PickedSessions<S> {
  let index = ordered.length - 1;
  const after = query.after;
  if (after) {
    index =
      lowerBound(
        ordered as S[],
        s =>
          s.orderMs < after.startedAtMs ||
          (s.orderMs === after.startedAtMs && s.id < after.id)
      ) - 1;
  }
  const { notebook, excludeIds } = query;
  const picked: S[] = [];
  let more = false;
  for (; index >= 0; index--) {
    const session = ordered[index];
    if (
      (notebook !== undefined && pathOf(session) !== notebook) ||
      excludeIds?.has(session.id)
    ) {
      continue;
    }
    if (picked.length === query.limit) {
      more = true;
      break;
    }
    picked.push(session);
  }
  const last = picked[picked.length - 1];
  return {
    picked,
    next: more && last ? { startedAtMs: last.orderMs, id: last.id } : null
  };
}

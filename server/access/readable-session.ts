/**
 * The stored session a person reads under a public id: where every read
 * that names a session starts (a session, its executions, its steps, its
 * replays). A session they may not read is a 404 with the same body as an
 * unknown id.
 */
import type { SessionSummary } from '../../src/records/schema';
import type { HistoryService } from '../services/history';
import type { Principal } from './directory';
import { notFound } from './listing-cursor';
import type { TeamAccess } from './team';

/**
 * The stored session `principal` reads under public id `id` (a 404 when
 * none): through the HistoryService (which checks the id) unless an alias
 * stands for it.
 */
export async function readableSession(
  history: HistoryService,
  access: TeamAccess,
  principal: Principal,
  id: string
): Promise<SessionSummary> {
  const stored = access.recordFor(principal, 'session', id);
  const session =
    stored === id
      ? await history.getSession(id)
      : await access.store.getSession(stored);
  if (!session) {
    throw notFound('session', id);
  }
  access.assertReadable(principal, session.id, 'session', id);
  return session;
}

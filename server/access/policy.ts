/**
 * Who may do what with a session. The rules, in one place so every route
 * applies the same ones:
 *
 * - team sessions are readable by every authenticated user;
 * - a private session is readable by its author only: not by other members,
 *   not by admins (private stays private);
 * - only the author appends to a session (its later events);
 * - the author changes a session's visibility; an admin may also hide a team
 *   session (make it private to its author), e.g. one that shows a secret.
 */
import type { Principal } from './directory';

/** Who sees a session. */
export type Visibility = 'team' | 'private';

/** What the rules need to know of a session. */
export interface Owned {
  authorId: string;
  visibility: Visibility;
}

/** Whether `principal` may read the session and everything in it. */
export function canRead(principal: Principal, session: Owned): boolean {
  return session.visibility === 'team' || session.authorId === principal.userId;
}

/** Whether `principal` may add events to the session. */
export function canAppend(principal: Principal, session: Owned): boolean {
  return session.authorId === principal.userId;
}

/** Whether `principal` may set the session's visibility to `to`. */
export function canChangeVisibility(
  principal: Principal,
  session: Owned,
  to: Visibility
): boolean {
  if (session.authorId === principal.userId) {
    return true;
  }
  return (
    principal.role === 'admin' &&
    session.visibility === 'team' &&
    to === 'private'
  );
}

/**
 * The team's own listings as a person sees them: who they are, the team's
 * people and one person's notebooks, each with only what the caller may
 * read; and the rule a person sets for their notebook's sessions.
 */
import type { NotebookSummary, TeamMember } from '../../src/records/schema';
import { AppError } from '../errors';
import {
  parseLimit,
  parseText,
  type ListingQuery,
  type Page
} from '../services/history';
import { everySession } from '../store/types';
import type { Principal } from './directory';
import { decode, encode } from './listing-cursor';
import type { Visibility } from './policy';
import type { TeamAccess } from './team';

/**
 * A request body that must be a JSON object (naming what it should hold):
 * a missing body, an array or a scalar is a 400 at /body.
 */
export function objectBody(
  body: unknown,
  holds: string
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(
      400,
      'invalid_request',
      `The body must be a JSON object ${holds}.`,
      [{ path: '/body', message: `must be a JSON object ${holds}` }]
    );
  }
  return body as Record<string, unknown>;
}

/** The length of a string in Unicode code points, as JSON Schema counts. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) {
    n++;
  }
  return n;
}

/** The most code points of a notebook path (as in the session schema). */
const MAX_NOTEBOOK_PATH = 4096;

/** A visibility given at `path` of a request (a 400 for anything else). */
export function parseVisibility(raw: unknown, path: string): Visibility {
  if (raw !== 'team' && raw !== 'private') {
    throw new AppError(
      400,
      'invalid_request',
      `${path} must be "team" or "private".`,
      [{ path, message: 'must be "team" or "private"' }]
    );
  }
  return raw;
}

/** The people of the team and their notebooks, as the caller may see them. */
export class TeamPeople {
  constructor(private readonly access: TeamAccess) {}

  /** The caller as a team member. */
  me(principal: Principal): TeamMember {
    return { ...this.access.person(principal.userId), role: principal.role };
  }

  /** Every person of the team, with what of theirs the caller may read. */
  async listUsers(principal: Principal): Promise<{ items: TeamMember[] }> {
    const ids = new Set<string>();
    for (const user of this.access.directory?.users ?? []) {
      ids.add(user.id);
    }
    const items: TeamMember[] = [];
    // The owner (the server's own token) is listed to the owner, and to
    // others only with a session they may read: a private one is not
    // told by listing its author.
    if (
      principal.userId === 'owner' ||
      this.access
        .sessionsOf('owner')
        .some(id => this.access.canReadSession(principal, id))
    ) {
      ids.add('owner');
    }
    for (const id of ids) {
      const user = id === 'owner' ? null : this.access.directory?.userById(id);
      const readable = this.access
        .sessionsOf(id)
        .filter(sid => this.access.canReadSession(principal, sid));
      let lastActiveAt: string | null = null;
      const stored = await everySession(this.access.store, {
        ids: new Set(readable)
      });
      for (const s of stored) {
        if (
          s.lastExecutionAt &&
          (!lastActiveAt || s.lastExecutionAt > lastActiveAt)
        ) {
          lastActiveAt = s.lastExecutionAt;
        }
      }
      items.push({
        ...this.access.person(id),
        role: user ? user.role : 'admin',
        ...(user?.disabledAt ? { disabled: true } : {}),
        sessionCount: readable.length,
        lastActiveAt
      });
    }
    items.sort(
      (a, b) =>
        (b.lastActiveAt ?? '').localeCompare(a.lastActiveAt ?? '') ||
        a.displayName.localeCompare(b.displayName)
    );
    return { items };
  }

  /**
   * One person's notebooks (the caller may read a session of), most recently
   * active first. On the caller's own notebooks, privateSessionCount says how
   * many of those sessions are private and what rule the notebook has;
   * nobody else's are ever counted, nor their rules shown.
   */
  async listNotebooks(
    principal: Principal,
    query: ListingQuery & { author?: unknown }
  ): Promise<Page<NotebookSummary>> {
    const author = parseText('author', query.author);
    if (!author) {
      throw new AppError(
        400,
        'invalid_request',
        'The query parameter "author" is required.',
        [{ path: '/query/author', message: 'is required' }]
      );
    }
    const limit = parseLimit(query.limit);
    const cursor = decode('nb', query.cursor) as [string, number] | undefined;
    const offset =
      cursor && Number.isInteger(cursor[1]) && cursor[1] >= 0 ? cursor[1] : 0;
    const byPath = new Map<string, NotebookSummary>();
    // The author's sessions the caller may read, as the store filters them.
    const sessions = await everySession(
      this.access.store,
      this.access.sessionFilter(principal, author)
    );
    for (const s of sessions) {
      const sid = s.id;
      let nb = byPath.get(s.notebookPath);
      if (!nb) {
        // The author's rule is theirs: to others a private rule would say
        // that sessions they cannot see exist.
        const rule =
          author === principal.userId
            ? this.access.ownership.rule(author, s.notebookPath)
            : undefined;
        nb = {
          notebookPath: s.notebookPath,
          author: this.access.person(author),
          sessionCount: 0,
          executionCount: 0,
          lastExecutionAt: null,
          ...(rule ? { visibility: rule } : {})
        };
        byPath.set(s.notebookPath, nb);
      }
      nb.sessionCount++;
      nb.executionCount += s.executionCount;
      if (
        author === principal.userId &&
        this.access.accessOf(sid)?.visibility === 'private'
      ) {
        // Only the author reads a private session; count it for them alone.
        nb.privateSessionCount = (nb.privateSessionCount ?? 0) + 1;
      }
      const last = s.lastExecutionAt ?? s.startedAt;
      if (!nb.lastExecutionAt || last > nb.lastExecutionAt) {
        nb.lastExecutionAt = last;
      }
    }
    const all = [...byPath.values()].sort(
      (a, b) =>
        (b.lastExecutionAt ?? '').localeCompare(a.lastExecutionAt ?? '') ||
        a.notebookPath.localeCompare(b.notebookPath)
    );
    const items = all.slice(offset, offset + limit);
    return {
      items,
      nextCursor:
        offset + limit < all.length ? encode(['nb', offset + limit]) : null
    };
  }

  /** PUT /notebooks/visibility {notebookPath, visibility}: the caller's own notebook. */
  async setNotebookVisibility(
    principal: Principal,
    body: unknown
  ): Promise<{
    notebookPath: string;
    visibility: Visibility;
    sessions: number;
  }> {
    const b = objectBody(
      body,
      '{"notebookPath": string, "visibility": "team" | "private"}'
    );
    if (
      typeof b.notebookPath !== 'string' ||
      b.notebookPath.length === 0 ||
      codePoints(b.notebookPath) > MAX_NOTEBOOK_PATH
    ) {
      throw new AppError(
        400,
        'invalid_request',
        '/body/notebookPath must be a notebook path.',
        [
          {
            path: '/body/notebookPath',
            message: `must be a non-empty string of at most ${MAX_NOTEBOOK_PATH} characters`
          }
        ]
      );
    }
    const visibility = parseVisibility(b.visibility, '/body/visibility');
    const unclaimed = this.access
      .sessionsOf(principal.userId)
      .filter(id => !this.access.ownership.session(id))
      .map(id => ({ sessionId: id, ...this.access.accessOf(id)! }));
    await this.access.ownership.claim(unclaimed);
    const sessions = await this.access.ownership.setNotebookRule(
      principal.userId,
      b.notebookPath,
      visibility
    );
    return { notebookPath: b.notebookPath, visibility, sessions };
  }
}

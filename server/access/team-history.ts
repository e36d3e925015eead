/**
 * The history routes as a person sees them: the HistoryService's answers,
 * filtered to the sessions the caller may read and decorated with authors;
 * plus the team's own listings (people, notebooks) and visibility changes.
 */
import type {
  ExecutionRecord,
  ExecutionSummary,
  NotebookSummary,
  SessionSummary,
  TeamMember
} from '../../src/records/schema';
import { AppError } from '../errors';
import {
  parseLimit,
  parseRequiredText,
  parseText,
  type HistoryService,
  type ListingQuery,
  type Page
} from '../services/history';
import { compareIds, timeMs } from '../store/time-order';
import type { SessionKey } from '../store/types';
import type { Principal } from './directory';
import { canChangeVisibility, type Visibility } from './policy';
import type { TeamAccess } from './team';

/** Sessions (or a cell's executions) read from the store at a time while listing. */
const SCAN_PAGE = 200;

function encode(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * The parts of a cursor of listing `kind` (a 400 for anything else);
 * `types` are the `typeof` of the parts after the kind, when checked.
 */
function decode(
  kind: string,
  raw: unknown,
  types?: string[]
): unknown[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const text = parseText('cursor', raw) ?? '';
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts[0] !== kind ||
    (types &&
      (parts.length !== types.length + 1 ||
        types.some((type, i) => typeof parts[i + 1] !== type)))
  ) {
    throw badCursor();
  }
  return parts;
}

function badCursor(): AppError {
  return new AppError(
    400,
    'invalid_request',
    'The query parameter "cursor" is not a cursor of this listing.',
    [{ path: '/query/cursor', message: 'is not a cursor of this listing' }]
  );
}

/**
 * A request body that must be a JSON object (naming what it should hold):
 * a missing body, an array or a scalar is a 400 at /body.
 */
function objectBody(body: unknown, holds: string): Record<string, unknown> {
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

function parseVisibility(raw: unknown, path: string): Visibility {
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

/** A session's place in listings: its start in ms, then its id. */
interface ListingKey {
  ms: number;
  id: string;
}

/**
 * Newest first by start time, then id: the store's session order (times
 * compared as instants, not as text, so offsets and precisions agree).
 */
function newestFirst(a: ListingKey, b: ListingKey): number {
  return b.ms - a.ms || compareIds(b.id, a.id);
}

/** The access-checked history. */
export class TeamHistory {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess
  ) {}

  me(principal: Principal): TeamMember {
    return { ...this.access.person(principal.userId), role: principal.role };
  }

  /** Sessions the caller may read, newest first, by author and notebook. */
  listSessions(
    principal: Principal,
    query: ListingQuery & { author?: unknown }
  ): Page<SessionSummary> {
    const limit = parseLimit(query.limit);
    const author = parseText('author', query.author);
    const notebook = parseText('notebook', query.notebook);
    const cursor = decode('ts', query.cursor, ['string', 'string']) as
      [string, string, string] | undefined;
    if (!author) {
      return this.scanSessions(principal, notebook, limit, cursor);
    }
    // One author's sessions: few, gathered from the ownership log.
    const readable = this.access
      .sessionsOf(author)
      .map(id => this.access.store.getSession(id))
      .filter(
        (s): s is SessionSummary =>
          s !== null &&
          (!notebook || s.notebookPath === notebook) &&
          this.access.canReadSession(principal, s.id)
      )
      .map(session => ({
        session,
        ms: timeMs(session.startedAt),
        id: session.id
      }))
      .sort(newestFirst);
    let start = 0;
    if (cursor) {
      const after = { ms: timeMs(cursor[1]), id: cursor[2] };
      while (
        start < readable.length &&
        newestFirst(readable[start], after) <= 0
      ) {
        start++;
      }
    }
    const items = readable
      .slice(start, start + limit)
      .map(({ session }) => this.access.decorate(session));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        start + limit < readable.length && last
          ? encode(['ts', last.startedAt, last.id])
          : null
    };
  }

  /**
   * Sessions of everyone (of one notebook, if given) that the caller may
   * read, newest first: the store's own order, read a page at a time from
   * the cursor until the page is full or the history ends. A page is short
   * only at the end, and its cursor is the place of the last session it
   * shows: neither says how many sessions the caller may not read lie
   * between (a caller who may read few sessions of many costs a longer
   * scan, of in-memory summaries).
   */
  private scanSessions(
    principal: Principal,
    notebook: string | undefined,
    limit: number,
    cursor: [string, string, string] | undefined
  ): Page<SessionSummary> {
    let after: SessionKey | undefined = cursor
      ? { startedAtMs: timeMs(cursor[1]), id: cursor[2] }
      : undefined;
    const items: SessionSummary[] = [];
    for (;;) {
      const page = this.access.store.listSessions({
        notebook,
        limit: SCAN_PAGE,
        after
      });
      for (const session of page.items) {
        if (!this.access.canReadSession(principal, session.id)) {
          continue;
        }
        if (items.length === limit) {
          // One more readable session exists: the page ends before it.
          const last = items[items.length - 1];
          return {
            items,
            nextCursor: encode(['ts', last.startedAt, last.id])
          };
        }
        items.push(this.access.decorate(session));
      }
      if (!page.next) {
        return { items, nextCursor: null };
      }
      after = page.next;
    }
  }

  getSession(principal: Principal, id: string): SessionSummary {
    const session = this.history.getSession(id);
    this.access.assertReadable(principal, session.id, 'session', id);
    return this.access.decorate(session);
  }

  async listExecutions(
    principal: Principal,
    sessionId: string,
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    const page = await this.history.listExecutions(sessionId, query);
    this.access.assertReadable(principal, sessionId, 'session', sessionId);
    return page;
  }

  async getExecution(
    principal: Principal,
    id: string
  ): Promise<ExecutionRecord> {
    const record = await this.history.getExecution(id);
    this.access.assertReadable(principal, record.sessionId, 'execution', id);
    return record;
  }

  /** The latest earlier run of the same cell that the caller may read. */
  async previousExecution(
    principal: Principal,
    id: string
  ): Promise<{ execution: ExecutionSummary | null }> {
    const record = await this.getExecution(principal, id);
    const previous = await this.history.previousExecution(id);
    if (
      !previous.execution ||
      this.access.canReadSession(principal, previous.execution.sessionId)
    ) {
      return previous;
    }
    if (record.cellId === null) {
      return { execution: null };
    }
    // The store's answer is someone's private run: look further back.
    let cursor: string | undefined;
    for (;;) {
      const page = await this.history.listCellExecutions({
        notebook: record.notebookPath,
        cellId: record.cellId,
        limit: '200',
        cursor
      });
      for (const x of page.items) {
        const earlier =
          x.startedAt < record.startedAt ||
          (x.startedAt === record.startedAt && x.id < record.id);
        if (
          earlier &&
          x.id !== record.id &&
          this.access.canReadSession(principal, x.sessionId)
        ) {
          return { execution: x };
        }
      }
      if (!page.nextCursor) {
        return { execution: null };
      }
      cursor = page.nextCursor;
    }
  }

  /**
   * Every run of one cell across the sessions the caller may read, newest
   * first: filtered before paging, so a page is short only at the end and
   * its cursor names the last run it shows. A cursor naming a run the
   * caller may not read is refused as one naming no run at all.
   */
  async listCellExecutions(
    principal: Principal,
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    const notebook = parseRequiredText('notebook', query.notebook);
    const cellId = parseRequiredText('cellId', query.cellId);
    const limit = parseLimit(query.limit);
    const cursor = decode('tc', query.cursor, ['string']);
    let after: string | undefined;
    if (cursor) {
      after = cursor[1] as string;
      const named = await this.access.store.getExecution(after);
      if (!named || !this.access.canReadSession(principal, named.sessionId)) {
        throw badCursor();
      }
    }
    const items: ExecutionSummary[] = [];
    for (;;) {
      const page = await this.access.store.listCellExecutions({
        notebook,
        cellId,
        limit: SCAN_PAGE,
        after
      });
      if (!page) {
        throw badCursor(); // a run the caller may read, of another cell
      }
      for (const x of page.items) {
        if (!this.access.canReadSession(principal, x.sessionId)) {
          continue;
        }
        if (items.length === limit) {
          return {
            items,
            nextCursor: encode(['tc', items[items.length - 1].id])
          };
        }
        items.push(x);
      }
      if (page.next === null) {
        return { items, nextCursor: null };
      }
      after = page.next;
    }
  }

  /** Every person of the team, with what of theirs the caller may read. */
  listUsers(principal: Principal): { items: TeamMember[] } {
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
      let sessionCount = 0;
      let lastActiveAt: string | null = null;
      for (const sid of this.access.sessionsOf(id)) {
        if (!this.access.canReadSession(principal, sid)) {
          continue;
        }
        sessionCount++;
        const s = this.access.store.getSession(sid);
        if (
          s?.lastExecutionAt &&
          (!lastActiveAt || s.lastExecutionAt > lastActiveAt)
        ) {
          lastActiveAt = s.lastExecutionAt;
        }
      }
      items.push({
        ...this.access.person(id),
        role: user ? user.role : 'admin',
        ...(user?.disabledAt ? { disabled: true } : {}),
        sessionCount,
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
  listNotebooks(
    principal: Principal,
    query: ListingQuery & { author?: unknown }
  ): Page<NotebookSummary> {
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
    for (const sid of this.access.sessionsOf(author)) {
      if (!this.access.canReadSession(principal, sid)) {
        continue;
      }
      const s = this.access.store.getSession(sid);
      if (!s) {
        continue;
      }
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

  /** PATCH /sessions/:id {visibility}. */
  async setSessionVisibility(
    principal: Principal,
    id: string,
    body: unknown
  ): Promise<SessionSummary> {
    const session = this.getSession(principal, id);
    const visibility = parseVisibility(
      objectBody(body, '{"visibility": "team" | "private"}').visibility,
      '/body/visibility'
    );
    const access = this.access.accessOf(session.id)!;
    if (!canChangeVisibility(principal, access, visibility)) {
      throw new AppError(
        403,
        'forbidden',
        principal.role === 'admin'
          ? 'An admin may only make a team session private; its author decides the rest.'
          : 'Only the author of a session changes its visibility.'
      );
    }
    if (!this.access.ownership.session(session.id)) {
      // Stored before access.log: write down its implicit facts first.
      await this.access.ownership.claim([{ sessionId: session.id, ...access }]);
    }
    await this.access.ownership.setVisibility(
      session.id,
      visibility,
      principal.userId
    );
    return this.access.decorate(this.history.getSession(id));
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

/**
 * The history routes as a person sees them: the HistoryService's answers,
 * filtered to the sessions the caller may read, decorated with authors and
 * shown under public ids (see TeamAccess.recordFor); session visibility
 * changes; and the team's own listings (team-people.ts).
 */
import type {
  ExecutionRecord,
  ExecutionSummary,
  SessionSummary
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
import {
  badCursor,
  decode,
  encode,
  notFound,
  parseParts
} from './listing-cursor';
import { canChangeVisibility } from './policy';
import type { TeamAccess } from './team';
import { objectBody, parseVisibility, TeamPeople } from './team-people';

/** Sessions (or a cell's executions) read from the store at a time while listing. */
const SCAN_PAGE = 200;

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
  /** The team's people and notebooks. */
  readonly people: TeamPeople;

  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess
  ) {
    this.people = new TeamPeople(access);
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
      const after = {
        ms: timeMs(cursor[1]),
        id: this.access.recordFor(principal, 'session', cursor[2])
      };
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
    // Cursors name sessions by their public ids (see recordFor).
    let after: SessionKey | undefined = cursor
      ? {
          startedAtMs: timeMs(cursor[1]),
          id: this.access.recordFor(principal, 'session', cursor[2])
        }
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
    return this.access.decorate(this.storedSession(principal, id));
  }

  /**
   * The stored session `principal` reads under public id `id` (a 404 when
   * none): through the HistoryService (which checks the id) unless an
   * alias stands for it.
   */
  private storedSession(principal: Principal, id: string): SessionSummary {
    const stored = this.access.recordFor(principal, 'session', id);
    const session =
      stored === id
        ? this.history.getSession(id)
        : this.access.store.getSession(stored);
    if (!session) {
      throw notFound('session', id);
    }
    this.access.assertReadable(principal, session.id, 'session', id);
    return session;
  }

  async listExecutions(
    principal: Principal,
    sessionId: string,
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    const stored = this.access.recordFor(principal, 'session', sessionId);
    if (this.access.aliases.size === 0) {
      const page = await this.history.listExecutions(sessionId, query);
      this.access.assertReadable(principal, sessionId, 'session', sessionId);
      return page;
    }
    // The cursor names the last execution shown by its public id.
    const cursor = this.storedCursor(principal, query.cursor);
    let page: Page<ExecutionSummary>;
    if (stored === sessionId) {
      page = await this.history.listExecutions(sessionId, { ...query, cursor });
    } else {
      // An alias: its public id is a valid one.
      const after = decode('x', cursor, ['number', 'string']) as
        [string, number, string] | undefined;
      const found = await this.access.store.listExecutions(stored, {
        limit: parseLimit(query.limit),
        after: after && { seq: after[1], id: after[2] }
      });
      if (!found) {
        throw notFound('session', sessionId);
      }
      page = {
        items: found.items,
        nextCursor: found.next && encode(['x', found.next.seq, found.next.id])
      };
    }
    this.access.assertReadable(principal, stored, 'session', sessionId);
    return {
      items: page.items
        .filter(x => this.access.canReadExecution(principal, x))
        .map(x => this.access.publicExecution(x)),
      nextCursor: page.nextCursor && this.publicCursor(page.nextCursor)
    };
  }

  async getExecution(
    principal: Principal,
    id: string
  ): Promise<ExecutionRecord> {
    return this.access.publicExecution(
      await this.storedExecution(principal, id)
    );
  }

  /** The stored execution `principal` reads under public id `id` (or a 404). */
  private async storedExecution(
    principal: Principal,
    id: string
  ): Promise<ExecutionRecord> {
    const stored = this.access.recordFor(principal, 'execution', id);
    const record =
      stored === id
        ? await this.history.getExecution(id)
        : await this.access.store.getExecution(stored);
    if (!record || !this.access.canReadExecution(principal, record)) {
      throw notFound('execution', id);
    }
    return record;
  }

  /** The latest earlier run of the same cell that the caller may read. */
  async previousExecution(
    principal: Principal,
    id: string
  ): Promise<{ execution: ExecutionSummary | null }> {
    const record = await this.storedExecution(principal, id);
    const previous = (await this.access.store.previousExecution(record.id)) ?? {
      execution: null
    };
    if (
      !previous.execution ||
      this.access.canReadExecution(principal, previous.execution)
    ) {
      return this.publicPrevious(previous.execution);
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
          this.access.canReadExecution(principal, x)
        ) {
          return this.publicPrevious(x);
        }
      }
      if (!page.nextCursor) {
        return { execution: null };
      }
      cursor = page.nextCursor;
    }
  }

  private publicPrevious(execution: ExecutionSummary | null): {
    execution: ExecutionSummary | null;
  } {
    return {
      execution: execution && this.access.publicExecution(execution)
    };
  }

  /**
   * An execution listing's cursor with the stored id of the execution it
   * names by its public id (as `principal` reads it); others as they are.
   */
  private storedCursor(principal: Principal, raw: unknown): unknown {
    const parts = typeof raw === 'string' ? parseParts(raw) : null;
    if (!parts || parts[0] !== 'x' || typeof parts[2] !== 'string') {
      return raw;
    }
    parts[2] = this.access.recordFor(principal, 'execution', parts[2]);
    return encode(parts);
  }

  /** An execution listing's cursor naming its execution by its public id. */
  private publicCursor(cursor: string): string {
    const parts = parseParts(cursor);
    if (!parts || typeof parts[2] !== 'string') {
      return cursor;
    }
    parts[2] = this.access.publicId(parts[2]);
    return encode(parts);
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
      // The cursor names the run by its public id.
      after = this.access.recordFor(
        principal,
        'execution',
        cursor[1] as string
      );
      const named = await this.access.store.getExecution(after);
      if (!named || !this.access.canReadExecution(principal, named)) {
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
        if (!this.access.canReadExecution(principal, x)) {
          continue;
        }
        if (items.length === limit) {
          return {
            items,
            nextCursor: encode(['tc', items[items.length - 1].id])
          };
        }
        items.push(this.access.publicExecution(x));
      }
      if (page.next === null) {
        return { items, nextCursor: null };
      }
      after = page.next;
    }
  }

  /** PATCH /sessions/:id {visibility}. */
  async setSessionVisibility(
    principal: Principal,
    id: string,
    body: unknown
  ): Promise<SessionSummary> {
    const session = this.storedSession(principal, id);
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
    return this.access.decorate(this.access.store.getSession(session.id)!);
  }
}

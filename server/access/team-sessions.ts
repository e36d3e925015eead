/**
 * Sessions as a person sees them: the listing (everyone's, or one
 * author's) filtered by the store to what the caller may read, one
 * session, its executions, and visibility changes. Records are shown
 * under their public ids (see TeamAccess.recordFor).
 */
import type {
  ExecutionSummary,
  SessionSummary
} from '../../src/records/schema';
import { AppError } from '../errors';
import {
  parseLimit,
  parseText,
  type HistoryService,
  type ListingQuery,
  type Page
} from '../services/history';
import type { Principal } from './directory';
import { decode, encode, notFound, parseParts } from './listing-cursor';
import { canChangeVisibility } from './policy';
import { readableSession } from './readable-session';
import { parseSessionPageQuery, sessionPage } from './session-page';
import type { TeamAccess } from './team';
import { objectBody, parseVisibility } from './team-people';

/** The sessions of the team, as the caller may read them. */
export class TeamSessions {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess
  ) {}

  /**
   * Sessions the caller may read, newest first, of one author and one
   * notebook when asked. The store applies the filters before it cuts a
   * page (see TeamAccess.sessionFilter): a page is short only at the end,
   * and its cursor is the place of the last session it shows, so neither
   * says how many sessions the caller may not read lie between.
   */
  async listSessions(
    principal: Principal,
    query: ListingQuery & { author?: unknown }
  ): Promise<Page<SessionSummary>> {
    const paging = parseSessionPageQuery(query);
    const author = parseText('author', query.author);
    const notebook = parseText('notebook', query.notebook);
    return sessionPage(
      this.access,
      principal,
      { ...this.access.sessionFilter(principal, author), notebook },
      paging
    );
  }

  async getSession(principal: Principal, id: string): Promise<SessionSummary> {
    return this.access.decorate(
      await readableSession(this.history, this.access, principal, id)
    );
  }

  /** A session's executions in seq order (a 404 when it may not be read). */
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

  /** PATCH /sessions/:id {visibility}. */
  async setSessionVisibility(
    principal: Principal,
    id: string,
    body: unknown
  ): Promise<SessionSummary> {
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
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
    return this.access.decorate(
      (await this.access.store.getSession(session.id))!
    );
  }
}

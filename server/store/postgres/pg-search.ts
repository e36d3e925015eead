/**
 * GET /search on PostgreSQL: the same answers as the text indexes in
 * memory (search-service.ts), read from `trail_executions` by every
 * server, so nothing is built at start and nothing is held in memory.
 *
 * Every term is a case-insensitive substring of the text search sees of an
 * execution (`LIKE` on the lower-cased text, answered by the trigram index
 * of 004-search-feed for terms of three characters or more); hits come
 * newest first by storage order (`n`), a page at a time after the last
 * `n` shown. What the caller may not read is left out in the query, before
 * a page is cut (`access.unreadableSetOf`: others' private sessions and
 * the records an alias hides), and the filters on person and notebook
 * are applied there too; the access layer then checks each hit again, as
 * it does everywhere, and a page read short of hits reads on.
 *
 * The cursor is the last `n` shown, sealed with the key the servers share
 * and bound to the caller: `n` counts every event stored, others' private
 * ones too, so it is never shown, and a cursor the caller did not get
 * (forged, another person's) is refused as one naming nothing. One server
 * gave it, another opens it.
 */
import type { SearchHit } from '../../../src/records/schema';
import type { Principal } from '../../access/directory';
import type { TeamAccess } from '../../access/team';
import { AppError } from '../../errors';
import { CursorSeal } from '../../sealed-cursor';
import type { HistorySearch, SearchAnswer } from '../../search/history-search';
import {
  CODE_CHARS,
  OUTPUT_CHARS,
  parseSearchQuery,
  searchHit,
  type SearchQuery
} from '../../search/search-service';
import { parseText } from '../../services/history';
import { unavailable, type PgDatabase } from './database';

/**
 * The text search sees of an execution, as SQL over `trail_executions e`:
 * the expression the trigram index of 004-search-feed is built on, to the
 * letter, or the planner does not use it.
 */
export const SEARCH_TEXT = `lower(left(e.code, ${CODE_CHARS}) || E'\\n' || left(e.output_text, ${OUTPUT_CHARS}))`;

/** A LIKE pattern that matches `text` anywhere, taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** Rows one query reads beyond the page, for hits the access layer drops. */
const EXTRA_ROWS = 20;

interface Row {
  n: string;
  id: string;
  session_id: string;
}

/** See the module comment. */
export class PgSearch implements HistorySearch {
  constructor(
    private readonly db: Pick<PgDatabase, 'pool'>,
    private readonly access: TeamAccess,
    cursorKey: Buffer
  ) {
    this.cursors = new CursorSeal(cursorKey);
  }

  /** The database is searchable as soon as it is open. */
  readonly ready = true;

  /** Stored in the same transaction as the execution: nothing to do. */
  add(): void {}

  /** Nothing to build: the index is the database's. */
  async build(): Promise<void> {}

  stop(): void {}

  /** GET /search. */
  async search(
    principal: Principal,
    query: Record<string, unknown>
  ): Promise<SearchAnswer> {
    const parsed = parseSearchQuery(query);
    let before =
      query.cursor === undefined
        ? undefined
        : this.decodeCursor(principal, query.cursor);
    const hidden = [...this.access.unreadableSetOf(principal)];
    const authorSessions =
      parsed.author === undefined
        ? undefined
        : this.access.sessionsOf(parsed.author);
    // One hit more than the page holds: whether a next page exists.
    const wanted = parsed.limit + 1;
    const found: { n: number; id: string }[] = [];
    for (;;) {
      const asked = wanted - found.length + EXTRA_ROWS;
      const rows = await this.read(
        parsed,
        hidden,
        authorSessions,
        before,
        asked
      );
      for (const row of rows) {
        if (found.length < wanted && this.readable(principal, row, parsed)) {
          found.push({ n: Number(row.n), id: row.id });
        }
      }
      if (found.length >= wanted || rows.length < asked) {
        break;
      }
      before = Number(rows[rows.length - 1].n);
    }
    const more = found.length > parsed.limit;
    const shown = found.slice(0, parsed.limit);
    const items: SearchHit[] = [];
    for (const { id } of shown) {
      const record = await this.access.store.getExecution(id);
      if (record) {
        items.push(searchHit(this.access, record, parsed.terms));
      }
    }
    const last = shown[shown.length - 1];
    return {
      items,
      nextCursor:
        more && last
          ? this.cursors.seal(['pg-search', principal.userId, last.n])
          : null,
      truncated: false
    };
  }

  /** The executions matching, newest first, before `n` = `before`. */
  private async read(
    q: SearchQuery,
    hidden: string[],
    authorSessions: string[] | undefined,
    before: number | undefined,
    limit: number
  ): Promise<Row[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = q.terms.map(
      term => `${SEARCH_TEXT} LIKE ${param(containing(term))}`
    );
    if (before !== undefined) {
      where.push(`e.n < ${param(before)}`);
    }
    if (hidden.length > 0) {
      where.push(`NOT (e.session_id = ANY(${param(hidden)}::text[]))`);
    }
    if (authorSessions !== undefined) {
      where.push(`e.session_id = ANY(${param(authorSessions)}::text[])`);
    }
    if (q.notebook !== undefined) {
      // The session's notebook as its access facts name it (the check the
      // access layer makes), else as its session record does.
      where.push(
        `EXISTS (SELECT 1 FROM trail_sessions s
           LEFT JOIN trail_session_access a ON a.session_id COLLATE "C" = s.id
           WHERE s.id = e.session_id
             AND lower(coalesce(a.notebook_path, s.notebook_path, ''))
               LIKE ${param(containing(q.notebook))})`
      );
    }
    if (q.from !== undefined) {
      where.push(`e.started_ms >= ${param(q.from)}`);
    }
    if (q.to !== undefined) {
      // started_ms keeps microseconds as a fraction; `to` is whole ms.
      where.push(`e.started_ms < ${param(q.to + 1)}`);
    }
    const sql = `SELECT e.n, e.id, e.session_id FROM trail_executions e
      WHERE ${where.join(' AND ')}
      ORDER BY e.n DESC LIMIT ${param(limit)}`;
    try {
      return (await this.db.pool.query<Row>(sql, params)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * The access layer's check of a row (as search-service.ts makes it):
   * the query left out what it may not read; this keeps the answers the
   * same as everywhere else even for a fact the query could not see.
   */
  private readable(principal: Principal, row: Row, q: SearchQuery): boolean {
    const facts = this.access.accessOf(row.session_id);
    return (
      facts !== undefined &&
      this.access.canReadSession(principal, row.session_id) &&
      (q.author === undefined || facts.authorId === q.author) &&
      (this.access.aliases.size === 0 ||
        this.access.canReadExecution(principal, {
          id: row.id,
          sessionId: row.session_id
        }))
    );
  }

  /** The `n` a cursor this search gave `principal` holds. */
  private decodeCursor(principal: Principal, raw: unknown): number {
    const text = parseText('cursor', raw) ?? '';
    const parts = this.cursors.open(text);
    if (
      !Array.isArray(parts) ||
      parts.length !== 3 ||
      parts[0] !== 'pg-search' ||
      parts[1] !== principal.userId ||
      !Number.isSafeInteger(parts[2]) ||
      parts[2] < 1
    ) {
      throw new AppError(
        400,
        'invalid_request',
        'The query parameter "cursor" is not a cursor of this listing.',
        [{ path: '/query/cursor', message: 'is not a cursor of this listing' }]
      );
    }
    return parts[2];
  }

  private readonly cursors: CursorSeal;
}

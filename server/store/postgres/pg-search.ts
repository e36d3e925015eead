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
import type pg from 'pg';
import type { SearchHit } from '../../../src/records/schema';
import type { Principal } from '../../access/directory';
import type { TeamAccess } from '../../access/team';
import { AppError } from '../../errors';
import { CursorSeal } from '../../sealed-cursor';
import type { HistorySearch, SearchAnswer } from '../../search/history-search';
import {
  parseSearchQuery,
  searchHit,
  type SearchQuery
} from '../../search/search-service';
import { parseText } from '../../services/history';
import { unavailable, type PgDatabase } from './database';
import { pgText, searchableText } from './pg-json';

/**
 * The text search sees of an execution, lower-cased, as SQL over
 * `trail_executions e`: the column 004-search-feed adds (and indexes).
 */
export const SEARCH_TEXT = 'e.search_text';

/**
 * The words of the search text as PostgreSQL's text search sees them with
 * `match=words`: the expression 005-search-words indexes, written the same
 * so that the planner uses that index.
 */
export const WORDS_VECTOR = `to_tsvector('trail_words'::regconfig, ${spaced(SEARCH_TEXT)})`;

/** SQL of `text` with everything but letters and digits made one space. */
function spaced(text: string): string {
  return `regexp_replace(${text}, '[^[:alnum:]]+', ' ', 'g')`;
}

/** A term's words, in a row, as a tsquery of the same configuration. */
function wordsQuery(param: string): string {
  return `phraseto_tsquery('trail_words'::regconfig, ${spaced(param)})`;
}

/**
 * How long a search may take: then it answers with the hits it found and
 * says it is truncated (as search-service.ts does with its budget).
 */
const BUDGET_MS = 250;

/**
 * How long the query by the trigram index may take before the search
 * scans newest first instead: terms whose trigrams are common (pg_trgm
 * sees words only, so `file_1.csv` is "file", "1", "csv") or shorter than
 * three characters make it read most of the table.
 */
const INDEXED_MS = 100;

/** Storage positions (`n`) one step of the newest-first scan covers. */
const SCAN_STEP = 10_000;

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/** A LIKE pattern that matches `text` anywhere, taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** Rows one query reads beyond the page, for hits the access layer drops. */
const EXTRA_ROWS = 20;

/** Who may read what, as the query filters it. */
interface Filters {
  /** Sessions the caller may not read. */
  hidden: string[];
  /** The author's sessions, with an author filter. */
  authorSessions?: string[];
}

interface Row {
  n: string;
  id: string;
  session_id: string;
}

/** See the module comment. */
export class PgSearch implements HistorySearch {
  /**
   * `options` change the time limits and the scan's step (tests: an
   * `indexedMs` of 0 goes straight to the scan).
   */
  constructor(
    private readonly db: Pick<PgDatabase, 'pool'>,
    private readonly access: TeamAccess,
    cursorKey: Buffer,
    options: { budgetMs?: number; indexedMs?: number; scanStep?: number } = {}
  ) {
    this.cursors = new CursorSeal(cursorKey);
    this.budgetMs = options.budgetMs ?? BUDGET_MS;
    this.indexedMs = options.indexedMs ?? INDEXED_MS;
    this.scanStep = options.scanStep ?? SCAN_STEP;
  }

  private readonly budgetMs: number;
  private readonly indexedMs: number;
  private readonly scanStep: number;

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
    const started = Date.now();
    const q = parseSearchQuery(query);
    const before =
      query.cursor === undefined
        ? undefined
        : this.decodeCursor(principal, query.cursor);
    const filters: Filters = {
      hidden: [...this.access.unreadableSetOf(principal)],
      authorSessions:
        q.author === undefined ? undefined : this.access.sessionsOf(q.author)
    };
    // One hit more than the page holds: whether a next page exists.
    const wanted = q.limit + 1;
    const found: { n: number; id: string }[] = [];
    /** Keeps what the caller may read; the n of the last row looked at. */
    const take = (rows: Row[]): number | undefined => {
      for (const row of rows) {
        if (found.length < wanted && this.readable(principal, row, q)) {
          found.push({ n: Number(row.n), id: row.id });
        }
      }
      return rows.length ? Number(rows[rows.length - 1].n) : undefined;
    };

    // By the trigram index first, for as long as that is quick.
    let below = before;
    let indexed = this.indexedMs > 0;
    while (indexed && found.length < wanted) {
      const asked = wanted - found.length + EXTRA_ROWS;
      const rows = await this.query(
        this.select(q, filters, { below }, asked),
        this.indexedMs
      );
      if (rows === null) {
        indexed = false;
        break;
      }
      below = take(rows) ?? below;
      if (rows.length < asked) {
        break;
      }
    }
    // Else newest first, a step of the storage order at a time, until the
    // page is full or the time is up (the answer then says truncated).
    let truncated = false;
    if (!indexed) {
      let top = below ?? (await this.lastN()) + 1;
      while (found.length < wanted && top > 1) {
        const left = this.budgetMs - (Date.now() - started);
        const from = Math.max(1, top - this.scanStep);
        const asked = wanted - found.length + EXTRA_ROWS;
        const rows =
          left > 0
            ? await this.query(
                this.select(q, filters, { below: top, from }, asked),
                left
              )
            : null;
        if (rows === null) {
          truncated = true;
          break;
        }
        const last = take(rows);
        top = rows.length < asked || last === undefined ? from : last;
      }
    }

    const more = found.length > q.limit;
    const shown = found.slice(0, q.limit);
    const items: SearchHit[] = [];
    for (const { id } of shown) {
      const record = await this.access.store.getExecution(id);
      if (record) {
        items.push(searchHit(this.access, record, q.matcher));
      }
    }
    const last = shown[shown.length - 1];
    return {
      items,
      nextCursor:
        more && last
          ? this.cursors.seal(['pg-search', principal.userId, last.n])
          : null,
      truncated
    };
  }

  /**
   * The SQL of the executions matching, newest first, with `n` below
   * `range.below`: by the trigram index, or, with `range.from`, a scan of
   * the positions from `from` on, which no index plan can make slow.
   */
  private select(
    q: SearchQuery,
    filters: Filters,
    range: { below?: number; from?: number },
    limit: number
  ): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    const where = q.words
      ? this.wordsWhere(q, range, param)
      : range.from === undefined
        ? q.terms.map(
            term =>
              `${SEARCH_TEXT} LIKE ${param(containing(searchableText(term)))}`
          )
        : q.terms.map(
            term => `strpos(${SEARCH_TEXT}, ${param(searchableText(term))}) > 0`
          );
    if (range.below !== undefined) {
      where.push(`e.n < ${param(range.below)}`);
    }
    if (range.from !== undefined) {
      where.push(`e.n >= ${param(range.from)}`);
    }
    if (filters.hidden.length > 0) {
      where.push(`NOT (e.session_id = ANY(${param(filters.hidden)}::text[]))`);
    }
    if (filters.authorSessions !== undefined) {
      where.push(
        `e.session_id = ANY(${param(filters.authorSessions)}::text[])`
      );
    }
    if (q.notebook !== undefined) {
      // The session's notebook as its access facts name it (the check the
      // access layer makes), else as its session record does.
      where.push(
        `EXISTS (SELECT 1 FROM trail_sessions s
           LEFT JOIN trail_session_access a ON a.session_id COLLATE "C" = s.id
           WHERE s.id = e.session_id
             AND lower(coalesce(a.notebook_path, s.notebook_path, ''))
               LIKE ${param(pgText(containing(q.notebook)))})`
      );
    }
    if (q.from !== undefined) {
      where.push(`e.started_ms >= ${param(q.from)}`);
    }
    if (q.to !== undefined) {
      // started_ms keeps microseconds as a fraction; `to` is whole ms.
      where.push(`e.started_ms < ${param(q.to + 1)}`);
    }
    return {
      text: `SELECT e.n, e.id, e.session_id FROM trail_executions e
        WHERE ${where.join(' AND ')}
        ORDER BY e.n DESC LIMIT ${param(limit)}`,
      values
    };
  }

  /**
   * With `match=words`: the words index's match of every term (the words
   * of a phrase in a row). A scan of positions first looks for the pieces
   * every matching text holds, cheap next to taking a row's words apart.
   */
  private wordsWhere(
    q: SearchQuery,
    range: { from?: number },
    param: (value: unknown) => string
  ): string[] {
    const where: string[] = [];
    if (range.from !== undefined) {
      for (const needle of q.words!.needles()) {
        where.push(
          `strpos(${SEARCH_TEXT}, ${param(searchableText(needle))}) > 0`
        );
      }
    }
    const queries = q.words!.phrases.map(term =>
      wordsQuery(`${param(searchableText(term))}::text`)
    );
    where.push(`${WORDS_VECTOR} @@ (${queries.join(' && ')})`);
    return where;
  }

  /**
   * Runs a query for at most `timeoutMs` (the server cancels it then);
   * resolves with null when it took longer. A database that does not
   * answer rejects with a 503.
   */
  private async query(
    sql: { text: string; values: unknown[] },
    timeoutMs: number
  ): Promise<Row[] | null> {
    let client: pg.PoolClient;
    try {
      client = await this.db.pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    let broken = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(
        `SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`
      );
      const { rows } = await client.query<Row>(sql);
      await client.query('COMMIT');
      return rows;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if ((err as { code?: string }).code === QUERY_CANCELED) {
        return null;
      }
      throw unavailable(err);
    } finally {
      client.release(broken);
    }
  }

  /** The `n` of the newest execution (0: none). */
  private async lastN(): Promise<number> {
    try {
      const { rows } = await this.db.pool.query<{ n: string | null }>(
        'SELECT max(n) AS n FROM trail_executions'
      );
      return Number(rows[0]?.n ?? 0);
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

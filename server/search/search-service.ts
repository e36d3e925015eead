/**
 * Search across the team's history: code and output text, with filters on
 * person, notebook and dates, limited to what the caller may read.
 *
 * Two text indexes: `live` takes executions as they are stored; `past` is
 * built in the background at startup from the stored history, oldest
 * first. A search reads live then past, newest first in each. While the
 * past index is still being built, answers say `truncated: true`.
 *
 * Paging: hits are filtered to what the caller may read before a page is
 * cut, and a page has a cursor only when a further readable hit exists.
 * The cursor is the index position of the last hit shown, sealed (see
 * {@link CursorSeal}) and bound to the caller: a document number counts
 * every execution indexed, others' private ones too, so it is never shown,
 * and a cursor the caller did not get (forged, another person's, of an
 * earlier server run) is refused as one naming nothing.
 */
import type {
  ExecutionRecord,
  ExecutionSummary,
  SearchHit
} from '../../src/records/schema';
import { summarizeExecution } from '../../src/records/summary';
import type { Principal } from '../access/directory';
import type { TeamAccess } from '../access/team';
import type { HistorySearch, SearchAnswer } from './history-search';
import { fullFormats } from 'ajv-formats/dist/formats';
import { AppError } from '../errors';
import { CursorSeal } from '../sealed-cursor';
import { parseLimit, parseText } from '../services/history';
import type { ExecutionKey } from '../store/types';
import { DocColumns } from './doc-columns';
import {
  outputText,
  snippetOf,
  substringMatcher,
  type TextMatcher
} from './snippets';
import { parseTerms, TextIndex } from './text-index';
import { WordQuery } from './words';

/**
 * What `q` must hold (the API document's pattern): a character that is
 * not white space, spelled out as the set JavaScript's \s and trim() take
 * as white space, so no regex dialect reads it otherwise.
 */
export const QUERY_PATTERN =
  '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/** Characters of code and of output text indexed per execution. */
export const CODE_CHARS = 8192;
export const OUTPUT_CHARS = 4096;

/** A search gives up scanning after this long and says it is truncated. */
const BUDGET_MS = 250;

function indexedText(code: string, output: string): string {
  return `${code.slice(0, CODE_CHARS)}\n${output.slice(0, OUTPUT_CHARS)}`;
}

interface Docs {
  index: TextIndex;
  columns: DocColumns;
}

function emptyDocs(): Docs {
  return { index: new TextIndex(), columns: new DocColumns() };
}

/** RFC 3339 date-time (Ajv's check of the `date-time` format). */
const isDateTime = (
  fullFormats['date-time'] as { validate: (text: string) => boolean }
).validate;

function parseDate(name: string, raw: unknown): number | undefined {
  const text = parseText(name, raw);
  if (text === undefined) {
    return undefined;
  }
  // RFC 3339 date-time, as the API document says: Date.parse alone would
  // also take "0" or "March 7" (and read them in the server's time zone).
  const ms = isDateTime(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw new AppError(
      400,
      'invalid_request',
      `The query parameter "${name}" must be an RFC 3339 date-time (e.g. 2026-03-01T10:00:00Z).`,
      [{ path: `/query/${name}`, message: 'must be an RFC 3339 date-time' }]
    );
  }
  return ms;
}

/** What GET /search asks, checked (a 400 for what it cannot be). */
export interface SearchQuery {
  /** Lower-cased: each must occur in the code or output text. */
  terms: string[];
  /**
   * With `match=words`, the terms as words, compared by their stems (see
   * words.ts); else each term is a piece of the text.
   */
  words?: WordQuery;
  /** Where the query matches a text: the snippets' marks. */
  matcher: TextMatcher;
  limit: number;
  author?: string;
  /** Lower-cased: a part of the session's notebook path. */
  notebook?: string;
  /** Started at or after, in ms since the epoch. */
  from?: number;
  /** Started at or before, in ms since the epoch. */
  to?: number;
}

/** Reads the query parameters of GET /search, but its cursor. */
export function parseSearchQuery(query: Record<string, unknown>): SearchQuery {
  const q = parseText('q', query.q);
  let terms = q ? parseTerms(q) : [];
  if (terms.length === 0 && q?.trim()) {
    // Only blank "quoted phrases" (`" "`): searched for as written.
    terms = [q.trim().toLowerCase()];
  }
  if (terms.length === 0) {
    throw new AppError(
      400,
      'invalid_request',
      'The query parameter "q" must hold something to search for.',
      [{ path: '/query/q', message: 'is required' }]
    );
  }
  const match = parseText('match', query.match) ?? 'substring';
  if (match !== 'substring' && match !== 'words') {
    throw new AppError(
      400,
      'invalid_request',
      'The query parameter "match" must be "substring" or "words".',
      [{ path: '/query/match', message: 'must be "substring" or "words"' }]
    );
  }
  let words: WordQuery | undefined;
  if (match === 'words') {
    words = new WordQuery(terms);
    if (words.empty) {
      throw new AppError(
        400,
        'invalid_request',
        'The query parameter "q" holds no word to search for: with match=words, a word is letters and digits.',
        [{ path: '/query/q', message: 'holds no word' }]
      );
    }
  }
  return {
    terms,
    words,
    matcher: words ?? substringMatcher(terms),
    limit: parseLimit(query.limit),
    author: parseText('author', query.author),
    notebook: parseText('notebook', query.notebook)?.toLowerCase(),
    from: parseDate('from', query.from),
    to: parseDate('to', query.to)
  };
}

/**
 * A hit as GET /search shows it: the execution as the caller sees it, its
 * author, and a snippet of where more of the query is: code, unless the
 * output holds more of its terms (`print("hello")` found by "hello 42" is
 * a hit in its output).
 */
export function searchHit(
  access: TeamAccess,
  record: ExecutionRecord,
  matcher: TextMatcher
): SearchHit {
  const execution = access.publicExecution(summarizeExecution(record));
  const output = outputText(record);
  const inCode = snippetOf(record.code, matcher);
  const snippet =
    inCode && matcher.count(record.code) >= matcher.count(output)
      ? { field: 'code' as const, ...inCode }
      : {
          field: 'output' as const,
          ...(snippetOf(output, matcher) ?? { text: '', matches: [] })
        };
  const facts = access.accessOf(record.sessionId);
  return {
    execution,
    author: access.person(facts?.authorId ?? 'owner'),
    snippet
  };
}

/** The search route's logic and its indexes. */
export class SearchService implements HistorySearch {
  constructor(
    private readonly access: TeamAccess,
    cursorKey?: Buffer
  ) {
    this.cursors = new CursorSeal(cursorKey);
  }

  /** Whether the past index is complete. */
  get ready(): boolean {
    return this.pastDone;
  }

  /** Indexes an execution just stored. */
  add(record: ExecutionRecord): void {
    if (this.indexed.has(record.id)) {
      return;
    }
    this.indexed.add(record.id);
    this.push(this.live, record, indexedText(record.code, outputText(record)));
  }

  /** Builds the past index from the stored history (resolves when done). */
  async build(): Promise<void> {
    const store = this.access.store;
    if (store.scanExecutions) {
      // Sequential reads of the log: storage order is oldest first.
      await store.scanExecutions(
        record => {
          // Executions stored since startup are in the live index already;
          // only those few are remembered, not every id of the history.
          if (!this.indexed.has(record.id)) {
            this.push(
              this.past,
              record,
              indexedText(record.code, outputText(record))
            );
          }
        },
        () => this.stopped
      );
      this.pastDone = !this.stopped;
      return;
    }
    const sessions = [];
    let after: { startedAtMs: number; id: string } | undefined;
    for (;;) {
      const page = await store.listSessions({ limit: 1000, after });
      sessions.push(...page.items);
      if (!page.next) {
        break;
      }
      after = page.next;
    }
    sessions.reverse(); // oldest first
    for (const session of sessions) {
      if (this.stopped) {
        return;
      }
      // From the store: records under an alias have ids the API refuses.
      let next: ExecutionKey | undefined;
      do {
        const page = await store.listExecutions(session.id, {
          limit: 200,
          after: next
        });
        for (const x of page?.items ?? []) {
          if (this.indexed.has(x.id)) {
            continue;
          }
          const record =
            x.outputCount > 0 ? await store.getExecution(x.id) : null;
          this.push(
            this.past,
            x,
            indexedText(x.code, record ? outputText(record) : '')
          );
        }
        next = page?.next ?? undefined;
      } while (next && !this.stopped);
    }
    this.pastDone = true;
  }

  /** Stops a build in progress. */
  stop(): void {
    this.stopped = true;
  }

  /** GET /search. */
  async search(
    principal: Principal,
    query: Record<string, unknown>
  ): Promise<SearchAnswer> {
    const q = parseSearchQuery(query);
    const { limit, author, notebook, from, to, words } = q;
    // By words: the pieces every match holds, then the words themselves.
    const terms = words ? words.needles() : q.terms;
    let phase = 0;
    let before: number | undefined;
    if (query.cursor !== undefined) {
      const parts = this.decodeCursor(principal, query.cursor);
      phase = parts[0];
      before = parts[1];
    }

    const readable = new Map<string, boolean>();
    const acceptIn = (docs: Docs) => (doc: number) => {
      const sessionId = docs.columns.sessionId(doc);
      let ok = readable.get(sessionId);
      if (ok === undefined) {
        const access = this.access.accessOf(sessionId);
        ok =
          access !== undefined &&
          this.access.canReadSession(principal, sessionId) &&
          (!author || access.authorId === author) &&
          (!notebook ||
            (access.notebookPath ?? '').toLowerCase().includes(notebook));
        readable.set(sessionId, ok);
      }
      if (!ok) {
        return false;
      }
      const ms = docs.columns.startedMs(doc);
      return (
        (from === undefined || ms >= from) &&
        (to === undefined || ms <= to) &&
        // The run they see under its id, when someone else's has it too.
        (this.access.aliases.size === 0 ||
          this.access.canReadExecution(principal, {
            id: docs.columns.executionId(doc),
            sessionId
          }))
      );
    };

    const found: { docs: Docs; doc: number; phase: number }[] = [];
    let truncated = false;
    const started = Date.now();
    // One hit more than the page holds: whether a next page exists.
    const wanted = limit + 1;
    for (const [p, docs] of [this.live, this.past].entries()) {
      if (p < phase || found.length >= wanted) {
        continue;
      }
      const hits = await docs.index.search({
        terms,
        limit: wanted - found.length,
        before: p === phase ? before : undefined,
        accept: acceptIn(docs),
        check: words ? text => words.test(text) : undefined,
        budgetMs: Math.max(1, BUDGET_MS - (Date.now() - started))
      });
      truncated ||= hits.truncated;
      for (const doc of hits.docs) {
        found.push({ docs, doc, phase: p });
      }
    }
    const more = found.length > limit;
    const shown = found.slice(0, limit);
    const items: SearchHit[] = [];
    for (const { docs, doc } of shown) {
      const record = await this.access.store.getExecution(
        docs.columns.executionId(doc)
      );
      if (record) {
        items.push(searchHit(this.access, record, q.matcher));
      }
    }
    const last = shown[shown.length - 1];
    return {
      items,
      nextCursor:
        more && last
          ? this.cursors.seal(['sr', principal.userId, last.phase, last.doc])
          : null,
      truncated: truncated || !this.pastDone
    };
  }

  /** The phase and position of a cursor this run gave `principal`. */
  private decodeCursor(principal: Principal, raw: unknown): [number, number] {
    const text = parseText('cursor', raw) ?? '';
    const parts = this.cursors.open(text);
    if (
      !Array.isArray(parts) ||
      parts.length !== 4 ||
      parts[0] !== 'sr' ||
      parts[1] !== principal.userId ||
      (parts[2] !== 0 && parts[2] !== 1) ||
      !Number.isInteger(parts[3]) ||
      parts[3] < 0
    ) {
      throw new AppError(
        400,
        'invalid_request',
        'The query parameter "cursor" is not a cursor of this listing.',
        [{ path: '/query/cursor', message: 'is not a cursor of this listing' }]
      );
    }
    return [parts[2], parts[3]];
  }

  private push(
    docs: Docs,
    x: Pick<ExecutionSummary, 'id' | 'sessionId' | 'startedAt'>,
    text: string
  ): void {
    const doc = docs.columns.push(x.id, x.sessionId, Date.parse(x.startedAt));
    docs.index.add(doc, text);
  }

  private readonly cursors: CursorSeal;
  private live = emptyDocs();
  private past = emptyDocs();
  /** Ids of the executions in the live index. */
  private indexed = new Set<string>();
  private pastDone = false;
  private stopped = false;
}

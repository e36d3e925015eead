/**
 * Reading the history: sessions, executions and a cell's executions in
 * pages with opaque cursors, single records, environments, blobs.
 */
import type {
  EnvironmentSnapshot,
  ExecutionRecord,
  ExecutionSummary,
  SessionSummary
} from '../../src/records/schema';
import { AppError } from '../errors';
import { SHA256_HEX } from '../store/blob-store';
import type { ExecutionKey, SessionKey, TrailStore } from '../store/types';

/** One page of a listing as the API returns it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Page size bounds of every listing. */
export const PAGE_LIMIT = { min: 1, max: 200, default: 50 };

function badParam(name: string, message: string): AppError {
  return new AppError(
    400,
    'invalid_request',
    `The path parameter "${name}" ${message}.`,
    [{ path: `/params/${name}`, message }]
  );
}

function badQuery(name: string, message: string): AppError {
  return new AppError(
    400,
    'invalid_request',
    `The query parameter "${name}" ${message}.`,
    [{ path: `/query/${name}`, message }]
  );
}

/** Parses the `limit` query parameter. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) {
    return PAGE_LIMIT.default;
  }
  const n =
    typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= PAGE_LIMIT.min && n <= PAGE_LIMIT.max)) {
    throw badQuery(
      'limit',
      `must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`
    );
  }
  return n;
}

/** Parses a required single-valued string query parameter. */
export function parseRequiredText(name: string, raw: unknown): string {
  if (raw === undefined) {
    throw badQuery(name, 'is required');
  }
  return parseText(name, raw)!;
}

/** Parses an optional single-valued string query parameter. */
export function parseText(name: string, raw: unknown): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'string' || raw.length === 0) {
    throw badQuery(name, 'must be a non-empty string given once');
  }
  return raw;
}

/*
 * A cursor is the base64url JSON of [kind, ...key] where kind tells which
 * listing it belongs to: cursors are opaque to clients, and a cursor of one
 * listing is refused by another.
 */

function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodeCursor(raw: unknown): unknown[] {
  const text = parseText('cursor', raw);
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (!Array.isArray(parts)) {
    throw badQuery('cursor', 'is not a cursor this server made');
  }
  return parts;
}

function sessionCursor(key: SessionKey): string {
  return encodeCursor(['s', key.startedAtMs, key.id]);
}

function parseSessionCursor(raw: unknown): SessionKey | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const [kind, startedAtMs, id] = decodeCursor(raw);
  if (
    kind !== 's' ||
    typeof startedAtMs !== 'number' ||
    typeof id !== 'string'
  ) {
    throw badQuery('cursor', 'is not a cursor of this listing');
  }
  return { startedAtMs, id };
}

function executionCursor(key: ExecutionKey): string {
  return encodeCursor(['x', key.seq, key.id]);
}

function parseExecutionCursor(raw: unknown): ExecutionKey | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const [kind, seq, id] = decodeCursor(raw);
  if (kind !== 'x' || typeof seq !== 'number' || typeof id !== 'string') {
    throw badQuery('cursor', 'is not a cursor of this listing');
  }
  return { seq, id };
}

function cellCursor(id: string): string {
  return encodeCursor(['c', id]);
}

function parseCellCursor(raw: unknown): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const [kind, id] = decodeCursor(raw);
  if (kind !== 'c' || typeof id !== 'string') {
    throw badQuery('cursor', 'is not a cursor of this listing');
  }
  return id;
}

function notFound(what: string, id: string): AppError {
  return new AppError(404, 'not_found', `No ${what} has the id "${id}".`);
}

/** Raw query parameters of the listings (as Express parses them). */
export interface ListingQuery {
  notebook?: unknown;
  cellId?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

/** Options of {@link HistoryService}. */
export interface HistoryServiceOptions {
  /** The pattern of session and execution ids (from the record schemas). */
  idPattern: RegExp;
}

/** Read access to the history for the routes. */
export class HistoryService {
  constructor(
    private readonly store: TrailStore,
    private readonly options: HistoryServiceOptions
  ) {}

  /** Checks a session or execution id given as path parameter `name`. */
  private parseId(name: string, raw: string): string {
    if (!this.options.idPattern.test(raw)) {
      throw badParam(name, `must match ${this.options.idPattern.source}`);
    }
    return raw;
  }

  async listSessions(query: ListingQuery): Promise<Page<SessionSummary>> {
    const page = await this.store.listSessions({
      notebook: parseText('notebook', query.notebook),
      limit: parseLimit(query.limit),
      after: parseSessionCursor(query.cursor)
    });
    return {
      items: page.items,
      nextCursor: page.next ? sessionCursor(page.next) : null
    };
  }

  async getSession(id: string): Promise<SessionSummary> {
    const session = await this.store.getSession(this.parseId('id', id));
    if (!session) {
      throw notFound('session', id);
    }
    return session;
  }

  async listExecutions(
    sessionId: string,
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    this.parseId('id', sessionId);
    const limit = parseLimit(query.limit);
    const after = parseExecutionCursor(query.cursor);
    const page = await this.store.listExecutions(sessionId, { limit, after });
    if (!page) {
      throw notFound('session', sessionId);
    }
    return {
      items: page.items,
      nextCursor: page.next ? executionCursor(page.next) : null
    };
  }

  async getExecution(id: string): Promise<ExecutionRecord> {
    const record = await this.store.getExecution(this.parseId('id', id));
    if (!record) {
      throw notFound('execution', id);
    }
    return record;
  }

  /**
   * Every execution of one notebook cell across sessions, newest first (by
   * startedAt, then id).
   */
  async listCellExecutions(
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    const notebook = parseRequiredText('notebook', query.notebook);
    const cellId = parseRequiredText('cellId', query.cellId);
    const limit = parseLimit(query.limit);
    const after = parseCellCursor(query.cursor);
    const page = await this.store.listCellExecutions({
      notebook,
      cellId,
      limit,
      after
    });
    if (!page) {
      throw badQuery('cursor', 'is not a cursor of this listing');
    }
    return {
      items: page.items,
      nextCursor: page.next === null ? null : cellCursor(page.next)
    };
  }

  /**
   * The latest execution of the same notebook cell that started before
   * execution `id`, in any session (null when there is none).
   */
  async previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null }> {
    const previous = await this.store.previousExecution(this.parseId('id', id));
    if (!previous) {
      throw notFound('execution', id);
    }
    return previous;
  }

  async getEnvironment(id: string): Promise<EnvironmentSnapshot> {
    if (!SHA256_HEX.test(id)) {
      throw badParam('id', 'must be 64 lowercase hex digits');
    }
    const environment = await this.store.getEnvironment(id);
    if (!environment) {
      throw notFound('environment', id);
    }
    return environment;
  }

  async getBlob(sha256: string): Promise<Buffer> {
    if (!SHA256_HEX.test(sha256)) {
      throw new AppError(
        400,
        'invalid_request',
        'A blob id is a lowercase hex SHA-256.',
        [{ path: '/params/sha256', message: 'must be 64 lowercase hex digits' }]
      );
    }
    const blob = await this.store.blobs.get(sha256);
    if (!blob) {
      throw notFound('blob', sha256);
    }
    return blob;
  }
}

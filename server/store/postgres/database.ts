/**
 * The connection to PostgreSQL that every PostgreSQL-backed part shares: a
 * pool for queries, dedicated clients for LISTEN, the schema's migrations,
 * and the one rule that says which failures mean "the database is not
 * there" (a 503 `database_unavailable`, so that a client retries and no
 * write is acknowledged) rather than a bug (a 500).
 */
import pg from 'pg';
import { runMigrations } from './migrate';
import { isUnavailable } from './pg-errors';
import { PG_TYPES } from './pg-json';

export { guarded, isUnavailable, unavailable } from './pg-errors';

/** Where the database's problems are told (the server's log). */
export interface DatabaseLog {
  warn(message: string): void;
}

/** Connections the pool of one server holds at most. */
const POOL_SIZE = 10;
/** How long a query waits for a connection before it fails as unavailable. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long PostgreSQL lets a transaction of ours sit idle before it ends
 * the session: a server frozen mid-append (stopped, cut off) then releases
 * the appends' lock instead of holding every other server's appends until
 * TCP gives up on it. Our transactions are busy from BEGIN to COMMIT.
 */
const IDLE_IN_TRANSACTION_MS = 30_000;
/** Delays between attempts to connect a listener again. */
const LISTEN_RETRY_MS = [100, 250, 500, 1000, 2000];

/** See the module comment. */
export interface PgDatabase {
  readonly pool: pg.Pool;
  /** Applies the migrations not applied yet; resolves with their names. */
  migrate(): Promise<string[]>;
  /**
   * Calls `onPayload` with every notification on `channel`, on a client of
   * its own that connects again after losing the server (and LISTENs
   * again), then calls `onPayload(null)`: notifications sent meanwhile are
   * lost, so the listener reads again what it may have missed. Resolves
   * once listening, or once the first attempt failed (it keeps trying);
   * with a function that stops listening.
   */
  listen(
    channel: string,
    onPayload: (payload: string | null) => void
  ): Promise<() => Promise<void>>;
  /** Whether the database answers (for GET /health). */
  health(): Promise<{ ok: boolean; error?: string }>;
  /** Stops the listeners and closes the pool. */
  close(): Promise<void>;
}

/** A LISTEN identifier, quoted (channels are ours, but quote anyway). */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Opens a pool on `url` (a `postgres://` URL). Nothing connects until the
 * first query: a database down at start fails that query, not the open.
 */
export function openDatabase(
  url: string,
  options: {
    log?: DatabaseLog;
    poolSize?: number;
    /** See {@link IDLE_IN_TRANSACTION_MS} (tests shorten it). */
    idleInTransactionMs?: number;
  } = {}
): PgDatabase {
  const log = options.log ?? { warn: (m: string) => console.warn(m) };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idle_in_transaction_session_timeout:
      options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
    // jsonb and json read back with the NUL escape undone (pg-json.ts).
    types: PG_TYPES
  });
  // An idle client whose server went away emits here; without a handler
  // the process would crash. The pool drops that client by itself.
  pool.on('error', err => {
    log.warn(`PostgreSQL: an idle connection failed: ${err.message}`);
  });
  const stops = new Set<() => Promise<void>>();
  let closed = false;

  async function listen(
    channel: string,
    onPayload: (payload: string | null) => void
  ): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let attempt = 0;
    let timer: NodeJS.Timeout | null = null;
    let everConnected = false;
    /** Whether the attempt running is listen()'s own first one. */
    let first = true;

    const retry = (): void => {
      if (stopped || timer) {
        return;
      }
      const delay =
        LISTEN_RETRY_MS[Math.min(attempt++, LISTEN_RETRY_MS.length - 1)];
      timer = setTimeout(() => {
        timer = null;
        void connect();
      }, delay);
    };

    const connect = async (): Promise<void> => {
      const next = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true
      });
      let failed = false;
      const lost = (err?: Error): void => {
        if (failed) {
          return;
        }
        failed = true;
        if (client === next) {
          client = null;
        }
        next.removeAllListeners('notification');
        void next.end().catch(() => undefined);
        if (!stopped) {
          log.warn(
            `PostgreSQL: listening on ${channel} lost its connection${
              err ? ` (${err.message})` : ''
            }; connecting again`
          );
          retry();
        }
      };
      next.on('error', lost);
      next.on('end', () => lost());
      next.on('notification', message => {
        if (message.channel === channel) {
          onPayload(message.payload ?? '');
        }
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (err) {
        lost(err as Error);
        return;
      }
      if (stopped) {
        failed = true;
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      attempt = 0;
      if (everConnected || !first) {
        onPayload(null);
      }
      everConnected = true;
    };

    await connect();
    first = false;

    const stop = async (): Promise<void> => {
      stopped = true;
      stops.delete(stop);
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners();
        current.on('error', () => undefined);
        await current.end().catch(() => undefined);
      }
    };
    stops.add(stop);
    return stop;
  }

  return {
    pool,
    migrate: () => runMigrations(pool),
    listen,
    async health() {
      try {
        await pool.query('SELECT 1');
        return { ok: true };
      } catch (err) {
        const code = (err as { code?: string }).code;
        return {
          ok: false,
          error: isUnavailable(err)
            ? `database_unavailable${code ? ` (${code})` : ''}`
            : (code ?? 'error')
        };
      }
    },
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await Promise.all([...stops].map(stop => stop()));
      await pool.end();
    }
  };
}

/**
 * A start that finds PostgreSQL down waits for it instead of failing: in a
 * deployment the database and the servers start in any order (containers,
 * a managed database restarting). It says once on stderr what it waits for
 * and why, retries every 2 s, and gives up after `--database-wait` seconds
 * with the reason. Errors that waiting cannot fix (a wrong password, a
 * database that does not exist) end the wait at once.
 *
 * Log lines name the host and port only: a URL's user and password never
 * reach a log (see {@link describeDatabase} and {@link scrubSecret}).
 */
import pg from 'pg';

/** How often a database that does not answer is tried again. */
export const DATABASE_RETRY_MS = 2_000;

/**
 * Parses a PostgreSQL URL; one without a host (`postgres://user@/db?host=
 * /run/postgresql`, a Unix socket) is read with `localhost` in its place.
 */
function parseDatabaseUrl(url: string): { parsed: URL; hostless: boolean } {
  try {
    return { parsed: new URL(url), hostless: false };
  } catch (err) {
    const hostless = url.replace(
      /^(postgres(?:ql)?:\/\/(?:[^@/]*@)?)(?=[/?]|$)/,
      '$1localhost'
    );
    if (hostless === url) {
      throw err;
    }
    return { parsed: new URL(hostless), hostless: true };
  }
}

/** `host:port/database` of a PostgreSQL URL: no user, no password. */
export function describeDatabase(url: string): string {
  try {
    const { parsed, hostless } = parseDatabaseUrl(url);
    const socket = parsed.searchParams.get('host');
    const host =
      socket ??
      (hostless
        ? 'localhost:5432'
        : `${parsed.hostname}:${parsed.port || '5432'}`);
    const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return name ? `${host}/${name}` : host;
  } catch {
    return 'the configured database';
  }
}

/**
 * Removes every occurrence of the URL's password from `text` (an error
 * message or a log line that quotes the connection string), as written in
 * the URL (percent-encoded) and as decoded.
 */
export function scrubSecret(text: string, url: string): string {
  let raw = '';
  try {
    raw = parseDatabaseUrl(url).parsed.password;
  } catch {
    return text;
  }
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw form is what a log would show
  }
  let out = text;
  for (const secret of new Set([raw, decoded])) {
    if (secret) {
      out = out.split(secret).join('***');
    }
  }
  return out;
}

/** Server-side codes that a wait can outlast (starting up, too busy). */
const TRANSIENT_SQLSTATES = new Set([
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '08000',
  '08001',
  '08003',
  '08004',
  '08006'
]);

/** The short reason a connection failed: a code, never an address. */
export function connectionFailure(err: unknown): {
  reason: string;
  transient: boolean;
} {
  const e = err as { code?: string; message?: string } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /^E[A-Z]+$/.test(code)) {
    // A socket error: ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ECONNRESET, …
    return { reason: code, transient: true };
  }
  if (code && TRANSIENT_SQLSTATES.has(code)) {
    return { reason: `${code} ${e?.message ?? ''}`.trim(), transient: true };
  }
  const message = e?.message ?? String(err);
  if (/timeout|terminated|Connection ended/i.test(message)) {
    return { reason: message, transient: true };
  }
  return {
    reason: code ? `${code} ${message}` : message,
    transient: false
  };
}

/** One connection attempt: connect, `SELECT 1`, disconnect. */
async function probe(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000
  });
  // A socket error after connect must not become an uncaught 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why a start gave up on the database. */
export class DatabaseWaitError extends Error {}

/**
 * Resolves once the database at `url` answers. While it does not, logs
 * "cannot reach PostgreSQL at host:port (ECONNREFUSED); retrying every 2 s"
 * (again only when the reason changes) and retries; rejects with a
 * {@link DatabaseWaitError} after `waitSeconds`, or at once for an error
 * that waiting cannot fix.
 */
export async function waitForDatabase(
  url: string,
  waitSeconds: number,
  log: (message: string) => void,
  options: {
    retryMs?: number;
    /** The --database-wait the message names (default `waitSeconds`). */
    configuredSeconds?: number;
  } = {}
): Promise<void> {
  const retryMs = options.retryMs ?? DATABASE_RETRY_MS;
  const configured = options.configuredSeconds ?? waitSeconds;
  const where = describeDatabase(url);
  const started = Date.now();
  let lastReason: string | null = null;
  for (;;) {
    try {
      await probe(url);
      if (lastReason !== null) {
        const waited = ((Date.now() - started) / 1000).toFixed(1);
        log(`PostgreSQL at ${where} answers (after ${waited} s)`);
      }
      return;
    } catch (err) {
      const { reason: raw, transient } = connectionFailure(err);
      const reason = scrubSecret(raw, url);
      if (!transient) {
        throw new DatabaseWaitError(
          `PostgreSQL at ${where} refused the connection: ${reason}`
        );
      }
      const waited = Date.now() - started;
      if (waited + retryMs > waitSeconds * 1000) {
        throw new DatabaseWaitError(
          `cannot reach PostgreSQL at ${where} (${reason}); gave up after ` +
            `${Math.round(waited / 1000)} s (--database-wait ${configured})`
        );
      }
      if (reason !== lastReason) {
        log(
          `cannot reach PostgreSQL at ${where} (${reason}); retrying every ` +
            `${retryMs / 1000} s for up to ${waitSeconds} s`
        );
        lastReason = reason;
      }
      await new Promise(r => setTimeout(r, retryMs));
    }
  }
}

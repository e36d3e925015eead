/**
 * Which failures mean "the database is not there" rather than a bad query:
 * those become a 503 `database_unavailable`, so that a client retries and
 * nothing is acknowledged; anything else stays what it is (a 500 once the
 * error handler sees it).
 */
import { AppError } from '../../errors';

/** Error codes of Node's sockets that mean the server cannot be reached. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN'
]);

/**
 * SQLSTATEs of a server that is going away or not accepting connections:
 * class 08 (connection exception), 57P01-57P03 (shut down, crashed, not
 * yet accepting), 53300 (too many connections), 25P03 (the session was
 * ended for idling in a transaction: nothing of it committed).
 */
function isUnavailableState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300' ||
    code === '25P03'
  );
}

/** Messages node-postgres gives its own connection failures (no code). */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool'
];

/** Whether `err` says the database cannot be reached (not a bad query). */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof AppError) {
    return err.code === 'database_unavailable';
  }
  // Duck-typed: socket errors may come from another realm (jest's VM).
  if (typeof err !== 'object' || err === null) {
    return false;
  }
  const { code, message, errors } = err as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  if (
    typeof code === 'string' &&
    (SOCKET_CODES.has(code) || isUnavailableState(code))
  ) {
    return true;
  }
  if (Array.isArray(errors) && errors.some(isUnavailable)) {
    return true; // AggregateError: every address of a host refused
  }
  return (
    typeof message === 'string' &&
    CLIENT_MESSAGES.some(m => message.includes(m))
  );
}

/**
 * `err` as the API reports it: a 503 `database_unavailable` when the
 * database cannot be reached, else `err` itself.
 */
export function unavailable(err: unknown): unknown {
  if (err instanceof AppError || !isUnavailable(err)) {
    return err;
  }
  const reason =
    (err as { code?: string }).code ?? (err as Error).message ?? 'unknown';
  return new AppError(
    503,
    'database_unavailable',
    `the database is unavailable (${reason}); nothing was stored by this request, try again`
  );
}

/** Runs `work`, turning a failure to reach the database into a 503. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw unavailable(err);
  }
}

/**
 * The log of an outage: while PostgreSQL or the blob store is down, every
 * request that needs it answers 503, hundreds a second on a busy team
 * server. Each is expected (the client retries, nothing was stored) and
 * they all say the same, so they are logged as one line without a stack,
 * at most once per interval per error code, each line saying how many
 * were left out since the one before: an outage is visible in the log,
 * and its start and end can be read there, without flooding it.
 */
import type { AppError, ErrorLog } from './errors';

/** The codes of a part being unavailable (see the module comment). */
export const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'database_unavailable',
  'blob_store_unavailable'
]);

/** The least time between two lines of one code, in ms. */
export const OUTAGE_LOG_MS = 10_000;

/** See the module comment. */
export class OutageLog {
  /** Per code: when its last line was logged, and how many left out since. */
  private readonly seen = new Map<string, { at: number; left: number }>();

  constructor(
    private readonly log: ErrorLog,
    private readonly intervalMs = OUTAGE_LOG_MS,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Whether `error` is an outage's: if so it is logged here, as one line
   * about `what` (e.g. `GET /api/v1/sessions`), or counted for the next.
   */
  note(error: AppError, what: string): boolean {
    if (error.status !== 503 || !OUTAGE_CODES.has(error.code)) {
      return false;
    }
    const now = this.now();
    const seen = this.seen.get(error.code);
    if (seen && now - seen.at < this.intervalMs) {
      seen.left++;
      return true;
    }
    const left = seen?.left
      ? ` (${seen.left} more ${error.code} answer${seen.left === 1 ? '' : 's'} ` +
        `not logged since the last such line)`
      : '';
    const message = error.message.replace(/\s*\n\s*/g, ' ');
    this.log.error(`${what}: 503 ${error.code}: ${message}${left}`);
    this.seen.set(error.code, { at: now, left: 0 });
    return true;
  }
}

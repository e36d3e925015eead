/**
 * What the PostgreSQL access tables' writers and readers share
 * (pg-ownership.ts, pg-directory.ts): one transaction per write, durable
 * (COMMIT) before it resolves, a lost database reported as a 503; and the
 * catch-up read that concurrent requests share.
 */
import type pg from 'pg';
import { unavailable } from './pg-errors';

/**
 * Runs `work` in one transaction on a client of `pool` and commits;
 * rolls back on any failure. A database that cannot be reached rejects
 * with a 503 `database_unavailable` (nothing was acknowledged).
 */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw unavailable(err);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw unavailable(err);
  } finally {
    client.release(broken);
  }
}

/**
 * A read that brings a memory mirror up to date, shared by concurrent
 * callers. A caller that arrives while a read is under way may want to
 * see a commit that read began too early to see, so it waits for the next
 * read, which starts once the current one ends and serves every caller
 * that arrived meanwhile: at most one read runs and one waits.
 */
export class SharedRead {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly read: () => Promise<void>) {}

  /** Resolves once a read that began after this call has ended. */
  run(): Promise<void> {
    if (!this.running) {
      const current = this.read().finally(() => {
        if (this.running === current) {
          this.running = null;
        }
      });
      this.running = current;
      return current;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.run();
      });
    return this.next;
  }

  /**
   * Resolves once no read is under way or waiting (their failures are
   * their callers'): what a close waits for before the pool ends.
   */
  async settled(): Promise<void> {
    while (this.running || this.next) {
      await (this.next ?? this.running)!.catch(() => undefined);
    }
  }
}

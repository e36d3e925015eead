/**
 * Secrets every server on one database must share, kept in
 * `trail_secrets` (migration 003): made once, by whichever server asks
 * first, and read by all after.
 *
 * The cursor seal key is one: a cursor (a listing's or the change feed's)
 * sealed by one server must open on another behind the same load
 * balancer.
 */
import { randomBytes } from 'node:crypto';
import type { PgDatabase } from './database';
import { unavailable } from './pg-errors';

/** The name of the cursor seal key in `trail_secrets`. */
export const CURSOR_KEY = 'cursor-key';

/** Bytes of the cursor seal key. */
const CURSOR_KEY_BYTES = 32;

/**
 * The secret named `name`, made of `bytes` random bytes by the first
 * caller on the database: two servers asking at once both insert, one
 * insert wins (ON CONFLICT DO NOTHING) and both read the winner's.
 */
export async function sharedSecret(
  db: Pick<PgDatabase, 'pool'>,
  name: string,
  bytes: number
): Promise<Buffer> {
  try {
    await db.pool.query(
      `INSERT INTO trail_secrets (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO NOTHING`,
      [name, randomBytes(bytes)]
    );
    const { rows } = await db.pool.query<{ value: Buffer }>(
      'SELECT value FROM trail_secrets WHERE name = $1',
      [name]
    );
    return rows[0].value;
  } catch (err) {
    throw unavailable(err);
  }
}

/** The cursor seal key every server on the database shares. */
export function cursorKey(db: Pick<PgDatabase, 'pool'>): Promise<Buffer> {
  return sharedSecret(db, CURSOR_KEY, CURSOR_KEY_BYTES);
}

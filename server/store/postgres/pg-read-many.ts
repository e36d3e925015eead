/**
 * Reads of many rows by key in one query (`key = ANY($1)`), answered in
 * the order asked. A notebook at step k shows hundreds of cells, each an
 * execution record and a source blob: read one by one, each is a round
 * trip to the database, and the page waits for hundreds of them.
 */
import type pg from 'pg';

/** Keys per query: a bound on one statement's parameter array. */
const CHUNK = 1000;

/**
 * The row of each key in `keys` (null for a key without one), in their
 * order, mapped by `map`. `sql` selects rows whose column `key` is one of
 * `$1::text[]` and returns that column as `key`. Repeated keys are read once.
 */
export async function readManyByKey<R extends { key: string }, T>(
  pool: pg.Pool,
  sql: string,
  keys: readonly string[],
  map: (row: R) => T
): Promise<(T | null)[]> {
  const distinct = [...new Set(keys)];
  const found = new Map<string, T>();
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const { rows } = await pool.query<R>(sql, [distinct.slice(i, i + CHUNK)]);
    for (const row of rows) {
      found.set(row.key, map(row));
    }
  }
  return keys.map(key => found.get(key) ?? null);
}

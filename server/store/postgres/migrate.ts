/**
 * Applies the schema's migrations (migrations/index.ts) with umzug: each
 * in one transaction that also records it in `trail_migrations`, so a
 * migration interrupted leaves nothing and is applied again whole at the
 * next start; the whole run under a session advisory lock, so servers
 * starting together wait for one another instead of racing (the ones
 * after find everything applied and skip it).
 */
import type pg from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { guarded } from './pg-errors';
import { MIGRATIONS, type Migration } from './migrations/index';

/** The advisory lock key of migration runs (the appends' is 7400717). */
export const MIGRATION_LOCK = 7400716;

const STORAGE_TABLE = `CREATE TABLE IF NOT EXISTS trail_migrations (
  name text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * The applied migrations, as umzug asks for them. A migration records
 * itself inside its own transaction (see {@link runMigrations}), so
 * `logMigration` has nothing left to do.
 */
function storageOn(client: pg.PoolClient): UmzugStorage {
  return {
    async executed() {
      const { rows } = await client.query<{ name: string }>(
        'SELECT name FROM trail_migrations ORDER BY name'
      );
      return rows.map(row => row.name);
    },
    async logMigration() {},
    async unlogMigration({ name }) {
      await client.query('DELETE FROM trail_migrations WHERE name = $1', [
        name
      ]);
    }
  };
}

/** Applies `migration` and records it, in one transaction. */
async function apply(client: pg.PoolClient, migration: Migration) {
  await client.query('BEGIN');
  try {
    if (migration.up.trim() !== '') {
      await client.query(migration.up);
    }
    await client.query('INSERT INTO trail_migrations (name) VALUES ($1)', [
      migration.name
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Applies the migrations `pool`'s database lacks; resolves with the names
 * applied (empty when the schema was up to date).
 */
export function runMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS
): Promise<string[]> {
  return guarded(async () => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(STORAGE_TABLE);
        const umzug = new Umzug({
          migrations: migrations.map(migration => ({
            name: migration.name,
            up: () => apply(client, migration)
          })),
          storage: storageOn(client),
          logger: undefined
        });
        const applied = await umzug.up();
        return applied.map(m => m.name);
      } finally {
        await client
          .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
          .catch(() => {
            broken = true;
          });
      }
    } catch (err) {
      broken = true;
      // umzug wraps a migration's error: report the database's own.
      throw (err as { cause?: unknown }).cause ?? err;
    } finally {
      // A client whose state is unsure (a lock not released) is dropped.
      client.release(broken);
    }
  });
}

/**
 * Migrations on a real PostgreSQL: applied once, skipped when applied, safe
 * when two servers start together, and all-or-nothing when one fails.
 */
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { runMigrations } from '../../../server/store/postgres/migrate';
import { MIGRATIONS } from '../../../server/store/postgres/migrations/index';
import { WORDS_VECTOR } from '../../../server/store/postgres/pg-search';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { stopStarted, testDatabase } from '../support/postgres';
import { executionEvent, sessionEvent } from '../support/records';

const opened: PgDatabase[] = [];
const quiet = { warn: () => undefined };

async function freshDatabase(): Promise<PgDatabase> {
  const db = openDatabase(await testDatabase(), { log: quiet });
  opened.push(db);
  return db;
}

afterAll(async () => {
  await Promise.all(opened.map(db => db.close()));
  await stopStarted();
});

async function appliedNames(db: PgDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    'SELECT name FROM trail_migrations ORDER BY name'
  );
  return rows.map(r => r.name);
}

describe('PostgreSQL migrations', () => {
  it('applies every migration once, then none', async () => {
    const db = await freshDatabase();
    const names = MIGRATIONS.map(m => m.name);
    expect(await db.migrate()).toEqual(names);
    expect(await db.migrate()).toEqual([]);
    expect(await appliedNames(db)).toEqual(names);
    const { rows } = await db.pool.query(
      "SELECT to_regclass('trail_events') AS t"
    );
    expect(rows[0].t).toBe('trail_events');
  });

  it('upgrades a database holding history: search by words finds what was stored before', async () => {
    const db = await freshDatabase();
    const before = MIGRATIONS.filter(m => m.name < '005');
    expect(await runMigrations(db.pool, before)).toEqual(
      before.map(m => m.name)
    );
    const store = await PgStore.open(db);
    const s = sessionEvent({ notebookPath: 'old.ipynb' });
    const x = executionEvent(s.session.id, 1, {
      notebookPath: 'old.ipynb',
      code: 'clf.fit(X_train, y_train)'
    });
    await store.append([s, x]);
    expect(await db.migrate()).toEqual(['005-search-words']);
    const { rows } = await db.pool.query(
      `SELECT e.id FROM trail_executions e
       WHERE ${WORDS_VECTOR} @@ (phraseto_tsquery('trail_words', 'fitting') &&
         phraseto_tsquery('trail_words', 'y trains'))`
    );
    expect(rows.map(r => r.id)).toEqual([x.execution.id]);
  });

  it('lets servers starting together apply each migration once', async () => {
    const url = await testDatabase();
    const dbs = [1, 2, 3].map(() => openDatabase(url, { log: quiet }));
    opened.push(...dbs);
    const applied = await Promise.all(dbs.map(db => db.migrate()));
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map(m => m.name).sort());
  });

  it('leaves nothing of a migration that fails, and applies it again whole', async () => {
    const db = await freshDatabase();
    const broken = [
      { name: '001-a', up: 'CREATE TABLE trail_x (a int);' },
      {
        name: '002-b',
        up: 'CREATE TABLE trail_y (a int); SELECT * FROM no_such_table;'
      }
    ];
    await expect(runMigrations(db.pool, broken)).rejects.toThrow(
      /no_such_table/
    );
    expect(await appliedNames(db)).toEqual(['001-a']);
    const { rows } = await db.pool.query("SELECT to_regclass('trail_y') AS t");
    expect(rows[0].t).toBeNull();
    const fixed = [
      broken[0],
      { name: '002-b', up: 'CREATE TABLE trail_y (a int);' }
    ];
    expect(await runMigrations(db.pool, fixed)).toEqual(['002-b']);
  });

  it('reports a database that is not there as unavailable', async () => {
    const db = openDatabase('postgres://trail@127.0.0.1:1/none', {
      log: quiet
    });
    opened.push(db);
    await expect(db.migrate()).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
    expect(await db.health()).toMatchObject({ ok: false });
  });
});

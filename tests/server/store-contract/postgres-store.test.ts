/**
 * The PostgreSQL store keeps the store contract, live and after a restart
 * (a new pool and store on the same database), on a real PostgreSQL: a
 * database of its own for each store.
 */
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { stopStarted, testDatabase } from '../support/postgres';
import { describeStoreContract } from './contract';

const opened = new Set<PgDatabase>();
const quiet = { warn: () => undefined };

afterAll(async () => {
  await Promise.all([...opened].map(db => db.close()));
  await stopStarted();
});

function connect(url: string): PgDatabase {
  const db = openDatabase(url, { log: quiet, poolSize: 4 });
  opened.add(db);
  return db;
}

describeStoreContract('postgres store', async () => {
  const url = await testDatabase();
  let db = connect(url);
  await db.migrate();
  let current = await PgStore.open(db);
  return {
    store: current,
    async reopen() {
      await current.close();
      await db.close();
      opened.delete(db);
      db = connect(url);
      await db.migrate();
      current = await PgStore.open(db);
      return current;
    }
  };
});

/**
 * The PostgreSQL backend of the server process: records, people, access
 * facts and the cursor key in one database that any number of servers
 * share (so no data lock), blobs in it or in an S3 bucket. Each server
 * keeps memory mirrors (access facts, the team, the change feed) that it
 * brings up to date with what the others stored before every request
 * (`catchUp`), and a follower that hands other servers' batches to the
 * same followers a local ingest feeds.
 *
 * A database that is down at start is waited for (database-wait.ts); the
 * schema is migrated at every start (idempotent, under an advisory lock,
 * so servers starting together do not race).
 */
import type { BackendLog } from './backend';
import { waitForDatabase } from './database-wait';
import { openDatabase } from './store/postgres/database';

/**
 * Applies the schema migrations the database lacks (after waiting for it
 * like a start does) and resolves with their names.
 */
export async function migrateSchema(
  url: string,
  waitSeconds: number,
  log: BackendLog
): Promise<string[]> {
  await waitForDatabase(url, waitSeconds, m => log(m));
  const db = openDatabase(url, { log: { warn: m => log(m) } });
  try {
    return await db.migrate();
  } finally {
    await db.close();
  }
}

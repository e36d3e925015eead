/**
 * Trail servers on one PostgreSQL database for the search and feed tests:
 * each its own pool, store, ownership mirror, directory, follower and app,
 * as two server processes would have them (what they share is only the
 * database, and the cursor key kept there), so a test can ingest through
 * one and read through the other in one process.
 */
import type { Express } from 'express';
import type { Principal } from '../../../server/access/directory';
import { TeamAccess } from '../../../server/access/team';
import { createApp, runtimeOf } from '../../../server/app';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgDirectory } from '../../../server/store/postgres/pg-directory';
import { PgFollower } from '../../../server/store/postgres/pg-follower';
import { PgOwnership } from '../../../server/store/postgres/pg-ownership';
import { PgSearch } from '../../../server/store/postgres/pg-search';
import { cursorKey } from '../../../server/store/postgres/pg-secrets';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { TOKEN } from '../support/server';

/** The principal of the owner token. */
export const OWNER: Principal = {
  userId: 'owner',
  name: 'owner',
  displayName: 'Owner',
  role: 'admin',
  tokenId: null
};

/** One server of the team. */
export interface TestServer {
  app: Express;
  db: PgDatabase;
  store: PgStore;
  directory: PgDirectory;
  ownership: PgOwnership;
  follower: PgFollower;
  close(): Promise<void>;
}

/**
 * Opens a server on the database at `url` (migrated already or now), its
 * search with `searchOptions`.
 */
export async function openServer(
  url: string,
  searchOptions: ConstructorParameters<typeof PgSearch>[3] = {}
): Promise<TestServer> {
  const db = openDatabase(url, { log: { warn: () => undefined } });
  await db.migrate();
  const store = await PgStore.open(db);
  const ownership = await PgOwnership.open(db, {
    log: { warn: () => undefined }
  });
  const directory = await PgDirectory.open(db);
  const access = TeamAccess.create({
    store,
    ownership,
    directory,
    owner: OWNER
  });
  const key = await cursorKey(db);
  const follower = await PgFollower.open(db, {
    access,
    facts: ownership,
    log: () => undefined
  });
  const app = createApp({
    store,
    token: TOKEN,
    owner: OWNER,
    directory,
    access,
    cursorKey: key,
    search: new PgSearch(db, access, key, searchOptions),
    // As server/backend-postgres.ts has it: the follower's catch-up reads
    // the access facts too.
    catchUp: async () => {
      await Promise.all([directory.catchUp(), follower.catchUp()]);
    },
    log: { error: () => undefined }
  });
  follower.attach(runtimeOf(app));
  return {
    app,
    db,
    store,
    directory,
    ownership,
    follower,
    close: async () => {
      runtimeOf(app).close();
      await follower.close();
      await store.close();
      await ownership.close();
      await db.close();
    }
  };
}

/** Adds a member on `server` with a personal token. */
export async function addMember(
  server: TestServer,
  name: string
): Promise<{ id: string; token: string }> {
  const user = await server.directory.addUser(name, {});
  const { token } = await server.directory.issueToken(name);
  return { id: user.id, token };
}

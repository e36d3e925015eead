/**
 * PostgreSQL with blobs in S3 keeps the store contract, live and after a
 * restart (the backend opened again on the same database and bucket), as
 * the server opens it (server/backend.ts's openBackend with --database and
 * --blobs): one new database and bucket per store, on the cluster and moto
 * server of the `server-postgres` jest project (the only project that runs
 * this file). postgres-store.test.ts runs it with blobs in the database.
 */
import type { Backend } from '../../../server/backend';
import { openPlaceBackend, placeOf } from '../support/backend';
import { removeTempDirs, tempDir } from '../support/server';
import { describeStoreContract } from './contract';

const owner = {
  userId: 'owner',
  name: 'owner',
  displayName: 'Owner',
  role: 'admin' as const,
  tokenId: null
};

// The contract closes each store it opened; the pools and followers of
// the backends around them are closed here.
const backends: Backend[] = [];
afterAll(async () => {
  await Promise.all(backends.splice(0).map(backend => backend.close()));
  await removeTempDirs();
});

describeStoreContract('PostgreSQL with S3 blobs', async () => {
  const place = await placeOf(await tempDir());
  const open = async () => {
    const backend = await openPlaceBackend(place, owner);
    backends.push(backend);
    return backend;
  };
  let current = await open();
  return {
    store: current.store,
    async reopen() {
      await current.close();
      current = await open();
      return current.store;
    }
  };
});

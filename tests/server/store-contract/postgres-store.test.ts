/**
 * The PostgreSQL store keeps the store contract, live and after a restart
 * (a new pool and store on the same database), on a real PostgreSQL: a
 * database of its own for each store; blobs in the database, and again in
 * an S3 bucket (moto's server).
 */
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { S3BlobStore } from '../../../server/store/s3-blobs';
import type { WritableBlobStore } from '../../../server/store/types';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';
import { describeStoreContract } from './contract';

const opened = new Set<PgDatabase>();
const quiet = { warn: () => undefined };

const buckets: WritableBlobStore[] = [];

afterAll(async () => {
  await Promise.all([...opened].map(db => db.close()));
  await Promise.all(buckets.map(b => b.close?.()));
  await stopStarted();
});

function connect(url: string): PgDatabase {
  const db = openDatabase(url, { log: quiet, poolSize: 4 });
  opened.add(db);
  return db;
}

/** A maker of stores on new databases, with blobs from `blobs()`. */
function postgresStores(blobs: () => Promise<WritableBlobStore | undefined>) {
  return async () => {
    const url = await testDatabase();
    const external = await blobs();
    let db = connect(url);
    await db.migrate();
    let current = await PgStore.open(db, { blobs: external });
    return {
      store: current,
      async reopen() {
        await current.close();
        await db.close();
        opened.delete(db);
        db = connect(url);
        await db.migrate();
        current = await PgStore.open(db, { blobs: external });
        return current;
      }
    };
  };
}

describeStoreContract(
  'postgres store',
  postgresStores(async () => undefined)
);

describeStoreContract(
  'postgres store with S3 blobs',
  postgresStores(async () => {
    const { url, env } = await testBucket();
    const bucket = S3BlobStore.fromUrl(url, { env });
    buckets.push(bucket);
    return bucket;
  })
);

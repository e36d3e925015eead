/**
 * A PostgreSQL store with its blobs in an S3 bucket (moto), as a team's
 * servers run: the blobs an append cites go to the bucket before the
 * commit, another server on the same database and bucket reads them, and a
 * bucket that refuses a write fails the append with a 503
 * `blob_store_unavailable` that stored nothing at all, so the client's
 * retry, once the bucket takes writes again, stores the batch whole.
 */
import { createHash } from 'node:crypto';
import {
  DeleteBucketPolicyCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client
} from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { AppError } from '../../../server/errors';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { S3BlobStore } from '../../../server/store/s3-blobs';
import type { StoredEvent } from '../../../server/store/types';
import { executionEvent, sessionEvent } from '../support/records';
import {
  stopStarted,
  testBucket,
  testDatabase,
  testS3Env
} from '../support/postgres';

const quiet = { warn: () => undefined };
const databases: PgDatabase[] = [];
const blobStores: S3BlobStore[] = [];
const stores: PgStore[] = [];
let raw: S3Client;

beforeAll(async () => {
  const env = await testS3Env();
  raw = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY
    }
  });
});

afterAll(async () => {
  await Promise.all(stores.map(s => s.close()));
  await Promise.all(databases.map(db => db.close()));
  await Promise.all(blobStores.map(b => b.close()));
  raw?.destroy();
  await stopStarted();
});

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** A server's store: its own pool and S3 client on the shared database and bucket. */
async function server(
  url: string,
  bucket: { url: string; env: Record<string, string> }
): Promise<PgStore> {
  const db = openDatabase(url, { log: quiet, poolSize: 2 });
  databases.push(db);
  await db.migrate();
  const blobs = S3BlobStore.fromUrl(bucket.url, { env: bucket.env });
  blobStores.push(blobs);
  const store = await PgStore.open(db, { blobs });
  stores.push(store);
  return store;
}

async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of [
      'trail_events',
      'trail_sessions',
      'trail_executions',
      'trail_blobs'
    ]) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM ${table}`
      );
      counts[table] = rows[0].n;
    }
    return counts;
  } finally {
    await client.end();
  }
}

async function keysOf(bucket: string): Promise<string[]> {
  const res = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (res.Contents ?? []).map(o => o.Key!).sort();
}

function denyWrites(bucket: string): Promise<unknown> {
  return raw.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/*`
          }
        ]
      })
    })
  );
}

/** A session and one execution citing a blob, as the ingest hands them over. */
function batchWithBlob(text: string): {
  events: StoredEvent[];
  blobs: Map<string, Buffer>;
  sha: string;
  sessionId: string;
} {
  const started = sessionEvent();
  const content = Buffer.from(text.repeat(2000));
  const sha = sha256(content);
  return {
    events: [started, executionEvent(started.session.id, 1)],
    blobs: new Map([[sha, content]]),
    sha,
    sessionId: started.session.id
  };
}

test('blobs go to the bucket, not the database, and another server reads them', async () => {
  const url = await testDatabase();
  const bucket = await testBucket('team');
  const one = await server(url, bucket);
  const two = await server(url, bucket);
  const batch = batchWithBlob('an output worth keeping ');
  const result = await one.append(batch.events, batch.blobs);
  expect(result.accepted).toHaveLength(2);
  expect(await keysOf(bucket.bucket)).toEqual([
    `team/${batch.sha.slice(0, 2)}/${batch.sha}`
  ]);
  expect((await rowCounts(url)).trail_blobs).toBe(0);
  expect(await two.blobs.get(batch.sha)).toEqual(batch.blobs.get(batch.sha));
});

test('a bucket that refuses the write: the append fails with 503 and stores nothing; the retry stores it whole', async () => {
  const url = await testDatabase();
  const bucket = await testBucket('team');
  const store = await server(url, bucket);
  const before = batchWithBlob('stored while the bucket took writes ');
  await store.append(before.events, before.blobs);
  const counts = await rowCounts(url);

  await denyWrites(bucket.bucket);
  const batch = batchWithBlob('refused by the bucket ');
  let failure: unknown = null;
  await store.append(batch.events, batch.blobs).catch(err => {
    failure = err;
  });
  expect(failure).toBeInstanceOf(AppError);
  expect((failure as AppError).status).toBe(503);
  expect((failure as AppError).code).toBe('blob_store_unavailable');
  expect((failure as AppError).message).toMatch(/AccessDenied/);
  expect(await rowCounts(url)).toEqual(counts);
  expect(await keysOf(bucket.bucket)).toHaveLength(1);
  await expect(store.getSession(batch.sessionId)).resolves.toBeNull();

  await raw.send(new DeleteBucketPolicyCommand({ Bucket: bucket.bucket }));
  const retried = await store.append(batch.events, batch.blobs);
  expect(retried.accepted).toHaveLength(2);
  expect(await store.blobs.get(batch.sha)).toEqual(batch.blobs.get(batch.sha));
  expect((await rowCounts(url)).trail_events).toBe(counts.trail_events + 2);
});

test('a bucket that does not exist: 503 blob_store_unavailable, nothing stored', async () => {
  const url = await testDatabase();
  const env = await testS3Env();
  const store = await server(url, {
    url: 's3://trail-no-such-bucket/team',
    env
  });
  const batch = batchWithBlob('nowhere to go ');
  await expect(store.append(batch.events, batch.blobs)).rejects.toMatchObject({
    status: 503,
    code: 'blob_store_unavailable'
  });
  expect(await rowCounts(url)).toEqual({
    trail_events: 0,
    trail_sessions: 0,
    trail_executions: 0,
    trail_blobs: 0
  });
  // A batch that cites no blob does not need the bucket.
  const plain = sessionEvent();
  await expect(store.append([plain])).resolves.toMatchObject({
    accepted: [plain.id]
  });
});

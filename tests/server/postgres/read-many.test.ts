/**
 * Batch reads (`getExecutions`, `blobs.getMany`): a notebook at step k
 * reads hundreds of records and sources at once, one query or a bounded
 * set of parallel GETs instead of one round trip each; they must answer
 * exactly what the single reads answer, in the order asked. And the
 * memory of small S3 blobs (blob-cache.ts) that serves a blob read again.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobCache } from '../../../server/store/blob-cache';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgStore } from '../../../server/store/postgres/pg-store';
import { S3BlobStore } from '../../../server/store/s3-blobs';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import {
  stopStarted,
  testBucket,
  testMigratedDatabase
} from '../support/postgres';

const quiet = { warn: () => undefined };
const databases: PgDatabase[] = [];
const stores: PgStore[] = [];
const blobStores: S3BlobStore[] = [];
const clients: S3Client[] = [];

afterAll(async () => {
  await Promise.all(stores.map(s => s.close()));
  await Promise.all(databases.map(db => db.close()));
  await Promise.all(blobStores.map(b => b.close()));
  clients.forEach(c => c.destroy());
  await stopStarted();
});

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function pgStore(): Promise<PgStore> {
  const db = openDatabase(await testMigratedDatabase(), { log: quiet });
  databases.push(db);
  await db.migrate();
  const store = await PgStore.open(db, {});
  stores.push(store);
  return store;
}

describe('PgStore.getExecutions', () => {
  test('answers what getExecution does, in the order asked, null for unknown ids', async () => {
    const store = await pgStore();
    const started = sessionEvent();
    const runs = [1, 2, 3].map(seq => executionEvent(started.session.id, seq));
    await store.append([
      started,
      ...runs,
      annotationEvent(runs[1].execution, { params: { seed: 42 } })
    ]);
    const [a, b, c] = runs.map(r => r.execution.id);
    const ids = [b, 'exe-missing', a, b, c];
    const single = await Promise.all(ids.map(id => store.getExecution(id)));
    expect(single[0]?.capture?.params).toEqual({ seed: 42 });
    expect(await store.getExecutions(ids)).toEqual(single);
    expect(await store.getExecutions([])).toEqual([]);
  });

  test('reads more ids than one query takes', async () => {
    const store = await pgStore();
    const started = sessionEvent();
    const runs = Array.from({ length: 1200 }, (_, i) =>
      executionEvent(started.session.id, i + 1)
    );
    await store.append([started, ...runs]);
    const ids = runs.map(r => r.execution.id).reverse();
    const read = await store.getExecutions(ids);
    expect(read.map(r => r?.seq)).toEqual(ids.map((_, i) => 1200 - i));
  });
});

describe('blobs.getMany', () => {
  test('PgBlobStore: contents in the order asked, null for a blob never stored or no digest', async () => {
    const store = await pgStore();
    const contents = ['one', 'two', 'three'].map(t => Buffer.from(t));
    const names = contents.map(sha256);
    await store.append(
      [sessionEvent()],
      new Map(names.map((n, i) => [n, contents[i]]))
    );
    const absent = sha256(Buffer.from('never'));
    const asked = [names[2], absent, '../x', names[0], names[2], names[1]];
    const read = await store.blobs.getMany!(asked);
    expect(read.map(b => b?.toString() ?? null)).toEqual([
      'three',
      null,
      null,
      'one',
      'three',
      'two'
    ]);
  });

  test('S3BlobStore: many GETs in the order asked; small blobs then served from memory', async () => {
    const bucket = await testBucket();
    const blobs = S3BlobStore.fromUrl(bucket.url, {
      env: bucket.env,
      cache: { maxBlobBytes: 1000 }
    });
    blobStores.push(blobs);
    // A second store on the bucket: its memory is empty.
    const reader = S3BlobStore.fromUrl(bucket.url, {
      env: bucket.env,
      cache: { maxBlobBytes: 1000 }
    });
    blobStores.push(reader);
    const contents = Array.from({ length: 40 }, (_, i) =>
      Buffer.from(`blob ${i} `.repeat(i === 7 ? 500 : 3))
    );
    const names = contents.map(sha256);
    await Promise.all(names.map((n, i) => blobs.put(n, contents[i])));
    const absent = sha256(Buffer.from('never'));
    const asked = [...names].reverse().concat([absent, 'nope', names[3]]);
    const read = await reader.getMany(asked);
    expect(read.map(b => (b ? sha256(b) : null))).toEqual(
      [...names].reverse().concat([null, null, names[3]])
    );

    // Gone from the bucket: the small blobs read are still served (a
    // blob's name is its content), the one over 1000 bytes is not.
    const raw = new S3Client({
      endpoint: bucket.env.AWS_ENDPOINT_URL,
      region: bucket.env.AWS_REGION,
      forcePathStyle: true,
      credentials: {
        accessKeyId: bucket.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: bucket.env.AWS_SECRET_ACCESS_KEY
      }
    });
    clients.push(raw);
    for (const n of [names[3], names[7]]) {
      await raw.send(
        new DeleteObjectCommand({ Bucket: bucket.bucket, Key: reader.keyOf(n) })
      );
    }
    expect((await reader.get(names[3]))?.equals(contents[3])).toBe(true);
    expect(await reader.get(names[7])).toBeNull();
  });
});

describe('BlobCache', () => {
  test('holds at most maxBytes, dropping the least recently used first', () => {
    const cache = new BlobCache({ maxBytes: 10, maxBlobBytes: 4 });
    cache.set('a', Buffer.from('aaaa'));
    cache.set('b', Buffer.from('bbbb'));
    expect(cache.get('a')?.toString()).toBe('aaaa'); // a is now the newest
    cache.set('c', Buffer.from('cccc'));
    expect(cache.size).toBe(8);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.toString()).toBe('aaaa');
    expect(cache.get('c')?.toString()).toBe('cccc');
  });

  test('lets a blob over maxBlobBytes pass through', () => {
    const cache = new BlobCache({ maxBytes: 100, maxBlobBytes: 4 });
    cache.set('big', Buffer.from('12345'));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

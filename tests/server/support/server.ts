/**
 * Test harness: the backend under test (support/backend.ts: a FileStore in
 * a real temp folder, or PostgreSQL with blobs in S3) behind createApp, and
 * supertest requests that carry the token.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import request from 'supertest';
import { ownerPrincipal } from '../../../server/access/authenticate';
import { createApp, runtimeOf, type AppDeps } from '../../../server/app';
import { backendDeps } from '../../../server/backend';
import {
  FileStore,
  type FileStoreOptions
} from '../../../server/store/file-store';
import type { TrailStore } from '../../../server/store/types';
import { onPostgres, openPlaceBackend, placeOf } from './backend';

/** The token of every test app. */
export const TOKEN = 'test-token-0123456789';

/** A temp folder, removed by {@link removeTempDirs}. */
const made: string[] = [];
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trail-server-test-'));
  made.push(dir);
  return dir;
}

/** Removes every temp folder made so far. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(
    made.splice(0).map(dir => rm(dir, { recursive: true, force: true }))
  );
}

/**
 * Every page of a paged listing at `path` (which may carry a query),
 * `limit` items at a time, following `nextCursor`; stops after `maxPages`
 * so a cursor that never ends fails the test instead of hanging it.
 */
export async function walkPages(
  get: (path: string) => request.Test,
  path: string,
  limit: number,
  maxPages = 100
): Promise<any[][]> {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: request.Response = await get(
      `${path}${sep}limit=${limit}` +
        (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '')
    ).expect(200);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor !== null && pages.length < maxPages);
  return pages;
}

/**
 * A running test app over the backend under test. `store` is a FileStore
 * on the file backend; file-store-only members (executionCount) are
 * undefined on PostgreSQL.
 */
export interface FileApp {
  dir: string;
  store: FileStore;
  app: ReturnType<typeof createApp>;
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
  close(): Promise<void>;
}

/**
 * Opens (or reopens) the backend under test at `dir` (a FileStore there,
 * or the database and bucket of that folder) and builds the app on it.
 */
export async function openFileApp(
  dir?: string,
  options: { store?: FileStoreOptions; app?: Partial<AppDeps> } = {}
): Promise<FileApp> {
  const folder = dir ?? (await tempDir());
  if (onPostgres) {
    return openPostgresApp(folder, options);
  }
  const store = await FileStore.open(folder, {
    warnings: { warn: () => undefined },
    ...options.store
  });
  const app = createApp({
    store,
    token: TOKEN,
    log: { error: () => undefined },
    ...options.app
  });
  return {
    dir: folder,
    store,
    app,
    get: path =>
      request(app)
        .get(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`),
    post: (path, body) =>
      request(app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`)
        .send(body as object),
    close: () => store.close()
  };
}

/** {@link openFileApp} on PostgreSQL (through server/backend.ts). */
async function openPostgresApp(
  folder: string,
  options: { store?: FileStoreOptions; app?: Partial<AppDeps> }
): Promise<FileApp> {
  if (options.store) {
    throw new Error('FileStore options do not apply to the postgres backend');
  }
  const place = await placeOf(folder);
  const owner = options.app?.owner ?? ownerPrincipal();
  const backend = await openPlaceBackend(place, owner);
  try {
    const app = createApp({
      ...backendDeps(backend),
      token: TOKEN,
      log: { error: () => undefined },
      ...options.app,
      owner
    });
    await backend.attach(runtimeOf(app));
    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= (async () => {
        runtimeOf(app).close();
        await backend.close();
      })());
    return {
      dir: folder,
      // The contract's members only; see FileApp.
      store: closingWith(backend.store, close) as FileStore,
      app,
      get: path =>
        request(app)
          .get(`/api/v1${path}`)
          .set('Authorization', `Bearer ${TOKEN}`),
      post: (path, body) =>
        request(app)
          .post(`/api/v1${path}`)
          .set('Authorization', `Bearer ${TOKEN}`)
          .send(body as object),
      close
    };
  } catch (err) {
    await backend.close();
    throw err;
  }
}

/**
 * `store` whose close() is `close`: tests close a FileApp's store when
 * they are done with it (the file store is all there is to close), which on
 * PostgreSQL must also end the pool and the followers' LISTEN connection,
 * or the jest process never exits. Everything else is the store's own (a
 * method a test replaces is replaced on the store the app uses).
 */
function closingWith(store: TrailStore, close: () => Promise<void>) {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'close') {
        return close;
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    }
  });
}

/**
 * How many executions the app's backend holds: the file store's count, or
 * the rows of trail_executions in the database of the app's place.
 */
export async function storedExecutionCount(server: FileApp): Promise<number> {
  if (!onPostgres) {
    return server.store.executionCount;
  }
  const client = new Client({
    connectionString: (await placeOf(server.dir)).database
  });
  await client.connect();
  try {
    const res = await client.query(
      'SELECT count(*)::int AS n FROM trail_executions'
    );
    return res.rows[0].n;
  } finally {
    await client.end();
  }
}

/**
 * The SHA-256 of every blob stored for data folder `dir`: on the file
 * backend, those in its log in storage order (a blob stored twice would be
 * listed twice); on PostgreSQL, the objects of its bucket (keys
 * `<prefix>/<sha256[0:2]>/<sha256>`, listed by key: a content-addressed
 * put of the same blob again leaves one object).
 */
export async function storedBlobs(dir: string): Promise<string[]> {
  if (onPostgres) {
    return bucketBlobs(dir);
  }
  const logDir = join(dir, 'log');
  const shas: string[] = [];
  for (const name of (await readdir(logDir)).sort()) {
    if (name.endsWith('.log')) {
      const text = await readFile(join(logDir, name), 'latin1');
      for (const line of text.split('\n').filter(Boolean)) {
        const header = JSON.parse(line.slice(0, line.indexOf('\t')));
        if (header[1] === 'B') {
          shas.push(header[2]);
        }
      }
    }
  }
  return shas;
}

/** The sha256 of every object in the bucket of `dir`'s place. */
async function bucketBlobs(dir: string): Promise<string[]> {
  const place = await placeOf(dir);
  const client = new S3Client({
    endpoint: place.env.AWS_ENDPOINT_URL,
    region: place.env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: place.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: place.env.AWS_SECRET_ACCESS_KEY
    }
  });
  const shas: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: place.bucket,
          ContinuationToken: token
        })
      );
      for (const object of page.Contents ?? []) {
        shas.push(object.Key!.split('/').pop()!);
      }
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
  return shas;
}

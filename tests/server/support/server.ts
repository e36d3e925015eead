/**
 * Test harness: a FileStore in a real temp folder behind createApp, and
 * supertest requests that carry the token.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, type AppDeps } from '../../../server/app';
import {
  FileStore,
  type FileStoreOptions
} from '../../../server/store/file-store';

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

/** A running test app over a FileStore. */
export interface FileApp {
  dir: string;
  store: FileStore;
  app: ReturnType<typeof createApp>;
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
  close(): Promise<void>;
}

/** Opens (or reopens) a FileStore in `dir` and builds the app on it. */
export async function openFileApp(
  dir?: string,
  options: { store?: FileStoreOptions; app?: Partial<AppDeps> } = {}
): Promise<FileApp> {
  const folder = dir ?? (await tempDir());
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

/**
 * The SHA-256 of every blob stored in the log of data folder `dir`, in
 * storage order (a blob stored twice would be listed twice).
 */
export async function storedBlobs(dir: string): Promise<string[]> {
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

/**
 * Test harness: a FileStore in a real temp folder behind createApp, and
 * supertest requests that carry the token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
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

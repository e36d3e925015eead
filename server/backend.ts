/**
 * Opens the backend the options name, as the pieces createApp takes: the
 * file store of one data folder (the zero-setup default; one process owns
 * it, under the data lock) or PostgreSQL (shared by any number of servers,
 * so no lock, and in-memory state caught up with what the others stored),
 * with blobs in the database or an S3 bucket. index.ts only starts what
 * this returns and closes it on shutdown.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppDeps, AppRuntime, BackendHealth } from './app';
import { UserDirectory } from './access/directory';
import { TeamAccess } from './access/team';
import type { Principal } from './access/directory';
import type { TeamDirectory } from './access/team-directory';
import type { ServerOptions } from './cli-options';
import { openPostgresBackend } from './backend-postgres';
import { DataLock } from './data-lock';
import { storeHealth } from './routes/meta';
import type { HistorySearch } from './search/history-search';
import { FileStore } from './store/file-store';
import type { TrailStore } from './store/types';

/** Where the backend logs (stderr in the process). */
export type BackendLog = (message: string, err?: unknown) => void;

/** An open backend: what createApp needs, and how to stop it. */
export interface Backend {
  readonly kind: 'file' | 'postgres';
  readonly store: TrailStore;
  readonly directory: TeamDirectory | null;
  readonly access: TeamAccess;
  readonly cursorKey?: Buffer;
  readonly search?: HistorySearch;
  readonly catchUp?: () => Promise<void>;
  readonly health: () => Promise<BackendHealth>;
  /**
   * Called once the app exists and before it listens: followers of other
   * servers' writes feed the app's change feed and search.
   */
  attach(app: AppRuntime): Promise<void>;
  /**
   * Called once the server listens at `url` (the file backend writes
   * server.json, how a second start finds it).
   */
  listening(url: string): Promise<void>;
  /** Stops followers and closes the store, pool and clients. Idempotent. */
  close(): Promise<void>;
}

/** What a start finds instead of opening the file store. */
export interface AlreadyRunning {
  readonly kind: 'already-running';
  readonly url: string;
  readonly pid: number;
}

/** The deps of createApp that come from the backend. */
export function backendDeps(
  backend: Backend
): Pick<
  AppDeps,
  | 'store'
  | 'directory'
  | 'access'
  | 'cursorKey'
  | 'search'
  | 'catchUp'
  | 'health'
> {
  return {
    store: backend.store,
    directory: backend.directory,
    access: backend.access,
    cursorKey: backend.cursorKey,
    search: backend.search,
    catchUp: backend.catchUp,
    health: backend.health
  };
}

/**
 * Opens the configured backend: PostgreSQL when `options.database` is
 * set, else the file store in `options.dataDir` (or reports the live
 * server that already owns that folder).
 */
export async function openBackend(
  options: ServerOptions,
  owner: Principal,
  log: BackendLog
): Promise<Backend | AlreadyRunning> {
  if (options.database) {
    return openPostgresBackend(
      {
        database: options.database,
        blobs: options.blobs,
        waitSeconds: options.databaseWait
      },
      owner,
      log
    );
  }
  return openFileBackend(resolve(options.dataDir), owner, log);
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Waits for the running server's server.json (it may still be starting). */
async function runningServer(
  dataDir: string,
  pid: number
): Promise<AlreadyRunning | null> {
  for (let i = 0; i < 600; i++) {
    try {
      const info = JSON.parse(
        await fs.readFile(join(dataDir, 'server.json'), 'utf8')
      );
      if (info.pid === pid && typeof info.url === 'string') {
        return { kind: 'already-running', url: info.url, pid };
      }
    } catch {
      // not written yet
    }
    if (!(await DataLock.holderAlive(dataDir))) {
      return null;
    }
    await sleep(100);
  }
  return null;
}

async function writeServerInfo(dataDir: string, info: object): Promise<void> {
  const path = join(dataDir, 'server.json');
  try {
    await fs.writeFile(`${path}.tmp`, JSON.stringify(info) + '\n');
    await fs.rename(`${path}.tmp`, path);
  } catch (err) {
    await fs.rm(`${path}.tmp`, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** How often a server.json that could not be written is tried again. */
const SERVER_INFO_RETRY_MS = 5_000;

/**
 * Writes server.json (how a second start finds this server) and, when
 * that fails (a full disk), logs it and tries again every few seconds
 * rather than refusing to start: the server still serves reads, and takes
 * writes again as soon as there is room. Returns a function that stops
 * the retries.
 */
async function publishServerInfo(
  dataDir: string,
  info: object,
  log: BackendLog
): Promise<() => void> {
  let timer: NodeJS.Timeout | null = null;
  const attempt = async (first: boolean): Promise<void> => {
    try {
      await writeServerInfo(dataDir, info);
      if (!first) {
        log('wrote server.json');
      }
    } catch (err) {
      if (first) {
        log('could not write server.json; trying again every 5 s:', err);
      }
      timer = setTimeout(() => void attempt(false), SERVER_INFO_RETRY_MS);
      timer.unref();
    }
  };
  await attempt(true);
  return () => {
    if (timer) {
      clearTimeout(timer);
    }
  };
}

/**
 * The file store of one data folder, owned by this process (the data
 * lock): access facts in access.log, the team in users.json.
 */
async function openFileBackend(
  dataDir: string,
  owner: Principal,
  log: BackendLog
): Promise<Backend | AlreadyRunning> {
  await fs.mkdir(dataDir, { recursive: true });
  let lock: DataLock | null = null;
  for (let attempt = 0; attempt < 5 && !lock; attempt++) {
    const taken = await DataLock.acquire(dataDir);
    if (taken instanceof DataLock) {
      lock = taken;
    } else {
      const running = await runningServer(dataDir, taken.heldBy);
      if (running) {
        return running;
      }
    }
  }
  if (!lock) {
    throw new Error(`another server holds ${dataDir} but does not answer`);
  }
  let store: FileStore | null = null;
  try {
    const started = Date.now();
    store = await FileStore.open(dataDir, { warnings: { warn: m => log(m) } });
    log(
      `opened ${dataDir}: ${store.sessionCount} sessions, ` +
        `${store.executionCount} executions in ${Date.now() - started} ms`
    );
    const directory = await UserDirectory.open(dataDir);
    const access = await TeamAccess.open({ dataDir, store, directory, owner });
    const opened = store;
    const heldLock = lock;
    let stopPublishing = () => {};
    let closing: Promise<void> | null = null;
    return {
      kind: 'file',
      store: opened,
      directory,
      access,
      health: storeHealth(opened),
      attach: async () => undefined,
      listening: async url => {
        stopPublishing = await publishServerInfo(
          dataDir,
          { url, pid: process.pid },
          log
        );
      },
      close: () =>
        (closing ??= (async () => {
          stopPublishing();
          try {
            await opened.close();
            await fs.rm(join(dataDir, 'server.json'), { force: true });
          } finally {
            await heldLock.release();
          }
        })())
    };
  } catch (err) {
    await store?.close().catch(() => undefined);
    await lock.release();
    throw err;
  }
}

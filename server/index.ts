#!/usr/bin/env node
/**
 * The server process: options → token → data-folder lock → store →
 * createApp → listen → graceful shutdown. Prints one JSON line on stdout:
 * `{"event":"listening","url":…,"pid":…}` once it listens, or
 * `{"event":"already-running","url":…,"pid":…}` (and exits 0) when a live
 * server already owns the data folder. Logs go to stderr. The `users` and
 * `tokens` commands of the same command line manage the team instead.
 */
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ownerPrincipal } from './access/authenticate';
import { UserDirectory } from './access/directory';
import { TeamAccess } from './access/team';
import { createApp, runtimeOf } from './app';
import { runCli, type ServerOptions } from './cli-options';
import { DataLock } from './data-lock';
import { FileStore } from './store/file-store';
import { resolveToken } from './token';

// fsyncs run on libuv's thread pool (4 threads by default): more threads
// let the blob and log syncs of concurrent requests overlap. Set before the
// pool starts, i.e. before the first asynchronous file operation.
process.env.UV_THREADPOOL_SIZE ??= '16';

const log = (message: string, err?: unknown) => {
  const detail =
    err instanceof Error
      ? ` ${err.stack ?? err.message}`
      : err
        ? ` ${String(err)}`
        : '';
  process.stderr.write(`[trail-server] ${message}${detail}\n`);
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function printLine(event: object): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Waits for the running server's server.json (it may still be starting). */
async function reportRunning(dataDir: string, pid: number): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    try {
      const info = JSON.parse(
        await fs.readFile(join(dataDir, 'server.json'), 'utf8')
      );
      if (info.pid === pid && typeof info.url === 'string') {
        printLine({ event: 'already-running', url: info.url, pid });
        return true;
      }
    } catch {
      // not written yet
    }
    if (!(await DataLock.holderAlive(dataDir))) {
      return false;
    }
    await sleep(100);
  }
  return false;
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
  info: object
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

function listen(server: Server, options: ServerOptions): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

async function main(options: ServerOptions): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const tokenFile = resolve(options.tokenFile ?? join(dataDir, 'token'));
  const { token, created } = await resolveToken(options.token, tokenFile);
  if (created) {
    log(`generated a token into ${tokenFile} (mode 0600)`);
  }
  await fs.mkdir(dataDir, { recursive: true });

  let lock: DataLock | null = null;
  for (let attempt = 0; attempt < 5 && !lock; attempt++) {
    const taken = await DataLock.acquire(dataDir);
    if (taken instanceof DataLock) {
      lock = taken;
    } else if (await reportRunning(dataDir, taken.heldBy)) {
      return 0;
    }
  }
  if (!lock) {
    log(`another server holds ${dataDir} but does not answer`);
    return 1;
  }

  let store: FileStore | null = null;
  let closeApp = () => {};
  let server: Server;
  let port: number;
  try {
    const started = Date.now();
    store = await FileStore.open(dataDir, { warnings: { warn: m => log(m) } });
    log(
      `opened ${dataDir}: ${store.sessionCount} sessions, ` +
        `${store.executionCount} executions in ${Date.now() - started} ms`
    );
    const owner = ownerPrincipal();
    const directory = await UserDirectory.open(dataDir);
    const access = await TeamAccess.open({ dataDir, store, directory, owner });
    const app = createApp({
      store,
      token,
      owner,
      directory,
      access,
      corsOrigins: options.corsOrigins,
      maxBodyBytes: options.maxBodyBytes,
      log: { error: (message, err) => log(message, err) }
    });
    server = createServer(app);
    closeApp = () => runtimeOf(app).close();
    port = await listen(server, options);
  } catch (err) {
    await store?.close();
    await lock.release();
    throw err;
  }
  const openStore = store;
  const heldLock = lock;
  const url = urlOf(options.host, port);
  const stopPublishing = await publishServerInfo(dataDir, {
    url,
    pid: process.pid
  });
  printLine({ event: 'listening', url, pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log(`${signal}: finishing requests in flight, then stopping`);
    // Open change polls are answered now rather than held to their end.
    closeApp();
    stopPublishing();
    const closed = new Promise(r => server.close(r));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    await closed;
    clearTimeout(force);
    await openStore.close();
    await fs.rm(join(dataDir, 'server.json'), { force: true });
    await heldLock.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

runCli(process.argv, main).then(
  code => {
    if (code >= 0) {
      process.exitCode = code;
    }
  },
  err => {
    log('failed to start:', err);
    process.exit(1);
  }
);

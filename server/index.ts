#!/usr/bin/env node
/**
 * The server process: options → token → backend (the file store under its
 * data-folder lock, or PostgreSQL shared with other servers) → createApp →
 * listen → graceful shutdown. Prints one JSON line on stdout:
 * `{"event":"listening","url":…,"pid":…}` once it listens, or
 * `{"event":"already-running","url":…,"pid":…}` (and exits 0) when a live
 * server already owns the data folder. Logs go to stderr, never with a
 * database password. `migrate` applies the database schema; the `users`
 * and `tokens` commands of the same command line manage the team.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ownerPrincipal } from './access/authenticate';
import { createApp, runtimeOf } from './app';
import { backendDeps, openBackend } from './backend';
import { migrateSchema } from './backend-postgres';
import { runCli, type ServerOptions } from './cli-options';
import { DatabaseWaitError, scrubSecret } from './database-wait';
import { resolveToken } from './token';

// fsyncs run on libuv's thread pool (4 threads by default): more threads
// let the blob and log syncs of concurrent requests overlap. Set before the
// pool starts, i.e. before the first asynchronous file operation.
process.env.UV_THREADPOOL_SIZE ??= '16';

/** The database URL, whose password is masked in every log line. */
let databaseUrl = '';

const log = (message: string, err?: unknown) => {
  const detail =
    err instanceof Error
      ? ` ${err.stack ?? err.message}`
      : err
        ? ` ${String(err)}`
        : '';
  const line = `[trail-server] ${message}${detail}`;
  process.stderr.write(
    (databaseUrl ? scrubSecret(line, databaseUrl) : line) + '\n'
  );
};

/** Remembers `url` so that no log line shows its password. */
function maskInLogs(url: string | undefined): void {
  databaseUrl = url ?? '';
}

function printLine(event: object): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
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

/** How long requests in flight get to finish after SIGTERM. */
const DRAIN_MS = 10_000;
/** How long the store, followers and pool get to close after that. */
const CLOSE_MS = 15_000;

async function serve(options: ServerOptions): Promise<number> {
  maskInLogs(options.database);
  const dataDir = resolve(options.dataDir);
  const tokenFile = resolve(options.tokenFile ?? join(dataDir, 'token'));
  const { token, created } = await resolveToken(options.token, tokenFile);
  if (created) {
    log(`generated a token into ${tokenFile} (mode 0600)`);
    if (options.database) {
      log(
        'other servers on this database need the same token: give each ' +
          'TRAIL_TOKEN or a TRAIL_TOKEN_FILE holding it'
      );
    }
  }
  const owner = ownerPrincipal();
  // A start waiting for its database (which may take a minute) stops at
  // once on a signal: nothing was served or acknowledged yet.
  const stopStarting = (signal: string) => {
    log(`${signal} while starting: stopping before listening`);
    process.exit(0);
  };
  const onStartTerm = () => stopStarting('SIGTERM');
  const onStartInt = () => stopStarting('SIGINT');
  if (options.database) {
    process.on('SIGTERM', onStartTerm);
    process.on('SIGINT', onStartInt);
  }
  let opened: Awaited<ReturnType<typeof openBackend>>;
  try {
    opened = await openBackend(options, owner, log);
  } finally {
    process.off('SIGTERM', onStartTerm);
    process.off('SIGINT', onStartInt);
  }
  if (opened.kind === 'already-running') {
    printLine({ event: 'already-running', url: opened.url, pid: opened.pid });
    return 0;
  }
  const backend = opened;

  let closeApp = () => {};
  let server: Server;
  let port: number;
  try {
    const app = createApp({
      ...backendDeps(backend),
      token,
      owner,
      corsOrigins: options.corsOrigins,
      maxBodyBytes: options.maxBodyBytes,
      log: { error: (message, err) => log(message, err) }
    });
    const runtime = runtimeOf(app);
    closeApp = () => runtime.close();
    await backend.attach(runtime);
    server = createServer(app);
    port = await listen(server, options);
  } catch (err) {
    closeApp();
    await backend.close();
    throw err;
  }
  const url = urlOf(options.host, port);
  await backend.listening(url);
  printLine({ event: 'listening', url, pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: the person does not want to wait.
      if (signal === 'SIGINT') {
        log('SIGINT again: exiting without waiting');
        process.exit(1);
      }
      return;
    }
    stopping = true;
    log(`${signal}: finishing requests in flight, then stopping`);
    // Open change polls are answered now rather than held to their end.
    closeApp();
    // A kept-alive connection (a proxy's, a client's) would carry request
    // after request: each one still served is its last (Connection:
    // close), so its client reconnects, to another server behind a proxy.
    server.prependListener('request', (_req, res) => {
      res.shouldKeepAlive = false;
    });
    const closed = new Promise(r => server.close(r));
    // Connections whose request in flight ends go idle: close those too.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    await closed;
    clearInterval(idle);
    clearTimeout(force);
    // A database cut off without a reset can hold a query (and the pool's
    // end) for minutes: the process does not wait for it forever.
    const stuck = setTimeout(() => {
      log(`closing the backend took over ${CLOSE_MS / 1000} s; exiting`);
      process.exit(1);
    }, CLOSE_MS);
    try {
      await backend.close();
    } catch (err) {
      log('closing the backend failed:', err);
      process.exit(1);
    }
    clearTimeout(stuck);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

runCli(process.argv, {
  serve,
  migrate: async options => {
    maskInLogs(options.database);
    const applied = await migrateSchema(
      options.database,
      options.databaseWait,
      log
    );
    process.stdout.write(
      applied.length > 0
        ? applied.map(name => `applied ${name}\n`).join('')
        : 'the schema is up to date\n'
    );
    return 0;
  }
}).then(
  code => {
    if (code >= 0) {
      process.exitCode = code;
    }
  },
  err => {
    if (err instanceof DatabaseWaitError) {
      log(err.message);
    } else {
      log('failed to start:', err);
    }
    process.exit(1);
  }
);

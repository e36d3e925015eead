#!/usr/bin/env node
/**
 * A throwaway PostgreSQL for tests and benchmarks: Debian's server
 * (scripts/setup.sh --tests installs it with apt when missing), a new
 * cluster made by `initdb` in a temporary folder and started by `pg_ctl`
 * on a free loopback port, trust authentication, removed again on stop.
 *
 *     node scripts/postgres-temp.mjs start [--dir D]   prints {"url":…,"dir":…,"pid":…}
 *     node scripts/postgres-temp.mjs stop --dir D
 *
 * As a module: `startPostgres()` resolves with `{ url, dir, stop() }`;
 * `createDatabase(url)` makes an empty database on that cluster and
 * resolves with its URL (one per test file keeps them apart).
 *
 * PostgreSQL refuses to run as root; as root, the cluster belongs to the
 * `postgres` user the Debian package creates, and its commands run through
 * `runuser`.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  chownSync
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The folder of Debian's newest PostgreSQL programs, or null. */
export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter(
        v => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb'))
      )
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) {
      return join(root, versions[0], 'bin');
    }
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8'
    }).trim();
    return existsSync(join(dir, 'initdb')) ? dir : null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const asRoot = () => userInfo().uid === 0;

/**
 * runuser, which lives in /usr/sbin (not on the PATH of a plain user's or
 * a CI job's shell).
 */
export const RUNUSER =
  ['/usr/sbin/runuser', '/sbin/runuser'].find(p => existsSync(p)) ?? 'runuser';

/** Runs a PostgreSQL program as the cluster's owner. */
function pg(bin, program, args) {
  const path = join(bin, program);
  return asRoot()
    ? run(RUNUSER, ['-u', 'postgres', '--', path, ...args])
    : run(path, args);
}

/**
 * Starts a new cluster in `dir` (default: a new temporary folder) and
 * resolves with its superuser URL (user `trail`, database `postgres`).
 */
export async function startPostgres(options = {}) {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed: run scripts/setup.sh --tests (it installs ' +
        "Debian's postgresql package), or apt-get install postgresql"
    );
  }
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trail-pg-'));
  mkdirSync(dir, { recursive: true });
  if (asRoot()) {
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString()),
      0
    );
  }
  const data = join(dir, 'data');
  await pg(bin, 'initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'trail',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
    '--no-instructions'
  ]);
  const port = options.port ?? (await freePort());
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=300',
    '-c shared_buffers=128MB',
    // Durability stays on (fsync, synchronous_commit): the tests kill
    // servers and count what survived.
    ...(options.settings ?? [])
  ].join(' ');
  await pg(bin, 'pg_ctl', [
    '-D',
    data,
    '-o',
    settings,
    '-l',
    join(dir, 'postgres.log'),
    '-w',
    '-t',
    '60',
    'start'
  ]);
  const url = `postgres://trail@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    dir,
    port,
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      await stopPostgres(dir, bin);
    }
  };
}

/** Stops the cluster in `dir` (fast shutdown) and removes the folder. */
export async function stopPostgres(dir, bin = postgresBinDir()) {
  try {
    await pg(bin, 'pg_ctl', [
      '-D',
      join(dir, 'data'),
      '-m',
      'fast',
      '-w',
      'stop'
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let databaseCount = 0;

/**
 * Creates an empty database on the cluster of `adminUrl` and resolves with
 * its URL; `name` defaults to a new unique one.
 */
export async function createDatabase(adminUrl, name) {
  const db =
    name ??
    `trail_${process.pid}_${Date.now().toString(36)}_${databaseCount++}`;
  const url = new URL(adminUrl);
  await run('psql', [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    url.hostname,
    '-p',
    url.port,
    '-U',
    url.username || 'trail',
    '-d',
    'postgres',
    '-c',
    `CREATE DATABASE "${db}"`
  ]);
  url.pathname = `/${db}`;
  return url.toString();
}

async function main(argv) {
  const [command, ...rest] = argv;
  const dirAt = rest.indexOf('--dir');
  const dir = dirAt >= 0 ? rest[dirAt + 1] : undefined;
  if (command === 'start') {
    const pgInfo = await startPostgres({ dir });
    process.stdout.write(
      JSON.stringify({ url: pgInfo.url, dir: pgInfo.dir }) + '\n'
    );
  } else if (command === 'stop' && dir) {
    await stopPostgres(dir);
  } else {
    process.stderr.write(
      'usage: postgres-temp.mjs start [--dir D] | stop --dir D\n'
    );
    process.exitCode = 2;
  }
}

if (
  process.argv[1] &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  main(process.argv.slice(2)).catch(err => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}

/**
 * What the process tests on PostgreSQL share: `trail-server` processes on
 * one database (and a moto bucket), and a PostgreSQL cluster of the test's
 * own that it can stop and start again on the same port and folder (the
 * throwaway cluster of scripts/postgres-temp.mjs removes its folder when
 * stopped, so the outage tests drive pg_ctl themselves).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import type { TrailEvent } from '../../../src/records/schema';
import {
  callApi,
  exitOf,
  startCli,
  type RunningServer,
  type ServerProcess
} from '../support/process';
import { RUNUSER, startPostgres, type TestPostgres } from '../support/postgres';

const run = promisify(execFile);

export const TOKEN = 'pg-process-token-0123456789';

/** Where a server process stores: a database and, optionally, a bucket. */
export interface Place {
  database: string;
  /** `s3://bucket/prefix`. */
  blobs?: string;
  /** AWS variables of the bucket's S3 API. */
  env?: Record<string, string>;
}

/** The arguments that start a server on `place` with the test token. */
export function serverArgs(place: Place, extra: string[] = []): string[] {
  return [
    '--port',
    '0',
    '--token',
    TOKEN,
    '--database',
    place.database,
    ...(place.blobs ? ['--blobs', place.blobs] : []),
    ...extra
  ];
}

/** Wraps a started process as a {@link RunningServer}. */
export function running(server: ServerProcess): RunningServer {
  return {
    ...server,
    call: (...args) => callApi(server, ...args),
    stop: async () => {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  };
}

/** Starts a server on `place` and waits for its listening line. */
export async function startOn(
  place: Place,
  extra: string[] = []
): Promise<RunningServer> {
  const server = await startCli(serverArgs(place, extra), place.env ?? {});
  if (server.line.event !== 'listening') {
    server.child.kill('SIGKILL');
    throw new Error(`the server printed ${JSON.stringify(server.line)}`);
  }
  return running(server);
}

/** POSTs events as the owner; resolves with the answer's body. */
export async function post(
  server: RunningServer,
  events: TrailEvent[]
): Promise<{ accepted: string[]; duplicates: string[] }> {
  const res = await server.call(TOKEN, 'POST', '/events', { events });
  if (res.status !== 200) {
    throw new Error(`POST /events: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as { accepted: string[]; duplicates: string[] };
}

/** GETs `path` as the owner and resolves with status and JSON body. */
export async function get(
  server: RunningServer,
  path: string
): Promise<{ status: number; body: any }> {
  const res = await server.call(TOKEN, 'GET', path);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a blob)
  }
  return { status: res.status, body };
}

/** Polls `check` every 100 ms until it returns true or `ms` pass. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what: string
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter(v => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) {
    return join(root, versions[0], 'bin');
  }
  return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

/**
 * A cluster of the test's own that can go down and come back on the same
 * port with its data (the outage tests).
 */
export class StoppableCluster {
  private constructor(
    private readonly cluster: TestPostgres,
    readonly port: number
  ) {}

  /** The superuser URL of the cluster's `postgres` database. */
  get url(): string {
    return this.cluster.url;
  }

  static async start(): Promise<StoppableCluster> {
    const cluster = await startPostgres();
    return new StoppableCluster(cluster, Number(new URL(cluster.url).port));
  }

  private pgCtl(args: string[]) {
    const program = join(postgresBin(), 'pg_ctl');
    return userInfo().uid === 0
      ? run(RUNUSER, ['-u', 'postgres', '--', program, ...args])
      : run(program, args);
  }

  /** Stops PostgreSQL (fast shutdown: sessions are cut), keeping its data. */
  async down(): Promise<void> {
    await this.pgCtl([
      '-D',
      join(this.cluster.dir, 'data'),
      '-m',
      'fast',
      '-w',
      'stop'
    ]);
  }

  /** Starts it again on the same port. */
  async up(): Promise<void> {
    const settings = [
      `-p ${this.port}`,
      `-k ${this.cluster.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=300'
    ].join(' ');
    await this.pgCtl([
      '-D',
      join(this.cluster.dir, 'data'),
      '-o',
      settings,
      '-l',
      join(this.cluster.dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      'start'
    ]);
  }

  /** Stops it for good and removes its folder. */
  async remove(): Promise<void> {
    await this.up().catch(() => undefined);
    await this.cluster.stop();
  }
}

/**
 * The throwaway PostgreSQL cluster and S3 API server (moto) of the tests,
 * from TypeScript. scripts/postgres-temp.mjs and scripts/s3-temp.mjs are ES
 * modules, which ts-jest's CommonJS output cannot import (and jest's VM has
 * no dynamic import without an experimental flag), so their servers are
 * started by running the scripts as programs and reading the JSON line they
 * print; databases and buckets are made with the clients the server uses
 * (pg, the AWS SDK).
 *
 * {@link testDatabase} (empty), {@link testMigratedDatabase} (the schema
 * applied, copied from a template) and {@link testBucket} are what test
 * files call: on
 * the cluster and moto server that jest's global setup started for the
 * `server-postgres` project (tests/setup/postgres-global-setup.mjs, which
 * names them in TRAIL_TEST_POSTGRES_URL and TRAIL_TEST_S3_ENDPOINT), or, in
 * a run without it, on ones this file starts on first use and stops after
 * the test file (see {@link stopStarted}).
 */
import {
  execFile,
  spawn,
  type ChildProcessWithoutNullStreams
} from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { openDatabase } from '../../../server/store/postgres/database';
import { MIGRATIONS } from '../../../server/store/postgres/migrations';

const run = promisify(execFile);

const SCRIPTS = join(__dirname, '..', '..', '..', 'scripts');

/**
 * runuser, to run PostgreSQL's programs as its owner when the tests run as
 * root; it lives in /usr/sbin, which a CI job's PATH may lack.
 */
export const RUNUSER =
  ['/usr/sbin/runuser', '/sbin/runuser'].find(p => existsSync(p)) ?? 'runuser';

/** A running throwaway PostgreSQL cluster. */
export interface TestPostgres {
  /** Superuser URL of the cluster's `postgres` database. */
  url: string;
  /** Its folder (data, socket, log), removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** A running throwaway S3 API server. */
export interface TestS3 {
  endpoint: string;
  /** The AWS variables a client of it needs (endpoint, region, keys). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts a PostgreSQL cluster on a free port (scripts/postgres-temp.mjs). */
export async function startPostgres(): Promise<TestPostgres> {
  const script = join(SCRIPTS, 'postgres-temp.mjs');
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [script, 'start']));
  } catch (err: any) {
    throw new Error(
      `could not start a test PostgreSQL: ${err.stderr || err.message}`
    );
  }
  const { url, dir } = JSON.parse(stdout.trim().split('\n').pop()!);
  let stopped: Promise<void> | null = null;
  return {
    url,
    dir,
    stop: () =>
      (stopped ??= run(process.execPath, [script, 'stop', '--dir', dir]).then(
        () => undefined
      ))
  };
}

/** The AWS variables of the moto server at `endpoint`. */
export function s3EnvOf(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'trail-test',
    AWS_SECRET_ACCESS_KEY: 'trail-test-secret'
  };
}

/** Starts moto's S3 server on a free port (scripts/s3-temp.mjs). */
export async function startS3(): Promise<TestS3> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [join(SCRIPTS, 's3-temp.mjs')],
    { stdio: ['pipe', 'pipe', 'pipe'] }
  );
  let stderr = '';
  child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`could not start the test S3 server (${code}): ${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [
    string
  ];
  exited.catch(() => undefined);
  lines.close();
  const { endpoint } = JSON.parse(line);
  let stopped: Promise<void> | null = null;
  return {
    endpoint,
    env: s3EnvOf(endpoint),
    stop: () =>
      (stopped ??= new Promise<void>(resolve => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }))
  };
}

let databaseCount = 0;

/**
 * Creates a database on the cluster of `adminUrl` and resolves with its
 * URL (a new unique name unless `name` is given): empty, or a copy of
 * database `template`.
 */
export async function createDatabase(
  adminUrl: string,
  name?: string,
  template?: string
): Promise<string> {
  const db =
    name ??
    `trail_${process.pid}_${Date.now().toString(36)}_${databaseCount++}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE "${db}"` + (template ? ` TEMPLATE "${template}"` : '')
    );
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

let bucketCount = 0;

/**
 * Creates an empty bucket on the S3 server of `env` and resolves with its
 * name (a new unique one unless `name` is given).
 */
export async function createBucket(
  env: Record<string, string>,
  name?: string
): Promise<string> {
  const bucket =
    name ?? `trail-${process.pid}-${Date.now().toString(36)}-${bucketCount++}`;
  const client = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY
    }
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

/** What this file started itself (no shared ones from the global setup). */
let ownPostgres: Promise<TestPostgres> | null = null;
let ownS3: Promise<TestS3> | null = null;

/** The admin URL of the shared cluster, or of one started for this file. */
async function clusterUrl(): Promise<string> {
  const shared = process.env.TRAIL_TEST_POSTGRES_URL;
  if (shared) {
    return shared;
  }
  ownPostgres ??= startPostgres();
  return (await ownPostgres).url;
}

/** The AWS variables of the shared moto server, or of one started here. */
export async function testS3Env(): Promise<Record<string, string>> {
  const shared = process.env.TRAIL_TEST_S3_ENDPOINT;
  if (shared) {
    return s3EnvOf(shared);
  }
  ownS3 ??= startS3();
  return (await ownS3).env;
}

/** A new empty database for one app or test file; resolves with its URL. */
export async function testDatabase(): Promise<string> {
  return createDatabase(await clusterUrl());
}

/**
 * A new database with the schema as the migrations now make it: a copy
 * (CREATE DATABASE … TEMPLATE, a file copy of a few MB) of a template
 * migrated once per cluster and schema. Opening a backend on it still runs
 * the migrations, which find every one applied. Saves the migrations' run
 * on every database of the API suite and the store contract (hundreds).
 */
export async function testMigratedDatabase(): Promise<string> {
  const admin = await clusterUrl();
  return createDatabase(admin, undefined, await migratedTemplate(admin));
}

/**
 * The name of the migrated template database on the cluster of `admin`,
 * named by a hash of the migrations' SQL (a changed migration makes a
 * new one). Made under an advisory lock, so workers starting together make
 * it once, migrated under a temporary name and renamed when done, so a
 * template that exists is complete.
 */
async function migratedTemplate(admin: string): Promise<string> {
  const hash = createHash('sha256');
  for (const m of MIGRATIONS) {
    hash.update(m.name).update('\0').update(m.up).update('\0');
  }
  const name = `trail_template_${hash.digest('hex').slice(0, 16)}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const found = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [name]
    );
    if (found.rowCount === 0) {
      const building = `${name}_${process.pid}`;
      await client.query(`DROP DATABASE IF EXISTS "${building}"`);
      const url = await createDatabase(admin, building);
      const db = openDatabase(url, { log: { warn: () => undefined } });
      try {
        await db.migrate();
      } finally {
        await db.close();
      }
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
    return name;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [name])
      .catch(() => undefined);
    await client.end();
  }
}

/** A new empty bucket: its `s3://` URL (with a prefix) and AWS variables. */
export async function testBucket(
  prefix = 'trail'
): Promise<{ url: string; bucket: string; env: Record<string, string> }> {
  const env = await testS3Env();
  const bucket = await createBucket(env);
  return { url: `s3://${bucket}/${prefix}`, bucket, env };
}

/**
 * Stops the cluster and S3 server this file started itself, if any (the
 * shared ones are the global teardown's). Backend selection registers it
 * with afterAll.
 */
export async function stopStarted(): Promise<void> {
  const pending = [ownPostgres, ownS3];
  ownPostgres = null;
  ownS3 = null;
  await Promise.all(
    pending.map(async started => {
      if (started) {
        await (await started.catch(() => null))?.stop();
      }
    })
  );
}

/**
 * The PostgreSQL backend of the server process: records, people, access
 * facts and the cursor key in one database that any number of servers
 * share (so no data lock), blobs in it or in an S3 bucket. Each server
 * keeps memory mirrors (access facts, the team, the change feed) that it
 * brings up to date with what the others stored before every request
 * (`catchUp`), and a follower that hands other servers' batches to the
 * same followers a local ingest feeds.
 *
 * A database that is down at start is waited for (database-wait.ts); the
 * schema is migrated at every start (idempotent, under an advisory lock,
 * so servers starting together do not race).
 */
import type { Principal } from './access/directory';
import { TeamAccess } from './access/team';
import type { AppRuntime, BackendHealth } from './app';
import type { Backend, BackendLog } from './backend';
import {
  DATABASE_RETRY_MS,
  describeDatabase,
  waitForDatabase
} from './database-wait';
import { isUnavailable, openDatabase } from './store/postgres/database';
import { PgDirectory } from './store/postgres/pg-directory';
import { PgFollower } from './store/postgres/pg-follower';
import { PgOwnership } from './store/postgres/pg-ownership';
import { PgSearch } from './store/postgres/pg-search';
import { cursorKey } from './store/postgres/pg-secrets';
import { PgStore } from './store/postgres/pg-store';
import { S3BlobStore } from './store/s3-blobs';

/**
 * Applies the schema migrations the database lacks (after waiting for it
 * like a start does) and resolves with their names.
 */
export async function migrateSchema(
  url: string,
  waitSeconds: number,
  log: BackendLog
): Promise<string[]> {
  await waitForDatabase(url, waitSeconds, m => log(m));
  const db = openDatabase(url, { log: { warn: m => log(m) } });
  try {
    return await db.migrate();
  } finally {
    await db.close();
  }
}

/** Where the PostgreSQL backend's parts are. */
export interface PostgresBackendOptions {
  /** The PostgreSQL URL. */
  database: string;
  /** `s3://bucket/prefix`, or absent: blobs in the database. */
  blobs?: string;
  /** How long to wait for a database that does not answer, in s. */
  waitSeconds: number;
}

/** A part's health: ok, or the error code it gave (never an address). */
async function partHealth(
  check: () => Promise<{ ok: boolean; error?: string }>
): Promise<{ ok: boolean; error?: string }> {
  try {
    const { ok, error } = await check();
    return error ? { ok, error } : { ok };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, error: typeof code === 'string' ? code : 'unknown' };
  }
}

/**
 * Opens the PostgreSQL backend; see the module comment. Waits for the
 * database (up to `waitSeconds`), migrates the schema, reads the access
 * facts and the team into memory, and follows other servers' writes from
 * `attach` on. A database that stops answering while this happens (a
 * restart, a failover) is waited for again within the same budget.
 */
export async function openPostgresBackend(
  options: PostgresBackendOptions,
  owner: Principal,
  log: BackendLog
): Promise<Backend> {
  // A wrong bucket URL is a configuration error: said before any wait.
  const s3 = options.blobs ? S3BlobStore.fromUrl(options.blobs) : null;
  const deadline = Date.now() + options.waitSeconds * 1000;
  try {
    for (;;) {
      const waitSeconds = Math.max(
        0,
        Math.floor((deadline - Date.now()) / 1000)
      );
      try {
        return await openOnce(options, s3, waitSeconds, owner, log);
      } catch (err) {
        if (!isUnavailable(err) || Date.now() + DATABASE_RETRY_MS > deadline) {
          throw err;
        }
        log(
          `PostgreSQL at ${describeDatabase(options.database)} stopped ` +
            `answering while the server started (${reasonOf(err)}); waiting again`
        );
        await new Promise(r => setTimeout(r, DATABASE_RETRY_MS));
      }
    }
  } catch (err) {
    await s3?.close().catch(() => undefined);
    throw err;
  }
}

/** The code of a connection failure, for a log line (no address). */
function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code !== 'database_unavailable') {
    return code;
  }
  const message = (err as { message?: unknown }).message;
  return (
    (typeof message === 'string' &&
      /unavailable \((.+?)\)/.exec(message)?.[1]) ||
    'database_unavailable'
  );
}

/** One attempt at {@link openPostgresBackend}; closes what it opened on failure. */
async function openOnce(
  options: PostgresBackendOptions,
  s3: S3BlobStore | null,
  waitSeconds: number,
  owner: Principal,
  log: BackendLog
): Promise<Backend> {
  const closers: (() => Promise<void>)[] = [
    async () => {
      await s3?.close();
    }
  ];
  /** Closes what was opened, the last opened first. */
  const closeAll = async (): Promise<void> => {
    let failure: unknown = null;
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) {
      throw failure;
    }
  };
  /** What a failed attempt closes: all but the bucket's client. */
  const closeAttempt = async (): Promise<void> => {
    closers.shift();
    await closeAll().catch(() => undefined);
  };
  const url = options.database;
  try {
    await waitForDatabase(url, waitSeconds, m => log(m), {
      configuredSeconds: options.waitSeconds
    });
    const db = openDatabase(url, {
      log: { warn: m => log(m) }
    });
    closers.push(() => db.close());
    const started = Date.now();
    const applied = await db.migrate();
    if (applied.length > 0) {
      log(`applied schema migrations: ${applied.join(', ')}`);
    }
    const store = await PgStore.open(db, {
      blobs: s3 ?? undefined,
      log: { warn: m => log(m) }
    });
    closers.push(() => store.close());
    const directory = await PgDirectory.open(db);
    closers.push(() => directory.close());
    const ownership = await PgOwnership.open(db, {
      log: { warn: m => log(m) }
    });
    // Closed before the database: its writes and reads under way end first.
    closers.push(() => ownership.close());
    const access = TeamAccess.create({ store, ownership, directory, owner });
    await access.ready;
    const key = await cursorKey(db);
    const search = new PgSearch(db, access, key);
    const follower = await PgFollower.open(db, {
      access,
      facts: ownership,
      log
    });
    closers.push(() => follower.close());
    log(
      `opened PostgreSQL at ${describeDatabase(url)} ` +
        `(blobs in ${s3 ? 'S3' : 'the database'}) in ${Date.now() - started} ms`
    );

    const health = async (): Promise<BackendHealth> => {
      const [database, bucket] = await Promise.all([
        partHealth(() => db.health()),
        s3 ? partHealth(() => s3.health()) : null
      ]);
      const blobs = bucket
        ? { kind: 's3', ...bucket }
        : { kind: 'database', ...database };
      return {
        status: database.ok && blobs.ok ? 'ok' : 'degraded',
        database,
        blobs
      };
    };
    let closing: Promise<void> | null = null;
    return {
      kind: 'postgres',
      store,
      directory,
      access,
      cursorKey: key,
      search,
      // The follower reads the access facts before the events it hands on.
      catchUp: async () => {
        await Promise.all([directory.catchUp(), follower.catchUp()]);
      },
      health,
      attach: async (app: AppRuntime) => {
        follower.attach(app);
      },
      listening: async () => undefined,
      close: () => (closing ??= closeAll())
    };
  } catch (err) {
    await closeAttempt();
    throw err;
  }
}

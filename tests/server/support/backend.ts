/**
 * Which backend the server tests run on: the file store (the default) or,
 * with TRAIL_TEST_BACKEND=postgres (the `server-postgres` jest project sets
 * it), PostgreSQL with blobs in S3, so the same API tests check both.
 *
 * Every test server has a place: a temp folder (the file store's data, and
 * what the tests pass around to reopen a server) and, on PostgreSQL, a new
 * database (the schema applied: a copy of a migrated template) and bucket
 * of its own, made the first time the folder is used
 * and found again by the folder afterwards, so "reopen" means close and
 * open again on the same database and bucket. In-process apps open the
 * backend as the server process does (server/backend.ts's openBackend);
 * server processes get `--database` and `--blobs`.
 */
import type {
  Principal,
  Role,
  UserRecord
} from '../../../server/access/directory';
import type { TeamDirectory } from '../../../server/access/team-directory';
import type { Backend } from '../../../server/backend';
import type { ServerOptions } from '../../../server/cli-options';

/**
 * The PostgreSQL and S3 helpers, loaded only on that backend: they bring
 * pg and the AWS SDK, whose browser build a frontend (jsdom) test that
 * starts a file-store server process must not load.
 */
const postgres = () => import('./postgres');

/** The backends the server tests know. */
export type TestBackendKind = 'file' | 'postgres';

/** The backend of this run (TRAIL_TEST_BACKEND). */
export const TEST_BACKEND: TestBackendKind = (() => {
  const value = process.env.TRAIL_TEST_BACKEND ?? 'file';
  if (value !== 'file' && value !== 'postgres') {
    throw new Error(
      `TRAIL_TEST_BACKEND must be file or postgres, not ${JSON.stringify(value)}`
    );
  }
  return value;
})();

/** True when the tests run on PostgreSQL and S3. */
export const onPostgres = TEST_BACKEND === 'postgres';

if (onPostgres) {
  // Servers this test file started itself (a run outside the
  // server-postgres project, without the shared ones) stop after it.
  afterAll(async () => (await postgres()).stopStarted());
}

/** Where one test server keeps its data. */
export interface TestPlace {
  /** The data folder (the file store's; on PostgreSQL, only the key). */
  dir: string;
  /** PostgreSQL: the database's URL. */
  database?: string;
  /** PostgreSQL: the blob location, `s3://bucket/prefix`. */
  blobs?: string;
  /** PostgreSQL: the bucket's name. */
  bucket?: string;
  /** The variables a server process of this place needs (AWS ones). */
  env: Record<string, string>;
}

const places = new Map<string, Promise<TestPlace>>();

/**
 * The place of data folder `dir`: on PostgreSQL a new database and bucket
 * the first time, the same ones on every later call.
 */
export function placeOf(dir: string): Promise<TestPlace> {
  let place = places.get(dir);
  if (!place) {
    place = onPostgres
      ? (async () => {
          const { testBucket, testMigratedDatabase } = await postgres();
          const [database, bucket] = await Promise.all([
            testMigratedDatabase(),
            testBucket()
          ]);
          // In-process S3 clients read the AWS variables of this process.
          Object.assign(process.env, bucket.env);
          return {
            dir,
            database,
            blobs: bucket.url,
            bucket: bucket.bucket,
            env: bucket.env
          };
        })()
      : Promise.resolve({ dir, env: {} });
    places.set(dir, place);
    place.catch(() => places.delete(dir));
  }
  return place;
}

/** The command-line arguments that put a server process at `place`. */
export function placeArgs(place: TestPlace): string[] {
  return [
    '--data',
    place.dir,
    ...(place.database ? ['--database', place.database] : []),
    ...(place.blobs ? ['--blobs', place.blobs] : [])
  ];
}

/**
 * Opens the PostgreSQL backend of `place` as the server process does
 * (openBackend with --database and --blobs).
 */
export async function openPlaceBackend(
  place: TestPlace,
  owner: Principal
): Promise<Backend> {
  if (!place.database) {
    throw new Error(
      `${place.dir} has no database: the file backend is opened directly`
    );
  }
  const { openBackend } = await import('../../../server/backend');
  const options: ServerOptions = {
    host: '127.0.0.1',
    port: 0,
    dataDir: place.dir,
    corsOrigins: [],
    maxBodyBytes: 16 * 1024 * 1024,
    database: place.database,
    blobs: place.blobs,
    databaseWait: 0
  };
  const opened = await openBackend(options, owner, () => undefined);
  if (opened.kind === 'already-running') {
    throw new Error(
      `openBackend answered already-running for ${place.database}`
    );
  }
  return opened;
}

/** A team directory that the tests also fill (users, tokens). */
export interface WritableDirectory extends TeamDirectory {
  addUser(
    name: string,
    options?: { role?: Role; displayName?: string }
  ): Promise<UserRecord>;
  issueToken(name: string): Promise<{ token: string }>;
  revokeTokens(which: string): Promise<unknown>;
}

/** The backend's directory with the writes the tests need, or an error. */
export function writableDirectory(backend: Backend): WritableDirectory {
  const directory = backend.directory as Partial<WritableDirectory> | null;
  for (const method of ['addUser', 'issueToken', 'revokeTokens'] as const) {
    if (typeof directory?.[method] !== 'function') {
      throw new Error(
        `the ${backend.kind} backend's directory has no ${method}(): the tests add people through it`
      );
    }
  }
  return directory as WritableDirectory;
}

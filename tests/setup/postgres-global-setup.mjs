/**
 * Global setup of the `server-postgres` jest project: one PostgreSQL
 * cluster and one moto S3 server for the whole run (each test file then
 * makes its own database and bucket on them: tests/server/support/
 * postgres.ts), named to the test workers in TRAIL_TEST_POSTGRES_URL and
 * TRAIL_TEST_S3_ENDPOINT (workers start after this and inherit the
 * environment). One cluster instead of one per file saves ~0.6 s of initdb
 * and a process per file; postgres-global-teardown.mjs stops both.
 */
import { startPostgres } from '../../scripts/postgres-temp.mjs';
import { startS3 } from '../../scripts/s3-temp.mjs';

export default async function postgresGlobalSetup() {
  const [postgres, s3] = await Promise.allSettled([startPostgres(), startS3()]);
  if (postgres.status === 'rejected' || s3.status === 'rejected') {
    await Promise.all(
      [postgres, s3].map(s =>
        s.status === 'fulfilled' ? s.value.stop() : null
      )
    );
    throw postgres.status === 'rejected' ? postgres.reason : s3.reason;
  }
  globalThis.__trailTestServers = [postgres.value, s3.value];
  process.env.TRAIL_TEST_POSTGRES_URL = postgres.value.url;
  process.env.TRAIL_TEST_S3_ENDPOINT = s3.value.endpoint;
}

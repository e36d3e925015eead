/**
 * Setup file of the `server-postgres` jest project: the test harness
 * (tests/server/support/backend.ts) builds every app and server process
 * over PostgreSQL with blobs in S3 instead of a FileStore.
 */
process.env.TRAIL_TEST_BACKEND = 'postgres';

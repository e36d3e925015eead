/**
 * Global teardown of the `server-postgres` jest project: stops the
 * PostgreSQL cluster (its folder removed) and the moto server that
 * postgres-global-setup.mjs started.
 */
export default async function postgresGlobalTeardown() {
  const servers = globalThis.__trailTestServers ?? [];
  globalThis.__trailTestServers = [];
  await Promise.all(servers.map(server => server.stop()));
  delete process.env.TRAIL_TEST_POSTGRES_URL;
  delete process.env.TRAIL_TEST_S3_ENDPOINT;
}

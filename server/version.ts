/**
 * What the server tells clients about itself (GET /api/v1/version).
 *
 * Trail has one version, package.json's: the extension, the Python package
 * (pyproject.toml reads it from there) and this server. The esbuild bundle
 * embeds it (scripts/bundle-server.mjs defines TRAIL_PACKAGE_VERSION), so
 * the single-file server needs no package.json; compiled or run from source,
 * the server reads the repository's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

declare const TRAIL_PACKAGE_VERSION: string | undefined;

/** The name in package.json that marks the repository's own manifest. */
const PACKAGE_NAME = 'jupyterlab-trail';

/**
 * The version in the package.json of Trail found above `start` (server/ or
 * server/dist/): a package.json of another name is passed over.
 */
export function findPackageVersion(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (
        manifest.name === PACKAGE_NAME &&
        typeof manifest.version === 'string'
      ) {
        return manifest.version;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  throw new Error(
    `the package.json of ${PACKAGE_NAME} was not found above ${start}`
  );
}

/** What GET /api/v1/version answers; the version is package.json's. */
export const SERVER_INFO = {
  name: 'trail-server',
  version:
    typeof TRAIL_PACKAGE_VERSION !== 'undefined'
      ? TRAIL_PACKAGE_VERSION
      : findPackageVersion(__dirname),
  apiVersion: 1
} as const;

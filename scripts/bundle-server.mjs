#!/usr/bin/env node
/**
 * Bundles the Trail server into one CommonJS file,
 * jupyterlab_trail/server/trail-server.cjs, that the Jupyter server
 * extension runs with plain `node`: no node_modules, no schema folder.
 * Dependencies (express, ajv, lowdb, …) are bundled; the record and API
 * schemas are embedded through the TRAIL_EMBEDDED_SCHEMAS and
 * TRAIL_EMBEDDED_API_SCHEMAS constants (see server/schemas.ts),
 * and package.json's version through TRAIL_PACKAGE_VERSION (server/version.ts).
 * `pg-native` stays out: pg loads that optional libpq binding only when
 * asked for `pg.native`, which the server never does, and a native addon
 * cannot live in one JavaScript file anyway.
 */
import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schema', 'records');
// `--outfile FILE` bundles elsewhere (a test of the bundle, beside the real one).
const outAt = process.argv.indexOf('--outfile');
const outfile =
  outAt > 0
    ? process.argv[outAt + 1]
    : join(root, 'jupyterlab_trail', 'server', 'trail-server.cjs');
const { version } = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8')
);

/** Every `*.schema.json` of a folder, keyed by file name. */
function readSchemas(dir) {
  const schemas = {};
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.schema.json')) {
      schemas[file] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    }
  }
  return schemas;
}
const schemas = readSchemas(schemaDir);
const apiSchemas = readSchemas(join(root, 'schema', 'api'));

const result = await build({
  entryPoints: [join(root, 'server', 'index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  external: ['pg-native'],
  define: {
    TRAIL_EMBEDDED_SCHEMAS: JSON.stringify(schemas),
    TRAIL_EMBEDDED_API_SCHEMAS: JSON.stringify(apiSchemas),
    TRAIL_PACKAGE_VERSION: JSON.stringify(version)
  }
});

const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(
  `bundled ${outfile} (${(bytes / 1024).toFixed(0)} KiB, ${Object.keys(schemas).length + Object.keys(apiSchemas).length} schemas embedded)`
);

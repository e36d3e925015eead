#!/usr/bin/env node
/**
 * Bundles the Trail server into one CommonJS file,
 * jupyterlab_trail/server/trail-server.cjs, that the Jupyter server
 * extension runs with plain `node`: no node_modules, no schema folder.
 * Dependencies (express, ajv, lowdb, …) are bundled; the record schemas are
 * embedded through the TRAIL_EMBEDDED_SCHEMAS constant (see server/schemas.ts),
 * and package.json's version through TRAIL_PACKAGE_VERSION (server/version.ts).
 */
import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schema', 'records');
const outfile = join(root, 'jupyterlab_trail', 'server', 'trail-server.cjs');
const { version } = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8')
);

const schemas = {};
for (const file of readdirSync(schemaDir).sort()) {
  if (file.endsWith('.schema.json')) {
    schemas[file] = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
  }
}

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
  define: {
    TRAIL_EMBEDDED_SCHEMAS: JSON.stringify(schemas),
    TRAIL_PACKAGE_VERSION: JSON.stringify(version)
  }
});

const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(
  `bundled ${outfile} (${(bytes / 1024).toFixed(0)} KiB, ${Object.keys(schemas).length} schemas embedded)`
);

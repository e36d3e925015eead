#!/usr/bin/env node
/**
 * Generates src/records/schema.d.ts from the JSON Schemas in schema/records,
 * and src/client/api-schema.d.ts from those in schema/api (the API's
 * envelopes: pages, health, version, ...; they `$ref` the record schemas),
 * and the records' limits as constants: src/records/limits.ts for the
 * TypeScript code, jupyterlab_trail/kernel/limits.py for the kernel helper
 * (see record-limits.mjs).
 * The schemas are the single source of truth: the server validates with
 * them, the client checks responses with them, and TypeScript uses these
 * generated types. `--check` fails when the committed types are stale.
 */
import { compile } from 'json-schema-to-typescript';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  limitsPython,
  limitsTypeScript,
  readRecordLimits
} from './record-limits.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schema', 'records');
const outFile = join(root, 'src', 'records', 'schema.d.ts');
const check = process.argv.includes('--check');

const files = readdirSync(schemaDir)
  .filter(f => f.endsWith('.schema.json'))
  .sort();

const header =
  '/* eslint-disable */\n/**\n * Generated from schema/records by scripts/build-schema-types.mjs.\n * Do not edit by hand: change the schema and run `jlpm build:schema`.\n */\n';

const seen = new Set();
let body = '';
for (const file of files) {
  const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
  const ts = await compile(schema, schema.title, {
    bannerComment: '',
    cwd: schemaDir,
    declareExternallyReferenced: true,
    additionalProperties: true,
    strictIndexSignatures: false,
    format: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, trailingComma: 'none' }
  });
  // Several schemas reference the same definitions; keep the first of each.
  const blocks = ts.split(/\n(?=export )/);
  for (const block of blocks) {
    const m = block.match(/^export (?:interface|type) (\w+)/m);
    if (m) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
    }
    body += block.trim() + '\n\n';
  }
}
const out = header + '\n' + body.trim() + '\n';

// The API envelopes: record types they reference are imported from the
// records' file, not declared a second time.
const apiDir = join(root, 'schema', 'api');
const apiOutFile = join(root, 'src', 'client', 'api-schema.d.ts');
const apiFiles = readdirSync(apiDir)
  .filter(f => f.endsWith('.schema.json'))
  .sort();
const apiSeen = new Set();
let apiBody = '';
for (const file of apiFiles) {
  const schema = JSON.parse(readFileSync(join(apiDir, file), 'utf8'));
  const ts = await compile(schema, schema.title, {
    bannerComment: '',
    cwd: apiDir,
    declareExternallyReferenced: true,
    additionalProperties: true,
    strictIndexSignatures: false,
    format: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, trailingComma: 'none' }
  });
  // Split before each top-level declaration, its doc comment included, so
  // a declaration dropped here takes its comment with it.
  for (const block of ts.split(
    /(?<!\*\/)\n(?=(?:\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n)?export )/
  )) {
    const m = block.match(/^export (?:interface|type) (\w+)/m);
    if (m) {
      if (seen.has(m[1]) || apiSeen.has(m[1])) continue;
      apiSeen.add(m[1]);
    }
    apiBody += block.trim() + '\n\n';
  }
}
const apiCode = apiBody.replace(/\/\*\*[\s\S]*?\*\//g, '');
const imported = [...seen]
  .filter(name => new RegExp(`\\b${name}\\b`).test(apiCode))
  .sort();
const apiOut =
  '/* eslint-disable */\n/**\n * Generated from schema/api by scripts/build-schema-types.mjs.\n * Do not edit by hand: change the schema and run `jlpm build:schema`.\n */\n' +
  `import type {\n${imported.map(n => `  ${n}`).join(',\n')}\n} from '../records/schema';\n\n` +
  apiBody.trim() +
  '\n';

const limits = readRecordLimits(schemaDir);

const outputs = [
  [outFile, out, files.length],
  [apiOutFile, apiOut, apiFiles.length],
  [
    join(root, 'src', 'records', 'limits.ts'),
    limitsTypeScript(limits),
    files.length
  ],
  [
    join(root, 'jupyterlab_trail', 'kernel', 'limits.py'),
    limitsPython(limits),
    files.length
  ]
];
if (check) {
  let stale = false;
  for (const [file, text] of outputs) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(
        `${file.slice(root.length + 1)} is stale: run \`jlpm build:schema\` and commit it.`
      );
      stale = true;
    }
  }
  if (stale) {
    process.exit(1);
  }
  console.log('schema types are up to date');
} else {
  for (const [file, text, count] of outputs) {
    // Rewritten only when it changed: scripts/setup.sh rebuilds when a
    // source is newer than its last build, and these files live among them.
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      writeFileSync(file, text);
      console.log(`wrote ${file} from ${count} schemas`);
    }
  }
}

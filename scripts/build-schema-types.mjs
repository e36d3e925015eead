#!/usr/bin/env node
/**
 * Generates src/records/schema.d.ts from the JSON Schemas in schema/records.
 * The schemas are the single source of truth: the server validates with
 * them, the client checks responses with them, and TypeScript uses these
 * generated types. `--check` fails when the committed types are stale.
 */
import { compile } from 'json-schema-to-typescript';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

if (check) {
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (current !== out) {
    console.error(
      'src/records/schema.d.ts is stale: run `jlpm build:schema` and commit it.'
    );
    process.exit(1);
  }
  console.log('schema types are up to date');
} else {
  writeFileSync(outFile, out);
  console.log(`wrote ${outFile} from ${files.length} schemas`);
}

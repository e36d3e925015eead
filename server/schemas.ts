/**
 * The record schemas (schema/records) and the API's envelope schemas
 * (schema/api), loaded once at startup.
 *
 * The esbuild bundle embeds them (scripts/bundle-server.mjs defines
 * TRAIL_EMBEDDED_SCHEMAS and TRAIL_EMBEDDED_API_SCHEMAS), so the single-file server needs no schema folder.
 * Compiled or run from source, the server reads them from the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A JSON Schema document as parsed from its file. */
export type JsonSchemaDocument = Record<string, unknown> & { $id: string };

declare const TRAIL_EMBEDDED_SCHEMAS:
  Record<string, JsonSchemaDocument> | undefined;
declare const TRAIL_EMBEDDED_API_SCHEMAS:
  Record<string, JsonSchemaDocument> | undefined;

const MARKER = join('schema', 'records', 'batch.schema.json');

/** Finds schema/records above `start` (server/ or server/dist/). */
export function findSchemaDir(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, MARKER))) {
      return join(dir, 'schema', 'records');
    }
    const parent = dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  throw new Error(`schema/records was not found above ${start}`);
}

/** Reads every `*.schema.json` file of a folder, keyed by file name. */
export function readSchemaDir(dir: string): Record<string, JsonSchemaDocument> {
  const schemas: Record<string, JsonSchemaDocument> = {};
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.schema.json')) {
      schemas[file] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    }
  }
  return schemas;
}

/** The record schemas keyed by file name (e.g. `batch.schema.json`). */
export function loadRecordSchemas(): Record<string, JsonSchemaDocument> {
  if (typeof TRAIL_EMBEDDED_SCHEMAS !== 'undefined') {
    return TRAIL_EMBEDDED_SCHEMAS;
  }
  return readSchemaDir(findSchemaDir(__dirname));
}

/**
 * The schemas of the API's envelopes (schema/api: pages, health, version,
 * error body, ...) keyed by file name; they `$ref` the record schemas.
 */
export function loadApiSchemas(): Record<string, JsonSchemaDocument> {
  if (typeof TRAIL_EMBEDDED_API_SCHEMAS !== 'undefined') {
    return TRAIL_EMBEDDED_API_SCHEMAS;
  }
  return readSchemaDir(join(dirname(findSchemaDir(__dirname)), 'api'));
}

/** The pattern of client-made ids (session.schema.json#/definitions/id). */
export function recordIdPattern(
  schemas: Record<string, JsonSchemaDocument>
): RegExp {
  const definitions = schemas['session.schema.json']?.definitions as
    Record<string, { pattern?: string }> | undefined;
  const pattern = definitions?.id?.pattern;
  if (typeof pattern !== 'string') {
    throw new Error('session.schema.json defines no id pattern');
  }
  return new RegExp(pattern);
}

/**
 * Validates recorded events against the record schemas, as the server will.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const schemaDir = join(__dirname, '..', '..', '..', 'schema', 'records');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
for (const file of readdirSync(schemaDir)) {
  if (file.endsWith('.schema.json')) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')));
  }
}
const validateBatch = ajv.getSchema(
  'https://trail.dev/schema/records/batch.schema.json'
)!;

/**
 * The schema errors of a batch of events (empty when valid). The events go
 * through JSON first, as they would on the wire.
 */
export function batchErrors(events: unknown[]): string[] {
  const batch = JSON.parse(JSON.stringify({ events }));
  if (validateBatch(batch)) {
    return [];
  }
  return (validateBatch.errors ?? []).map(
    error => `${error.instancePath} ${error.message}`
  );
}

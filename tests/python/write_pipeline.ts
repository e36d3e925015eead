/**
 * For test_verify_handler.py: writes a pipeline folder with the real writer
 * (buildPipeline): `node <bundle> <folder>` with the PipelineSpec as JSON on stdin.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPipeline } from '../../src/records/export/pipeline';

const folder = process.argv[2];
const spec = JSON.parse(readFileSync(0, 'utf8'));
for (const file of buildPipeline(spec).files) {
  mkdirSync(dirname(join(folder, file.path)), { recursive: true });
  writeFileSync(join(folder, file.path), file.content);
}

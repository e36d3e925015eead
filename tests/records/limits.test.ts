/**
 * The generated limits are the schemas' numbers (`jlpm check:schema` keeps
 * the files current; this holds a few of them to the schema text itself,
 * and the kernel's copy to the TypeScript one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as limits from '../../src/records/limits';

const root = join(__dirname, '..', '..');
const schema = (file: string) =>
  JSON.parse(readFileSync(join(root, 'schema', 'records', file), 'utf8'));

describe('record limits', () => {
  it('are the maxima of capture.schema.json', () => {
    const capture = schema('capture.schema.json');
    expect(limits.MAX_FILES).toBe(capture.properties.files.maxItems);
    expect(limits.MAX_PARAMS).toBe(capture.properties.params.maxProperties);
    expect(limits.MAX_PARAM_NAME_LENGTH).toBe(
      capture.properties.params.propertyNames.maxLength
    );
    expect(limits.MAX_METRICS).toBe(capture.properties.metrics.maxItems);
    expect(limits.MAX_TAGS).toBe(capture.properties.tags.maxItems);
    expect(limits.MAX_PATH_LENGTH).toBe(
      capture.definitions.fileAccess.properties.path.maxLength
    );
  });

  it('are the same numbers in the kernel helper', () => {
    const python = readFileSync(
      join(root, 'jupyterlab_trail', 'kernel', 'limits.py'),
      'utf8'
    );
    const constants = Object.fromEntries(
      [...python.matchAll(/^(MAX_\w+) = (\d+)$/gm)].map(m => [m[1], +m[2]])
    );
    expect(constants).toEqual({ ...limits });
  });
});

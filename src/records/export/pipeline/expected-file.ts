/**
 * `trail-expected.json`: what a run of the pipeline folder should reproduce
 * (each output's recorded sha256, each metric's and param's recorded value)
 * and the recorded inputs, so that `trail verify <folder>` can verify a
 * folder long after it was exported, with nothing but the folder.
 */
import type { InputFile } from '../../replay/inputs';
import type { ExpectedResults } from '../expected';
import type { PipelineSource, PipelineSpec } from './spec';

export const EXPECTED_FILE = 'trail-expected.json';

/** The file's content, as written and as read back. */
export interface ExpectedFile {
  version: 1;
  source: {
    sessionId: string;
    step: number;
    notebookPath: string;
    /** The Trail server the session lives on (its base URL; never a token). */
    server?: string;
  };
  expected: ExpectedResults;
  inputs: InputFile[];
}

/** The file's text for this spec. */
export function expectedJson(
  spec: PipelineSpec,
  expected: ExpectedResults
): string {
  const source: PipelineSource = spec.source;
  const file: ExpectedFile = {
    version: 1,
    source: {
      sessionId: source.sessionId,
      step: source.step,
      notebookPath: source.notebookPath,
      ...(source.server ? { server: source.server } : {})
    },
    expected,
    inputs: spec.inputs
  };
  return JSON.stringify(file, null, 2) + '\n';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the file's text; throws an Error saying what is wrong with it. */
export function parseExpectedFile(text: string): ExpectedFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${EXPECTED_FILE} is not JSON (${String(error)}).`);
  }
  if (!isObject(value) || value.version !== 1) {
    throw new Error(`${EXPECTED_FILE}: expected a version 1 document.`);
  }
  const expected = value.expected;
  if (
    !isObject(expected) ||
    !Array.isArray(expected.files) ||
    !Array.isArray(expected.metrics) ||
    !Array.isArray(expected.params)
  ) {
    throw new Error(
      `${EXPECTED_FILE}: "expected" needs files, metrics and params lists.`
    );
  }
  for (const file of expected.files as unknown[]) {
    if (
      !isObject(file) ||
      typeof file.path !== 'string' ||
      typeof file.sha256 !== 'string'
    ) {
      throw new Error(`${EXPECTED_FILE}: each file needs a path and a sha256.`);
    }
  }
  for (const metric of expected.metrics as unknown[]) {
    if (
      !isObject(metric) ||
      typeof metric.name !== 'string' ||
      !(typeof metric.value === 'number' || metric.value === null)
    ) {
      throw new Error(
        `${EXPECTED_FILE}: each metric needs a name and a number (or null).`
      );
    }
  }
  if (!isObject(value.source) || !Array.isArray(value.inputs)) {
    throw new Error(`${EXPECTED_FILE}: "source" and "inputs" are missing.`);
  }
  return value as unknown as ExpectedFile;
}

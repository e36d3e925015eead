/**
 * The data the panel's capture and environment view tests read: a fake
 * reader with captured runs and environments.
 */
import { AT, env } from '../records/environment-fixture';
import { FakeReader } from './model-fake-reader';

export { AT, env };

export const SHA_A = 'a'.repeat(64);
export const SHA_B = 'b'.repeat(64);
export const SHA_C = 'c'.repeat(64);

/**
 * A reader with two sessions that captured environments, one without,
 * and two runs of one cell whose files and metrics differ.
 */
export function captureReader(): FakeReader {
  const reader = new FakeReader();
  reader.addSession({
    id: 'old',
    startedAt: '2026-11-19T10:00:00.000Z',
    environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
  });
  reader.addSession({
    id: 's1',
    startedAt: '2026-11-20T10:00:00.000Z',
    environments: [{ id: 'env-new', fromSeq: 1, capturedAt: AT }]
  });
  reader.addSession({
    id: 'plain',
    notebookPath: 'r/analysis.ipynb',
    startedAt: '2026-11-18T10:00:00.000Z'
  });
  reader.environments.set(
    'env-old',
    env([
      ['numpy', '2.4.5'],
      ['pandas', '3.1.0'],
      ['scipy', '1.0']
    ])
  );
  reader.environments.set(
    'env-new',
    env([
      ['numpy', '2.4.5'],
      ['pandas', '3.1.1'],
      ['polars', '1.0.0'],
      ['pyarrow', '26.0.1']
    ])
  );
  // The previous run of cell-train, in the older session.
  reader.addExecution({
    id: 'prev',
    sessionId: 'old',
    cellId: 'cell-train',
    startedAt: '2026-11-19T10:00:01.000Z',
    capture: {
      files: [
        { path: 'data/train.csv', access: 'read', kind: 'file', sha256: SHA_A },
        { path: 'data/test.csv', access: 'read', kind: 'file', sha256: SHA_C }
      ]
    }
  });
  reader.addExecution({
    id: 'run',
    sessionId: 's1',
    cellId: 'cell-train',
    executionCount: 7,
    startedAt: AT,
    capture: {
      files: [
        {
          path: 'data/train.csv',
          access: 'read',
          kind: 'file',
          size: 2048,
          sha256: SHA_B,
          schema: {
            format: 'csv',
            columns: [
              { name: 'sepal_length', type: 'float64' },
              { name: 'species', type: 'string' }
            ],
            rows: null
          }
        },
        {
          path: 'data/test.csv',
          access: 'read',
          kind: 'file',
          size: 10,
          sha256: SHA_C
        },
        {
          path: 'model.pkl',
          access: 'write',
          kind: 'file',
          size: 5,
          sha256: null,
          hashPending: true
        },
        { path: 'extra.parquet', access: 'read', kind: 'file', sha256: SHA_A }
      ],
      params: { lr: 0.001, optimizer: 'adam' },
      metrics: [
        { name: 'loss', value: 0.9, step: 0, at: AT },
        { name: 'loss', value: 0.5, step: 1, at: AT },
        { name: 'loss', value: 0.25, step: 2, at: AT },
        { name: 'accuracy', value: 0.93, at: AT }
      ],
      tags: ['baseline']
    }
  });
  return reader;
}

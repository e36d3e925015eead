/**
 * Runs for the tests of the run rules (#16): a RunSummary with defaults,
 * any field overridden.
 */
import type { RunSummary, RunMetric } from '../../src/client/api-schema';

export function metric(
  last: number | null,
  more: Partial<RunMetric> = {}
): RunMetric {
  return { last, min: last, max: last, count: 1, lastStep: null, ...more };
}

export function run(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    kind: 'notebook',
    notebookPath: 'work/train.ipynb',
    author: { id: 'u1', name: 'alice', displayName: 'Alice Martin' },
    visibility: 'team',
    startedAt: '2026-12-07T10:00:00.000Z',
    endedAt: '2026-12-07T10:05:00.000Z',
    durationMs: 300_000,
    executionCount: 4,
    status: 'ok',
    params: {
      model: 'rf',
      lr: 0.01,
      depth: 10,
      deep: true,
      note: null,
      size: '10'
    },
    metrics: {
      accuracy: metric(0.93, { min: 0.5, max: 0.95, count: 3, lastStep: 2 }),
      loss: metric(null, { min: 0.1, max: 0.9, count: 2 }),
      'x.min': metric(7)
    },
    tags: ['baseline', 'gpu'],
    inputs: [
      { path: 'data/train.csv', sha256: 'a'.repeat(64) },
      { path: 'data/test.csv', sha256: null }
    ],
    environmentId: null,
    ...overrides
  };
}

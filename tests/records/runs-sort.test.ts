/**
 * The order of runs (#16): parseSort, and compareRuns over params and
 * metrics of mixed types, missing values last in both directions, ties by
 * newer start then id.
 */
import type { RunSummary } from '../../src/client/api-schema';
import {
  DEFAULT_SORT,
  compareRuns,
  parseSort,
  sortText
} from '../../src/records/runs';
import { metric, run } from './runs-fixture';

function order(runs: RunSummary[], sort: string): string[] {
  return [...runs].sort(compareRuns(parseSort(sort))).map(r => r.id);
}

describe('parseSort', () => {
  it('reads keys with - for descending, + or nothing for ascending', () => {
    expect(parseSort('-metrics.accuracy, params.lr,+metrics.loss.min')).toEqual(
      [
        {
          field: { field: 'metrics', name: 'accuracy', stat: 'last' },
          descending: true
        },
        { field: { field: 'params', name: 'lr' }, descending: false },
        {
          field: { field: 'metrics', name: 'loss', stat: 'min' },
          descending: false
        }
      ]
    );
  });

  it('gives newest first when blank', () => {
    expect(parseSort('')).toEqual([
      { field: { field: 'started' }, descending: true }
    ]);
    expect(parseSort('  ')).toEqual(DEFAULT_SORT);
  });

  it('writes a sort back as text', () => {
    const text = '-metrics.accuracy,params.`learning rate`,started';
    expect(sortText(parseSort(text))).toBe(text);
  });
});

describe('compareRuns', () => {
  const mixed = [
    run({ id: 'str-b', params: { p: 'b' } }),
    run({ id: 'num-10', params: { p: 10 } }),
    run({ id: 'missing', params: {} }),
    run({ id: 'num-9', params: { p: 9 } }),
    run({ id: 'str-10', params: { p: '10' } }),
    run({ id: 'null', params: { p: null } }),
    run({ id: 'true', params: { p: true } }),
    run({ id: 'num-neg', params: { p: -1.5 } }),
    run({ id: 'str-A', params: { p: 'A' } })
  ];

  it('numbers as numbers, then strings by code point, then booleans; missing and null last', () => {
    expect(order(mixed, 'params.p')).toEqual([
      'num-neg',
      'num-9',
      'num-10',
      'str-10',
      'str-A',
      'str-b',
      'true',
      // missing and null tie, then go by start and id
      'missing',
      'null'
    ]);
  });

  it('descending reverses the values but keeps missing last', () => {
    expect(order(mixed, '-params.p')).toEqual([
      'true',
      'str-b',
      'str-A',
      'str-10',
      'num-10',
      'num-9',
      'num-neg',
      'missing',
      'null'
    ]);
  });

  it('metrics by last, min, max or count; a NaN last (null) is missing', () => {
    const runs = [
      run({ id: 'a', metrics: { acc: metric(0.8, { max: 0.99, count: 5 }) } }),
      run({ id: 'b', metrics: { acc: metric(0.9, { max: 0.91, count: 2 }) } }),
      run({ id: 'c', metrics: { acc: metric(null, { max: 0.95, count: 9 }) } }),
      run({ id: 'd', metrics: {} })
    ];
    expect(order(runs, '-metrics.acc')).toEqual(['b', 'a', 'c', 'd']);
    expect(order(runs, 'metrics.acc')).toEqual(['a', 'b', 'c', 'd']);
    expect(order(runs, '-metrics.acc.max')).toEqual(['a', 'c', 'b', 'd']);
    expect(order(runs, 'metrics.acc.count')).toEqual(['b', 'a', 'c', 'd']);
  });

  it('ties go to the newer start, then the smaller id', () => {
    const runs = [
      run({ id: 'b', startedAt: '2026-12-01T00:00:00.000Z', params: { p: 1 } }),
      run({ id: 'a', startedAt: '2026-12-01T00:00:00.000Z', params: { p: 1 } }),
      run({ id: 'c', startedAt: '2026-12-02T00:00:00.000Z', params: { p: 1 } }),
      run({ id: 'z', startedAt: '2026-11-30T00:00:00.000Z', params: { p: 0 } })
    ];
    expect(order(runs, 'params.p')).toEqual(['z', 'c', 'a', 'b']);
    expect(order(runs, '-params.p')).toEqual(['c', 'a', 'b', 'z']);
  });

  it('sorts by start as instants, whatever the offset written', () => {
    const runs = [
      run({ id: 'ten-utc', startedAt: '2026-12-07T10:00:00.000Z' }),
      run({ id: 'nine-utc', startedAt: '2026-12-07T10:00:00+01:00' }),
      run({ id: 'eleven-utc', startedAt: '2026-12-07T11:00:00Z' })
    ];
    expect(order(runs, '')).toEqual(['eleven-utc', 'ten-utc', 'nine-utc']);
    expect(order(runs, 'started')).toEqual([
      'nine-utc',
      'ten-utc',
      'eleven-utc'
    ]);
  });

  it('several keys, fixed fields', () => {
    const runs = [
      run({ id: 'r1', notebookPath: 'b.ipynb', durationMs: 1000 }),
      run({ id: 'r2', notebookPath: 'a.ipynb', durationMs: 5000 }),
      run({ id: 'r3', notebookPath: 'b.ipynb', durationMs: 3000 }),
      run({
        id: 'r4',
        notebookPath: 'a.ipynb',
        durationMs: null,
        endedAt: null
      })
    ];
    expect(order(runs, 'notebook,-duration')).toEqual(['r2', 'r4', 'r3', 'r1']);
    expect(order(runs, 'duration')).toEqual(['r1', 'r3', 'r2', 'r4']);
    const authors = [
      run({ id: 'x', author: { id: '2', name: 'bob', displayName: 'Bob' } }),
      run({ id: 'y', author: undefined }),
      run({ id: 'w', author: { id: '1', name: 'alice', displayName: 'Alice' } })
    ];
    expect(order(authors, 'author')).toEqual(['w', 'x', 'y']);
    expect(order(authors, '-author')).toEqual(['x', 'w', 'y']);
  });
});

/**
 * A run's summary (#16): the session folded over its executions and their
 * captures, incrementally and in any order: params later-wins by seq,
 * metrics last/min/max/count/lastStep (NaN as null), tags as a set, inputs
 * that no earlier execution wrote with the first read's hash, the last
 * status, the end, the duration and the latest environment.
 */
import {
  RunAccumulator,
  summarizeRun,
  type RunExecution,
  type RunSession
} from '../../src/records/runs';
import type { ExecutionCapture, FileAccess } from '../../src/records/schema';

const HASH = (c: string) => c.repeat(64);

const session: RunSession = {
  id: 's1',
  notebookPath: 'train.ipynb',
  startedAt: '2026-12-07T10:00:00.000Z',
  author: { id: 'u1', name: 'alice', displayName: 'Alice' },
  visibility: 'private',
  environments: [
    { id: HASH('1'), fromSeq: 1, capturedAt: '2026-12-07T10:00:00.000Z' },
    { id: HASH('2'), fromSeq: 3, capturedAt: '2026-12-07T10:02:00.000Z' }
  ]
};

function execution(
  seq: number,
  capture?: ExecutionCapture,
  status: RunExecution['status'] = 'ok'
): RunExecution {
  const minute = String(seq).padStart(2, '0');
  return {
    seq,
    status,
    startedAt: `2026-12-07T10:${minute}:00.000Z`,
    endedAt: `2026-12-07T10:${minute}:30.000Z`,
    capture
  };
}

function read(
  path: string,
  sha256: string | null,
  access: FileAccess['access'] = 'read'
): FileAccess {
  return { path, access, kind: 'file', sha256 };
}

function write(path: string): FileAccess {
  return { path, access: 'write', kind: 'file', sha256: HASH('f') };
}

const point = (name: string, value: number | null, step?: number) => ({
  name,
  value,
  step,
  at: '2026-12-07T10:00:00.000Z'
});

const history: RunExecution[] = [
  execution(1, {
    params: { lr: 0.1, model: 'rf' },
    metrics: [point('loss', 0.9, 0), point('loss', 0.5, 1)],
    tags: ['gpu'],
    files: [read('data/raw.csv', HASH('a')), write('data/clean.csv')]
  }),
  execution(2, {
    params: { lr: 0.01 },
    metrics: [point('loss', null, 2), point('acc', 0.7)],
    tags: ['baseline', 'gpu'],
    files: [read('data/clean.csv', HASH('c')), read('data/raw.csv', HASH('b'))]
  }),
  execution(
    3,
    {
      metrics: [point('loss', 0.3, 3), point('loss', 0.4, 4)],
      files: [
        read('data/extra.csv', null),
        read('data/cfg.json', HASH('d'), 'readwrite')
      ]
    },
    'error'
  )
];

describe('summarizeRun', () => {
  const summary = summarizeRun(session, history);

  it('carries the session facts', () => {
    expect(summary).toMatchObject({
      id: 's1',
      kind: 'notebook',
      notebookPath: 'train.ipynb',
      author: { name: 'alice' },
      visibility: 'private',
      startedAt: '2026-12-07T10:00:00.000Z',
      executionCount: 3,
      environmentId: HASH('2')
    });
    expect(summary).not.toHaveProperty('lineage');
    expect(summary).not.toHaveProperty('inputsTruncated');
  });

  it('ends with the latest end; the duration runs from the session start', () => {
    expect(summary.endedAt).toBe('2026-12-07T10:03:30.000Z');
    expect(summary.durationMs).toBe(210_000);
  });

  it('takes the status of the last execution by seq (error as failed)', () => {
    expect(summary.status).toBe('failed');
    expect(summarizeRun(session, history.slice(0, 2)).status).toBe('ok');
    expect(
      summarizeRun(session, [execution(1, undefined, 'interrupted')]).status
    ).toBe('interrupted');
    expect(
      summarizeRun(session, [execution(1, undefined, 'aborted')]).status
    ).toBe('failed');
  });

  it('merges params later-wins', () => {
    expect(summary.params).toEqual({ lr: 0.01, model: 'rf' });
  });

  it('keeps last, min, max, count and lastStep of each metric; NaN as null', () => {
    expect(summary.metrics.loss).toEqual({
      last: 0.4,
      min: 0.3,
      max: 0.9,
      count: 5,
      lastStep: 4
    });
    expect(summary.metrics.acc).toEqual({
      last: 0.7,
      min: 0.7,
      max: 0.7,
      count: 1,
      lastStep: null
    });
    const nan = summarizeRun(session, [
      execution(1, {
        metrics: [point('m', 2), point('m', NaN), point('m', Infinity)]
      })
    ]);
    expect(nan.metrics.m).toEqual({
      last: null,
      min: 2,
      max: 2,
      count: 3,
      lastStep: null
    });
    const allNull = summarizeRun(session, [
      execution(1, { metrics: [point('m', null)] })
    ]);
    expect(allNull.metrics.m).toEqual({
      last: null,
      min: null,
      max: null,
      count: 1,
      lastStep: null
    });
  });

  it('unions the tags, sorted', () => {
    expect(summary.tags).toEqual(['baseline', 'gpu']);
  });

  it('lists the inputs no earlier execution wrote, with the first read hash', () => {
    expect(summary.inputs).toEqual([
      // read first at seq 1 (hash a); seq 2 read it again with b
      { path: 'data/raw.csv', sha256: HASH('a') },
      // read and written by the same execution: read before its own write
      { path: 'data/cfg.json', sha256: HASH('d') },
      // hash pending
      { path: 'data/extra.csv', sha256: null }
    ]);
  });

  it('gives empty for a session without executions', () => {
    const empty = summarizeRun(
      { ...session, environments: undefined, visibility: undefined },
      []
    );
    expect(empty).toMatchObject({
      status: 'empty',
      endedAt: null,
      durationMs: null,
      executionCount: 0,
      params: {},
      metrics: {},
      tags: [],
      inputs: [],
      environmentId: null,
      visibility: 'team'
    });
  });

  it('takes the kind and lineage of the session', () => {
    const lineage = { kind: 'fork' as const, sessionId: 's0', step: 3 };
    const fork = summarizeRun({ ...session, lineage }, []);
    expect(fork.kind).toBe('fork');
    expect(fork.lineage).toEqual(lineage);
  });

  it('caps the inputs at 100 and says so', () => {
    const files = Array.from({ length: 120 }, (_, i) =>
      read(`f${String(i).padStart(3, '0')}`, null)
    );
    const many = summarizeRun(session, [execution(1, { files })]);
    expect(many.inputs).toHaveLength(100);
    expect(many.inputs[99].path).toBe('f099');
    expect(many.inputsTruncated).toBe(true);
  });

  it('keeps any param or metric name as an own property', () => {
    // As a parsed event holds them: own properties named __proto__.
    const params = JSON.parse('{"__proto__": 1, "constructor": "x"}');
    const odd = summarizeRun(session, [
      execution(1, { params, metrics: [point('__proto__', 1)] })
    ]);
    expect(Object.keys(odd.params).sort()).toEqual([
      '__proto__',
      'constructor'
    ]);
    expect(Object.getPrototypeOf(odd.params)).toBe(Object.prototype);
    expect(JSON.stringify(odd.params)).toBe(
      '{"__proto__":1,"constructor":"x"}'
    );
    expect(JSON.stringify(odd.metrics)).toBe(
      '{"__proto__":{"last":1,"min":1,"max":1,"count":1,"lastStep":null}}'
    );
  });
});

describe('RunAccumulator: incremental and in any order', () => {
  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) {
      return [items];
    }
    return items.flatMap((item, i) =>
      permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [
        item,
        ...rest
      ])
    );
  }

  it('gives the same summary whatever order the executions arrive in', () => {
    const expected = summarizeRun(session, history);
    for (const order of permutations(history)) {
      expect(summarizeRun(session, order)).toEqual(expected);
    }
  });

  it('later seq wins even when it arrived first', () => {
    const acc = new RunAccumulator();
    acc.add(execution(5, { params: { lr: 5 }, metrics: [point('m', 50, 9)] }));
    acc.add(
      execution(
        2,
        {
          params: { lr: 2, depth: 3 },
          metrics: [point('m', 20, 1), point('m', 1)]
        },
        'error'
      )
    );
    const summary = acc.summary(session);
    expect(summary.params).toEqual({ lr: 5, depth: 3 });
    expect(summary.metrics.m).toEqual({
      last: 50,
      min: 1,
      max: 50,
      count: 3,
      lastStep: 9
    });
    expect(summary.status).toBe('ok');
  });

  it('a write at an earlier seq arriving late takes the path out of the inputs', () => {
    const acc = new RunAccumulator();
    acc.add(execution(4, { files: [read('out.csv', HASH('e'))] }));
    expect(acc.summary(session).inputs).toEqual([
      { path: 'out.csv', sha256: HASH('e') }
    ]);
    acc.add(execution(2, { files: [write('out.csv')] }));
    expect(acc.summary(session).inputs).toEqual([]);
  });

  it('an earlier read arriving late becomes the first read, with its hash', () => {
    const acc = new RunAccumulator();
    acc.add(execution(4, { files: [read('in.csv', HASH('4'))] }));
    acc.add(execution(3, { files: [write('in.csv')] }));
    acc.add(execution(1, { files: [read('in.csv', HASH('1'))] }));
    expect(acc.summary(session).inputs).toEqual([
      { path: 'in.csv', sha256: HASH('1') }
    ]);
  });

  it('an annotation fills in the hash of a read and adds params, metrics and tags', () => {
    const acc = new RunAccumulator();
    acc.add(
      execution(1, { params: { a: 1 }, files: [read('big.parquet', null)] })
    );
    acc.add(execution(2, { params: { a: 2 } }));
    acc.addCapture(1, {
      files: [read('big.parquet', HASH('9'))],
      params: { a: 10, b: 1 },
      tags: ['late']
    });
    acc.addCapture(2, { metrics: [point('m', 3, 1)] });
    acc.addCapture(2, { metrics: [point('m', 4, 2)], params: { a: 20 } });
    const summary = acc.summary(session);
    expect(summary.inputs).toEqual([
      { path: 'big.parquet', sha256: HASH('9') }
    ]);
    // a: seq 1's annotation loses to seq 2; seq 2's own annotation wins over it.
    expect(summary.params).toEqual({ a: 20, b: 1 });
    expect(summary.tags).toEqual(['late']);
    expect(summary.metrics.m).toMatchObject({ last: 4, count: 2, lastStep: 2 });
  });

  it('a null hash in a later annotation does not erase a known one', () => {
    const acc = new RunAccumulator();
    acc.add(execution(1, { files: [read('x', HASH('a'))] }));
    acc.addCapture(1, { files: [read('x', null)] });
    expect(acc.summary(session).inputs).toEqual([
      { path: 'x', sha256: HASH('a') }
    ]);
  });

  it('counts an execution added twice once', () => {
    const acc = new RunAccumulator();
    acc.add(execution(1, { metrics: [point('m', 1)] }));
    acc.add(execution(1, { metrics: [point('m', 1)] }));
    expect(acc.executionCount).toBe(1);
    expect(acc.summary(session).metrics.m.count).toBe(1);
  });

  it('makes a new summary object each time (the accumulator keeps its own state)', () => {
    const acc = new RunAccumulator();
    acc.add(execution(1, { params: { a: 1 }, tags: ['t'] }));
    const first = acc.summary(session);
    first.params.a = 99;
    first.tags.push('mutated');
    expect(acc.summary(session).params).toEqual({ a: 1 });
    expect(acc.summary(session).tags).toEqual(['t']);
  });
});

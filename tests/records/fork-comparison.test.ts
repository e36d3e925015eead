/**
 * A fork beside its parent (#14, contract 5): steps aligned by identical
 * code, verdicts by the replay's rules, the substituted inputs' old and new
 * versions, and the last value of each param and metric on both sides.
 */
import {
  compareWithParent,
  type ComparedExecution
} from '../../src/records/fork';
import type { Lineage, Output } from '../../src/records/schema';

const SHA = (c: string) => c.repeat(64);
const AT = {
  startedAt: '2026-11-02T09:15:00.000Z',
  endedAt: '2026-11-02T09:15:01.000Z'
};
const stdout = (text: string): Output => ({
  output_type: 'stream',
  name: 'stdout',
  text
});

function exec(
  id: string,
  seq: number,
  code: string,
  outputs: Output[] = [],
  capture?: ComparedExecution['capture'],
  error?: { ename: string; evalue: string }
): ComparedExecution {
  return {
    id,
    seq,
    code,
    status: error ? 'error' : 'ok',
    outputs,
    ...(error ? { error } : {}),
    ...(capture ? { capture } : {}),
    ...AT
  };
}

const LOAD = 'df = pd.read_csv("data/houses.csv")';
const FIT = 'model.fit(df)\nprint(score)';
const PLOT = 'df.plot()';
const CHECK = 'assert len(df) > 10';

const HOUSES = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'int64' },
    { name: 'city', type: 'string' }
  ],
  rows: null
};
const MINE = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'float64' },
    { name: 'city', type: 'string' },
    { name: 'zip', type: 'string' }
  ],
  rows: null
};

const parent = [
  exec('p1', 10, LOAD, [], {
    files: [
      {
        path: 'data/houses.csv',
        access: 'read',
        kind: 'file',
        sha256: SHA('a'),
        size: 1200,
        schema: HOUSES
      }
    ],
    params: { lr: 0.1, epochs: 5 }
  }),
  exec('p2', 11, FIT, [stdout('score 0.91\n')], {
    params: { lr: 0.01 },
    metrics: [
      { name: 'rmse', value: 4.1, at: AT.endedAt, step: 1 },
      { name: 'rmse', value: 3.2, at: AT.endedAt, step: 2 }
    ]
  }),
  exec('p3', 12, PLOT, [stdout('ok\n')]),
  exec('p4', 13, CHECK, []),
  // Past step k: not compared.
  exec('p5', 14, 'print("later")', [stdout('later\n')], {
    params: { later: true }
  })
];

const lineage: Lineage = {
  kind: 'fork',
  sessionId: 'ses-parent-0001',
  step: 4,
  substitutions: [
    {
      recorded: 'data/houses.csv',
      path: '/home/bob/mine.csv',
      sha256: SHA('b')
    }
  ]
};

const fork = [
  exec('f1', 1, LOAD, [], {
    files: [
      {
        path: '/home/bob/mine.csv',
        access: 'read',
        kind: 'file',
        sha256: SHA('b'),
        size: 3000,
        schema: MINE
      }
    ],
    params: { lr: 0.1, epochs: 5 }
  }),
  exec('f-extra', 2, 'df.head()', [stdout('...')]),
  exec('f2', 3, FIT, [stdout('score 0.84\n')], {
    params: { lr: 0.01 },
    metrics: [
      { name: 'rmse', value: 5.0, at: AT.endedAt, step: 1 },
      { name: 'mae', value: 1, at: AT.endedAt }
    ]
  }),
  exec('f3', 4, PLOT, [stdout('ok\n')]),
  exec('f4', 5, CHECK, [], undefined, { ename: 'AssertionError', evalue: '' })
];

describe('compareWithParent', () => {
  const result = compareWithParent(parent, [...fork].reverse(), lineage);

  it('aligns fork executions with the parent steps by identical code, in order, skipping added cells', () => {
    expect(result.steps).toEqual([
      {
        step: 1,
        parentExecutionId: 'p1',
        forkExecutionId: 'f1',
        verdict: 'same'
      },
      {
        step: 2,
        parentExecutionId: 'p2',
        forkExecutionId: 'f2',
        verdict: 'differs'
      },
      {
        step: 3,
        parentExecutionId: 'p3',
        forkExecutionId: 'f3',
        verdict: 'same'
      },
      {
        step: 4,
        parentExecutionId: 'p4',
        forkExecutionId: 'f4',
        verdict: 'new-error'
      }
    ]);
    expect(result.differing).toBe(2);
    expect(result.parent).toEqual({
      sessionId: 'ses-parent-0001',
      step: 4,
      kind: 'fork'
    });
  });

  it('marks a step the fork has not run (yet) as not-run, not as differing', () => {
    const partial = compareWithParent(parent, fork.slice(0, 2), lineage);
    expect(
      partial.steps.map(s => [s.step, s.forkExecutionId, s.verdict])
    ).toEqual([
      [1, 'f1', 'same'],
      [2, undefined, 'not-run'],
      [3, undefined, 'not-run'],
      [4, undefined, 'not-run']
    ]);
    expect(partial.differing).toBe(0);
  });

  it('shows each substituted input: what the parent read and what the fork read instead, with the column changes', () => {
    expect(result.inputs).toEqual([
      {
        recorded: 'data/houses.csv',
        path: '/home/bob/mine.csv',
        parent: { sha256: SHA('a'), size: 1200, table: HOUSES },
        fork: { sha256: SHA('b'), size: 3000, table: MINE },
        columns: {
          added: [{ name: 'zip', type: 'string' }],
          removed: [],
          retyped: [{ name: 'price', recorded: 'int64', target: 'float64' }]
        }
      }
    ]);
  });

  it('finds the fork read when the capture names it relative to the notebook folder', () => {
    const relative = compareWithParent(
      parent,
      [
        exec('f1', 1, LOAD, [], {
          files: [
            { path: 'bob/mine.csv', access: 'read', kind: 'file', size: 7 }
          ]
        })
      ],
      {
        ...lineage,
        substitutions: [
          { recorded: 'data/houses.csv', path: '/work/bob/mine.csv' }
        ]
      }
    );
    expect(relative.inputs[0].fork).toEqual({ size: 7 });
  });

  it('takes the last value of each param and metric, the parent over steps 1..k only', () => {
    expect(result.params).toEqual([
      { name: 'epochs', parent: 5, fork: 5, same: true },
      { name: 'lr', parent: 0.01, fork: 0.01, same: true }
    ]);
    expect(result.metrics).toEqual([
      { name: 'mae', fork: 1, same: false },
      { name: 'rmse', parent: 3.2, fork: 5.0, same: false }
    ]);
  });

  it('has no inputs for a replay', () => {
    const replay = compareWithParent(parent, fork, {
      kind: 'replay',
      sessionId: 'ses-parent-0001',
      step: 2
    });
    expect(replay.inputs).toEqual([]);
    expect(replay.steps).toHaveLength(2);
    expect(replay.parent.kind).toBe('replay');
  });
});

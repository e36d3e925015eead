/**
 * What `trail fork` says: a fork runs the parent's code on other data, so
 * a step whose outputs differ is "differs from parent" (expected) and only
 * a new error fails the fork (exit 1); the contract report names each pair
 * with both sides' facts, columns and problems.
 */
import type { ContractReport } from '../../src/records/fork/contract';
import { summarizeFork } from '../../src/cli/fork-document';
import {
  contractLines,
  contractVerdict,
  forkSummaryLines
} from '../../src/cli/fork-report';
import type { ReplayStepResult } from '../../src/cli/replay-document';
import { stepLine } from '../../src/cli/report';

function step(
  n: number,
  verdict: ReplayStepResult['verdict'],
  extra: Partial<ReplayStepResult> = {}
): ReplayStepResult {
  return {
    step: n,
    seq: n,
    executionId: `e${n}`,
    cellId: `c${n}`,
    cell: n,
    firstLine: `line ${n}`,
    verdict,
    differences: [],
    ignored: [],
    firstDivergence: false,
    ...extra
  };
}

const facts = {
  sourceSessionId: 'parent-session',
  upto: 4,
  forkSessionId: 'fork-session',
  recorded: true,
  recordError: null
};

describe('the step line in a fork', () => {
  it('says "differs from parent" without flagging it, and flags a new error as the problem', () => {
    const differs = step(2, 'differs', {
      firstDivergence: true,
      differences: [
        { output: 0, kind: 'stream', summary: 'stdout: "(4, 2)" vs "(3, 2)"' }
      ] as unknown as ReplayStepResult['differences']
    });
    expect(stepLine(differs, 4, { fork: true })).toMatch(
      /^step 2\/4 {2}cell 2 {2}line 2 +differs from parent: stdout: "\(4, 2\)" vs "\(3, 2\)"$/
    );
    // The replay's wording is unchanged.
    expect(stepLine(differs, 4)).toMatch(/ differs: .*<- first divergence$/);
    expect(
      stepLine(step(3, 'new-error', { replayedError: "KeyError: 'y'" }), 4, {
        fork: true
      })
    ).toMatch(/new error: KeyError: 'y' {3}<- problem$/);
    expect(
      stepLine(step(3, 'error-gone', { recordedError: 'ValueError: x' }), 4, {
        fork: true
      })
    ).toMatch(/error gone: the parent raised ValueError: x, the fork did not$/);
  });
});

describe('summarizeFork', () => {
  it('exits 0 when steps only differ from the parent or an error is gone', () => {
    const summary = summarizeFork(
      [
        step(1, 'same'),
        step(2, 'differs'),
        step(3, 'differs'),
        step(4, 'error-gone')
      ],
      facts
    );
    expect(summary).toMatchObject({
      ran: 4,
      same: 1,
      differs: 2,
      errorsGone: 1,
      newErrors: 0,
      firstNewError: null,
      exitCode: 0
    });
    expect(forkSummaryLines(summary)).toEqual([
      'Forked 4 of 4 steps: 1 same, 2 differ from parent, 0 new errors, 1 error gone.',
      'Recorded as session fork-session (a fork of parent-session up to step 4).'
    ]);
  });

  it('exits 1 on a new error, 3 when the kernel died, 130 when interrupted, 4 when not delivered', () => {
    const newError = summarizeFork(
      [step(1, 'same'), step(2, 'new-error'), step(3, 'differs')],
      facts
    );
    expect(newError).toMatchObject({ newErrors: 1, firstNewError: 2 });
    expect(newError.exitCode).toBe(1);
    expect(forkSummaryLines(newError)).toContain(
      'First new error at step 2: the parent ran it without one.'
    );
    expect(
      summarizeFork([step(1, 'new-error'), step(2, 'kernel-died')], facts)
        .exitCode
    ).toBe(3);
    expect(
      summarizeFork([step(1, 'differs'), step(2, 'interrupted')], facts, true)
        .exitCode
    ).toBe(130);
    expect(
      summarizeFork([step(1, 'differs')], {
        ...facts,
        recorded: false,
        recordError: 'server gone'
      }).exitCode
    ).toBe(4);
  });
});

describe('the contract report', () => {
  const report: ContractReport = {
    entries: [
      {
        recorded: 'inputs/train.csv',
        path: 'mine/train.csv',
        input: {
          path: 'inputs/train.csv',
          step: 2,
          size: 24,
          sha256: 'a'.repeat(64),
          table: {
            format: 'csv',
            columns: [
              { name: 'x', type: 'int64' },
              { name: 'y', type: 'int64' }
            ]
          }
        },
        target: {
          path: 'mine/train.csv',
          exists: true,
          kind: 'file',
          size: 12,
          sha256: 'b'.repeat(64),
          table: {
            format: 'csv',
            rows: 2,
            columns: [
              { name: 'x', type: 'float64' },
              { name: 'w', type: 'int64' }
            ]
          }
        },
        problems: [
          {
            level: 'error',
            code: 'missing-columns',
            message:
              '"mine/train.csv" (for "inputs/train.csv") lacks 1 column the recording read: "y". The code would break.',
            columns: ['y']
          },
          {
            level: 'warning',
            code: 'retyped',
            message: 'x changed type',
            columns: ['x']
          }
        ],
        columns: {
          added: [{ name: 'w', type: 'int64' }],
          removed: [{ name: 'y', type: 'int64' }],
          retyped: [{ name: 'x', recorded: 'int64', target: 'float64' }]
        }
      }
    ],
    errors: 1,
    warnings: 1,
    notes: 0,
    ok: false
  };

  it('lists each pair with both sides, the columns and every problem by level', () => {
    expect(contractLines(report, { upto: 4 })).toEqual([
      'Data contract (steps 1-4): 1 error, 1 warning, 0 notes',
      '  inputs/train.csv -> mine/train.csv (read at step 2)',
      '    recorded  csv table, 24 bytes, sha256 aaaaaaaaaaaa',
      '    new       csv table, 2 data rows, 12 bytes, sha256 bbbbbbbbbbbb',
      '    columns   missing y (int64); retyped x int64 -> float64; extra w (int64)',
      '    error     "mine/train.csv" (for "inputs/train.csv") lacks 1 column the recording read: "y". The code would break.',
      '    warning   x changed type'
    ]);
  });

  it('says whether the fork goes on', () => {
    expect(contractVerdict(report, false)).toBe(
      'Contract: 1 error; nothing was run or recorded.'
    );
    expect(contractVerdict(report, true)).toBe(
      'Contract: 1 error; forking anyway (--force).'
    );
    expect(
      contractVerdict({ ...report, ok: true, errors: 0, warnings: 0 }, false)
    ).toBe('Contract: no error. Forking.');
  });
});

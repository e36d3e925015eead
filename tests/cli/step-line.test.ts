/**
 * A step's line in `trail replay`'s output says which cell and what it
 * runs: the cell's position and the first non-blank line of its code, cut
 * to a column so the verdicts line up.
 */
import type { ReplayStepResult } from '../../src/cli/replay-document';
import { firstCodeLine, stepLine } from '../../src/cli/report';

function result(extra: Partial<ReplayStepResult>): ReplayStepResult {
  return {
    step: 3,
    seq: 3,
    executionId: 'e3',
    cellId: 'c3',
    verdict: 'same',
    differences: [],
    ignored: [],
    firstDivergence: false,
    ...extra
  };
}

it('takes the first non-blank line of the code, trimmed', () => {
  expect(firstCodeLine('\n  \n  # load\ndf = 1\n')).toBe('# load');
  expect(firstCodeLine(' \n\n')).toBe('');
});

it('names the cell and its first code line, cut with an ellipsis, verdicts in one column', () => {
  const short = stepLine(result({ cell: 4, firstLine: 'df = load()' }), 12);
  const long = stepLine(
    result({
      cell: 4,
      firstLine: 'model = fit(df, epochs=10, learning_rate=0.001, seed=7)'
    }),
    12
  );
  expect(short).toBe(`step  3/12  cell 4  ${'df = load()'.padEnd(32)}  same`);
  expect(long).toBe(
    'step  3/12  cell 4  model = fit(df, epochs=10, lear…  same'
  );
  // Without the code (not listed), the cell id still names the cell.
  expect(stepLine(result({}), 12)).toMatch(/^step {2}3\/12 {2}cell c3 +same$/);
});

/**
 * The notebook a CLI replay records: one code cell per replayed step, in
 * order, under the recorded cell ids; a cell run again gets an id of its
 * own for that step, so no two cells of the structure share an id.
 */
import { replayNotebook } from '../../src/cli/replay-structure';
import type { SessionStep } from '../../src/cli/source';

function step(
  n: number,
  cellId: string | null,
  executionId = `e${n}`
): SessionStep {
  return {
    step: n,
    seq: n + 10,
    executionId,
    cellId,
    status: 'ok',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1
  } as SessionStep;
}

it('lays the steps out as executed, with the code each ran, under unique cell ids', () => {
  const code: Record<string, string> = {
    e1: 'a = 1',
    e2: 'b = 2',
    e3: 'a = 3'
  };
  const long = 'x'.repeat(64);
  const notebook = replayNotebook(
    [step(1, 'c1'), step(2, null), step(3, 'c1'), step(4, long)],
    id => code[id]
  );
  expect(notebook.steps).toEqual([
    { step: 1, seq: 11, executionId: 'e1', cellId: 'c1' },
    { step: 2, seq: 12, executionId: 'e2', cellId: 'step-2' },
    { step: 3, seq: 13, executionId: 'e3', cellId: 'c1-step-3' },
    { step: 4, seq: 14, executionId: 'e4', cellId: long }
  ]);
  expect(notebook.structure.cells).toEqual([
    { id: 'c1', cellType: 'code', source: 'a = 1' },
    { id: 'step-2', cellType: 'code', source: 'b = 2' },
    { id: 'c1-step-3', cellType: 'code', source: 'a = 3' },
    // Code the listing did not have: an empty cell, still in its place.
    { id: long, cellType: 'code', source: '' }
  ]);
  const again = replayNotebook([step(1, long), step(2, long)], () => '');
  expect(again.steps[1].cellId).toHaveLength(64);
  expect(again.steps[1].cellId).toMatch(/^x+-step-2$/);
});

/**
 * The notebook a `trail replay` runs, as the replay session records it:
 * the replayed notebook as executed, one code cell per replayed step in
 * order (as "Open as notebook … as executed" writes it), so the replay
 * viewer reconstructs the replay like any structured session.
 *
 * Each cell keeps the recorded cell's id, so a replay's executions name
 * the cells they replay; a cell run again at a later step gets an id of
 * its own for that step (`<id>-step-<k>`), as it is a cell of its own in
 * the notebook as executed.
 */
import type { NotebookStructure } from '../recorder';
import type { IReplayStep } from '../model/replay-run/steps';
import type { SessionStep } from './source';

/** nbformat's cell id: 1 to 64 of [a-zA-Z0-9-_]. */
const MAX_CELL_ID = 64;

/** The steps to run, with the cell ids they run under, and their notebook. */
export interface ReplayNotebook {
  steps: IReplayStep[];
  structure: NotebookStructure;
}

/**
 * The replay's steps and notebook from the recorded steps to run and each
 * execution's code.
 */
export function replayNotebook(
  recorded: readonly SessionStep[],
  codeOf: (executionId: string) => string | undefined
): ReplayNotebook {
  const used = new Set<string>();
  const steps: IReplayStep[] = [];
  const cells: { id: string; cellType: 'code'; source: string }[] = [];
  for (const step of recorded) {
    const cellId = replayCellId(step, used);
    used.add(cellId);
    steps.push({
      step: step.step,
      seq: step.seq,
      executionId: step.executionId,
      cellId
    });
    cells.push({
      id: cellId,
      cellType: 'code',
      source: codeOf(step.executionId) ?? ''
    });
  }
  return { steps, structure: { cells } };
}

function replayCellId(step: SessionStep, used: ReadonlySet<string>): string {
  const recorded = step.cellId ?? '';
  if (recorded && !used.has(recorded)) {
    return recorded;
  }
  const suffix = `step-${step.step}`;
  if (!recorded) {
    return suffix;
  }
  return `${recorded.slice(0, MAX_CELL_ID - suffix.length - 1)}-${suffix}`;
}

/**
 * How the compare view names a run: `#k` (its column, 1-based) and who ran
 * it, so a legend and a column header read the same.
 */
import type { IComparedRun } from '../../model/compare';
import type { IRunLabel } from './traces';

/** The short name of the run in column `index`. */
export function runLabel(run: IComparedRun, index: number): string {
  const author = run.run?.author;
  const who = author ? author.displayName || author.name : '';
  return who ? `#${index + 1} ${who}` : `#${index + 1}`;
}

/** The labels of the readable runs, for the plots' legends. */
export function runLabels(runs: readonly IComparedRun[]): IRunLabel[] {
  return runs.map((run, i) => ({
    id: run.run?.id ?? run.id,
    label: runLabel(run, i)
  }));
}

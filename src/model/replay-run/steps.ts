/**
 * Which cells of a notebook opened from a recorded session a replay runs,
 * read from its metadata (contract 4 of #13): `metadata.trail.source` on
 * the notebook, `metadata.trail.sourceExecution` on each cell that holds
 * recorded code.
 */
import type { ReplaySource, SourceExecution } from './contracts';

/** The metadata key Trail keeps its notebook and cell entries under. */
export const TRAIL_METADATA_KEY = 'trail';

/** One step of a replay: a notebook cell and the execution it re-runs. */
export interface IReplayStep {
  /** The recorded step (1..total of the source session). */
  step: number;
  /** The recorded execution's seq in its session. */
  seq: number;
  /** The recorded execution's id. */
  executionId: string;
  /** The id of the notebook cell holding its code. */
  cellId: string;
}

/** What the rule reads of a notebook cell. */
export interface IReplayCellInfo {
  id: string;
  cellType: string;
  /** The cell's `metadata.trail`, if any. */
  trail?: unknown;
}

/**
 * The notebook's `trail.source`, when its metadata names a recorded
 * session and step; null otherwise (an ordinary notebook).
 */
export function replaySourceOf(trailMetadata: unknown): ReplaySource | null {
  const source = (trailMetadata as { source?: unknown } | null | undefined)
    ?.source as Partial<ReplaySource> | undefined;
  if (
    !source ||
    typeof source !== 'object' ||
    typeof source.sessionId !== 'string' ||
    !source.sessionId ||
    !Number.isInteger(source.step) ||
    (source.step as number) < 1
  ) {
    return null;
  }
  return {
    sessionId: source.sessionId,
    step: source.step as number,
    form: source.form === 'as-it-stood' ? 'as-it-stood' : 'as-executed',
    notebookPath:
      typeof source.notebookPath === 'string' ? source.notebookPath : '',
    ...(typeof source.author === 'string' ? { author: source.author } : {}),
    ...(typeof source.server === 'string' ? { server: source.server } : {})
  };
}

/** A cell's `trail.sourceExecution`, when well formed. */
export function sourceExecutionOf(
  trailMetadata: unknown
): SourceExecution | null {
  const entry = (trailMetadata as { sourceExecution?: unknown } | null)
    ?.sourceExecution as Partial<SourceExecution> | undefined;
  if (
    !entry ||
    typeof entry !== 'object' ||
    typeof entry.id !== 'string' ||
    !entry.id ||
    !Number.isInteger(entry.seq) ||
    !Number.isInteger(entry.step)
  ) {
    return null;
  }
  return { id: entry.id, seq: entry.seq as number, step: entry.step as number };
}

/**
 * The steps to replay: the code cells that hold a recorded execution of
 * steps 1..`upto`, in the order those executions ran (seq; the notebook's
 * order when two cells name the same execution). In an *as executed*
 * notebook that is the notebook's order; in an *as it stood* one it is the
 * order that built the kernel state.
 */
export function replayStepsOf(
  cells: readonly IReplayCellInfo[],
  upto: number
): IReplayStep[] {
  const steps: (IReplayStep & { index: number })[] = [];
  cells.forEach((cell, index) => {
    if (cell.cellType !== 'code') {
      return;
    }
    const source = sourceExecutionOf(cell.trail);
    if (!source || source.step > upto || source.step < 1) {
      return;
    }
    steps.push({
      step: source.step,
      seq: source.seq,
      executionId: source.id,
      cellId: cell.id,
      index
    });
  });
  steps.sort((a, b) => a.seq - b.seq || a.index - b.index);
  return steps.map(({ index, ...step }) => step);
}

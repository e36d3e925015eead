/**
 * The notebook as it stood at step k of a recorded session: the rule the
 * server's /steps/{k} answers with, and that anyone holding a session's
 * executions and structure snapshots can run.
 *
 * Step k is the session's k-th execution in seq order. The cells are
 * those of the latest structure snapshot sent at or before that
 * execution's seq, plus the cells of earlier snapshots that were deleted
 * since (kept after the cell they followed when last seen). A code cell
 * carries its latest execution up to step k ("ran") or none ("not-run");
 * markdown and raw cells carry their source. A cell edited but not run
 * again shows its current source, and its execution keeps the code that
 * ran. Sessions recorded before structure capture have no snapshot: their
 * cells are the cells run up to step k, in order of first run.
 */
import type { StructureCell } from '../schema';
import { mergedOrder, type MergedOrders } from './merged-order';
import type { CellType } from './structure';

/** What the rule needs of an execution (a summary, a record, an index entry). */
export interface StepExecution {
  seq: number;
  cellId: string | null;
}

/** One structure.captured event of a session, as the rule reads it. */
export interface StructureSnapshot {
  fromSeq: number;
  cells: readonly StructureCell[];
}

/** The rule's input: one session's history. */
export interface ReconstructInput<X extends StepExecution> {
  /** The session's executions in seq order (step k is `executions[k - 1]`). */
  executions: readonly X[];
  /** The session's structure snapshots in fromSeq order (may be empty). */
  structures: readonly StructureSnapshot[];
  /** A source by its SHA-256, when known (absent: sources left out). */
  sourceOf?: (sha256: string) => string | undefined;
  /**
   * The merged orders of these `structures`, kept between calls by one who
   * reconstructs many steps of a session (the same answer, made faster);
   * ignored when made for another array.
   */
  orders?: MergedOrders;
}

/** The state of a cell at step k. */
export type CellState = 'ran' | 'not-run' | 'deleted';

/** One cell of the notebook at step k. */
export interface ReconstructedCell<X> {
  /** The cell id; null for an execution from no cell (a cell of its own). */
  cellId: string | null;
  cellType: CellType;
  state: CellState;
  /** Whether this is the cell run at step k. */
  current: boolean;
  /** The SHA-256 of the source it had in its (last) structure, if any. */
  sha256?: string;
  /** That source, when `sourceOf` knows it. */
  source?: string;
  /** Its latest execution up to step k. */
  execution?: X;
}

/** The notebook at step k. */
export interface ReconstructedNotebook<X> {
  step: number;
  total: number;
  /** Whether the session recorded its structure (snapshots exist). */
  structured: boolean;
  cells: ReconstructedCell<X>[];
}

/**
 * The notebook at step `k` (1-based) of a session, or null when there is
 * no such step (k < 1, past the end, or not an integer).
 */
export function reconstructNotebook<X extends StepExecution>(
  input: ReconstructInput<X>,
  k: number
): ReconstructedNotebook<X> | null {
  const { executions, structures, sourceOf, orders } = input;
  const total = executions.length;
  if (!Number.isInteger(k) || k < 1 || k > total) {
    return null;
  }
  const upto = executions.slice(0, k);
  const currentExecution = upto[k - 1];
  // The latest execution of each cell up to k (null cell ids stand alone).
  const latest = new Map<string, X>();
  for (const x of upto) {
    if (x.cellId !== null) {
      latest.set(x.cellId, x);
    }
  }
  const applicable = structures.filter(s => s.fromSeq <= currentExecution.seq);
  const cells: ReconstructedCell<X>[] = [];
  const placed = new Set<string>();
  if (applicable.length > 0) {
    const order =
      orders?.snapshots === structures && orders.sorted
        ? orders.upTo(applicable.length)
        : mergedOrder(applicable);
    for (const { cell, deleted } of order) {
      placed.add(cell.id);
      const execution =
        cell.cellType === 'code' ? latest.get(cell.id) : undefined;
      const out: ReconstructedCell<X> = {
        cellId: cell.id,
        cellType: cell.cellType,
        state: deleted ? 'deleted' : execution ? 'ran' : 'not-run',
        current: cell.id === currentExecution.cellId,
        sha256: cell.sha256
      };
      const source = sourceOf?.(cell.sha256);
      if (source !== undefined) {
        out.source = source;
      }
      if (execution) {
        out.execution = execution;
      }
      cells.push(out);
    }
  }
  // Executions of cells no structure names (all of them without
  // structure; otherwise e.g. code sent from a console): in order of first
  // run, after the structure's cells.
  for (const x of upto) {
    if (x.cellId !== null) {
      if (placed.has(x.cellId)) {
        continue;
      }
      placed.add(x.cellId);
    }
    const execution = x.cellId === null ? x : latest.get(x.cellId)!;
    cells.push({
      cellId: x.cellId,
      cellType: 'code',
      state: 'ran',
      current:
        x.cellId === null
          ? x === currentExecution
          : x.cellId === currentExecution.cellId,
      execution
    });
  }
  return { step: k, total, structured: structures.length > 0, cells };
}

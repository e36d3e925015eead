/**
 * Every execution of a notebook cell across sessions, newest first: the
 * per-cell history and the "previous run of this cell" of an execution.
 *
 * A cell is (notebookPath, cellId). Its executions form a linked list in
 * typed arrays, newest first by (startedAt, id), indexed by execution
 * number: no JS object per execution or per cell, which matters at a
 * million executions (see id-table.ts). Executions arrive roughly in start
 * order, so an insert is nearly always at the head; listing continues from
 * the cursor's execution in O(1).
 */
import type { ExecutionSummary } from '../../src/records/schema';
import { IdPool, IdTable } from './id-table';
import { startMs } from './time-order';
import type { CellQuery, StorePage } from './types';

/** Not Latin-1: such a key is escaped before it goes into the byte pool. */
const WIDE = /[\u0100-\uffff]/;

/** A page of execution numbers and the number to continue after. */
export interface CellPage {
  items: number[];
  next: number | null;
}

/** See the module comment. */
export class CellIndex {
  private readonly keys = new IdPool();
  private readonly cells = new IdTable(this.keys);
  /** Notebook paths by small number: few, so a Map is fine. */
  private readonly paths = new Map<string, number>();
  /** Per cell: its newest execution number + 1 (0: none). */
  private heads = new Int32Array(1024);
  /** Per execution: its cell + 1 (0: not in a cell). */
  private cellOf = new Int32Array(1024);
  /** Per execution: the next older execution of its cell + 1 (0: none). */
  private older = new Int32Array(1024);
  private starts = new Float64Array(1024);

  /** @param idOf the id of an execution number (orders equal starts). */
  constructor(private readonly idOf: (n: number) => string) {}

  /** Adds execution `n` to the history of its cell. */
  add(
    n: number,
    notebookPath: string,
    cellId: string,
    startedAt: string
  ): void {
    this.reserve(n);
    let path = this.paths.get(notebookPath);
    if (path === undefined) {
      path = this.paths.size;
      this.paths.set(notebookPath, path);
    }
    const cell = this.cells.getOrAdd(cellKey(path, cellId));
    if (cell >= this.heads.length) {
      this.heads = grown(this.heads, cell + 1);
    }
    this.cellOf[n] = cell + 1;
    this.starts[n] = startMs(startedAt);
    const head = this.heads[cell] - 1;
    if (head < 0 || this.isNewer(n, head)) {
      this.older[n] = head + 1;
      this.heads[cell] = n + 1;
      return;
    }
    let at = head;
    while (this.older[at] > 0 && this.isNewer(this.older[at] - 1, n)) {
      at = this.older[at] - 1;
    }
    this.older[n] = this.older[at];
    this.older[at] = n + 1;
  }

  /**
   * A page of the cell's executions, newest first, after execution `after`
   * (exclusive), leaving out those `skip` names; null when `after` is not
   * an execution of this cell.
   */
  list(
    notebookPath: string,
    cellId: string,
    limit: number,
    after?: number,
    skip?: (n: number) => boolean
  ): CellPage | null {
    const path = this.paths.get(notebookPath);
    const cell =
      path === undefined ? undefined : this.cells.get(cellKey(path, cellId));
    if (after !== undefined) {
      if (cell === undefined || this.cellOf[after] !== cell + 1) {
        return null;
      }
    } else if (cell === undefined) {
      return { items: [], next: null };
    }
    const items: number[] = [];
    let n = after === undefined ? this.heads[cell!] - 1 : this.older[after] - 1;
    for (; n >= 0; n = this.older[n] - 1) {
      if (skip?.(n)) {
        continue;
      }
      if (items.length === limit) {
        break; // one more is kept: the page has a next
      }
      items.push(n);
    }
    return {
      items,
      next: n >= 0 && items.length > 0 ? items[items.length - 1] : null
    };
  }

  /** The cell id of execution `n`, or null when it is in no cell. */
  cellIdOf(n: number): string | null {
    const cell = n < this.cellOf.length ? this.cellOf[n] - 1 : -1;
    return cell < 0 ? null : cellIdOfKey(this.keys.get(cell));
  }

  /** The execution of the same cell just before `n`, or -1. */
  previous(n: number): number {
    return n < this.cellOf.length && this.cellOf[n] > 0
      ? this.older[n] - 1
      : -1;
  }

  /** Whether execution `a` sorts before `b` newest first. */
  private isNewer(a: number, b: number): boolean {
    const ta = this.starts[a];
    const tb = this.starts[b];
    return ta > tb || (ta === tb && this.idOf(a) > this.idOf(b));
  }

  private reserve(n: number): void {
    if (n >= this.cellOf.length) {
      const size = Math.max(n + 1, this.cellOf.length * 2);
      this.cellOf = grown(this.cellOf, size);
      this.older = grown(this.older, size);
      const starts = new Float64Array(size);
      starts.set(this.starts);
      this.starts = starts;
    }
  }
}

/**
 * What the cell-history reads need of a store's index (HistoryIndex, which
 * keeps a CellIndex and the execution ids and numbers).
 */
export interface CellHistoryIndex {
  executionNumber(id: string): number | undefined;
  executionId(n: number): string;
  /** Null when `after` is not an execution of that cell. */
  listCell(
    notebookPath: string,
    cellId: string,
    limit: number,
    after?: string,
    excludeSessionIds?: ReadonlySet<string>
  ): CellPage | null;
  /** The execution of the same cell just before `n`, or -1. */
  previousInCell(n: number): number;
}

/** The summaries of execution numbers, in their order: how a store reads. */
export type SummarizeExecutions = (
  numbers: number[]
) => Promise<ExecutionSummary[]>;

/**
 * TrailStore.listCellExecutions over a store's index, shared by the stores:
 * they differ only in how they read the summaries.
 */
export async function listCellExecutions(
  index: CellHistoryIndex,
  query: CellQuery,
  summarize: SummarizeExecutions
): Promise<StorePage<ExecutionSummary, string> | null> {
  const page = index.listCell(
    query.notebook,
    query.cellId,
    query.limit,
    query.after,
    query.excludeSessionIds
  );
  if (!page) {
    return null;
  }
  return {
    items: await summarize(page.items),
    next: page.next === null ? null : index.executionId(page.next)
  };
}

/** TrailStore.previousExecution over a store's index, shared by the stores. */
export async function previousExecution(
  index: CellHistoryIndex,
  id: string,
  summarize: SummarizeExecutions
): Promise<{ execution: ExecutionSummary | null } | null> {
  const n = index.executionNumber(id);
  if (n === undefined) {
    return null;
  }
  const previous = index.previousInCell(n);
  return {
    execution: previous < 0 ? null : (await summarize([previous]))[0]
  };
}

function grown(from: Int32Array, size: number): Int32Array {
  const to = new Int32Array(Math.max(size, from.length * 2));
  to.set(from);
  return to;
}

/**
 * The pool key of a cell: unambiguous (the path number holds no separator,
 * and the separator tells a raw cell id from an escaped one) and Latin-1,
 * as the byte pool requires: a cell id with wider characters is stored as
 * its JSON with those characters as fixed-width \uXXXX escapes.
 */
function cellKey(path: number, cellId: string): string {
  if (!WIDE.test(cellId)) {
    return `${path}:${cellId}`;
  }
  const escaped = JSON.stringify(cellId).replace(
    /[\u0100-\uffff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
  return `${path}~${escaped}`;
}

/** The cell id of a pool key made by {@link cellKey}. */
function cellIdOfKey(key: string): string {
  const colon = key.indexOf(':');
  const tilde = key.indexOf('~');
  // The path number holds digits only: the first separator is the key's.
  if (tilde < 0 || (colon >= 0 && colon < tilde)) {
    return key.slice(colon + 1);
  }
  return JSON.parse(key.slice(tilde + 1)) as string;
}

/**
 * What differs between two to ten runs (#16 item 3), as pure functions over
 * the runs API's answers: params, metrics (and which run is best), input
 * files and their table schemas, and each code cell of the runs' notebooks
 * matched across runs. The first readable run is the base the others are
 * compared with.
 */
import type {
  CellAtStep,
  InputFile,
  RunSummary
} from '../../client/api-schema';

/** A param value as logged (schema ParamValue). */
export type ParamValue = string | number | boolean | null;

/** One param across the runs. */
export interface IParamRow {
  name: string;
  /** The value of each run (undefined: the run did not log it, or is unreadable). */
  values: (ParamValue | undefined)[];
  /** Per run: whether its value is not the base run's (false for the base). */
  differs: boolean[];
  /** Whether any readable run's value is not the base run's. */
  anyDiffers: boolean;
}

/** Whether a bigger or a smaller value of a metric is better. */
export type MetricDirection = 'higher' | 'lower';

/** A metric's figures in one run. */
export interface IMetricCell {
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

/** One metric across the runs. */
export interface IMetricRow {
  name: string;
  direction: MetricDirection;
  cells: (IMetricCell | undefined)[];
  /** The runs (indexes) whose last value is the best; empty when none is a number or all are equal. */
  best: number[];
  anyDiffers: boolean;
}

/** How a table's columns changed from the base run's file to another run's. */
export interface ISchemaDiff {
  added: { name: string; type: string }[];
  removed: { name: string; type: string }[];
  changed: { name: string; before: string; after: string }[];
}

/** One input path across the runs. */
export interface IInputRow {
  path: string;
  /** Each run's file at this path (undefined: it did not read it). */
  files: (InputFile | undefined)[];
  /** Per run: its hash differs from the base's (or one of the two has none, or only one read it). */
  hashDiffers: boolean[];
  /** Per run: the columns changed from the base's table (null: no difference or no table on either side). */
  schema: (ISchemaDiff | null)[];
  /** Whether every run that read the path read the same content and schema, and all read it. */
  same: boolean;
}

/** A code cell matched across the runs' notebooks. */
export interface ICellRow {
  /** A stable key: the cell id, or `#<position>` for a cell without one. */
  key: string;
  /** The cell's id in the first run that has it, if any. */
  cellId: string | null;
  /** Each run's code for the cell (undefined: the run's notebook has no such cell). */
  code: (string | undefined)[];
  /** Per run: its code is not the base's (false for the base itself). */
  differs: boolean[];
  anyDiffers: boolean;
}

/** Names that read as a loss or an error: smaller is better. */
const LOWER_IS_BETTER =
  /(^|[^a-z])(loss|error|err|mse|rmse|mae|mape|smape|perplexity|ppl|latency|time|duration|seconds|cost|regret|wer|cer|fpr|fnr|logloss|nll|bits)([^a-z]|$)|loss$|error$/i;

/**
 * Whether a bigger or a smaller value of a metric is better, guessed from
 * its name: losses, errors, times and costs are better smaller; the rest
 * (accuracy, f1, auc, r2, …) bigger.
 */
export function metricDirection(name: string): MetricDirection {
  return LOWER_IS_BETTER.test(name) ? 'lower' : 'higher';
}

/** Whether two param values are the same (numbers by value, -0 = 0). */
export function sameParam(
  a: ParamValue | undefined,
  b: ParamValue | undefined
): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  return a === b;
}

/** Names sorted by code point, so the order is the same everywhere. */
function sortedNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The index of the first run given (the base of the comparison), or -1. */
export function baseIndex<T>(items: readonly (T | null | undefined)[]): number {
  return items.findIndex(item => item !== null && item !== undefined);
}

/**
 * Every param logged by any run, one row each (sorted by name), each run's
 * value marked when it differs from the base run's. Unreadable runs are
 * null and never differ.
 */
export function paramRows(runs: readonly (RunSummary | null)[]): IParamRow[] {
  const base = baseIndex(runs);
  const names = sortedNames(
    runs.flatMap(run => Object.keys(run?.params ?? {}))
  );
  return names.map(name => {
    const values = runs.map(run =>
      run && Object.prototype.hasOwnProperty.call(run.params, name)
        ? (run.params[name] as ParamValue)
        : undefined
    );
    const differs = runs.map(
      (run, i) =>
        run !== null && i !== base && !sameParam(values[i], values[base])
    );
    return { name, values, differs, anyDiffers: differs.some(Boolean) };
  });
}

/**
 * Every metric logged by any run, one row each (sorted by name): last, min,
 * max and count per run, and the runs whose last value is the best in the
 * metric's direction ({@link metricDirection}, or `directions[name]`).
 */
export function metricRows(
  runs: readonly (RunSummary | null)[],
  directions: Readonly<Record<string, MetricDirection>> = {}
): IMetricRow[] {
  const names = sortedNames(
    runs.flatMap(run => Object.keys(run?.metrics ?? {}))
  );
  return names.map(name => {
    const direction = directions[name] ?? metricDirection(name);
    const cells = runs.map(run => {
      const metric = run?.metrics[name];
      return metric
        ? {
            last: metric.last,
            min: metric.min,
            max: metric.max,
            count: metric.count
          }
        : undefined;
    });
    const lasts = cells
      .map(cell => cell?.last)
      .filter((v): v is number => typeof v === 'number');
    let best: number[] = [];
    const distinct = new Set(lasts);
    if (distinct.size > 1) {
      const target =
        direction === 'higher' ? Math.max(...lasts) : Math.min(...lasts);
      best = cells.flatMap((cell, i) => (cell?.last === target ? [i] : []));
    }
    // Differs when the readable runs do not all have the same last value
    // (a run without the metric counts as a value of its own).
    const anyDiffers =
      new Set(
        cells.flatMap((cell, i) =>
          runs[i] === null ? [] : [cell ? String(cell.last) : '']
        )
      ).size > 1;
    return { name, direction, cells, best, anyDiffers };
  });
}

/**
 * How a table's columns changed from `before` to `after`: columns added,
 * removed, and those whose type changed (columns are matched by name).
 * Null when neither is a table or nothing changed.
 */
export function tableSchemaDiff(
  before: InputFile['table'] | undefined,
  after: InputFile['table'] | undefined
): ISchemaDiff | null {
  if (!before && !after) {
    return null;
  }
  const a = new Map((before?.columns ?? []).map(c => [c.name, c.type]));
  const b = new Map((after?.columns ?? []).map(c => [c.name, c.type]));
  const diff: ISchemaDiff = { added: [], removed: [], changed: [] };
  for (const [name, type] of b) {
    const old = a.get(name);
    if (old === undefined) {
      diff.added.push({ name, type });
    } else if (old !== type) {
      diff.changed.push({ name, before: old, after: type });
    }
  }
  for (const [name, type] of a) {
    if (!b.has(name)) {
      diff.removed.push({ name, type });
    }
  }
  return diff.added.length || diff.removed.length || diff.changed.length
    ? diff
    : null;
}

/**
 * Every input path read by any run (sorted), each run's file compared with
 * the base run's: the content hash, and the table's columns. `inputs[i]`
 * is null for a run whose inputs could not be read.
 */
export function inputRows(
  inputs: readonly (readonly InputFile[] | null)[]
): IInputRow[] {
  const base = baseIndex(inputs);
  const byRun = inputs.map(list =>
    list ? new Map(list.map(file => [file.path, file])) : null
  );
  const paths = sortedNames(
    inputs.flatMap(list => (list ?? []).map(f => f.path))
  );
  return paths.map(path => {
    const files = byRun.map(map => map?.get(path));
    const baseFile = files[base];
    const hashDiffers = files.map(
      (file, i) =>
        byRun[i] !== null &&
        i !== base &&
        (file === undefined ||
          baseFile === undefined ||
          !file.sha256 ||
          file.sha256 !== baseFile.sha256)
    );
    const schema = files.map((file, i) =>
      byRun[i] !== null && i !== base && file && baseFile
        ? tableSchemaDiff(baseFile.table, file.table)
        : null
    );
    const same =
      !hashDiffers.some(Boolean) && !schema.some(diff => diff !== null);
    return { path, files, hashDiffers, schema, same };
  });
}

/** The code of a cell as it ran (else its source in the notebook). */
export function cellCode(cell: CellAtStep): string {
  return cell.execution?.code ?? cell.source ?? '';
}

/**
 * Matches the code cells of `other` to those of `base`: first by cell id,
 * then the cells left on each side pair up in order (a notebook whose ids
 * changed, e.g. copied, still lines up). Returns, for each base cell, the
 * index of its match in `other` or -1, and the other cells no base cell
 * matched.
 */
export function matchCells(
  base: readonly CellAtStep[],
  other: readonly CellAtStep[]
): { matches: number[]; unmatched: number[] } {
  const matches = base.map(() => -1);
  const taken = other.map(() => false);
  const byId = new Map<string, number>();
  other.forEach((cell, j) => {
    if (cell.cellId !== null && !byId.has(cell.cellId)) {
      byId.set(cell.cellId, j);
    }
  });
  base.forEach((cell, i) => {
    const j = cell.cellId !== null ? byId.get(cell.cellId) : undefined;
    if (j !== undefined && !taken[j]) {
      matches[i] = j;
      taken[j] = true;
    }
  });
  const left = other.flatMap((_, j) => (taken[j] ? [] : [j]));
  let next = 0;
  base.forEach((_, i) => {
    if (matches[i] === -1 && next < left.length) {
      matches[i] = left[next];
      taken[left[next]] = true;
      next++;
    }
  });
  return { matches, unmatched: left.slice(next) };
}

/** The code cells of a notebook worth comparing: code cells that have code. */
export function codeCells(cells: readonly CellAtStep[]): CellAtStep[] {
  return cells.filter(
    cell => cell.cellType === 'code' && cellCode(cell).trim() !== ''
  );
}

/**
 * Each code cell across the runs' notebooks, in the base notebook's order,
 * then the cells only other runs have (in their order): each run's code
 * and whether it differs from the base's. `notebooks[i]` is null for a run
 * whose notebook could not be read.
 */
export function cellRows(
  notebooks: readonly (readonly CellAtStep[] | null)[]
): ICellRow[] {
  const base = baseIndex(notebooks);
  if (base < 0) {
    return [];
  }
  const baseCells = codeCells(notebooks[base]!);
  const rows: ICellRow[] = baseCells.map((cell, i) => ({
    key: cell.cellId ?? `#${i}`,
    cellId: cell.cellId,
    code: notebooks.map((_, r) => (r === base ? cellCode(cell) : undefined)),
    differs: [],
    anyDiffers: false
  }));
  notebooks.forEach((notebook, r) => {
    if (!notebook || r === base) {
      return;
    }
    const cells = codeCells(notebook);
    const { matches, unmatched } = matchCells(baseCells, cells);
    matches.forEach((j, i) => {
      if (j >= 0) {
        rows[i].code[r] = cellCode(cells[j]);
      }
    });
    for (const j of unmatched) {
      const cell = cells[j];
      // A cell another run also added (same id) shares its row.
      const shared =
        cell.cellId !== null
          ? rows.find(
              row =>
                row.cellId === cell.cellId &&
                row.code[base] === undefined &&
                row.code[r] === undefined
            )
          : undefined;
      if (shared) {
        shared.code[r] = cellCode(cell);
      } else {
        rows.push({
          key: cell.cellId ?? `#${r}:${j}`,
          cellId: cell.cellId,
          code: notebooks.map((_, k) => (k === r ? cellCode(cell) : undefined)),
          differs: [],
          anyDiffers: false
        });
      }
    }
  });
  for (const row of rows) {
    row.differs = notebooks.map(
      (notebook, r) =>
        notebook !== null && r !== base && row.code[r] !== row.code[base]
    );
    row.anyDiffers = row.differs.some(Boolean);
  }
  return rows;
}

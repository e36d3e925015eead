/**
 * The leaderboard's columns: the fixed ones (the run, its author, status,
 * kind, start, duration, executions) and the params and metrics the user
 * picks, with the field each sorts on in the filter language (#16
 * contract 2) and how a run's value is read.
 */
import { fieldText } from '../../records/runs';
import type { RunNameCount, RunNames, RunSummary } from './types';

/** What a column shows, which decides its alignment and formatting. */
export type RunColumnType =
  | 'run'
  | 'author'
  | 'status'
  | 'kind'
  | 'time'
  | 'duration'
  | 'count'
  | 'param'
  | 'metric';

/**
 * One column of the leaderboard.
 */
export interface IRunColumn {
  /** Unique: `notebook`, `author`…, `params.NAME`, `metrics.NAME`. */
  readonly id: string;
  readonly type: RunColumnType;
  /** The param or metric name (for `param` and `metric` columns). */
  readonly name?: string;
  /** The field a header click sorts on, in the filter language. */
  readonly sortField: string;
  /** Whether a first click sorts descending (numbers ranked best-first). */
  readonly descendingFirst: boolean;
  /** Kept in view while scrolling sideways. */
  readonly sticky: boolean;
  /** Width in pixels. */
  readonly width: number;
}

/**
 * A param or metric as a field of the filter language:
 * `metrics.accuracy`, `` params.`learning rate` `` (the filter rules'
 * spelling).
 */
export function runField(group: 'params' | 'metrics', name: string): string {
  return fieldText(
    group === 'params'
      ? { field: 'params', name }
      : { field: 'metrics', name, stat: 'last' }
  );
}

/**
 * The columns every leaderboard shows; the first two stay in view while
 * scrolling sideways.
 */
export const FIXED_COLUMNS: readonly IRunColumn[] = [
  fixed('notebook', 'run', 'notebook', false, true, 240),
  fixed('author', 'author', 'author', false, true, 120),
  fixed('status', 'status', 'status', false, false, 96),
  fixed('kind', 'kind', 'kind', false, false, 88),
  fixed('started', 'time', 'started', true, false, 120),
  fixed('duration', 'duration', 'duration', true, false, 88),
  fixed('executions', 'count', 'executions', true, false, 80)
];

function fixed(
  id: string,
  type: RunColumnType,
  sortField: string,
  descendingFirst: boolean,
  sticky: boolean,
  width: number
): IRunColumn {
  return { id, type, sortField, descendingFirst, sticky, width };
}

/**
 * The column of a picked param or metric, from its id (`params.lr`,
 * `metrics.accuracy`); null for an id that names neither.
 */
export function pickedColumn(id: string): IRunColumn | null {
  const match = /^(params|metrics)\.(.+)$/s.exec(id);
  if (!match) {
    return null;
  }
  const group = match[1] as 'params' | 'metrics';
  const name = match[2];
  return {
    id,
    type: group === 'params' ? 'param' : 'metric',
    name,
    sortField: runField(group, name),
    // Metrics are ranked best-first by most (accuracy); a param ascends.
    descendingFirst: group === 'metrics',
    sticky: false,
    width: 112
  };
}

/** How many metrics and params the leaderboard shows before any is picked. */
const AUTO_METRICS = 6;
const AUTO_PARAMS = 4;

/**
 * The param and metric columns shown while the user picked none: the
 * metrics, then the params, most runs have.
 */
export function automaticColumns(names: RunNames | null): string[] {
  if (!names) {
    return [];
  }
  const top = (list: RunNameCount[], n: number) =>
    [...list]
      .sort((a, b) => b.count - a.count || compareText(a.name, b.name))
      .slice(0, n)
      .map(entry => entry.name);
  return [
    ...top(names.metrics, AUTO_METRICS).map(name => `metrics.${name}`),
    ...top(names.params, AUTO_PARAMS).map(name => `params.${name}`)
  ];
}

/**
 * The columns shown: the run and its author (kept in view), the picked (or
 * automatic) params and metrics, what a leaderboard ranks by, in sight
 * first, then the rest of the fixed ones.
 */
export function leaderboardColumns(picked: readonly string[]): IRunColumn[] {
  const seen = new Set<string>();
  const extra: IRunColumn[] = [];
  for (const id of picked) {
    const column = pickedColumn(id);
    if (column && !seen.has(id)) {
      seen.add(id);
      extra.push(column);
    }
  }
  return [
    ...FIXED_COLUMNS.filter(column => column.sticky),
    ...extra,
    ...FIXED_COLUMNS.filter(column => !column.sticky)
  ];
}

/**
 * What a run holds for a column: a param's value, a metric's last value
 * (null for NaN), or undefined when the run has none.
 */
export function columnValue(run: RunSummary, column: IRunColumn): unknown {
  switch (column.type) {
    case 'param':
      return Object.prototype.hasOwnProperty.call(run.params, column.name!)
        ? run.params[column.name!]
        : undefined;
    case 'metric': {
      const metric = Object.prototype.hasOwnProperty.call(
        run.metrics,
        column.name!
      )
        ? run.metrics[column.name!]
        : undefined;
      return metric === undefined ? undefined : metric.last;
    }
    case 'run':
      return run.notebookPath;
    case 'author':
      return run.author?.displayName ?? run.author?.name;
    case 'status':
      return run.status;
    case 'kind':
      return run.kind;
    case 'time':
      return run.startedAt;
    case 'duration':
      return run.durationMs ?? undefined;
    case 'count':
      return run.executionCount;
  }
}

/** Code point order, the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

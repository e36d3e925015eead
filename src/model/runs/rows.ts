/**
 * What the leaderboard's table shows, row by row: runs in the server's
 * order, or grouped by notebook under collapsible headers; and the sort
 * keys a header click makes.
 */
import type { IRunColumn } from './columns';
import type { RunSummary } from './types';

/** A notebook's header when grouping by notebook. */
export interface IGroupRow {
  readonly kind: 'group';
  readonly key: string;
  readonly notebookPath: string;
  /** How many of the loaded runs belong to it. */
  readonly count: number;
  /** Whether more of its runs may come with the next pages. */
  readonly partial: boolean;
  readonly collapsed: boolean;
}

/** One run; `rank` is its place in the whole order, from 1. */
export interface IRunRow {
  readonly kind: 'run';
  readonly key: string;
  readonly run: RunSummary;
  readonly rank: number;
}

export type LeaderboardRow = IGroupRow | IRunRow;

/**
 * The rows of the table. Grouped, the notebooks come in the order of their
 * best-ranked run and keep the order within; a collapsed group shows its
 * header only.
 */
export function leaderboardRows(
  runs: readonly RunSummary[],
  options: {
    groupByNotebook: boolean;
    collapsed: ReadonlySet<string>;
    /** Whether more runs remain to be read (group counts are then partial). */
    hasMore?: boolean;
  }
): LeaderboardRow[] {
  const rows = runs.map((run, i): IRunRow => ({
    kind: 'run',
    key: `run:${run.id}`,
    run,
    rank: i + 1
  }));
  if (!options.groupByNotebook) {
    return rows;
  }
  const groups = new Map<string, IRunRow[]>();
  for (const row of rows) {
    const path = row.run.notebookPath;
    let group = groups.get(path);
    if (!group) {
      group = [];
      groups.set(path, group);
    }
    group.push(row);
  }
  const out: LeaderboardRow[] = [];
  for (const [notebookPath, members] of groups) {
    const collapsed = options.collapsed.has(notebookPath);
    out.push({
      kind: 'group',
      key: `group:${notebookPath}`,
      notebookPath,
      count: members.length,
      partial: options.hasMore ?? false,
      collapsed
    });
    if (!collapsed) {
      out.push(...members);
    }
  }
  return out;
}

/**
 * One key of a sort text (`-metrics.accuracy`).
 */
export interface ISortKeyText {
  field: string;
  descending: boolean;
}

/**
 * The keys of a sort text, split on the commas outside backquotes.
 */
export function sortKeys(text: string): ISortKeyText[] {
  const keys: ISortKeyText[] = [];
  let current = '';
  let quoted = false;
  const push = () => {
    const key = current.trim();
    current = '';
    if (key) {
      const descending = key.startsWith('-');
      const field = key.replace(/^[-+]\s*/, '');
      keys.push({ field, descending });
    }
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '`') {
      quoted = !quoted;
    }
    if (ch === ',' && !quoted) {
      push();
    } else {
      current += ch;
    }
  }
  push();
  return keys;
}

/** The sort text of keys. */
export function sortText(keys: readonly ISortKeyText[]): string {
  return keys.map(key => `${key.descending ? '-' : ''}${key.field}`).join(',');
}

/** What the server sorts by when no sort is given (newest first). */
export const DEFAULT_SORT = '-started';

/**
 * The sort after a click on a column's header: by that column alone, the
 * other way round when it already sorted by it.
 */
export function toggledSort(current: string, column: IRunColumn): string {
  const first = sortKeys(current || DEFAULT_SORT)[0];
  const descending =
    first && first.field === column.sortField
      ? !first.descending
      : column.descendingFirst;
  return sortText([{ field: column.sortField, descending }]);
}

/**
 * How the table is sorted by a column: 'ascending', 'descending' or
 * 'none' (the first key only), as `aria-sort` says it.
 */
export function columnSortState(
  current: string,
  column: IRunColumn
): 'ascending' | 'descending' | 'none' {
  const first = sortKeys(current || DEFAULT_SORT)[0];
  if (!first || first.field !== column.sortField) {
    return 'none';
  }
  return first.descending ? 'descending' : 'ascending';
}

/**
 * One row of the leaderboard's table, memoized: while the table scrolls it
 * renders again on every frame, but a row already in view keeps its
 * element tree untouched (same run, rank, place, selection and columns),
 * so only the rows coming into view are rendered.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { columnValue } from '../../model/runs';
import type {
  IRunColumn,
  LeaderboardModel,
  LeaderboardRow,
  RunSummary
} from '../../model/runs';
import { isNumericColumn, RunCell } from './cells';

/** The checkbox and rank columns, before the model's columns. */
export const SELECT_WIDTH = 32;
export const RANK_WIDTH = 48;

/** Where the columns go: computed once per set of columns. */
export interface IRunsLayout {
  /** Where each sticky column sticks, from the left edge. */
  readonly offsets: ReadonlyMap<string, number>;
  readonly lastSticky: string | null;
  /** The rows' `grid-template-columns`. */
  readonly template: string;
  /** The table's whole width. */
  readonly width: number;
}

/** The layout of the given columns. */
export function runsLayout(columns: readonly IRunColumn[]): IRunsLayout {
  let left = SELECT_WIDTH + RANK_WIDTH;
  const offsets = new Map<string, number>();
  let lastSticky: string | null = null;
  for (const column of columns) {
    if (column.sticky) {
      offsets.set(column.id, left);
      lastSticky = column.id;
    }
    left += column.width;
  }
  const template = [
    `${SELECT_WIDTH}px`,
    `${RANK_WIDTH}px`,
    ...columns.map(column => `${column.width}px`)
  ].join(' ');
  return { offsets, lastSticky, template, width: left };
}

/**
 * A cell's class and style. A param holding a number is right-aligned like
 * one (a column may mix numbers and text: each cell aligns by its own
 * value).
 */
export function cellProps(
  layout: IRunsLayout,
  column: IRunColumn,
  run?: RunSummary
): { className: string; style: React.CSSProperties | undefined } {
  const left = layout.offsets.get(column.id);
  const classes = ['jp-Trail-RunsTable-cell'];
  if (
    isNumericColumn(column) ||
    (run !== undefined &&
      column.type === 'param' &&
      typeof columnValue(run, column) === 'number')
  ) {
    classes.push('jp-mod-number');
  }
  if (left !== undefined) {
    classes.push('jp-mod-sticky');
  }
  if (column.id === layout.lastSticky) {
    classes.push('jp-mod-lastSticky');
  }
  return {
    className: classes.join(' '),
    style: left !== undefined ? { left } : undefined
  };
}

/** What a row does; the table passes one object for the table's life. */
export interface IRowActions {
  openRun(runId: string): void;
}

export interface IRunsTableRowProps {
  row: LeaderboardRow;
  index: number;
  /** The row's top, in the body's coordinates. */
  top: number;
  height: number;
  selected: boolean;
  /** Whether the row is the one in the tab order. */
  tabbable: boolean;
  layout: IRunsLayout;
  columns: readonly IRunColumn[];
  model: LeaderboardModel;
  actions: IRowActions;
  trans: TranslationBundle;
}

/**
 * Whether two rows show the same: the model builds new row objects when a
 * page arrives, but a run whose summary did not change keeps its object
 * (its version), so the identity of the run stands for its content.
 */
function sameRow(a: LeaderboardRow, b: LeaderboardRow): boolean {
  if (a === b) {
    return true;
  }
  if (a.kind === 'run' && b.kind === 'run') {
    return a.key === b.key && a.run === b.run && a.rank === b.rank;
  }
  if (a.kind === 'group' && b.kind === 'group') {
    return (
      a.key === b.key &&
      a.count === b.count &&
      a.partial === b.partial &&
      a.collapsed === b.collapsed
    );
  }
  return false;
}

function sameProps(a: IRunsTableRowProps, b: IRunsTableRowProps): boolean {
  return (
    sameRow(a.row, b.row) &&
    a.index === b.index &&
    a.top === b.top &&
    a.height === b.height &&
    a.selected === b.selected &&
    a.tabbable === b.tabbable &&
    a.layout === b.layout &&
    a.columns === b.columns &&
    a.model === b.model &&
    a.actions === b.actions &&
    a.trans === b.trans
  );
}

function RunsTableRowView(props: IRunsTableRowProps): JSX.Element {
  const { row, index, layout, model, trans } = props;
  const style: React.CSSProperties = {
    transform: `translateY(${props.top}px)`,
    gridTemplateColumns: layout.template,
    height: props.height
  };
  const tabIndex = props.tabbable ? 0 : -1;
  if (row.kind === 'group') {
    return (
      <div
        data-index={index}
        className="jp-Trail-RunsTable-row jp-mod-group"
        role="row"
        aria-expanded={!row.collapsed}
        tabIndex={tabIndex}
        style={style}
        onClick={() => model.toggleGroup(row.notebookPath)}
      >
        <span className="jp-Trail-RunsTable-group" role="gridcell">
          <span className="jp-Trail-RunsTable-caret" aria-hidden>
            {row.collapsed ? '▸' : '▾'}
          </span>
          <span className="jp-Trail-RunsTable-groupPath">
            {row.notebookPath}
          </span>
          <span
            className="jp-Trail-RunsTable-groupCount"
            title={
              row.partial ? trans.__('Among the runs loaded so far') : undefined
            }
          >
            {row.partial
              ? trans._n('%1+ run', '%1+ runs', row.count)
              : trans._n('%1 run', '%1 runs', row.count)}
          </span>
        </span>
      </div>
    );
  }
  const run = row.run;
  const isSelected = props.selected;
  return (
    <div
      data-index={index}
      data-run={run.id}
      className={`jp-Trail-RunsTable-row${isSelected ? ' jp-mod-selected' : ''}`}
      role="row"
      aria-selected={isSelected}
      aria-rowindex={row.rank + 1}
      tabIndex={tabIndex}
      style={style}
      title={trans.__('Open this run')}
      onClick={() => props.actions.openRun(run.id)}
    >
      <span
        className="jp-Trail-RunsTable-cell jp-mod-sticky jp-mod-select"
        role="gridcell"
        style={{ left: 0 }}
        onClick={event => event.stopPropagation()}
      >
        <input
          type="checkbox"
          checked={isSelected}
          tabIndex={-1}
          aria-label={trans.__('Pick %1 to compare', run.id)}
          onChange={() => model.toggleSelected(run.id)}
        />
      </span>
      <span
        className="jp-Trail-RunsTable-cell jp-mod-sticky jp-mod-number jp-mod-rank"
        role="gridcell"
        style={{ left: SELECT_WIDTH }}
      >
        {row.rank}
      </span>
      {props.columns.map(column => (
        <span
          key={column.id}
          {...cellProps(layout, column, run)}
          role="gridcell"
        >
          <RunCell run={run} column={column} trans={trans} />
        </span>
      ))}
    </div>
  );
}

/** A row of the table, rendered again only when what it shows changed. */
export const RunsTableRow = React.memo(RunsTableRowView, sameProps);

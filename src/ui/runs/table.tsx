/**
 * The leaderboard's table: a header that sorts on click, the first columns
 * kept in view while scrolling sideways, rows virtualized (only those in
 * view are in the DOM) and the next page read as the end comes into view.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import type { Rect, Virtualizer } from '@tanstack/react-virtual';
import * as React from 'react';
import { columnSortState, columnValue } from '../../model/runs';
import type {
  IRunColumn,
  LeaderboardModel,
  LeaderboardRow,
  RunSummary
} from '../../model/runs';
import { isNumericColumn, RunCell } from './cells';

/** Every row's height, in pixels (rows are one line). */
export const ROW_HEIGHT = 30;

/** The header's height, in pixels. */
const HEADER_HEIGHT = 32;

/** Rows kept in the DOM beyond those in view, on each side. */
const OVERSCAN = 10;

/** When this few rows remain below the last one rendered, read on. */
const LOAD_AHEAD = 20;

/** The checkbox and rank columns, before the model's columns. */
const SELECT_WIDTH = 32;
const RANK_WIDTH = 48;

/** The size assumed for a scroller not laid out yet (hidden, under test). */
const FALLBACK_RECT: Rect = { width: 1000, height: 800 };

function observeRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  cb: (rect: Rect) => void
): (() => void) | undefined {
  return observeElementRect(instance, rect =>
    cb(rect.height > 0 ? rect : FALLBACK_RECT)
  );
}

/** What the table does with a run. */
export interface IRunsTableActions {
  onOpenRun: (runId: string) => void;
}

/**
 * The table of the model's rows with the given columns.
 */
export function RunsTable(
  props: {
    model: LeaderboardModel;
    columns: readonly IRunColumn[];
    trans: TranslationBundle;
  } & IRunsTableActions
): JSX.Element {
  const { model, columns, trans } = props;
  const rows = model.rows;
  const scrollRef = React.useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer<HTMLDivElement, Element>({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: index => rows[index].key,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRect
  });
  const virtual = virtualizer.getVirtualItems();
  const last = virtual.length ? virtual[virtual.length - 1].index : -1;
  React.useEffect(() => {
    if (
      model.hasMore &&
      !model.loading &&
      !model.error &&
      last >= rows.length - LOAD_AHEAD
    ) {
      void model.loadMore();
    }
  }, [last, rows.length, model.hasMore, model.loading, model.error]);

  // Where each sticky column sticks, from the left edge.
  const layout = React.useMemo(() => {
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
  }, [columns]);

  // A param holding a number is right-aligned like one (a column may mix
  // numbers and text: each cell aligns by its own value).
  const cellProps = (column: IRunColumn, run?: RunSummary) => {
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
  };

  // Arrow keys move between rows, rendered or not; Enter opens, Space picks.
  const onKeyDown = (event: React.KeyboardEvent) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-index]'
    );
    if (!row || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const index = Number(row.dataset.index);
    const steps: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      Home: -Infinity,
      End: Infinity,
      PageDown: 10,
      PageUp: -10
    };
    const step = steps[event.key];
    if (step !== undefined) {
      event.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, index + step));
      virtualizer.scrollToIndex(next, { align: 'auto' });
      const focus = (tries: number) => {
        const target = scrollRef.current?.querySelector<HTMLElement>(
          `[data-index="${next}"]`
        );
        if (target) {
          target.focus();
        } else if (tries > 0) {
          requestAnimationFrame(() => focus(tries - 1));
        }
      };
      focus(10);
      return;
    }
    if (event.target !== row) {
      return;
    }
    const item = rows[index];
    if (event.key === 'Enter') {
      event.preventDefault();
      if (item.kind === 'run') {
        props.onOpenRun(item.run.id);
      } else {
        model.toggleGroup(item.notebookPath);
      }
    } else if (event.key === ' ' && item.kind === 'run') {
      event.preventDefault();
      model.toggleSelected(item.run.id);
    }
  };

  // One row is in the tab order (the last one focused): Tab leaves the
  // table instead of walking through every run.
  const [tabRow, setTabRow] = React.useState(0);
  const onFocus = (event: React.FocusEvent) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-index]'
    );
    if (row) {
      setTabRow(Number(row.dataset.index));
    }
  };
  const selected = new Set(model.selected);
  return (
    <div
      ref={scrollRef}
      className="jp-Trail-RunsScroll"
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div
        className="jp-Trail-RunsTable"
        role="grid"
        aria-label={trans.__('Runs')}
        aria-rowcount={(model.total ?? rows.length) + 1}
        style={{ width: layout.width }}
      >
        <div
          className="jp-Trail-RunsTable-head"
          role="row"
          aria-rowindex={1}
          style={{ gridTemplateColumns: layout.template }}
        >
          <span
            className="jp-Trail-RunsTable-cell jp-mod-sticky jp-mod-select"
            role="columnheader"
            style={{ left: 0 }}
          >
            <span className="jp-Trail-VisuallyHidden">
              {trans.__('Compare')}
            </span>
          </span>
          <span
            className="jp-Trail-RunsTable-cell jp-mod-sticky jp-mod-number jp-mod-rank"
            role="columnheader"
            style={{ left: SELECT_WIDTH }}
            title={trans.__('Rank in the sort order')}
          >
            #
          </span>
          {columns.map(column => {
            const sort = columnSortState(model.sort, column);
            const cell = cellProps(column);
            return (
              <span
                key={column.id}
                {...cell}
                role="columnheader"
                aria-sort={sort}
                data-column={column.id}
              >
                <button
                  type="button"
                  className="jp-Trail-RunsTable-sort"
                  title={trans.__('Sort by %1', column.sortField)}
                  onClick={() => model.sortBy(column)}
                >
                  <span className="jp-Trail-RunsTable-label">
                    {columnLabel(column, trans)}
                  </span>
                  {sort !== 'none' && (
                    <span className="jp-Trail-RunsTable-arrow" aria-hidden>
                      {sort === 'descending' ? '▼' : '▲'}
                    </span>
                  )}
                </button>
              </span>
            );
          })}
        </div>
        <div
          className="jp-Trail-RunsTable-body"
          role="rowgroup"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtual.map(item => {
            const row: LeaderboardRow = rows[item.index];
            const style: React.CSSProperties = {
              transform: `translateY(${item.start - HEADER_HEIGHT}px)`,
              gridTemplateColumns: layout.template,
              height: ROW_HEIGHT
            };
            if (row.kind === 'group') {
              return (
                <div
                  key={row.key}
                  data-index={item.index}
                  className="jp-Trail-RunsTable-row jp-mod-group"
                  role="row"
                  aria-expanded={!row.collapsed}
                  tabIndex={item.index === tabRow ? 0 : -1}
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
                        row.partial
                          ? trans.__('Among the runs loaded so far')
                          : undefined
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
            const isSelected = selected.has(run.id);
            return (
              <div
                key={row.key}
                data-index={item.index}
                data-run={run.id}
                className={`jp-Trail-RunsTable-row${
                  isSelected ? ' jp-mod-selected' : ''
                }`}
                role="row"
                aria-selected={isSelected}
                aria-rowindex={row.rank + 1}
                tabIndex={item.index === tabRow ? 0 : -1}
                style={style}
                title={trans.__('Open this run')}
                onClick={() => props.onOpenRun(run.id)}
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
                {columns.map(column => (
                  <span
                    key={column.id}
                    {...cellProps(column, run)}
                    role="gridcell"
                  >
                    <RunCell run={run} column={column} trans={trans} />
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** A column's header text. */
export function columnLabel(
  column: IRunColumn,
  trans: TranslationBundle
): string {
  switch (column.type) {
    case 'run':
      return trans.__('Run');
    case 'author':
      return trans.__('Author');
    case 'status':
      return trans.__('Status');
    case 'kind':
      return trans.__('Kind');
    case 'time':
      return trans.__('Started');
    case 'duration':
      return trans.__('Duration');
    case 'count':
      return trans.__('Executions');
    default:
      return column.name ?? column.id;
  }
}

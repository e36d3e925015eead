/**
 * The leaderboard's table: a header that sorts on click, the first columns
 * kept in view while scrolling sideways, rows virtualized (only those in
 * view are in the DOM) and the next page read as the end comes into view.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import type { Rect, Virtualizer } from '@tanstack/react-virtual';
import * as React from 'react';
import { columnSortState } from '../../model/runs';
import type { IRunColumn, IRunRow, LeaderboardModel } from '../../model/runs';
import type { IRowActions } from './row';
import { cellProps, RunsTableRow, runsLayout, SELECT_WIDTH } from './row';

/** Every row's height, in pixels (rows are one line). */
export const ROW_HEIGHT = 30;

/** The header's height, in pixels. */
const HEADER_HEIGHT = 32;

/** Rows kept in the DOM beyond those in view, on each side. */
const OVERSCAN = 10;

/** When this few rows remain below the last one rendered, read on. */
const LOAD_AHEAD = 20;

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
    observeElementRect: observeRect,
    // Scrolling renders in React's own time: a synchronous render on every
    // scroll event made each frame wait for the whole table (~20 frames/s
    // over 2,000 rows in bench/runs.mjs --ui).
    useFlushSync: false
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

  const layout = React.useMemo(() => runsLayout(columns), [columns]);

  // One object for the table's life, so that rows in view stay memoized;
  // it calls the latest callback given.
  const onOpenRun = React.useRef(props.onOpenRun);
  onOpenRun.current = props.onOpenRun;
  const actions = React.useMemo<IRowActions>(
    () => ({ openRun: runId => onOpenRun.current(runId) }),
    []
  );

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
            const cell = cellProps(layout, column);
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
          {virtual.map(item => (
            <RunsTableRow
              key={rows[item.index].key}
              row={rows[item.index]}
              index={item.index}
              top={item.start - HEADER_HEIGHT}
              height={ROW_HEIGHT}
              selected={
                rows[item.index].kind === 'run' &&
                selected.has((rows[item.index] as IRunRow).run.id)
              }
              tabbable={item.index === tabRow}
              layout={layout}
              columns={columns}
              model={model}
              actions={actions}
              trans={trans}
            />
          ))}
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

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  measureElement,
  observeElementRect,
  useVirtualizer
} from '@tanstack/react-virtual';
import type { Rect, Virtualizer } from '@tanstack/react-virtual';
import * as React from 'react';
import { EmptyState, ErrorState, LoadingState, LoadMoreButton } from './states';

/**
 * What a paged list shows: a model that loads its items page by page.
 */
export interface IPagedSource<T> {
  readonly items: readonly T[];
  readonly loaded: boolean;
  readonly loading: boolean;
  readonly hasMore: boolean;
  readonly error: Error | null;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
}

/**
 * Rows kept in the DOM beyond those in view, on each side.
 */
const OVERSCAN = 8;

/**
 * When this few rows remain below the last one rendered, the next page is
 * asked for, so scrolling down reads on without a click.
 */
const LOAD_AHEAD = 10;

/**
 * The states every Trail list goes through (a failure with nothing to show,
 * loading, empty, then the items with an inline error and "Load more"), in
 * one place so that every list behaves the same.
 *
 * #### Notes
 * Rows are virtualized: only those in view (and a few around) are in the
 * DOM, so a session of 10,000 executions opens and scrolls like one of ten.
 * The list scrolls with its view (the closest `.jp-Trail-View`), below
 * whatever the view shows above it.
 */
export function PagedList<T>(props: {
  source: IPagedSource<T>;
  /** An ordered list (`<ol>`) where the order means something. */
  ordered?: boolean;
  className: string;
  label: string;
  emptyMessage: string;
  renderItem: (item: T) => React.ReactNode;
  /** Identifies an item; its `id` by default. */
  keyOf?: (item: T) => string;
  /** A row's height before it is measured, in pixels. */
  estimateSize?: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { source, trans } = props;
  const retry = () => void source.refresh();
  if (source.error && source.items.length === 0) {
    return <ErrorState error={source.error} onRetry={retry} trans={trans} />;
  }
  if (!source.loaded) {
    return <LoadingState trans={trans} />;
  }
  if (source.items.length === 0) {
    return <EmptyState message={props.emptyMessage} />;
  }
  return (
    <>
      {source.error && (
        <ErrorState error={source.error} onRetry={retry} trans={trans} inline />
      )}
      <VirtualRows {...props} />
      {source.hasMore && (
        <LoadMoreButton
          loading={source.loading}
          onClick={() => void source.loadMore()}
          trans={trans}
        />
      )}
    </>
  );
}

function defaultKey(item: unknown): string {
  return (item as { id: string }).id;
}

/**
 * The height assumed for a scroller that has none yet (hidden, not laid out
 * yet, or under test).
 */
const FALLBACK_RECT: Rect = { width: 300, height: 800 };

/**
 * The scroller's size, or the fallback while it has none: a hidden view
 * still renders its first rows, ready when it shows.
 */
function observeRect(
  instance: Virtualizer<HTMLElement, Element>,
  cb: (rect: Rect) => void
): (() => void) | undefined {
  return observeElementRect(instance, rect =>
    cb(rect.height > 0 ? rect : FALLBACK_RECT)
  );
}

/**
 * A row's measured height, or its estimate while it has none.
 */
function measureRow(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLElement, Element>
): number {
  const size = measureElement(element, entry, instance);
  if (size > 0) {
    return size;
  }
  const index = instance.indexFromElement(element);
  return instance.options.estimateSize(index);
}

function VirtualRows<T>(props: {
  source: IPagedSource<T>;
  ordered?: boolean;
  className: string;
  label: string;
  renderItem: (item: T) => React.ReactNode;
  keyOf?: (item: T) => string;
  estimateSize?: number;
}): JSX.Element {
  const { source } = props;
  const items = source.items;
  const keyOf = props.keyOf ?? defaultKey;
  const listRef = React.useRef<HTMLOListElement & HTMLUListElement>(null);
  const [margin, setMargin] = React.useState(0);
  const virtualizer = useVirtualizer<HTMLElement, Element>({
    count: items.length,
    getScrollElement: () =>
      listRef.current?.closest<HTMLElement>('.jp-Trail-View') ?? null,
    estimateSize: () => props.estimateSize ?? 56,
    getItemKey: index => keyOf(items[index]),
    overscan: OVERSCAN,
    scrollMargin: margin,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRect,
    measureElement: measureRow
  });
  // What the view shows above the list (a header, an open section) moves
  // it down: the virtualizer must know where it starts.
  React.useLayoutEffect(() => {
    const list = listRef.current;
    const scroller = list?.closest<HTMLElement>('.jp-Trail-View');
    if (list && scroller) {
      const top =
        list.getBoundingClientRect().top -
        scroller.getBoundingClientRect().top +
        scroller.scrollTop;
      if (Math.abs(top - margin) > 1) {
        setMargin(top);
      }
    }
  });
  const rows = virtualizer.getVirtualItems();
  const last = rows.length ? rows[rows.length - 1].index : -1;
  React.useEffect(() => {
    if (
      source.hasMore &&
      !source.loading &&
      !source.error &&
      last >= items.length - LOAD_AHEAD
    ) {
      void source.loadMore();
    }
  }, [last, items.length, source.hasMore, source.loading, source.error]);

  // Arrow keys move between rows, including rows not rendered yet.
  const onKeyDown = (event: React.KeyboardEvent) => {
    const keys: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      Home: -Infinity,
      End: Infinity
    };
    const step = keys[event.key];
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      'li[data-index]'
    );
    if (step === undefined || !row || event.altKey || event.ctrlKey) {
      return;
    }
    const next = Math.max(
      0,
      Math.min(items.length - 1, Number(row.dataset.index) + step)
    );
    event.preventDefault();
    virtualizer.scrollToIndex(next, { align: 'auto' });
    const focus = (tries: number) => {
      const target = listRef.current?.querySelector<HTMLElement>(
        `li[data-index="${next}"] button, li[data-index="${next}"] [tabindex]`
      );
      if (target) {
        target.focus();
      } else if (tries > 0) {
        requestAnimationFrame(() => focus(tries - 1));
      }
    };
    focus(10);
  };

  const List = props.ordered ? 'ol' : 'ul';
  return (
    <List
      ref={listRef}
      className={`jp-Trail-List jp-mod-virtual ${props.className}`}
      aria-label={props.label}
      style={{ height: virtualizer.getTotalSize() }}
      onKeyDown={onKeyDown}
    >
      {rows.map(row => (
        <li
          key={row.key as string}
          data-index={row.index}
          ref={virtualizer.measureElement}
          aria-posinset={row.index + 1}
          aria-setsize={source.hasMore ? -1 : items.length}
          style={{ transform: `translateY(${row.start - margin}px)` }}
        >
          {props.renderItem(items[row.index])}
        </li>
      ))}
    </List>
  );
}

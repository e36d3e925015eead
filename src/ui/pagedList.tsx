import type { TranslationBundle } from '@jupyterlab/translation';
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
 * The states every Trail list goes through (a failure with nothing to show,
 * loading, empty, then the items with an inline error and "Load more"), in
 * one place so that the session list and the timeline behave the same.
 */
export function PagedList<T extends { id: string }>(props: {
  source: IPagedSource<T>;
  /** An ordered list (`<ol>`) where the order means something. */
  ordered?: boolean;
  className: string;
  label: string;
  emptyMessage: string;
  renderItem: (item: T) => React.ReactNode;
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
  const List = props.ordered ? 'ol' : 'ul';
  return (
    <>
      {source.error && (
        <ErrorState error={source.error} onRetry={retry} trans={trans} inline />
      )}
      <List
        className={`jp-Trail-List ${props.className}`}
        aria-label={props.label}
      >
        {source.items.map(item => (
          <li key={item.id}>{props.renderItem(item)}</li>
        ))}
      </List>
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

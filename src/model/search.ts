import { LoadableModel } from './loadable';
import { DEFAULT_PAGE_SIZE } from './pagedList';
import type { ISearchQuery, ITrailReader, SearchHit } from './types';

/**
 * A search across the team's history and its results, a page at a time.
 *
 * #### Notes
 * Results are not refreshed by themselves as new executions arrive (a list
 * that moves under the reader's eyes is worse than a slightly old one);
 * searching again, or Retry, reads them anew.
 */
export class SearchModel extends LoadableModel {
  constructor(options: { reader: ITrailReader; pageSize?: number }) {
    super();
    this._reader = options.reader;
    this._pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * The query of the results shown, or null before the first search.
   */
  get query(): ISearchQuery | null {
    return this._query;
  }

  /** The results loaded so far, the best first. */
  get items(): readonly SearchHit[] {
    return this._items;
  }

  /** Whether the current query's first page came back. */
  get loaded(): boolean {
    return this._loaded;
  }

  get hasMore(): boolean {
    return this._nextCursor !== null;
  }

  /** Whether the server stopped looking before the end of the history. */
  get truncated(): boolean {
    return this._truncated;
  }

  /**
   * Search: drops the results shown and loads the first page of the new
   * ones. An empty text clears the results.
   */
  search(query: ISearchQuery): Promise<void> {
    this.invalidate();
    this._items = [];
    this._nextCursor = null;
    this._truncated = false;
    this._loaded = false;
    this._query = query.q.trim() ? { ...query, q: query.q.trim() } : null;
    this.emitChanged();
    return this._query ? this._loadFirst() : Promise.resolve();
  }

  /** Search again for the current query (Retry). */
  refresh(): Promise<void> {
    return this._query ? this.search(this._query) : Promise.resolve();
  }

  loadMore(): Promise<void> {
    const query = this._query;
    if (!query) {
      return Promise.resolve();
    }
    return this.enqueue(async isCurrent => {
      const cursor = this._nextCursor;
      if (cursor === null) {
        return;
      }
      const page = await this._reader.search({
        ...query,
        limit: this._pageSize,
        cursor
      });
      if (isCurrent()) {
        this._items = [...this._items, ...page.items];
        this._nextCursor = page.nextCursor;
        this._truncated = page.truncated;
      }
    });
  }

  private _loadFirst(): Promise<void> {
    const query = this._query!;
    return this.enqueue(async isCurrent => {
      const page = await this._reader.search({
        ...query,
        limit: this._pageSize
      });
      if (isCurrent()) {
        this._items = page.items;
        this._nextCursor = page.nextCursor;
        this._truncated = page.truncated;
        this._loaded = true;
      }
    });
  }

  private _items: SearchHit[] = [];
  private _loaded = false;
  private _nextCursor: string | null = null;
  private _pageSize: number;
  private _query: ISearchQuery | null = null;
  private _reader: ITrailReader;
  private _truncated = false;
}

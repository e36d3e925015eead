import { LoadableModel } from './loadable';
import type { Page } from './types';

/**
 * The number of items asked per page when none is given.
 */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * A list read from the server a page at a time, newest first: `refresh()`
 * merges the first page in (new items on top, known ones updated, older
 * pages kept), `loadMore()` appends the next page.
 */
export abstract class PagedListModel<T> extends LoadableModel {
  constructor(options: { pageSize?: number } = {}) {
    super();
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * Items asked per page.
   */
  readonly pageSize: number;

  /**
   * The items loaded so far, in the server's order.
   */
  get items(): readonly T[] {
    return this._items;
  }

  /**
   * Whether at least one page was loaded since the last reset: tells an
   * empty list apart from one not loaded yet.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Whether more items remain to be loaded with `loadMore()`.
   */
  get hasMore(): boolean {
    return this._nextCursor !== null;
  }

  /**
   * Find a loaded item by key.
   */
  find(key: string): T | undefined {
    return this._items.find(item => this.keyOf(item) === key);
  }

  /**
   * Replace a loaded item (same key) by a newer version of it.
   *
   * @returns whether the item was loaded.
   */
  replace(item: T): boolean {
    const key = this.keyOf(item);
    const index = this._items.findIndex(known => this.keyOf(known) === key);
    if (index < 0) {
      return false;
    }
    this._items = [
      ...this._items.slice(0, index),
      item,
      ...this._items.slice(index + 1)
    ];
    this.emitChanged();
    return true;
  }

  /**
   * Load the first page again and merge it in: new items appear on top,
   * known ones are updated, older pages already loaded are kept. A known
   * item that the first page should hold but does not is gone (made
   * private by its author, say) and is dropped.
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      const page = await this.fetchPage();
      if (!isCurrent()) {
        return;
      }
      const fresh = new Set(page.items.map(item => this.keyOf(item)));
      // The first page is a prefix of the order: what sorted before its
      // last known item (or anything, when it is the whole list) is on it.
      let covered = this._items.length - 1;
      if (page.nextCursor !== null) {
        covered = -1;
        this._items.forEach((item, i) => {
          if (fresh.has(this.keyOf(item))) {
            covered = i;
          }
        });
      }
      const older = this._items.filter(
        (item, i) => i > covered && !fresh.has(this.keyOf(item))
      );
      // The first page's cursor only describes what follows it; when older
      // pages were already loaded, their cursor is the one that still holds.
      if (!this._loaded || older.length === 0) {
        this._nextCursor = page.nextCursor;
      }
      this._items = [...page.items, ...older];
      this._loaded = true;
    });
  }

  /**
   * Load the next page; loads the first page when none was loaded yet, and
   * does nothing at the end of the list.
   */
  loadMore(): Promise<void> {
    if (!this._loaded) {
      return this.refresh();
    }
    return this.enqueue(async isCurrent => {
      const cursor = this._nextCursor;
      if (cursor === null) {
        return;
      }
      const page = await this.fetchPage(cursor);
      if (!isCurrent()) {
        return;
      }
      const known = new Set(this._items.map(item => this.keyOf(item)));
      this._items = [
        ...this._items,
        ...page.items.filter(item => !known.has(this.keyOf(item)))
      ];
      this._nextCursor = page.nextCursor;
    });
  }

  /**
   * Drop every loaded item and load the first page again (after a filter
   * changed).
   */
  protected reset(): void {
    this.invalidate();
    this._items = [];
    this._nextCursor = null;
    this._loaded = false;
    this.emitChanged();
    void this.refresh();
  }

  /**
   * Read one page: the first when `cursor` is undefined.
   */
  protected abstract fetchPage(cursor?: string): Promise<Page<T>>;

  /**
   * The key that identifies an item across pages and refreshes.
   */
  protected abstract keyOf(item: T): string;

  private _items: T[] = [];
  private _loaded = false;
  private _nextCursor: string | null = null;
}

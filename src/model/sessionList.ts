import { LoadableModel } from './loadable';
import type { ITrailReader, SessionSummary } from './types';

/**
 * The number of items asked per page when none is given.
 */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * The recorded sessions, newest first, loaded a page at a time.
 */
export class SessionListModel extends LoadableModel {
  /**
   * Create a session list; nothing is requested until `refresh()`.
   */
  constructor(options: SessionListModel.IOptions) {
    super();
    this._reader = options.reader;
    this._notebook = options.notebook ?? null;
    this._pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * The sessions loaded so far, newest first.
   */
  get items(): readonly SessionSummary[] {
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
   * Whether older sessions remain to be loaded with `loadMore()`.
   */
  get hasMore(): boolean {
    return this._nextCursor !== null;
  }

  /**
   * The notebook path the list is restricted to, or null for all notebooks.
   * Setting it drops the loaded items and loads the first page again.
   */
  get notebook(): string | null {
    return this._notebook;
  }
  set notebook(value: string | null) {
    if (value === this._notebook) {
      return;
    }
    this._notebook = value;
    this.invalidate();
    this._items = [];
    this._nextCursor = null;
    this._loaded = false;
    this.emitChanged();
    void this.refresh();
  }

  /**
   * Find a loaded session by id.
   */
  find(id: string): SessionSummary | undefined {
    return this._items.find(item => item.id === id);
  }

  /**
   * Load the first page again and merge it in: new sessions appear on top,
   * known ones are updated, older pages already loaded are kept.
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      const page = await this._reader.listSessions(this._query());
      if (!isCurrent()) {
        return;
      }
      const fresh = new Set(page.items.map(item => item.id));
      const older = this._items.filter(item => !fresh.has(item.id));
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
   * Load the next page of older sessions; loads the first page when none
   * was loaded yet, and does nothing at the end of the list.
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
      const page = await this._reader.listSessions(this._query(cursor));
      if (!isCurrent()) {
        return;
      }
      const known = new Set(this._items.map(item => item.id));
      this._items = [
        ...this._items,
        ...page.items.filter(item => !known.has(item.id))
      ];
      this._nextCursor = page.nextCursor;
    });
  }

  private _query(cursor?: string) {
    return {
      limit: this._pageSize,
      ...(this._notebook !== null ? { notebook: this._notebook } : {}),
      ...(cursor !== undefined ? { cursor } : {})
    };
  }

  private _items: SessionSummary[] = [];
  private _loaded = false;
  private _nextCursor: string | null = null;
  private _notebook: string | null;
  private _pageSize: number;
  private _reader: ITrailReader;
}

/**
 * The namespace for `SessionListModel` statics.
 */
export namespace SessionListModel {
  /**
   * Options to create a session list.
   */
  export interface IOptions {
    /** Where sessions are read from. */
    reader: ITrailReader;
    /** Restrict the list to one notebook path. */
    notebook?: string | null;
    /** Sessions asked per page (server accepts 1..200). */
    pageSize?: number;
  }
}

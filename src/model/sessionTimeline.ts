import { LoadableModel } from './loadable';
import { DEFAULT_PAGE_SIZE } from './pagedList';
import type { ExecutionSummary, ITrailReader, SessionSummary } from './types';

/**
 * At most this many pages are read by one `refresh()`, so that a burst of
 * executions cannot turn one refresh into an unbounded crawl; the rest
 * stays behind `loadMore()`.
 */
const MAX_PAGES_PER_REFRESH = 10;

/**
 * The executions of one session in `seq` order, loaded a page at a time.
 */
export class SessionTimelineModel extends LoadableModel {
  /**
   * Create a timeline; nothing is requested until `refresh()`.
   */
  constructor(options: SessionTimelineModel.IOptions) {
    super();
    this._reader = options.reader;
    this.sessionId = options.sessionId;
    this._pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this._session = options.session ?? null;
  }

  /**
   * The session's summary (author, visibility, kernel): as given, or read
   * with the first page.
   */
  get session(): SessionSummary | null {
    return this._session;
  }
  set session(value: SessionSummary | null) {
    if (value !== this._session) {
      this._session = value;
      this.emitChanged();
    }
  }

  /**
   * The session whose executions this is.
   */
  readonly sessionId: string;

  /**
   * The executions loaded so far, in `seq` order.
   */
  get items(): readonly ExecutionSummary[] {
    return this._items;
  }

  /**
   * Whether at least one page was loaded.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Whether later executions remain to be loaded with `loadMore()`.
   */
  get hasMore(): boolean {
    return this._nextCursor !== null;
  }

  /**
   * Find a loaded execution by id.
   */
  find(id: string): ExecutionSummary | undefined {
    return this._items.find(item => item.id === id);
  }

  /**
   * Fetch what is new. The first call loads the first page; later calls
   * read again from the last page received (the only one that can have
   * grown) and append executions not seen yet, so nothing already loaded
   * is fetched twice beyond that page. While the user has not paged to the
   * end, new executions are further on and `loadMore()` brings them.
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      if (this._loaded && this._nextCursor !== null) {
        return;
      }
      if (!this._loaded && this._session === null) {
        // The header's summary; the list does not wait for it, and does
        // without it when it cannot be read.
        this._reader.getSession(this.sessionId).then(
          session => {
            if (isCurrent() && this._session === null) {
              this.session = session;
            }
          },
          () => undefined
        );
      }
      // The first load reads one page; a later refresh follows the cursors
      // from the tail to the end.
      const maxPages = this._loaded ? MAX_PAGES_PER_REFRESH : 1;
      let cursor = this._loaded ? this._tailCursor : undefined;
      for (let pages = 0; pages < maxPages; pages++) {
        const page = await this._reader.listExecutions(
          this.sessionId,
          this._query(cursor)
        );
        if (!isCurrent()) {
          return;
        }
        this._apply(page.items, cursor, page.nextCursor);
        if (page.nextCursor === null || page.items.length === 0) {
          return;
        }
        cursor = page.nextCursor;
      }
    });
  }

  /**
   * Read again the pages before the last that hold any of these loaded
   * executions (their capture changed: a file hash computed late), at most
   * {@link MAX_PAGES_PER_REFRESH}, then `refresh()`. The last page is read
   * by `refresh()` anyway.
   */
  refreshExecutions(ids: Iterable<string>): Promise<void> {
    const cursors = new Set<string | undefined>();
    for (const id of ids) {
      if (this._pageOf.has(id)) {
        const cursor = this._pageOf.get(id);
        if (cursor !== this._tailCursor) {
          cursors.add(cursor);
        }
      }
    }
    if (cursors.size === 0) {
      return this.refresh();
    }
    void this.enqueue(async isCurrent => {
      for (const cursor of [...cursors].slice(0, MAX_PAGES_PER_REFRESH)) {
        const page = await this._reader.listExecutions(
          this.sessionId,
          this._query(cursor)
        );
        if (!isCurrent()) {
          return;
        }
        this._merge(page.items, cursor);
      }
    });
    return this.refresh();
  }

  /**
   * Load the next page; loads the first page when none was loaded yet.
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
      const page = await this._reader.listExecutions(
        this.sessionId,
        this._query(cursor)
      );
      if (isCurrent()) {
        this._apply(page.items, cursor, page.nextCursor);
      }
    });
  }

  /**
   * Merge a page read with `cursor` and remember where it came from.
   */
  private _apply(
    items: ExecutionSummary[],
    cursor: string | undefined,
    nextCursor: string | null
  ): void {
    this._merge(items, cursor);
    this._tailCursor = cursor;
    this._nextCursor = nextCursor;
    this._loaded = true;
  }

  /**
   * Put a page's executions in the list: known ones are replaced (their
   * capture may have grown since), new ones added in `seq` order.
   */
  private _merge(items: ExecutionSummary[], cursor: string | undefined): void {
    const fresh = new Map(items.map(item => [item.id, item]));
    let changed = false;
    const merged = this._items.map(item => {
      const update = fresh.get(item.id);
      if (update === undefined) {
        return item;
      }
      fresh.delete(item.id);
      changed ||= !sameSummary(item, update);
      return update;
    });
    for (const item of items) {
      this._pageOf.set(item.id, cursor);
    }
    if (fresh.size > 0) {
      // A sort keeps `seq` order even if a retried delivery stored an
      // earlier execution after later ones.
      this._items = [...merged, ...fresh.values()].sort(
        (a, b) => a.seq - b.seq
      );
    } else if (changed) {
      this._items = merged;
    }
  }

  private _query(cursor?: string) {
    return {
      limit: this._pageSize,
      ...(cursor !== undefined ? { cursor } : {})
    };
  }

  private _items: ExecutionSummary[] = [];
  private _loaded = false;
  private _nextCursor: string | null = null;
  private _pageSize: number;
  private _reader: ITrailReader;
  private _session: SessionSummary | null;
  /** The cursor that read the last page received; undefined = first page. */
  private _tailCursor: string | undefined = undefined;
  /** The cursor that read each loaded execution's page. */
  private _pageOf = new Map<string, string | undefined>();
}

/** Whether two summaries of one execution read the same. */
function sameSummary(a: ExecutionSummary, b: ExecutionSummary): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The namespace for `SessionTimelineModel` statics.
 */
export namespace SessionTimelineModel {
  /**
   * Options to create a timeline.
   */
  export interface IOptions {
    /** Where executions are read from. */
    reader: ITrailReader;
    /** The session to show. */
    sessionId: string;
    /** Executions asked per page (server accepts 1..200). */
    pageSize?: number;
    /** The session's summary, when already known. */
    session?: SessionSummary | null;
  }
}

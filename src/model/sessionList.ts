import { PagedListModel } from './pagedList';
import type { ITrailReader, Page, SessionSummary } from './types';

export { DEFAULT_PAGE_SIZE } from './pagedList';

/**
 * Recorded sessions, newest first, loaded a page at a time; all of them or
 * those of one author and/or one notebook.
 */
export class SessionListModel extends PagedListModel<SessionSummary> {
  /**
   * Create a session list; nothing is requested until `refresh()`.
   */
  constructor(options: SessionListModel.IOptions) {
    super(options);
    this._reader = options.reader;
    this._notebook = options.notebook ?? null;
    this._author = options.author ?? null;
  }

  /**
   * The notebook path the list is restricted to, or null for all notebooks.
   * Setting it drops the loaded items and loads the first page again.
   */
  get notebook(): string | null {
    return this._notebook;
  }
  set notebook(value: string | null) {
    if (value !== this._notebook) {
      this._notebook = value;
      this.reset();
    }
  }

  /**
   * The user id the list is restricted to, or null for every author.
   * Setting it drops the loaded items and loads the first page again.
   */
  get author(): string | null {
    return this._author;
  }
  set author(value: string | null) {
    if (value !== this._author) {
      this._author = value;
      this.reset();
    }
  }

  protected fetchPage(cursor?: string): Promise<Page<SessionSummary>> {
    return this._reader.listSessions({
      limit: this.pageSize,
      ...(this._notebook !== null ? { notebook: this._notebook } : {}),
      ...(this._author !== null ? { author: this._author } : {}),
      ...(cursor !== undefined ? { cursor } : {})
    });
  }

  protected keyOf(item: SessionSummary): string {
    return item.id;
  }

  private _author: string | null;
  private _notebook: string | null;
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
    /** Restrict the list to one author (user id). */
    author?: string | null;
    /** Sessions asked per page (server accepts 1..200). */
    pageSize?: number;
  }
}

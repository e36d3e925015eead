import { LoadableModel } from './loadable';
import { PagedListModel } from './pagedList';
import type { ITrailReader, NotebookSummary, Page, TeamMember } from './types';

/**
 * The people of the team, the most recently active first (people who never
 * recorded anything last, by name).
 */
export class PeopleModel extends LoadableModel {
  constructor(options: { reader: ITrailReader }) {
    super();
    this._reader = options.reader;
  }

  get items(): readonly TeamMember[] {
    return this._items;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  /** The whole list comes in one answer. */
  get hasMore(): boolean {
    return false;
  }

  find(id: string): TeamMember | undefined {
    return this._items.find(person => person.id === id);
  }

  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      const people = await this._reader.listUsers();
      if (!isCurrent()) {
        return;
      }
      this._items = [...people].sort(byActivity);
      this._loaded = true;
    });
  }

  loadMore(): Promise<void> {
    return this._loaded ? Promise.resolve() : this.refresh();
  }

  private _items: TeamMember[] = [];
  private _loaded = false;
  private _reader: ITrailReader;
}

function byActivity(a: TeamMember, b: TeamMember): number {
  const last = (p: TeamMember) => p.lastActiveAt ?? '';
  return (
    last(b).localeCompare(last(a)) ||
    (a.displayName || a.name).localeCompare(b.displayName || b.name)
  );
}

/**
 * One person's notebooks, the most recently active first.
 */
export class NotebookListModel extends PagedListModel<NotebookSummary> {
  constructor(options: NotebookListModel.IOptions) {
    super(options);
    this._reader = options.reader;
    this.author = options.author;
  }

  /** The user id whose notebooks these are. */
  readonly author: string;

  protected fetchPage(cursor?: string): Promise<Page<NotebookSummary>> {
    return this._reader.listNotebooks({
      author: this.author,
      limit: this.pageSize,
      ...(cursor !== undefined ? { cursor } : {})
    });
  }

  protected keyOf(item: NotebookSummary): string {
    return item.notebookPath;
  }

  private _reader: ITrailReader;
}

/**
 * The namespace for `NotebookListModel` statics.
 */
export namespace NotebookListModel {
  export interface IOptions {
    reader: ITrailReader;
    /** The user id whose notebooks to list. */
    author: string;
    pageSize?: number;
  }
}

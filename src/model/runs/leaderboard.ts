/**
 * The leaderboard's state (#16 item 2): the runs matching a filter in a
 * sort order, read a page at a time through the runs API, kept up to date
 * from the change feed, with the columns shown, grouping by notebook and
 * the runs picked for a comparison.
 */
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { LoadableModel } from '../loadable';
import { automaticColumns } from './columns';
import { RunsFollower } from './follower';
import { filterProblemOf, refusedQueryOf } from './problems';
import { mergeReread, runListQuery } from './query';
import type { IFilterProblem, IRefusedQuery } from './problems';
import { leaderboardRows, toggledSort } from './rows';
import type { IRunColumn } from './columns';
import type { LeaderboardRow } from './rows';
import type {
  IRunsFeed,
  IRunsReader,
  RunListQuery,
  RunNames,
  RunPage,
  RunSummary
} from './types';

/** Runs asked per page. */
export const RUNS_PAGE_SIZE = 100;

/** The most runs one request may ask (the API's limit). */
const MAX_LIMIT = 500;

/** The fewest and most runs a comparison takes. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 10;

/**
 * What the user chose that is remembered in the settings.
 */
export interface ILeaderboardPreferences {
  /** Picked columns (`params.NAME`, `metrics.NAME`); empty: automatic. */
  columns: string[];
  /** The sort text; empty: newest first. */
  sort: string;
  groupByNotebook: boolean;
}

/**
 * The leaderboard model.
 *
 * #### Notes
 * A change to any session the feed reports reads the rows loaded so far
 * again in one request (as many as are loaded, up to the API's limit), so
 * a new or updated run takes its place without the list being emptied and
 * the scroll position is kept.
 */
export class LeaderboardModel extends LoadableModel {
  constructor(options: LeaderboardModel.IOptions) {
    super();
    this._reader = options.reader;
    this._validate = options.validateFilter ?? (() => null);
    this._filter = options.filter?.trim() ?? '';
    this._sort = options.sort?.trim() ?? '';
    this._columns = [...(options.columns ?? [])];
    this._groupByNotebook = options.groupByNotebook ?? false;
    this._pageSize = options.pageSize ?? RUNS_PAGE_SIZE;
    this._follower = new RunsFollower({
      feed: options.feed ?? null,
      delayMs: options.refreshDelayMs,
      onChange: () => {
        void this.refresh();
        void this.loadNames();
      }
    });
    if (this._filter) {
      this._filterError = this._validate(this._filter);
    }
  }

  /** Emitted when a preference remembered in the settings changed. */
  get preferencesChanged(): ISignal<this, ILeaderboardPreferences> {
    return this._preferencesChanged;
  }

  /** The filter applied (empty: every run). */
  get filter(): string {
    return this._filter;
  }

  /** Why the filter last given was refused, or null. */
  get filterError(): IFilterProblem | null {
    return this._filterError;
  }

  /**
   * A sort or columns the server refused, dropped for the default; null
   * once the user sorts or picks columns again.
   */
  get refused(): IRefusedQuery | null {
    return this._refused;
  }

  /** The sort text applied (empty: the server's default, newest first). */
  get sort(): string {
    return this._sort;
  }

  /** The columns picked; empty while they are chosen automatically. */
  get pickedColumns(): readonly string[] {
    return this._columns;
  }

  /** The param and metric columns shown (picked, or automatic). */
  get columns(): readonly string[] {
    return this._columns.length > 0
      ? this._columns
      : automaticColumns(this._names);
  }

  /** Whether runs are grouped under their notebook. */
  get groupByNotebook(): boolean {
    return this._groupByNotebook;
  }

  /** Notebooks whose group is collapsed. */
  get collapsed(): ReadonlySet<string> {
    return this._collapsed;
  }

  /** The runs loaded so far, in order. */
  get items(): readonly RunSummary[] {
    return this._items;
  }

  /** The rows of the table (group headers when grouping). */
  get rows(): readonly LeaderboardRow[] {
    if (!this._rows) {
      this._rows = leaderboardRows(this._items, {
        groupByNotebook: this._groupByNotebook,
        collapsed: this._collapsed,
        hasMore: this._next !== null
      });
    }
    return this._rows;
  }

  /** How many runs match in all (null before the first answer). */
  get total(): number | null {
    return this._total;
  }

  /** Whether a first page was read for the current filter and sort. */
  get loaded(): boolean {
    return this._loaded;
  }

  /** Whether more runs remain to be read. */
  get hasMore(): boolean {
    return this._next !== null;
  }

  /** The param and metric names known (completion, the column picker). */
  get names(): RunNames | null {
    return this._names;
  }

  /** The ids of the runs picked for a comparison, in the order picked. */
  get selected(): readonly string[] {
    return this._selected;
  }

  /** Whether the picked runs can be compared (2 to 10). */
  get canCompare(): boolean {
    return (
      this._selected.length >= COMPARE_MIN &&
      this._selected.length <= COMPARE_MAX
    );
  }

  /** Where runs are read; null while no server is known. */
  get reader(): IRunsReader | null {
    return this._reader;
  }
  set reader(value: IRunsReader | null) {
    if (value === this._reader) {
      return;
    }
    this._reader = value;
    this._names = null;
    this._reset();
  }

  /**
   * What says when the server stored something; the model stops the one
   * it leaves (whoever made it disposes it).
   */
  get feed(): IRunsFeed | null {
    return this._follower.feed;
  }
  set feed(value: IRunsFeed | null) {
    this._follower.feed = value;
  }

  /**
   * Whether the leaderboard is showing: the feed runs only then; what
   * changed while hidden is read once it shows again.
   */
  get active(): boolean {
    return this._follower.active;
  }
  set active(value: boolean) {
    this._follower.active = value;
  }

  /**
   * Read the names and the first page (once shown).
   */
  start(): Promise<void> {
    this._follower.start();
    void this.loadNames();
    return this._loaded ? this.refresh() : this._loadFirst();
  }

  /**
   * Apply a filter. A filter that does not parse is kept out (its problem
   * is in `filterError`) and the runs shown stay those of the last one.
   *
   * @returns whether it was applied.
   */
  applyFilter(text: string): boolean {
    const filter = text.trim();
    const problem = filter ? this._validate(filter) : null;
    if (problem) {
      this._filterError = problem;
      this.emitChanged();
      return false;
    }
    this._filterError = null;
    if (filter === this._filter && this._loaded) {
      void this.refresh();
      return true;
    }
    this._filter = filter;
    this._reset();
    return true;
  }

  /** Sort by a sort text (`-metrics.accuracy,params.lr`). */
  setSort(text: string): void {
    const sort = text.trim();
    if (sort === this._sort) {
      return;
    }
    this._sort = sort;
    this._refused = null;
    this._emitPreferences();
    this._reset();
  }

  /** Sort by a column: again, the other way round. */
  sortBy(column: IRunColumn): void {
    this.setSort(toggledSort(this._sort, column));
  }

  /**
   * Show these param and metric columns (empty: automatic). The rows
   * loaded are read again with them, in place.
   */
  setColumns(columns: readonly string[]): void {
    const next = [...new Set(columns)];
    if (
      next.length === this._columns.length &&
      next.every((id, i) => id === this._columns[i])
    ) {
      return;
    }
    this._columns = next;
    this._refused = null;
    this._emitPreferences();
    this.emitChanged();
    void this.refresh();
  }

  /** Show a column, or hide it when shown. */
  toggleColumn(id: string): void {
    const shown = this.columns;
    this.setColumns(
      shown.includes(id) ? shown.filter(c => c !== id) : [...shown, id]
    );
  }

  /** Group runs under their notebook, or not. */
  setGroupByNotebook(value: boolean): void {
    if (value === this._groupByNotebook) {
      return;
    }
    this._groupByNotebook = value;
    this._rows = null;
    this._emitPreferences();
    this.emitChanged();
  }

  /** Collapse a notebook's group, or expand it. */
  toggleGroup(notebookPath: string): void {
    const next = new Set(this._collapsed);
    if (!next.delete(notebookPath)) {
      next.add(notebookPath);
    }
    this._collapsed = next;
    this._rows = null;
    this.emitChanged();
  }

  /**
   * Pick a run for a comparison, or drop it. A picked run that a new filter
   * hides stays picked: only the user drops it.
   */
  toggleSelected(id: string): void {
    this._selected = this._selected.includes(id)
      ? this._selected.filter(known => known !== id)
      : [...this._selected, id];
    this.emitChanged();
  }

  /** Drop every picked run. */
  clearSelection(): void {
    if (this._selected.length > 0) {
      this._selected = [];
      this.emitChanged();
    }
  }

  /**
   * Apply preferences changed elsewhere (the Settings Editor).
   */
  setPreferences(preferences: Partial<ILeaderboardPreferences>): void {
    if (preferences.groupByNotebook !== undefined) {
      this.setGroupByNotebook(preferences.groupByNotebook);
    }
    if (preferences.columns !== undefined) {
      this.setColumns(preferences.columns);
    }
    if (preferences.sort !== undefined) {
      this.setSort(preferences.sort);
    }
  }

  /**
   * Read the rows loaded so far again, in one request, keeping their
   * number: new runs take their place, gone ones leave.
   */
  refresh(): Promise<void> {
    if (!this._loaded) {
      return this._loadFirst();
    }
    return this.enqueue(async isCurrent => {
      const reader = this._reader;
      if (!reader) {
        return;
      }
      const limit = Math.min(
        MAX_LIMIT,
        Math.max(this._pageSize, this._items.length)
      );
      let page: RunPage;
      try {
        page = await reader.listRuns(this._query({ limit }));
      } catch (reason) {
        if (isCurrent() && this._dropRefused(reason)) {
          void this.refresh();
          return;
        }
        throw reason;
      }
      if (!isCurrent()) {
        return;
      }
      // Beyond the API's limit, what was loaded stays as it was.
      const merged = mergeReread(this._items, page, limit);
      this._items = merged.items;
      if (merged.next !== undefined) {
        this._next = merged.next;
      }
      this._total = page.total;
      this._rows = null;
    });
  }

  /** Read the next page (the first when none was read). */
  loadMore(): Promise<void> {
    if (!this._loaded) {
      return this._loadFirst();
    }
    return this.enqueue(async isCurrent => {
      const reader = this._reader;
      const cursor = this._next;
      if (!reader || cursor === null) {
        return;
      }
      const page = await reader.listRuns(
        this._query({ limit: this._pageSize, cursor })
      );
      if (!isCurrent()) {
        return;
      }
      const known = new Set(this._items.map(run => run.id));
      this._items = [
        ...this._items,
        ...page.items.filter(run => !known.has(run.id))
      ];
      this._next = page.next;
      this._total = page.total;
      this._rows = null;
    });
  }

  /** Read the param and metric names again. */
  async loadNames(): Promise<void> {
    const reader = this._reader;
    if (!reader) {
      return;
    }
    try {
      const names = await reader.runNames();
      if (this.isDisposed || reader !== this._reader) {
        return;
      }
      const before = this.columns.join('\n');
      this._names = names;
      this.emitChanged();
      if (this._loaded && this.columns.join('\n') !== before) {
        // Automatic columns that came with new names: read their values.
        void this.refresh();
      }
    } catch (reason) {
      // Completion and the picker do without; the table says the rest.
      console.warn('Trail: run names could not be read', reason);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._follower.dispose();
    super.dispose();
  }

  private _loadFirst(): Promise<void> {
    return this.enqueue(async isCurrent => {
      const reader = this._reader;
      if (!reader) {
        return;
      }
      let page: RunPage;
      try {
        page = await reader.listRuns(this._query({ limit: this._pageSize }));
      } catch (reason) {
        const problem = isCurrent() ? filterProblemOf(reason) : null;
        if (problem) {
          this._filterError = problem;
          this._items = [];
          this._total = null;
          this._next = null;
          this._loaded = true;
          this._rows = null;
          return;
        }
        if (isCurrent() && this._dropRefused(reason)) {
          void this._loadFirst();
          return;
        }
        throw reason;
      }
      if (!isCurrent()) {
        return;
      }
      this._items = page.items;
      this._next = page.next;
      this._total = page.total;
      this._loaded = true;
      this._rows = null;
    });
  }

  /**
   * A sort or columns the server refused (a setting edited by hand, say):
   * dropped for the default (newest first, automatic columns), so that the
   * table shows and a header click can sort again; the problem is kept in
   * `refused` for the view to say.
   *
   * @returns whether the error was such a refusal.
   */
  private _dropRefused(reason: unknown): boolean {
    const refused = refusedQueryOf(reason, {
      sort: this._sort,
      columns: this._columns.join(',')
    });
    if (!refused) {
      return false;
    }
    this._refused = refused;
    if (refused.part === 'sort') {
      this._sort = '';
    } else {
      this._columns = [];
    }
    this._emitPreferences();
    return true;
  }

  private _query(page: { limit: number; cursor?: string }): RunListQuery {
    return runListQuery(
      { filter: this._filter, sort: this._sort, columns: this.columns },
      page
    );
  }

  /** Start over: the filter, sort or server changed. */
  private _reset(): void {
    this.invalidate();
    this._items = [];
    this._next = null;
    this._total = null;
    this._loaded = false;
    this._rows = null;
    this.emitChanged();
    void this._loadFirst();
    if (!this._names) {
      void this.loadNames();
    }
  }

  private _emitPreferences(): void {
    if (!this.isDisposed) {
      this._preferencesChanged.emit({
        columns: [...this._columns],
        sort: this._sort,
        groupByNotebook: this._groupByNotebook
      });
    }
  }

  private _collapsed: ReadonlySet<string> = new Set();
  private _columns: string[];
  private _filter: string;
  private _filterError: IFilterProblem | null = null;
  private _follower: RunsFollower;
  private _groupByNotebook: boolean;
  private _items: RunSummary[] = [];
  private _loaded = false;
  private _names: RunNames | null = null;
  private _next: string | null = null;
  private _pageSize: number;
  private _preferencesChanged = new Signal<this, ILeaderboardPreferences>(this);
  private _reader: IRunsReader | null;
  private _refused: IRefusedQuery | null = null;
  private _rows: LeaderboardRow[] | null = null;
  private _selected: string[] = [];
  private _sort: string;
  private _total: number | null = null;
  private _validate: (text: string) => IFilterProblem | null;
}

/**
 * The namespace for `LeaderboardModel` statics.
 */
export namespace LeaderboardModel {
  export interface IOptions {
    /** Where runs are read; null while no server is known. */
    reader: IRunsReader | null;
    /** Says when the server stored something; the model stops it when disposed. */
    feed?: IRunsFeed | null;
    /** Checks a filter before it is sent (the filter parser). */
    validateFilter?: (text: string) => IFilterProblem | null;
    filter?: string;
    sort?: string;
    columns?: readonly string[];
    groupByNotebook?: boolean;
    /** Runs per page (default 100). */
    pageSize?: number;
    /** How long feed changes are gathered before a refresh, in ms. */
    refreshDelayMs?: number;
  }
}

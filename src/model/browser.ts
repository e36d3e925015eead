import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { CellHistoryModel } from './cellHistory';
import { TrailClock } from './clock';
import type { ExecutionDetailModel } from './executionDetail';
import { FeedRefresh } from './feedRefresh';
import { TrailIdentity } from './identity';
import {
  AREA_ROOTS,
  BUILTIN_LEVEL_KINDS,
  ExecutionPlace,
  ILevelContext,
  ILevelKinds,
  LevelKinds,
  TimelinePlace,
  TrailLevel,
  TrailPlace
} from './levels';
import { LevelStacks } from './levelStacks';
import { TrailNavigation } from './navigation';
import { SessionSharing } from './sharing';
import type { SearchModel } from './search';
import type { SessionEnvironmentModel } from './sessionEnvironment';
import type { SessionListModel } from './sessionList';
import type { SessionTimelineModel } from './sessionTimeline';
import type { NotebookListModel, PeopleModel } from './team';
import type {
  ITrailFeed,
  ITrailReader,
  Person,
  SessionSummary,
  TeamMember,
  TrailArea,
  TrailView,
  Visibility
} from './types';

/**
 * State of the whole Trail panel: the server reader, who "me" is, and for
 * each area (my sessions, the team, search) the stack of levels opened,
 * each with its model.
 *
 * #### Notes
 * `changed` is emitted for its own changes and re-emitted for every change
 * of the level models, so a view only listens here. Levels are rebuilt
 * with new models when the reader changes; the places stay. The work is
 * shared: {@link TrailNavigation} keeps the stacks, {@link TrailIdentity}
 * knows "me", {@link FeedRefresh} says when to read again.
 */
export class TrailBrowserModel implements IDisposable {
  /**
   * Create the panel state.
   */
  constructor(options: TrailBrowserModel.IOptions = {}) {
    this._pageSize = options.pageSize;
    this.clock = new TrailClock({ intervalMs: options.clockIntervalMs });
    const emit = () => this._emit();
    this._identity = new TrailIdentity({ onChange: emit });
    this._stacks = new LevelStacks({
      kinds: options.levels ?? new LevelKinds(BUILTIN_LEVEL_KINDS),
      context: () => this._context(),
      onChange: emit
    });
    this._navigation = new TrailNavigation({
      stacks: this._stacks,
      onChange: emit
    });
    this._refresh = new FeedRefresh({
      delayMs: options.refreshDelayMs,
      refresh: options => this.refreshNow(options)
    });
    this._sharing = new SessionSharing({
      model: this,
      stacks: this._stacks,
      onChange: emit
    });
    this.reader = options.reader ?? null;
  }

  /**
   * The clock of the relative times shown ("3 minutes ago"): it ticks while
   * the panel is active and a view follows it.
   */
  readonly clock: TrailClock;

  /** Emitted on any change of the panel state or of a level model. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Where data is read from; null while no server is configured or known.
   * Setting it rebuilds the level models and keeps where the panel is.
   */
  get reader(): ITrailReader | null {
    return this._reader;
  }
  set reader(value: ITrailReader | null) {
    if (value === this._reader) {
      return;
    }
    this._reader = value;
    this._identity.reset(value);
    this._stacks.rebuild();
    this._refresh.markStale();
    this._emit();
    if (value && this._refresh.active) {
      void this.refreshNow();
    }
  }

  /** Why no server is known (shown while `reader` is null), or null. */
  get configurationError(): string | null {
    return this._configurationError;
  }
  set configurationError(value: string | null) {
    if (value !== this._configurationError) {
      this._configurationError = value;
      this._emit();
    }
  }

  /** Whether a reader is set. */
  get configured(): boolean {
    return this._reader !== null;
  }

  /**
   * The person the token belongs to, once known; null before, and on a
   * server that does not say (every session is then "mine").
   */
  get me(): TeamMember | null {
    return this._identity.me;
  }

  /** Whether a session is the user's own (they may change its visibility). */
  isMine(session: { author?: Person }): boolean {
    return this._identity.isMine(session);
  }

  /**
   * Whether "my sessions" is showing someone else's work (a teammate's run
   * reached by a link or through a cell's history): the "My sessions" tab
   * then does not claim to be the place shown.
   */
  get showsOthersWork(): boolean {
    if (this.area !== 'mine') {
      return false;
    }
    const session = this._navigation.sessionShown();
    return session?.author !== undefined && !this.isMine(session);
  }

  /**
   * Whether the panel is showing. While inactive, refreshes are only noted
   * and run once it shows again, and the feed is stopped, so a hidden panel
   * costs no requests.
   */
  get active(): boolean {
    return this._refresh.active;
  }
  set active(value: boolean) {
    this.clock.active = value;
    this._refresh.active = value;
  }

  /**
   * What tells the panel that the server stored something (a long poll of
   * its changes), or null. The model runs it only while active and
   * refreshes on each batch of changes; whoever made it disposes it.
   */
  get feed(): ITrailFeed | null {
    return this._refresh.feed;
  }
  set feed(value: ITrailFeed | null) {
    this._refresh.feed = value;
  }

  /** The area shown: my sessions, the team, or search. */
  get area(): TrailArea {
    return this._stacks.area;
  }
  set area(value: TrailArea) {
    if (value !== this._stacks.area) {
      this._stacks.area = value;
      this._emit();
      void this.refreshNow();
    }
  }

  /** The levels of the area shown, from its root to the level shown. */
  get levels(): readonly TrailLevel[] {
    return this._stacks.shown;
  }

  /** The level shown, or null while not configured. */
  get level(): TrailLevel | null {
    const levels = this.levels;
    return levels.length ? levels[levels.length - 1] : null;
  }

  /** The kind of level to show. */
  get view(): TrailView {
    return this.level?.view ?? AREA_ROOTS[this.area];
  }

  /** The notebook path "my sessions" is restricted to, or null for all. */
  get notebookFilter(): string | null {
    return this._notebookFilter;
  }
  set notebookFilter(value: string | null) {
    if (value === this._notebookFilter) {
      return;
    }
    this._notebookFilter = value;
    if (this.sessions) {
      // The list reloads itself for the new filter.
      this.sessions.notebook = value;
    }
    this._emit();
  }

  /** My sessions, or null while not configured. */
  get sessions(): SessionListModel | null {
    return this._root<SessionListModel>('mine', 'sessions');
  }

  /** The people of the team, or null while not configured. */
  get people(): PeopleModel | null {
    return this._root<PeopleModel>('team', 'people');
  }

  /** The search and its results, or null while not configured. */
  get search(): SearchModel | null {
    return this._root<SearchModel>('search', 'search');
  }

  /** The notebooks of the person opened in the team area, or null. */
  get notebooks(): NotebookListModel | null {
    return this._model<NotebookListModel>('notebooks');
  }

  /** The sessions of the notebook opened in the team area, or null. */
  get notebookSessions(): SessionListModel | null {
    return this._model<SessionListModel>('notebookSessions');
  }

  /** The opened session's timeline, or null. */
  get timeline(): SessionTimelineModel | null {
    return this._model<SessionTimelineModel>('timeline');
  }

  /**
   * The opened session's environment, or null. Loaded on demand (when
   * its section is opened), then refreshed with the rest.
   */
  get environment(): SessionEnvironmentModel | null {
    const level = this._stacks.find('timeline');
    return (level?.related.environment as SessionEnvironmentModel) ?? null;
  }

  /** The opened execution's detail, or null. */
  get detail(): ExecutionDetailModel | null {
    return this._model<ExecutionDetailModel>('execution');
  }

  /** The opened cell history, or null. */
  get cellHistory(): CellHistoryModel | null {
    return this._model<CellHistoryModel>('cellHistory');
  }

  /** The opened session id, or null. */
  get selectedSessionId(): string | null {
    const level = this._stacks.find<TrailLevel<TimelinePlace>>('timeline');
    return level?.place.sessionId ?? null;
  }

  /** The opened execution id, or null. */
  get selectedExecutionId(): string | null {
    const level = this._stacks.find<TrailLevel<ExecutionPlace>>('execution');
    return level?.place.executionId ?? null;
  }

  /** The opened session's summary, once known. */
  get selectedSession(): SessionSummary | null {
    return this._navigation.selectedSession();
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Show a level of any registered kind above the level shown (a view
   * added by another extension).
   *
   * @returns resolves once it is loaded (or failed to).
   */
  open(place: TrailPlace): Promise<void> {
    return this._navigation.open(place);
  }

  /** See {@link TrailNavigation.openSession}. */
  openSession(id: string, summary?: SessionSummary): Promise<void> {
    return this._navigation.openSession(id, summary);
  }

  /** See {@link TrailNavigation.openExecution}. */
  openExecution(id: string): Promise<void> {
    return this._navigation.openExecution(id);
  }

  /** See {@link TrailNavigation.openCellHistory}. */
  openCellHistory(): Promise<boolean> {
    return this._navigation.openCellHistory();
  }

  /** See {@link TrailNavigation.openPerson}. */
  openPerson(person: Person): Promise<void> {
    return this._navigation.openPerson(person);
  }

  /** See {@link TrailNavigation.openNotebook}. */
  openNotebook(person: Person, notebookPath: string): Promise<void> {
    return this._navigation.openNotebook(person, notebookPath);
  }

  /** Go up one level. */
  back(): void {
    this.goTo(this.levels.length - 2);
  }

  /** Go up to the level at `index` of `levels`. */
  goTo(index: number): void {
    if (index >= 0 && this._stacks.cut(index)) {
      this._emit();
    }
  }

  /** Go back to my session list. */
  showSessions(): void {
    if (this.area === 'mine' && this.view === 'sessions') {
      return;
    }
    this._stacks.area = 'mine';
    this.goTo(0);
    this._emit();
  }

  /**
   * Who may read one of my sessions; see {@link SessionSharing}.
   *
   * @returns rejects when the server refuses (the caller tells the user).
   */
  setSessionVisibility(
    sessionId: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    return this._sharing.setSessionVisibility(sessionId, visibility);
  }

  /**
   * Who may read my sessions of one notebook; see {@link SessionSharing}.
   *
   * @returns the number of sessions changed; rejects when the server
   * refuses.
   */
  setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<number> {
    return this._sharing.setNotebookVisibility(notebookPath, visibility);
  }

  /** Ask for fresh data soon; see {@link FeedRefresh.request}. */
  refresh(): void {
    this._refresh.request();
  }

  /**
   * Refresh the levels of the area shown now (only noted while inactive):
   * all of them, or with `onlyChanged` the lists and the levels showing a
   * session, execution or notebook that the feed's changes touched. Search
   * results are left as they are.
   *
   * @returns resolves when the requests are done; never rejects.
   */
  async refreshNow(options: { onlyChanged?: boolean } = {}): Promise<void> {
    if (this._isDisposed || !this._reader) {
      return;
    }
    const changed = this._refresh.take();
    if (!changed) {
      return;
    }
    await this._refresh.placed;
    await this._identity.know();
    const sessions = this.sessions;
    const mine = this._identity.me?.id ?? null;
    let sessionsReloaded = false;
    if (sessions && this._identity.known && sessions.author !== mine) {
      // Setting the author reloads the list.
      sessions.author = mine;
      sessionsReloaded = true;
    }
    await this._stacks.refresh(changed, {
      onlyChanged: options.onlyChanged,
      skip: sessionsReloaded ? sessions : null
    });
  }

  /** Dispose the model and its level models. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._refresh.dispose();
    this.clock.dispose();
    this._stacks.dispose();
    Signal.clearData(this);
  }

  private _context(): ILevelContext | null {
    const reader = this._reader;
    return reader
      ? {
          reader,
          pageSize: this._pageSize,
          notebookFilter: this._notebookFilter,
          me: this._identity.me?.id ?? null
        }
      : null;
  }

  /** The model of an area's root level, if it is of that kind. */
  private _root<M>(area: TrailArea, view: TrailView): M | null {
    const root = this._stacks.root(area);
    return root?.view === view ? (root.model as unknown as M) : null;
  }

  /** The model of the topmost level of a kind in the area shown. */
  private _model<M>(view: TrailView): M | null {
    const level = this._stacks.find(view);
    return level ? (level.model as unknown as M) : null;
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _configurationError: string | null = null;
  private _identity: TrailIdentity;
  private _isDisposed = false;
  private _navigation: TrailNavigation;
  private _stacks: LevelStacks;
  private _notebookFilter: string | null = null;
  private _pageSize: number | undefined;
  private _reader: ITrailReader | null = null;
  private _refresh: FeedRefresh;
  private _sharing: SessionSharing;
}

/**
 * The namespace for `TrailBrowserModel` statics.
 */
export namespace TrailBrowserModel {
  /**
   * Options to create the panel state.
   */
  export interface IOptions {
    /** Where data is read from; null or absent = not configured yet. */
    reader?: ITrailReader | null;
    /**
     * Where the kind of each level is found (the view registry); the
     * panel's own kinds when absent.
     */
    levels?: ILevelKinds;
    /** Delay gathering `refresh()` calls, in ms (default 300). */
    refreshDelayMs?: number;
    /** Items asked per page. */
    pageSize?: number;
    /** Time between redraws of relative times, in ms (default 30000). */
    clockIntervalMs?: number;
  }
}

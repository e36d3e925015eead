import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { CellHistoryModel } from './cellHistory';
import { TrailClock } from './clock';
import { ExecutionDetailModel } from './executionDetail';
import {
  AREA_ROOTS,
  LevelOf,
  LIST_VIEWS,
  modelsOf,
  TrailLevel,
  TrailPlace
} from './levels';
import { SearchModel } from './search';
import { SessionEnvironmentModel } from './sessionEnvironment';
import { SessionListModel } from './sessionList';
import { SessionTimelineModel } from './sessionTimeline';
import { NotebookListModel, PeopleModel } from './team';
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
 * Default delay that gathers bursts of `refresh()` calls into one.
 */
export const DEFAULT_REFRESH_DELAY_MS = 300;

/** What the model reads of a change from the feed. */
interface ChangeNote {
  kind?: string;
  sessionId?: string;
  executionId?: string;
  notebookPath?: string;
}

/** What the feed's changes since the last refresh touched. */
interface ChangedSince {
  sessions: Set<string>;
  /** Executions annotated (their capture grew). */
  executions: Set<string>;
  notebooks: Set<string>;
  /** Whether a visibility changed (what may be read changed). */
  visibility: boolean;
}

/**
 * Whether a level may show something the changes in `scope` touched.
 * Listings always may (a new session, a count); a timeline when its
 * session changed, an execution when it was annotated, a cell's history
 * when its notebook changed.
 */
function concerns(changed: ChangedSince, level: TrailLevel): boolean {
  if (changed.visibility) {
    return true;
  }
  switch (level.view) {
    case 'timeline':
      return changed.sessions.has(level.place.sessionId);
    case 'execution':
      return changed.executions.has(level.place.executionId);
    case 'cellHistory':
      return changed.notebooks.has(level.place.notebookPath);
    default:
      return true;
  }
}

function noChanges(): ChangedSince {
  return {
    sessions: new Set(),
    executions: new Set(),
    notebooks: new Set(),
    visibility: false
  };
}

/** How long a refresh waits at most for the feed's first answer. */
const PLACE_TIMEOUT_MS = 3000;

/**
 * State of the whole Trail panel: the server reader, who "me" is, and for
 * each area (my sessions, the team, search) the stack of levels opened,
 * each with its model.
 *
 * #### Notes
 * `changed` is emitted for its own changes and re-emitted for every change
 * of the level models, so a view only listens here. Levels are rebuilt
 * with new models when the reader changes; the places stay.
 */
export class TrailBrowserModel implements IDisposable {
  /**
   * Create the panel state.
   */
  constructor(options: TrailBrowserModel.IOptions = {}) {
    this._refreshDelayMs = options.refreshDelayMs ?? DEFAULT_REFRESH_DELAY_MS;
    this._pageSize = options.pageSize;
    this.clock = new TrailClock({ intervalMs: options.clockIntervalMs });
    this.reader = options.reader ?? null;
  }

  /**
   * The clock of the relative times shown ("3 minutes ago"): it ticks while
   * the panel is active and a view follows it.
   */
  readonly clock: TrailClock;

  /**
   * Emitted on any change of the panel state or of a level model.
   */
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
    this._me = null;
    this._meState = 'unknown';
    for (const area of AREAS) {
      const places = this._stacks[area].map(level => level.place);
      this._stacks[area].forEach(level => this._release(level));
      this._stacks[area] = value
        ? (places.length ? places : [rootPlace(area)]).map(place =>
            this._build(place, value)
          )
        : [];
    }
    this._stale = true;
    this._emit();
    if (value && this._active) {
      void this.refreshNow();
    }
  }

  /**
   * Why no server is known (shown while `reader` is null), or null.
   */
  get configurationError(): string | null {
    return this._configurationError;
  }
  set configurationError(value: string | null) {
    if (value === this._configurationError) {
      return;
    }
    this._configurationError = value;
    this._emit();
  }

  /**
   * Whether a reader is set.
   */
  get configured(): boolean {
    return this._reader !== null;
  }

  /**
   * The person the token belongs to, once known; null before, and on a
   * server that does not say (every session is then "mine").
   */
  get me(): TeamMember | null {
    return this._me;
  }

  /**
   * Whether a session is the user's own (they may change its visibility).
   */
  isMine(session: { author?: Person }): boolean {
    if (!session.author) {
      return this._meState !== 'known';
    }
    return this._me !== null && session.author.id === this._me.id;
  }

  /**
   * Whether "my sessions" is showing someone else's work (a teammate's run
   * reached by a link or through a cell's history): the "My sessions" tab
   * then does not claim to be the place shown.
   */
  get showsOthersWork(): boolean {
    if (this._area !== 'mine') {
      return false;
    }
    const levels = this.levels;
    const level = levels[levels.length - 1];
    let session: SessionSummary | null = null;
    if (level?.view === 'cellHistory') {
      const { model } = level;
      const run = model.items.find(item => item.id === model.executionId);
      session = run ? model.sessionOf(run.sessionId) : null;
    } else if (level?.view === 'timeline') {
      session = level.model.session;
    } else if (level?.view === 'execution') {
      const below = levels[levels.length - 2];
      session = below?.view === 'timeline' ? below.model.session : null;
    }
    return session?.author !== undefined && !this.isMine(session);
  }

  /**
   * Whether the panel is showing. While inactive, refreshes are only noted
   * and run once it shows again, and the feed is stopped, so a hidden panel
   * costs no requests.
   */
  get active(): boolean {
    return this._active;
  }
  set active(value: boolean) {
    const was = this._active;
    if (was && !value) {
      // What happens while hidden is not followed: refresh when shown.
      this._stale = true;
      this._feed?.stop();
    }
    this._active = value;
    this.clock.active = value;
    if (!was && value && !this._isDisposed) {
      // The refresh below reloads what is shown: the feed need not deliver
      // what was stored while hidden (that would refresh a second time).
      // Started first, it learns where "now" is before the reload asks.
      this._follow({ fromNow: true });
    }
    if (value && this._stale) {
      void this.refreshNow();
    }
  }

  /**
   * What tells the panel that the server stored something (a long poll of
   * its changes), or null. The model runs it only while active and
   * refreshes on each batch of changes; whoever made it disposes it.
   */
  get feed(): ITrailFeed | null {
    return this._feed;
  }
  set feed(value: ITrailFeed | null) {
    if (value === this._feed) {
      return;
    }
    if (this._feed) {
      this._feed.changed.disconnect(this._onFeedChanged, this);
      this._feed.stop();
    }
    this._feed = value;
    if (value && !this._isDisposed) {
      value.changed.connect(this._onFeedChanged, this);
      if (this._active) {
        this._follow();
      }
    }
  }

  /**
   * The area shown: my sessions, the team, or search.
   */
  get area(): TrailArea {
    return this._area;
  }
  set area(value: TrailArea) {
    if (value === this._area) {
      return;
    }
    this._area = value;
    this._emit();
    void this.refreshNow();
  }

  /**
   * The levels of the area shown, from its root to the level shown.
   */
  get levels(): readonly TrailLevel[] {
    return this._stacks[this._area];
  }

  /**
   * The level shown, or null while not configured.
   */
  get level(): TrailLevel | null {
    const levels = this.levels;
    return levels.length ? levels[levels.length - 1] : null;
  }

  /**
   * The level to show.
   */
  get view(): TrailView {
    return this.level?.view ?? AREA_ROOTS[this._area];
  }

  /**
   * The notebook path "my sessions" is restricted to, or null for all.
   */
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

  /**
   * My sessions, or null while not configured.
   */
  get sessions(): SessionListModel | null {
    const root = this._stacks.mine[0];
    return root?.view === 'sessions' ? root.model : null;
  }

  /**
   * The people of the team, or null while not configured.
   */
  get people(): PeopleModel | null {
    const root = this._stacks.team[0];
    return root?.view === 'people' ? root.model : null;
  }

  /**
   * The search and its results, or null while not configured.
   */
  get search(): SearchModel | null {
    const root = this._stacks.search[0];
    return root?.view === 'search' ? root.model : null;
  }

  /**
   * The notebooks of the person opened in the team area, or null.
   */
  get notebooks(): NotebookListModel | null {
    return this._find('notebooks')?.model ?? null;
  }

  /**
   * The sessions of the notebook opened in the team area, or null.
   */
  get notebookSessions(): SessionListModel | null {
    return this._find('notebookSessions')?.model ?? null;
  }

  /**
   * The opened session's timeline, or null.
   */
  get timeline(): SessionTimelineModel | null {
    return this._find('timeline')?.model ?? null;
  }

  /**
   * The opened session's environment, or null. Loaded on demand (when
   * its section is opened), then refreshed with the rest.
   */
  get environment(): SessionEnvironmentModel | null {
    return this._find('timeline')?.environment ?? null;
  }

  /**
   * The opened execution's detail, or null.
   */
  get detail(): ExecutionDetailModel | null {
    return this._find('execution')?.model ?? null;
  }

  /**
   * The opened cell history, or null.
   */
  get cellHistory(): CellHistoryModel | null {
    return this._find('cellHistory')?.model ?? null;
  }

  /**
   * The opened session id, or null.
   */
  get selectedSessionId(): string | null {
    return this._find('timeline')?.place.sessionId ?? null;
  }

  /**
   * The opened execution id, or null.
   */
  get selectedExecutionId(): string | null {
    return this._find('execution')?.place.executionId ?? null;
  }

  /**
   * The opened session's summary, once known.
   */
  get selectedSession(): SessionSummary | null {
    const id = this.selectedSessionId;
    if (id === null) {
      return null;
    }
    const timeline = this.timeline;
    if (timeline?.session) {
      return timeline.session;
    }
    for (const list of [this.notebookSessions, this.sessions]) {
      const found = list?.find(id);
      if (found) {
        return found;
      }
    }
    return null;
  }

  /**
   * Whether the model is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Show a session's timeline, above the list it was picked from.
   *
   * @returns resolves once its executions are loaded (or failed to).
   */
  openSession(id: string, summary?: SessionSummary): Promise<void> {
    const current = this._find('timeline');
    const reuse = current?.place.sessionId === id ? current : null;
    this._popTo(level => LIST_VIEWS.has(level.view) || level === reuse);
    if (!reuse) {
      const level = this._push({ view: 'timeline', sessionId: id });
      if (level?.view === 'timeline' && summary) {
        level.model.session = summary;
      }
    }
    this._emit();
    return this.timeline?.refresh() ?? Promise.resolve();
  }

  /**
   * Show one execution. Once it is loaded, the level below it is its
   * session's timeline, so that going back leads there (from search, from
   * a permalink, or from another session's timeline).
   *
   * @returns resolves once the record is loaded (or failed to).
   */
  async openExecution(id: string): Promise<void> {
    const shown = this.level;
    if (shown?.view === 'execution' && shown.place.executionId === id) {
      return shown.model.refresh();
    }
    if (shown?.view === 'execution' && this.levels.length > 1) {
      // One execution replaces another (the previous run of a cell).
      this._release(this._stacks[this._area].pop()!);
    }
    const level = this._push({ view: 'execution', executionId: id });
    this._emit();
    if (level?.view !== 'execution') {
      return;
    }
    await level.model.refresh();
    const sessionId = level.model.record?.sessionId;
    const stack = this._stacks[this._area];
    const index = stack.indexOf(level);
    if (!sessionId || index < 0 || !this._reader) {
      return;
    }
    const below = stack[index - 1];
    if (below?.view === 'timeline' && below.place.sessionId === sessionId) {
      return;
    }
    const timeline = this._build({ view: 'timeline', sessionId }, this._reader);
    if (below?.view === 'timeline') {
      this._release(below);
      stack.splice(index - 1, 1, timeline);
    } else {
      stack.splice(index, 0, timeline);
    }
    this._emit();
    await timeline.model.refresh();
  }

  /**
   * Show every run of the opened execution's cell, across sessions.
   *
   * @returns resolves once the runs are loaded (or failed to); false when
   * the execution did not come from a notebook cell.
   */
  async openCellHistory(): Promise<boolean> {
    const record = this.detail?.record;
    if (!record || record.cellId === null) {
      return false;
    }
    // Alternating "History of this cell" and a run opened from it must not
    // grow the stack: an earlier history of this cell goes, with all above.
    const stack = this._stacks[this._area];
    const earlier = stack.findIndex(
      level =>
        level.view === 'cellHistory' &&
        level.place.notebookPath === record.notebookPath &&
        level.place.cellId === record.cellId
    );
    if (earlier > 0) {
      stack.splice(earlier).forEach(level => this._release(level));
    } else {
      this._popTo(level => level.view !== 'cellHistory');
    }
    this._push({
      view: 'cellHistory',
      notebookPath: record.notebookPath,
      cellId: record.cellId,
      executionId: record.id
    });
    this._emit();
    await this.cellHistory?.refresh();
    return true;
  }

  /**
   * Show a person's notebooks (in the team area).
   */
  openPerson(person: Person): Promise<void> {
    this._area = 'team';
    this._popTo(level => level.view === 'people');
    this._push({ view: 'notebooks', person: personOf(person) });
    this._emit();
    return this.notebooks?.refresh() ?? Promise.resolve();
  }

  /**
   * Show one person's sessions of one notebook (in the team area).
   */
  openNotebook(person: Person, notebookPath: string): Promise<void> {
    this._area = 'team';
    const known = this._find('notebooks');
    if (!known || known.place.person.id !== person.id) {
      this._popTo(level => level.view === 'people');
      this._push({ view: 'notebooks', person: personOf(person) });
    } else {
      this._popTo(level => level === known);
    }
    this._push({
      view: 'notebookSessions',
      person: personOf(person),
      notebookPath
    });
    this._emit();
    return this.notebookSessions?.refresh() ?? Promise.resolve();
  }

  /**
   * Go up one level.
   */
  back(): void {
    const stack = this._stacks[this._area];
    if (stack.length <= 1) {
      return;
    }
    this._release(stack.pop()!);
    this._emit();
  }

  /**
   * Go up to the level at `index` of `levels`.
   */
  goTo(index: number): void {
    const stack = this._stacks[this._area];
    if (index < 0 || index >= stack.length - 1) {
      return;
    }
    for (const level of stack.splice(index + 1)) {
      this._release(level);
    }
    this._emit();
  }

  /**
   * Go back to my session list.
   */
  showSessions(): void {
    if (this._area === 'mine' && this.view === 'sessions') {
      return;
    }
    this._area = 'mine';
    this.goTo(0);
    this._emit();
  }

  /**
   * Who may read one of my sessions: asks the server, then shows the
   * answer everywhere the session is listed.
   *
   * @returns rejects when the server refuses (the caller tells the user).
   */
  async setSessionVisibility(
    sessionId: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    const reader = this._requireReader();
    const session = await reader.setSessionVisibility(sessionId, visibility);
    for (const area of AREAS) {
      for (const level of this._stacks[area]) {
        const view = level.view;
        if (view === 'sessions' || view === 'notebookSessions') {
          (level.model as SessionListModel).replace(session);
        } else if (
          level.view === 'timeline' &&
          level.place.sessionId === sessionId
        ) {
          level.model.session = session;
        }
      }
    }
    this._emit();
    return session;
  }

  /**
   * Who may read my sessions of one notebook, those recorded and those to
   * come; the lists showing them are read again.
   *
   * @returns the number of sessions changed; rejects when the server
   * refuses.
   */
  async setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<number> {
    const reader = this._requireReader();
    const result = await reader.setNotebookVisibility(notebookPath, visibility);
    const timeline = this.timeline;
    if (timeline?.session?.notebookPath === notebookPath) {
      timeline.session = { ...timeline.session, visibility };
    }
    await this.refreshNow();
    return result.sessions;
  }

  /**
   * Ask for fresh data soon. Calls within the delay are gathered into one
   * refresh; a steady stream of calls still refreshes once per delay
   * (the timer is not pushed back), so the panel follows the work.
   */
  refresh(): void {
    this._full = true;
    this._schedule();
  }

  /**
   * Gather refreshes into one per delay; the ones of the change feed only
   * ask for the levels their changes concern.
   */
  private _schedule(): void {
    if (this._isDisposed || this._timer !== null) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      const whole = this._full;
      this._full = false;
      void this.refreshNow({ onlyChanged: !whole });
    }, this._refreshDelayMs);
  }

  /**
   * Starts the feed; refreshes wait until it knows where it follows from,
   * or {@link PLACE_TIMEOUT_MS} at most (a server that does not answer
   * must not hold the panel's own error up).
   */
  private _follow(options?: { fromNow?: boolean }): void {
    const placed = this._feed?.start(options);
    this._placed = placed
      ? new Promise<void>(resolve => {
          const timer = setTimeout(resolve, PLACE_TIMEOUT_MS);
          void placed.then(() => {
            clearTimeout(timer);
            resolve();
          });
        })
      : Promise.resolve();
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
    if (!this._active) {
      this._stale = true;
      return;
    }
    this._stale = false;
    const changed = this._changedSince ?? noChanges();
    this._changedSince = null;
    // Read only once the feed knows where "now" is: a change stored between
    // these reads and its first answer would otherwise never be shown.
    await this._placed;
    await this._knowMe();
    const sessions = this.sessions;
    const mine = this._me?.id ?? null;
    let sessionsReloaded = false;
    if (sessions && this._meState === 'known' && sessions.author !== mine) {
      // Setting the author reloads the list.
      sessions.author = mine;
      sessionsReloaded = true;
    }
    const tasks: Promise<void>[] = [];
    for (const level of this.levels) {
      const view = level.view;
      if (view === 'search' || (sessionsReloaded && level.model === sessions)) {
        continue;
      }
      if (options.onlyChanged && !concerns(changed, level)) {
        continue;
      }
      if (level.view === 'timeline') {
        tasks.push(level.model.refreshExecutions(changed.executions));
        if (level.environment.loaded) {
          tasks.push(level.environment.refresh());
        }
      } else {
        tasks.push(level.model.refresh());
      }
    }
    await Promise.all(tasks);
  }

  /**
   * Dispose the model and its level models.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this.clock.dispose();
    this.feed = null;
    for (const area of AREAS) {
      this._stacks[area].forEach(level => this._release(level));
      this._stacks[area] = [];
    }
    Signal.clearData(this);
  }

  /**
   * Learn who "me" is, once per reader; a server that does not know
   * (an older one) leaves every session "mine".
   */
  private _knowMe(): Promise<void> {
    const reader = this._reader;
    if (!reader || this._meState !== 'unknown') {
      return Promise.resolve();
    }
    if (this._asking?.reader !== reader) {
      const asking = this._askMe(reader).finally(() => {
        if (this._asking?.promise === asking) {
          this._asking = null;
        }
      });
      this._asking = { reader, promise: asking };
    }
    return this._asking.promise;
  }

  private async _askMe(reader: ITrailReader): Promise<void> {
    try {
      const me = await reader.getMe();
      if (reader === this._reader) {
        this._me = me;
        this._meState = 'known';
        this._emit();
      }
    } catch (reason) {
      const status = (reason as { status?: unknown }).status;
      if (reader === this._reader && (status === 404 || status === 405)) {
        this._meState = 'unsupported';
      }
    }
  }

  private _requireReader(): ITrailReader {
    if (!this._reader) {
      throw new Error('Trail is not connected to a server.');
    }
    return this._reader;
  }

  /** The topmost level of a view in the area shown. */
  private _find<V extends TrailView>(view: V): LevelOf<V> | undefined {
    const stack = this._stacks[this._area];
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].view === view) {
        return stack[i] as LevelOf<V>;
      }
    }
    return undefined;
  }

  /** Pop levels from the top until `keep` holds for the top (or one is left). */
  private _popTo(keep: (level: TrailLevel) => boolean): void {
    const stack = this._stacks[this._area];
    while (stack.length > 1 && !keep(stack[stack.length - 1])) {
      this._release(stack.pop()!);
    }
  }

  private _push(place: TrailPlace): TrailLevel | null {
    if (!this._reader) {
      return null;
    }
    const level = this._build(place, this._reader);
    this._stacks[this._area].push(level);
    return level;
  }

  private _build(place: TrailPlace, reader: ITrailReader): TrailLevel {
    const pageSize = this._pageSize;
    let level: TrailLevel;
    switch (place.view) {
      case 'sessions':
        level = {
          view: place.view,
          place,
          model: new SessionListModel({
            reader,
            pageSize,
            notebook: this._notebookFilter,
            author: this._me?.id ?? null
          })
        };
        break;
      case 'people':
        level = { view: place.view, place, model: new PeopleModel({ reader }) };
        break;
      case 'search':
        level = {
          view: place.view,
          place,
          model: new SearchModel({ reader, pageSize })
        };
        break;
      case 'notebooks':
        level = {
          view: place.view,
          place,
          model: new NotebookListModel({
            reader,
            pageSize,
            author: place.person.id
          })
        };
        break;
      case 'notebookSessions':
        level = {
          view: place.view,
          place,
          model: new SessionListModel({
            reader,
            pageSize,
            author: place.person.id,
            notebook: place.notebookPath
          })
        };
        break;
      case 'timeline':
        level = {
          view: place.view,
          place,
          model: new SessionTimelineModel({
            reader,
            sessionId: place.sessionId,
            pageSize
          }),
          environment: new SessionEnvironmentModel({
            reader,
            sessionId: place.sessionId
          })
        };
        break;
      case 'execution':
        level = {
          view: place.view,
          place,
          model: new ExecutionDetailModel({
            reader,
            executionId: place.executionId
          })
        };
        break;
      case 'cellHistory':
        level = {
          view: place.view,
          place,
          model: new CellHistoryModel({
            reader,
            notebookPath: place.notebookPath,
            cellId: place.cellId,
            executionId: place.executionId,
            pageSize
          })
        };
        break;
    }
    for (const model of modelsOf(level)) {
      model.changed.connect(this._emit, this);
    }
    return level;
  }

  private _release(level: TrailLevel): void {
    for (const model of modelsOf(level)) {
      model.changed.disconnect(this._emit, this);
      model.dispose();
    }
  }

  private _onFeedChanged(_: unknown, changes: readonly unknown[]): void {
    const changed = (this._changedSince ??= noChanges());
    for (const change of changes as ChangeNote[]) {
      if (change.kind === 'annotation' && change.executionId) {
        changed.executions.add(change.executionId);
      }
      if (change.kind === 'visibility') {
        changed.visibility = true;
      }
      if (change.sessionId) {
        changed.sessions.add(change.sessionId);
      }
      if (change.notebookPath) {
        changed.notebooks.add(change.notebookPath);
      }
    }
    this._schedule();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _active = true;
  private _asking: { reader: ITrailReader; promise: Promise<void> } | null =
    null;
  private _area: TrailArea = 'mine';
  private _changed = new Signal<this, void>(this);
  private _configurationError: string | null = null;
  private _feed: ITrailFeed | null = null;
  /** Whether the next refresh must reload every level shown. */
  private _full = false;
  /** What the feed's changes since the last refresh touched. */
  private _changedSince: ChangedSince | null = null;
  /** Settles once the feed knows where it follows from (or gave up asking). */
  private _placed: Promise<void> = Promise.resolve();
  private _isDisposed = false;
  private _me: TeamMember | null = null;
  private _meState: 'unknown' | 'known' | 'unsupported' = 'unknown';
  private _notebookFilter: string | null = null;
  private _pageSize: number | undefined;
  private _reader: ITrailReader | null = null;
  private _refreshDelayMs: number;
  private _stacks: Record<TrailArea, TrailLevel[]> = {
    mine: [],
    team: [],
    search: []
  };
  private _stale = true;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

const AREAS: TrailArea[] = ['mine', 'team', 'search'];

function rootPlace(area: TrailArea): TrailPlace {
  return { view: AREA_ROOTS[area] } as TrailPlace;
}

/** A Person without extra fields (role, counts) that would go stale. */
function personOf(person: Person): Person {
  return { id: person.id, name: person.name, displayName: person.displayName };
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
    /** Delay gathering `refresh()` calls, in ms (default 300). */
    refreshDelayMs?: number;
    /** Items asked per page. */
    pageSize?: number;
    /** Time between redraws of relative times, in ms (default 30000). */
    clockIntervalMs?: number;
  }
}

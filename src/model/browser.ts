import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { ExecutionDetailModel } from './executionDetail';
import type { LoadableModel } from './loadable';
import { SessionEnvironmentModel } from './sessionEnvironment';
import { SessionListModel } from './sessionList';
import { SessionTimelineModel } from './sessionTimeline';
import type { ITrailReader, SessionSummary, TrailView } from './types';

/**
 * Default delay that gathers bursts of `refresh()` calls into one.
 */
export const DEFAULT_REFRESH_DELAY_MS = 300;

/**
 * State of the whole Trail panel: the server reader, the selected session
 * and execution, and the models of each level.
 *
 * #### Notes
 * `changed` is emitted for its own changes and re-emitted for every change
 * of the level models, so a view only listens here. The level models are
 * replaced when the reader or the selection changes.
 */
export class TrailBrowserModel implements IDisposable {
  /**
   * Create the panel state.
   */
  constructor(options: TrailBrowserModel.IOptions = {}) {
    this._refreshDelayMs = options.refreshDelayMs ?? DEFAULT_REFRESH_DELAY_MS;
    this._pageSize = options.pageSize;
    this.reader = options.reader ?? null;
  }

  /**
   * Emitted on any change of the panel state or of a level model.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Where data is read from; null while no server is configured or known.
   * Setting it rebuilds the level models and keeps the selection.
   */
  get reader(): ITrailReader | null {
    return this._reader;
  }
  set reader(value: ITrailReader | null) {
    if (value === this._reader) {
      return;
    }
    this._reader = value;
    this._setSessions(
      value
        ? new SessionListModel({
            reader: value,
            pageSize: this._pageSize,
            notebook: this._notebookFilter
          })
        : null
    );
    this._setTimeline(this._createTimeline(this._selectedSessionId));
    this._setDetail(this._createDetail(this._selectedExecutionId));
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
   * Whether the panel is showing. While inactive, refreshes are only noted
   * and run once it shows again, so a hidden panel costs no requests.
   */
  get active(): boolean {
    return this._active;
  }
  set active(value: boolean) {
    if (this._active && !value) {
      // What happens while hidden is not followed: refresh when shown.
      this._stale = true;
    }
    this._active = value;
    if (value && this._stale) {
      void this.refreshNow();
    }
  }

  /**
   * The notebook path the session list is restricted to, or null for all.
   */
  get notebookFilter(): string | null {
    return this._notebookFilter;
  }
  set notebookFilter(value: string | null) {
    if (value === this._notebookFilter) {
      return;
    }
    this._notebookFilter = value;
    if (this._sessions) {
      // The list reloads itself for the new filter.
      this._sessions.notebook = value;
    }
    this._emit();
  }

  /**
   * The session list, or null while not configured.
   */
  get sessions(): SessionListModel | null {
    return this._sessions;
  }

  /**
   * The selected session's timeline, or null.
   */
  get timeline(): SessionTimelineModel | null {
    return this._timeline;
  }

  /**
   * The selected session's environment, or null. Loaded on demand (when
   * its section is opened), then refreshed with the rest.
   */
  get environment(): SessionEnvironmentModel | null {
    return this._environment;
  }

  /**
   * The selected execution's detail, or null.
   */
  get detail(): ExecutionDetailModel | null {
    return this._detail;
  }

  /**
   * The selected session id, or null.
   */
  get selectedSessionId(): string | null {
    return this._selectedSessionId;
  }

  /**
   * The selected execution id, or null.
   */
  get selectedExecutionId(): string | null {
    return this._selectedExecutionId;
  }

  /**
   * The selected session's summary, when it is in the loaded list.
   */
  get selectedSession(): SessionSummary | null {
    const id = this._selectedSessionId;
    return (id !== null && this._sessions?.find(id)) || null;
  }

  /**
   * The level to show.
   */
  get view(): TrailView {
    if (this._selectedExecutionId !== null) {
      return 'execution';
    }
    return this._selectedSessionId !== null ? 'timeline' : 'sessions';
  }

  /**
   * Whether the model is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Show a session's timeline.
   *
   * @returns resolves once its executions are loaded (or failed to).
   */
  openSession(id: string): Promise<void> {
    this._selectExecution(null);
    if (id !== this._selectedSessionId || this._timeline === null) {
      this._selectedSessionId = id;
      this._setTimeline(this._createTimeline(id));
    }
    this._emit();
    return this._timeline?.refresh() ?? Promise.resolve();
  }

  /**
   * Show one execution. When it turns out to belong to another session
   * than the selected one, that session becomes selected, so that going
   * back leads to its timeline.
   *
   * @returns resolves once the record is loaded (or failed to).
   */
  async openExecution(id: string): Promise<void> {
    this._selectExecution(id);
    this._emit();
    const detail = this._detail;
    if (!detail) {
      return;
    }
    await detail.refresh();
    const sessionId = detail.record?.sessionId;
    if (
      sessionId &&
      detail === this._detail &&
      sessionId !== this._selectedSessionId
    ) {
      this._selectedSessionId = sessionId;
      this._setTimeline(this._createTimeline(sessionId));
      this._emit();
      await this._timeline?.refresh();
    }
  }

  /**
   * Go up one level: from an execution to its session, from a session to
   * the list.
   */
  back(): void {
    if (this._selectedExecutionId !== null) {
      this._selectExecution(null);
    } else if (this._selectedSessionId !== null) {
      this._selectedSessionId = null;
      this._setTimeline(null);
    } else {
      return;
    }
    this._emit();
  }

  /**
   * Go back to the session list.
   */
  showSessions(): void {
    if (this.view === 'sessions') {
      return;
    }
    this._selectExecution(null);
    this._selectedSessionId = null;
    this._setTimeline(null);
    this._emit();
  }

  /**
   * Ask for fresh data soon. Calls within the delay are gathered into one
   * refresh; a steady stream of calls still refreshes once per delay
   * (the timer is not pushed back), so the panel follows the user's work.
   */
  refresh(): void {
    if (this._isDisposed || this._timer !== null) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refreshNow();
    }, this._refreshDelayMs);
  }

  /**
   * Refresh every level model now (only noted while inactive).
   *
   * @returns resolves when the requests are done; never rejects.
   */
  async refreshNow(): Promise<void> {
    if (this._isDisposed || !this._reader) {
      return;
    }
    if (!this._active) {
      this._stale = true;
      return;
    }
    this._stale = false;
    await Promise.all([
      this._sessions?.refresh(),
      this._timeline?.refresh(),
      this._environment?.loaded ? this._environment.refresh() : undefined,
      this._detail?.refresh()
    ]);
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
    this._sessions?.dispose();
    this._timeline?.dispose();
    this._environment?.dispose();
    this._detail?.dispose();
    Signal.clearData(this);
  }

  private _selectExecution(id: string | null): void {
    if (id === this._selectedExecutionId && (id === null || this._detail)) {
      return;
    }
    this._selectedExecutionId = id;
    this._setDetail(this._createDetail(id));
  }

  private _createTimeline(id: string | null): SessionTimelineModel | null {
    if (id === null || !this._reader) {
      return null;
    }
    return new SessionTimelineModel({
      reader: this._reader,
      sessionId: id,
      pageSize: this._pageSize
    });
  }

  private _createDetail(id: string | null): ExecutionDetailModel | null {
    if (id === null || !this._reader) {
      return null;
    }
    return new ExecutionDetailModel({ reader: this._reader, executionId: id });
  }

  private _setSessions(model: SessionListModel | null): void {
    this._sessions = this._swap(this._sessions, model);
  }

  /**
   * Replace the timeline, and the environment of its session with it.
   */
  private _setTimeline(model: SessionTimelineModel | null): void {
    this._timeline = this._swap(this._timeline, model);
    this._environment = this._swap(
      this._environment,
      model && this._reader
        ? new SessionEnvironmentModel({
            reader: this._reader,
            sessionId: model.sessionId
          })
        : null
    );
  }

  private _setDetail(model: ExecutionDetailModel | null): void {
    this._detail = this._swap(this._detail, model);
  }

  /**
   * Dispose a replaced level model and forward the new one's changes.
   */
  private _swap<T extends LoadableModel>(old: T | null, next: T | null) {
    if (old && old !== next) {
      old.dispose();
    }
    next?.changed.connect(this._emit, this);
    return next;
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _active = true;
  private _changed = new Signal<this, void>(this);
  private _configurationError: string | null = null;
  private _detail: ExecutionDetailModel | null = null;
  private _environment: SessionEnvironmentModel | null = null;
  private _isDisposed = false;
  private _notebookFilter: string | null = null;
  private _pageSize: number | undefined;
  private _reader: ITrailReader | null = null;
  private _refreshDelayMs: number;
  private _selectedExecutionId: string | null = null;
  private _selectedSessionId: string | null = null;
  private _sessions: SessionListModel | null = null;
  private _stale = true;
  private _timeline: SessionTimelineModel | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
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
  }
}

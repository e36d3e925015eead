import type { TrailBrowserModel } from './browser';
import type { LevelStacks } from './levelStacks';
import type { SessionSummary, Visibility } from './types';

/**
 * Who may read my sessions: asks the server, then shows the answer in
 * every level that lists the sessions changed.
 */
export class SessionSharing {
  /**
   * Create the sharing actions of a panel.
   */
  constructor(options: SessionSharing.IOptions) {
    this._model = options.model;
    this._stacks = options.stacks;
    this._onChange = options.onChange;
  }

  /**
   * Who may read one of my sessions: each level's kind shows the new
   * summary (`ILevelKind.sessionChanged`).
   *
   * @returns rejects when the server refuses (the caller tells the user).
   */
  async setSessionVisibility(
    sessionId: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    const reader = this._reader();
    const session = await reader.setSessionVisibility(sessionId, visibility);
    for (const level of this._stacks.all()) {
      this._stacks.kindOf(level).sessionChanged?.(level, session);
    }
    this._onChange();
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
    const reader = this._reader();
    const result = await reader.setNotebookVisibility(notebookPath, visibility);
    const timeline = this._model.timeline;
    if (timeline?.session?.notebookPath === notebookPath) {
      timeline.session = { ...timeline.session, visibility };
    }
    await this._model.refreshNow();
    return result.sessions;
  }

  private _reader() {
    const reader = this._model.reader;
    if (!reader) {
      throw new Error('Trail is not connected to a server.');
    }
    return reader;
  }

  private _model: TrailBrowserModel;
  private _onChange: () => void;
  private _stacks: LevelStacks;
}

/**
 * The namespace for `SessionSharing` statics.
 */
export namespace SessionSharing {
  /**
   * Options to create the sharing actions.
   */
  export interface IOptions {
    /** The panel (its reader, timeline and refresh). */
    model: TrailBrowserModel;
    /** The levels that may list a session. */
    stacks: LevelStacks;
    /** Called once a session's new summary is shown. */
    onChange: () => void;
  }
}

import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { sessionsLevel } from '../model';
import type { ITrailView } from '../tokens';
import type { SessionSummary, TrailBrowserModel } from '../model';
import { baseName, formatAbsoluteTime, formatRelativeTime } from './format';
import { PagedList } from './pagedList';
import { useClockTick } from './relativeTime';
import { NotConfiguredState } from './states';
import { PrivateMark } from './visibility';

/**
 * The first level of the panel: recorded sessions, newest first.
 */
export class SessionListView extends ReactWidget {
  /**
   * Create the view over the panel model.
   */
  constructor(options: SessionListView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-View');
    this.addClass('jp-Trail-SessionListView');
  }

  protected render(): JSX.Element {
    const { model } = this._options;
    return (
      <UseSignal signal={model.changed}>
        {() => <SessionList {...this._options} />}
      </UseSignal>
    );
  }

  private _options: SessionListView.IOptions;
}

/**
 * The namespace for `SessionListView` statics.
 */
export namespace SessionListView {
  /**
   * Options to create the view.
   */
  export interface IOptions {
    model: TrailBrowserModel;
    trans: TranslationBundle;
    /** Asks for the server configuration again; offered while not configured. */
    onReconnect?: () => void;
  }
}

function SessionList(props: SessionListView.IOptions): JSX.Element {
  const { model, trans } = props;
  useClockTick(model.clock, model.view === 'sessions');
  const sessions = model.sessions;
  if (!sessions) {
    return (
      <NotConfiguredState
        reason={model.configurationError}
        onRetry={props.onReconnect}
        trans={trans}
      />
    );
  }
  const filter = model.notebookFilter;
  const filterBar = filter !== null && (
    <div className="jp-Trail-FilterBar">
      <span className="jp-Trail-FilterBar-label" title={filter}>
        {trans.__('Only %1', baseName(filter))}
      </span>
      <button
        type="button"
        className="jp-Trail-Button jp-Trail-FilterBar-clear"
        onClick={() => (model.notebookFilter = null)}
      >
        {trans.__('Show all')}
      </button>
    </div>
  );
  const body = (
    <PagedList
      source={sessions}
      className="jp-Trail-SessionList"
      label={trans.__('Recorded sessions')}
      emptyMessage={
        filter === null
          ? trans.__('Run a cell in any notebook: Trail records it here.')
          : trans.__('No recorded sessions for this notebook yet.')
      }
      estimateSize={52}
      renderItem={session => (
        <SessionItem
          session={session}
          onOpen={id => void model.openSession(id, session)}
          trans={trans}
        />
      )}
      trans={trans}
    />
  );
  return (
    <>
      {filterBar}
      {body}
    </>
  );
}

/**
 * One session in a list: its notebook, when it started, its kernel and how
 * many executions it has; its author when asked; a lock when private.
 */
export function SessionItem(props: {
  session: SessionSummary;
  onOpen: (id: string) => void;
  trans: TranslationBundle;
  /** Show who recorded it (lists of several people's sessions). */
  showAuthor?: boolean;
}): JSX.Element {
  const { session, trans } = props;
  const kernel =
    session.kernel?.displayName ||
    session.kernel?.name ||
    trans.__('Kernel not known yet');
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-SessionItem"
      data-session-id={session.id}
      data-visibility={session.visibility ?? 'team'}
      onClick={() => props.onOpen(session.id)}
    >
      <span className="jp-Trail-Item-heading">
        <span className="jp-Trail-Item-title" title={session.notebookPath}>
          {baseName(session.notebookPath)}
        </span>
        <PrivateMark visibility={session.visibility} trans={trans} />
      </span>
      <span className="jp-Trail-Item-meta">
        {props.showAuthor && session.author && (
          <span className="jp-Trail-Author" title={session.author.name}>
            {session.author.displayName || session.author.name}
          </span>
        )}
        <time
          className="jp-Trail-Time"
          dateTime={session.startedAt}
          title={formatAbsoluteTime(session.startedAt)}
        >
          {formatRelativeTime(session.startedAt)}
        </time>
        <span className="jp-Trail-SessionItem-kernel">{kernel}</span>
        <span className="jp-Trail-SessionItem-count">
          {trans._n('%1 execution', '%1 executions', session.executionCount)}
        </span>
      </span>
    </button>
  );
}

/**
 * My sessions, the "My sessions" area's first level.
 */
export const sessionsView: ITrailView = {
  level: sessionsLevel,
  label: (_, { trans }) => ({ label: trans.__('Sessions') }),
  createPanelView: ({ model, trans, onReconnect }) =>
    new SessionListView({ model, trans, onReconnect })
};

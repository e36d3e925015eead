import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { timelineLevel } from '../model';
import type { SessionTimelineModel, TimelinePlace } from '../model';
import type { ITrailView } from '../tokens';
import type { ExecutionSummary, TrailBrowserModel } from '../model';
import {
  baseName,
  codeSnippet,
  executionPrompt,
  formatAbsoluteTime,
  formatClockTime,
  formatDuration,
  formatRelativeTime,
  formatShortDateTime
} from './format';
import { EnvironmentSection } from './environment';
import { ReplaysSection } from './replay-run/replaysSection';
import { IdenticalPrefixSection } from './identicalPrefix';
import { SessionInputsSection } from './fork/inputsSection';
import { lineageOf } from '../model/replay-run/replays';
import type { SessionReplaysModel } from '../model/replay-run/replays';
import { PagedList } from './pagedList';
import { useClockTick } from './relativeTime';
import { NotConfiguredState } from './states';
import { StatusBadge } from './statusBadge';
import { PrivateMark, VisibilityControl } from './visibility';

/**
 * The second level of the panel: one session's executions in order.
 */
export class TimelineView extends ReactWidget {
  /**
   * Create the view over the panel model.
   */
  constructor(options: TimelineView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-View');
    this.addClass('jp-Trail-TimelineView');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => <Timeline {...this._options} />}
      </UseSignal>
    );
  }

  private _options: TimelineView.IOptions;
}

/**
 * The namespace for `TimelineView` statics.
 */
export namespace TimelineView {
  /**
   * Options to create the view.
   */
  export interface IOptions {
    model: TrailBrowserModel;
    trans: TranslationBundle;
    /** Opens the replay viewer on the session; a button when given. */
    onOpenReplay?: (target: { sessionId?: string }) => void;
    /**
     * Opens a replay's or fork's comparison with its parent; offered on the
     * session's replays and forks, and on a replay or fork session itself.
     */
    onCompareWithParent?: (sessionId: string) => void;
    /** Opens the Fork widget on the session; a button when given. */
    onFork?: (target: { sessionId?: string }) => void;
    /** Exports the session as a pipeline; a button when given. */
    onExport?: (target: { sessionId?: string }) => void;
  }
}

function Timeline(props: TimelineView.IOptions): JSX.Element | null {
  const { model, trans } = props;
  useClockTick(model.clock, model.view === 'timeline');
  const timeline = model.timeline;
  if (!model.configured) {
    return (
      <NotConfiguredState reason={model.configurationError} trans={trans} />
    );
  }
  if (!timeline) {
    return null;
  }
  const session = model.selectedSession;
  const notebookPath =
    session?.notebookPath ?? timeline.items[0]?.notebookPath ?? null;
  const mine = session !== null && model.isMine(session);
  const replays =
    (model.level?.related.replays as SessionReplaysModel | undefined) ?? null;
  const lineage = session ? lineageOf(session) : null;
  const onCompare = props.onCompareWithParent;
  const header = (
    <div className="jp-Trail-ViewHeader">
      <h2 className="jp-Trail-ViewHeader-title" title={notebookPath ?? ''}>
        {notebookPath !== null ? baseName(notebookPath) : trans.__('Session')}
        <PrivateMark visibility={session?.visibility} trans={trans} />
      </h2>
      {session && (
        <p className="jp-Trail-ViewHeader-meta">
          {session.author && !mine && (
            <>
              <span className="jp-Trail-Author" title={session.author.name}>
                {session.author.displayName || session.author.name}
              </span>
              {' · '}
            </>
          )}
          {session.kernel?.displayName || session.kernel?.name || ''}
          {session.kernel ? ' · ' : ''}
          <time
            dateTime={session.startedAt}
            title={formatAbsoluteTime(session.startedAt)}
          >
            {trans.__('started %1', formatRelativeTime(session.startedAt))}
          </time>
        </p>
      )}
      {session && (props.onOpenReplay || props.onExport) && (
        <div className="jp-Trail-Actions">
          {props.onOpenReplay && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-ReplayButton"
              title={trans.__(
                'Step through this session in the replay viewer: the notebook as it stood at each step'
              )}
              onClick={() => props.onOpenReplay!({ sessionId: session.id })}
            >
              {trans.__('Step through')}
            </button>
          )}
          {props.onExport && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-ExportButton"
              title={trans.__(
                'Write the code that produced this run’s results as a pipeline (script, params, requirements, dvc.yaml, MLproject, Dockerfile)'
              )}
              onClick={() => props.onExport!({ sessionId: session.id })}
            >
              {trans.__('Export as pipeline…')}
            </button>
          )}
          {lineage && onCompare && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-CompareParentButton"
              title={trans.__(
                'Compare this %1 with the session it came from: params, metrics, inputs and the steps whose outputs differ',
                lineage.kind === 'fork'
                  ? trans.__('fork')
                  : lineage.kind === 'export'
                    ? trans.__('pipeline run')
                    : trans.__('replay')
              )}
              onClick={() => onCompare(session.id)}
            >
              {trans.__('Compare with parent')}
            </button>
          )}
        </div>
      )}
      {session && mine && model.me && (
        <VisibilityControl
          subject="session"
          value={session.visibility ?? 'team'}
          onChange={value => model.setSessionVisibility(session.id, value)}
          trans={trans}
        />
      )}
    </div>
  );
  const body = (
    <PagedList
      source={timeline}
      ordered
      className="jp-Trail-Timeline"
      label={trans.__('Executions')}
      emptyMessage={trans.__('No executions recorded in this session.')}
      estimateSize={72}
      renderItem={execution => (
        <ExecutionItem
          execution={execution}
          onOpen={id => void model.openExecution(id)}
          trans={trans}
        />
      )}
      trans={trans}
    />
  );
  return (
    <>
      {header}
      {model.environment && (
        <EnvironmentSection model={model.environment} trans={trans} />
      )}
      {session && (
        <SessionInputsSection
          reader={model.reader}
          sessionId={session.id}
          upto={session.executionCount}
          trans={trans}
          onFork={
            props.onFork
              ? () => props.onFork!({ sessionId: session.id })
              : undefined
          }
        />
      )}
      {session && (
        <IdenticalPrefixSection
          reader={model.reader}
          sessionId={session.id}
          steps={session.executionCount}
          isMe={author => author !== undefined && model.isMine({ author })}
          onOpen={match => void model.openSession(match.sessionId)}
          trans={trans}
        />
      )}
      {replays && (
        <ReplaysSection
          model={replays}
          isMine={replay => model.isMine(replay)}
          onOpen={replay => void model.openSession(replay.id, replay)}
          onCompare={onCompare ? replay => onCompare(replay.id) : undefined}
          trans={trans}
        />
      )}
      {body}
    </>
  );
}

function ExecutionItem(props: {
  execution: ExecutionSummary;
  onOpen: (id: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { execution, trans } = props;
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-ExecutionItem"
      data-execution-id={execution.id}
      data-status={execution.status}
      onClick={() => props.onOpen(execution.id)}
    >
      <span className="jp-Trail-Item-meta">
        <span
          className="jp-Trail-Prompt"
          title={trans.__('Execution %1 of this session', execution.seq)}
        >
          {executionPrompt(execution.executionCount)}
        </span>
        <StatusBadge
          status={execution.status}
          error={execution.error}
          trans={trans}
        />
        <span className="jp-Trail-Duration">
          {formatDuration(execution.durationMs)}
        </span>
        <time
          className="jp-Trail-Time"
          dateTime={execution.startedAt}
          title={formatAbsoluteTime(execution.startedAt)}
        >
          {formatClockTime(execution.startedAt)}
        </time>
      </span>
      <code className="jp-Trail-CodeSnippet">
        {codeSnippet(execution.code) || trans.__('(empty cell)')}
      </code>
      <CaptureSummary execution={execution} trans={trans} />
      {execution.error && (
        <span className="jp-Trail-ErrorSummary">
          {`${execution.error.ename}: ${execution.error.evalue}`}
        </span>
      )}
    </button>
  );
}

/**
 * How many files, params and metrics the kernel helper captured.
 */
function CaptureSummary(props: {
  execution: ExecutionSummary;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { execution, trans } = props;
  const capture = execution.capture;
  if (!capture) {
    return null;
  }
  const files = capture.files?.length ?? 0;
  const params = Object.keys(capture.params ?? {}).length;
  const metrics = new Set((capture.metrics ?? []).map(m => m.name)).size;
  const parts = [
    files ? trans._n('%1 file', '%1 files', files) : '',
    params ? trans._n('%1 param', '%1 params', params) : '',
    metrics ? trans._n('%1 metric', '%1 metrics', metrics) : ''
  ].filter(Boolean);
  if (parts.length === 0) {
    return null;
  }
  return <span className="jp-Trail-CaptureSummary">{parts.join(' · ')}</span>;
}

/**
 * One session's executions. Its crumb names the notebook, or the session's
 * start when the notebook is the crumb before.
 */
export const timelineView: ITrailView<TimelinePlace, SessionTimelineModel> = {
  level: timelineLevel,
  label: (level, { model, parent, trans }) => {
    const session =
      level.model.session ??
      (model.selectedSessionId === level.place.sessionId
        ? model.selectedSession
        : null);
    const path =
      session?.notebookPath ?? level.model.items[0]?.notebookPath ?? null;
    if (parent?.view === 'notebookSessions' || path === null) {
      // The notebook is the crumb before: this one names the session.
      return session
        ? {
            label: formatShortDateTime(session.startedAt),
            title: trans.__(
              'Session started %1',
              formatAbsoluteTime(session.startedAt)
            )
          }
        : { label: trans.__('Session') };
    }
    return { label: baseName(path), title: path };
  },
  createPanelView: ({
    model,
    trans,
    onOpenReplay,
    onCompareWithParent,
    onFork,
    onExport
  }) =>
    new TimelineView({
      model,
      trans,
      onOpenReplay,
      onCompareWithParent,
      onFork,
      onExport
    })
};

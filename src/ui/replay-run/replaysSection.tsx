/**
 * A session's replays and forks in its view of the Trail panel (issues #13
 * and #14 item 5): who replayed or forked it, when, up to which step, how
 * far the run got and how many inputs a fork replaced; each opens the
 * replay or fork session, and "Compare with parent" opens its comparison.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { SessionSummary } from '../../model';
import { lineageOf, SessionReplaysModel } from '../../model/replay-run/replays';
import { formatAbsoluteTime, formatRelativeTime } from '../format';
import { ErrorState } from '../states';

/**
 * The "Replays and forks" section; hidden while the session has none.
 */
export function ReplaysSection(props: {
  model: SessionReplaysModel;
  isMine: (session: SessionSummary) => boolean;
  onOpen: (session: SessionSummary) => void;
  /** Opens the comparison of a replay or fork with this session, when offered. */
  onCompare?: (session: SessionSummary) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const [expanded, setExpanded] = React.useState(true);
  React.useEffect(() => {
    if (!model.loaded && !model.loading && !model.isDisposed) {
      void model.refresh();
    }
  }, [model]);
  if (model.error && model.items.length === 0) {
    return (
      <section className="jp-Trail-Replays">
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      </section>
    );
  }
  if (model.items.length === 0) {
    return null;
  }
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  return (
    <section
      className="jp-Trail-Replays"
      aria-label={trans.__('Replays and forks')}
    >
      <button
        type="button"
        className="jp-Trail-Disclosure"
        aria-expanded={expanded}
        onClick={() => setExpanded(!expanded)}
      >
        <Caret.react tag="span" elementSize="small" />
        <span className="jp-Trail-Disclosure-title">
          {trans.__('Replays and forks')}
        </span>
        <span className="jp-Trail-Disclosure-summary">
          {model.hasMore
            ? trans.__('%1+', model.items.length)
            : String(model.items.length)}
        </span>
      </button>
      {expanded && (
        <ul className="jp-Trail-Replays-list">
          {model.items.map(session => (
            <li key={session.id} className="jp-Trail-ReplayItem-row">
              <ReplayItem
                session={session}
                mine={props.isMine(session)}
                onOpen={() => props.onOpen(session)}
                trans={trans}
              />
              {props.onCompare && (
                <button
                  type="button"
                  className="jp-Trail-LinkButton jp-Trail-CompareParentButton"
                  data-session-id={session.id}
                  title={trans.__(
                    'Compare its params, metrics, inputs and outputs with this session'
                  )}
                  onClick={() => props.onCompare!(session)}
                >
                  {trans.__('Compare with parent')}
                </button>
              )}
            </li>
          ))}
          {model.hasMore && (
            <li>
              <button
                type="button"
                className="jp-Trail-Button"
                disabled={model.loading}
                onClick={() => void model.loadMore()}
              >
                {trans.__('More replays and forks')}
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

function ReplayItem(props: {
  session: SessionSummary;
  mine: boolean;
  onOpen: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { session, trans } = props;
  const lineage = lineageOf(session);
  const who = props.mine
    ? trans.__('You')
    : session.author?.displayName ||
      session.author?.name ||
      trans.__('Someone');
  const kind =
    lineage?.kind === 'fork'
      ? trans.__('forked')
      : lineage?.kind === 'export'
        ? trans.__('ran the pipeline exported')
        : trans.__('replayed');
  const upto = lineage?.step ?? 0;
  // How far it got: the replay's executions against the steps it replays.
  const ran = Math.min(session.executionCount, upto || session.executionCount);
  const replaced = lineage?.substitutions?.length ?? 0;
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-ReplayItem"
      data-session-id={session.id}
      data-kind={lineage?.kind ?? 'replay'}
      onClick={props.onOpen}
    >
      <span className="jp-Trail-Item-title">
        {upto
          ? trans.__('%1 %2 up to step %3', who, kind, upto)
          : trans.__('%1 %2 it', who, kind)}
      </span>
      <span className="jp-Trail-Replays-meta">
        <time
          dateTime={session.startedAt}
          title={formatAbsoluteTime(session.startedAt)}
        >
          {formatRelativeTime(session.startedAt)}
        </time>
        {' · '}
        {lineage?.kind === 'export'
          ? // One execution runs the whole pipeline: steps do not count.
            trans.__('python pipeline.py')
          : upto
            ? trans.__('%1 of %2 steps run', ran, upto)
            : trans._n('%1 execution', '%1 executions', session.executionCount)}
        {replaced > 0 && (
          <>
            {' · '}
            <span
              className="jp-Trail-ReplayItem-substitutions"
              title={lineage!
                .substitutions!.map(each => `${each.recorded} → ${each.path}`)
                .join('\n')}
            >
              {trans._n('%1 input replaced', '%1 inputs replaced', replaced)}
            </span>
          </>
        )}
      </span>
    </button>
  );
}

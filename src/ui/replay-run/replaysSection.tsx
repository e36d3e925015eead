/**
 * A session's replays in its view of the Trail panel (issue #13 item 5):
 * who replayed it, when, up to which step and how far the replay got;
 * each opens the replay session.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { SessionSummary } from '../../model';
import { lineageOf, SessionReplaysModel } from '../../model/replay-run/replays';
import { formatAbsoluteTime, formatRelativeTime } from '../format';
import { ErrorState } from '../states';

/**
 * The Replays section; hidden while the session has none.
 */
export function ReplaysSection(props: {
  model: SessionReplaysModel;
  isMine: (session: SessionSummary) => boolean;
  onOpen: (session: SessionSummary) => void;
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
    <section className="jp-Trail-Replays" aria-label={trans.__('Replays')}>
      <button
        type="button"
        className="jp-Trail-Disclosure"
        aria-expanded={expanded}
        onClick={() => setExpanded(!expanded)}
      >
        <Caret.react tag="span" elementSize="small" />
        <span className="jp-Trail-Disclosure-title">{trans.__('Replays')}</span>
        <span className="jp-Trail-Disclosure-summary">
          {model.hasMore
            ? trans.__('%1+', model.items.length)
            : String(model.items.length)}
        </span>
      </button>
      {expanded && (
        <ul className="jp-Trail-Replays-list">
          {model.items.map(session => (
            <li key={session.id}>
              <ReplayItem
                session={session}
                mine={props.isMine(session)}
                onOpen={() => props.onOpen(session)}
                trans={trans}
              />
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
                {trans.__('More replays')}
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
    lineage?.kind === 'fork' ? trans.__('forked') : trans.__('replayed');
  const upto = lineage?.step ?? 0;
  // How far it got: the replay's executions against the steps it replays.
  const ran = Math.min(session.executionCount, upto || session.executionCount);
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-ReplayItem"
      data-session-id={session.id}
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
        {upto
          ? trans.__('%1 of %2 steps run', ran, upto)
          : trans._n('%1 execution', '%1 executions', session.executionCount)}
      </span>
    </button>
  );
}

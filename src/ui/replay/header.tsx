import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { ReplayModel } from '../../model/replay';
import {
  baseName,
  formatAbsoluteTime,
  formatDuration,
  formatShortDateTime
} from '../format';
import { EmptyState, ErrorState, LoadingState } from '../states';
import { StatusBadge } from '../statusBadge';

/**
 * The viewer's header: which session (notebook, author, when), the step
 * shown and its execution, and the stepper (first, previous, slider, next,
 * last). Or why there is nothing to show.
 */
export function ReplayHeader(props: {
  model: ReplayModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  if (model.state === 'loading') {
    return <LoadingState trans={trans} />;
  }
  if (model.state === 'not-found') {
    return (
      <div className="jp-Trail-ReplayNotFound">
        <EmptyState
          message={trans.__(
            "This session doesn't exist or isn't shared with you."
          )}
        />
      </div>
    );
  }
  if (model.state === 'error') {
    return (
      <ErrorState
        error={model.error!}
        onRetry={() => void model.retry()}
        trans={trans}
      />
    );
  }
  const session = model.session;
  const steps = model.steps!;
  const total = model.total;
  const current = model.currentStep;
  const notebookPath = session?.notebookPath ?? '';
  const author = session?.author;
  const go = (k: number) => void model.goTo(k);
  return (
    <div className="jp-Trail-ReplayHeader">
      <div className="jp-Trail-ReplayHeader-title">
        <h2 title={notebookPath}>
          {baseName(notebookPath) || trans.__('Session')}
        </h2>
        <span className="jp-Trail-ReplayHeader-meta">
          {author && (
            <>
              <span className="jp-Trail-Author" title={author.name}>
                {author.displayName || author.name}
              </span>
              {' · '}
            </>
          )}
          {session?.startedAt && (
            <time
              dateTime={session.startedAt}
              title={formatAbsoluteTime(session.startedAt)}
            >
              {trans.__('recorded %1', formatShortDateTime(session.startedAt))}
            </time>
          )}
          {session?.kernel && (
            <>
              {' · '}
              {session.kernel.displayName || session.kernel.name}
            </>
          )}
        </span>
      </div>
      {total === 0 ? (
        <EmptyState
          message={trans.__('No executions recorded in this session.')}
        />
      ) : (
        <div
          className="jp-Trail-ReplayStepper"
          role="group"
          aria-label={trans.__('Steps')}
        >
          <StepButton
            label="«"
            title={trans.__('First step (Home)')}
            disabled={model.step <= 1}
            onClick={() => go(1)}
            className="jp-mod-first"
          />
          <StepButton
            label="‹"
            title={trans.__('Previous step (←)')}
            disabled={model.step <= 1}
            onClick={() => go(model.step - 1)}
            className="jp-mod-previous"
          />
          <input
            type="range"
            className="jp-Trail-ReplaySlider"
            min={1}
            max={total}
            step={1}
            value={model.step}
            aria-label={trans.__('Step')}
            aria-valuetext={trans.__('Step %1 of %2', model.step, total)}
            onChange={event => go(Number(event.currentTarget.value))}
          />
          <StepButton
            label="›"
            title={trans.__('Next step (→)')}
            disabled={model.step >= total}
            onClick={() => go(model.step + 1)}
            className="jp-mod-next"
          />
          <StepButton
            label="»"
            title={trans.__('Last step (End)')}
            disabled={model.step >= total}
            onClick={() => go(total)}
            className="jp-mod-last"
          />
          <span className="jp-Trail-ReplayPosition" aria-live="polite">
            {trans.__('Step %1 of %2', model.step, total)}
          </span>
          {current && (
            <span className="jp-Trail-ReplayCurrent">
              <StatusBadge status={current.status} trans={trans} />
              <time
                dateTime={current.startedAt}
                title={formatAbsoluteTime(current.startedAt)}
              >
                {formatShortDateTime(current.startedAt)}
              </time>
              <span>{formatDuration(current.durationMs)}</span>
            </span>
          )}
        </div>
      )}
      {!steps.structured && total > 0 && (
        <p className="jp-Trail-ReplayNote">
          {trans.__(
            'Recorded before notebook structure capture: shown in execution order.'
          )}
        </p>
      )}
      {model.stepError && (
        <ErrorState
          error={model.stepError}
          onRetry={() => void model.retry()}
          trans={trans}
          inline
        />
      )}
    </div>
  );
}

function StepButton(props: {
  label: string;
  title: string;
  disabled: boolean;
  onClick: () => void;
  className: string;
}): JSX.Element {
  return (
    <button
      type="button"
      className={`jp-Trail-Button jp-Trail-StepButton ${props.className}`}
      title={props.title}
      aria-label={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

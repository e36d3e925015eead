import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { describeLoadError } from './format';

/**
 * A spinner with a label for screen readers.
 */
export function LoadingState(props: { trans: TranslationBundle }): JSX.Element {
  return (
    <div className="jp-Trail-State jp-Trail-Loading" role="status" aria-busy>
      <span className="jp-Trail-Spinner" aria-hidden />
      <span className="jp-Trail-State-message">
        {props.trans.__('Loading…')}
      </span>
    </div>
  );
}

/**
 * A short explanation of why there is nothing to show.
 */
export function EmptyState(props: { message: string }): JSX.Element {
  return (
    <div className="jp-Trail-State jp-Trail-Empty">
      <p className="jp-Trail-State-message">{props.message}</p>
    </div>
  );
}

/**
 * A failed request: what happened, the error's own message, and Retry.
 */
export function ErrorState(props: {
  error: Error;
  onRetry: () => void;
  trans: TranslationBundle;
  /** A one-line banner above content that is still shown. */
  inline?: boolean;
}): JSX.Element {
  const { title, message } = describeLoadError(props.error, props.trans);
  const className = props.inline
    ? 'jp-Trail-State jp-Trail-Error jp-mod-inline'
    : 'jp-Trail-State jp-Trail-Error';
  return (
    <div className={className} role="alert">
      <p className="jp-Trail-State-title">{title}</p>
      <p className="jp-Trail-State-message">{message}</p>
      <button
        type="button"
        className="jp-Trail-Button jp-Trail-RetryButton"
        onClick={props.onRetry}
      >
        {props.trans.__('Retry')}
      </button>
    </div>
  );
}

/**
 * No Trail server is known yet.
 */
export function NotConfiguredState(props: {
  reason: string | null;
  onRetry?: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-Trail-State jp-Trail-NotConfigured">
      <p className="jp-Trail-State-title">
        {trans.__('Trail is not connected to a server')}
      </p>
      <p className="jp-Trail-State-message">
        {props.reason ??
          trans.__(
            'The local Trail server starts with Jupyter Server; a remote one is set in Settings › Trail.'
          )}
      </p>
      {props.onRetry && (
        <button
          type="button"
          className="jp-Trail-Button jp-Trail-RetryButton"
          onClick={props.onRetry}
        >
          {trans.__('Retry')}
        </button>
      )}
    </div>
  );
}

/**
 * A button that loads the next page, disabled while a request runs.
 */
export function LoadMoreButton(props: {
  loading: boolean;
  onClick: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <button
      type="button"
      className="jp-Trail-Button jp-Trail-LoadMore"
      disabled={props.loading}
      onClick={props.onClick}
    >
      {props.loading ? props.trans.__('Loading…') : props.trans.__('Load more')}
    </button>
  );
}

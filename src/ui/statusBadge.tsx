import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { ExecutionRecord } from '../records/schema';
import { kernelDiedDuring } from '../records/status';

/**
 * An execution's status as a coloured badge; the colour comes from the
 * theme through `jp-mod-<status>`. An execution the kernel died under
 * (interrupted, its error saying so) reads "kernel died".
 */
export function StatusBadge(props: {
  status: ExecutionRecord['status'];
  error?: ExecutionRecord['error'];
  trans: TranslationBundle;
}): JSX.Element {
  const { status, error, trans } = props;
  if (kernelDiedDuring({ status, error })) {
    return (
      <span
        className={`jp-Trail-StatusBadge jp-mod-${status}`}
        title={error!.evalue}
      >
        {trans.__('kernel died')}
      </span>
    );
  }
  const labels: Record<ExecutionRecord['status'], string> = {
    ok: trans.__('ok'),
    error: trans.__('error'),
    aborted: trans.__('aborted'),
    interrupted: trans.__('interrupted')
  };
  return (
    <span className={`jp-Trail-StatusBadge jp-mod-${status}`}>
      {labels[status] ?? status}
    </span>
  );
}

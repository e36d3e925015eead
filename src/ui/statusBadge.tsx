import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { ExecutionRecord } from '../records/schema';

/**
 * An execution's status as a coloured badge; the colour comes from the
 * theme through `jp-mod-<status>`.
 */
export function StatusBadge(props: {
  status: ExecutionRecord['status'];
  trans: TranslationBundle;
}): JSX.Element {
  const { status, trans } = props;
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

/**
 * The cells of the leaderboard: values formatted by their column (numbers
 * right-aligned with tabular figures, a missing value as an en dash),
 * status and kind badges, the start as a relative time.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { columnValue } from '../../model/runs';
import type { IRunColumn, RunSummary } from '../../model/runs';
import {
  baseName,
  formatAbsoluteTime,
  formatDuration,
  formatRelativeTime,
  formatValue
} from '../format';

/** What a run has no value for. */
export const MISSING = '–';

/** How long a relative time ('5 minutes ago') is reused, in ms. */
const RELATIVE_TIME_TTL = 15_000;

/** Formatted times kept at most (a map grows with the rows scrolled by). */
const TIME_CACHE_SIZE = 5_000;

const relativeTimes = new Map<string, string>();
let relativeTimesSince = 0;
const absoluteTimes = new Map<string, string>();

/**
 * A start as a relative time, formatted once per start and TTL: JupyterLab's
 * `Time.formatHuman` builds an `Intl.RelativeTimeFormat` on every call,
 * which cost most of a frame while scrolling many rows.
 */
export function relativeTime(iso: string, now = Date.now()): string {
  if (
    now - relativeTimesSince > RELATIVE_TIME_TTL ||
    now < relativeTimesSince ||
    relativeTimes.size >= TIME_CACHE_SIZE
  ) {
    relativeTimes.clear();
    relativeTimesSince = now;
  }
  let text = relativeTimes.get(iso);
  if (text === undefined) {
    text = formatRelativeTime(iso);
    relativeTimes.set(iso, text);
  }
  return text;
}

/** A start as a date and time (the tooltip), formatted once per start. */
function absoluteTime(iso: string): string {
  let text = absoluteTimes.get(iso);
  if (text === undefined) {
    if (absoluteTimes.size >= TIME_CACHE_SIZE) {
      absoluteTimes.clear();
    }
    text = formatAbsoluteTime(iso);
    absoluteTimes.set(iso, text);
  }
  return text;
}

/** Whether a column's values are numbers (right-aligned). */
export function isNumericColumn(column: IRunColumn): boolean {
  return (
    column.type === 'metric' ||
    column.type === 'duration' ||
    column.type === 'count'
  );
}

/**
 * One cell's content and class.
 */
export function RunCell(props: {
  run: RunSummary;
  column: IRunColumn;
  trans: TranslationBundle;
}): JSX.Element {
  const { run, column, trans } = props;
  switch (column.type) {
    case 'run':
      return (
        <span className="jp-Trail-RunName" title={run.notebookPath}>
          <span className="jp-Trail-RunName-notebook">
            {baseName(run.notebookPath)}
          </span>
          <span className="jp-Trail-RunName-id">{run.id.slice(0, 8)}</span>
        </span>
      );
    case 'author':
      return run.author ? (
        <span title={run.author.name}>
          {run.author.displayName || run.author.name}
        </span>
      ) : (
        <Missing trans={trans} />
      );
    case 'status':
      return <RunStatusBadge status={run.status} trans={trans} />;
    case 'kind':
      return <RunKindBadge kind={run.kind} trans={trans} />;
    case 'time':
      return (
        <time dateTime={run.startedAt} title={absoluteTime(run.startedAt)}>
          {relativeTime(run.startedAt)}
        </time>
      );
    case 'duration':
      return run.durationMs === null ? (
        <Missing trans={trans} />
      ) : (
        <span>{formatDuration(run.durationMs)}</span>
      );
    case 'count':
      return <span>{run.executionCount}</span>;
    case 'param':
    case 'metric': {
      const value = columnValue(run, column);
      if (value === undefined) {
        return <Missing trans={trans} />;
      }
      const text =
        typeof value === 'string' ? value : (formatValue(value) ?? '');
      const full =
        column.type === 'metric' ? metricTitle(run, column, trans) : text;
      return <span title={full}>{text}</span>;
    }
  }
}

/** A metric's tooltip: the exact last value, min, max and points. */
function metricTitle(
  run: RunSummary,
  column: IRunColumn,
  trans: TranslationBundle
): string {
  const metric = run.metrics[column.name!];
  const exact = (v: number | null) => (v === null ? 'NaN' : String(v));
  const lines = [`${column.name} = ${exact(metric.last)}`];
  if (metric.count > 1) {
    lines.push(
      trans.__(
        'min %1, max %2 over %3 points',
        exact(metric.min),
        exact(metric.max),
        metric.count
      )
    );
  }
  return lines.join('\n');
}

function Missing(props: { trans: TranslationBundle }): JSX.Element {
  return (
    <span className="jp-Trail-Missing" aria-label={props.trans.__('none')}>
      {MISSING}
    </span>
  );
}

/** A run's status as a badge coloured by the theme. */
export function RunStatusBadge(props: {
  status: RunSummary['status'];
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const labels: Record<RunSummary['status'], string> = {
    ok: trans.__('ok'),
    failed: trans.__('failed'),
    interrupted: trans.__('interrupted'),
    empty: trans.__('empty')
  };
  return (
    <span className={`jp-Trail-RunBadge jp-mod-${props.status}`}>
      {labels[props.status] ?? props.status}
    </span>
  );
}

/** What a run is: a notebook's own run, a replay, a fork or an export. */
export function RunKindBadge(props: {
  kind: RunSummary['kind'];
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const labels: Record<RunSummary['kind'], string> = {
    notebook: trans.__('notebook'),
    replay: trans.__('replay'),
    fork: trans.__('fork'),
    export: trans.__('export')
  };
  return (
    <span
      className={`jp-Trail-RunBadge jp-Trail-KindBadge jp-mod-${props.kind}`}
    >
      {labels[props.kind] ?? props.kind}
    </span>
  );
}

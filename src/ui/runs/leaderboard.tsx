/**
 * The leaderboard (#16 item 2) in JupyterLab's main area: the team's runs
 * filtered, sorted and grouped, with the columns the user picks; runs are
 * opened from their row and 2 to 10 of them compared.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import {
  COMPARE_MAX,
  COMPARE_MIN,
  DEFAULT_SORT,
  leaderboardColumns
} from '../../model/runs';
import type { LeaderboardModel } from '../../model/runs';
import { ModelWidget } from '../modelWidget';
import { EmptyState, ErrorState, LoadingState } from '../states';
import { ColumnPicker } from './columnPicker';
import { FilterBox } from './filterBox';
import type { FilterCompleter } from './filterBox';
import { RunsTable } from './table';

/** How often relative start times are drawn again, in ms. */
const CLOCK_MS = 30_000;

/**
 * What the leaderboard is made with.
 */
export interface ILeaderboardViewOptions {
  model: LeaderboardModel;
  trans: TranslationBundle;
  /** Completes the filter at the caret; null: no completion. */
  complete: FilterCompleter | null;
  /** Opens a run (the session's view). */
  onOpenRun: (runId: string) => void;
  /**
   * Compares runs (`trail:compare-runs`); null while no compare view is
   * installed (the button is then disabled and says why).
   */
  onCompare: ((runIds: string[]) => void) | null;
  /** Copies a link to this filter and sort, when offered. */
  onCopyLink?: () => void;
  /** Why no Trail server is known, when none is. */
  configurationError?: string | null;
}

/**
 * The leaderboard's widget: drawn again at every change of its model,
 * which follows the server only while it shows.
 */
export class LeaderboardView extends ModelWidget<ILeaderboardViewOptions> {
  constructor(options: ILeaderboardViewOptions) {
    super(options);
    this.addClass('jp-Trail-LeaderboardView');
  }

  /** Change what the view is made with (compare installed later, say). */
  setOptions(options: Partial<Omit<ILeaderboardViewOptions, 'model'>>): void {
    Object.assign(this._options, options);
    this.update();
  }

  protected renderView(options: ILeaderboardViewOptions): JSX.Element {
    return <Leaderboard {...options} />;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.active = false;
  }
}

/**
 * The leaderboard's content.
 */
export function Leaderboard(props: ILeaderboardViewOptions): JSX.Element {
  const { model, trans } = props;
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const timer = setInterval(() => setTick(tick => tick + 1), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);
  const columns = React.useMemo(
    () => leaderboardColumns(model.columns),
    [model.columns.join('\n')]
  );
  const picked = model.selected.length;

  let compareTitle: string;
  if (!props.onCompare) {
    compareTitle = trans.__(
      'Comparing runs needs the compare view (trail:compare-runs), which is not installed'
    );
  } else if (picked < COMPARE_MIN) {
    compareTitle = trans.__(
      'Tick %1 to %2 runs to compare them',
      COMPARE_MIN,
      COMPARE_MAX
    );
  } else if (picked > COMPARE_MAX) {
    compareTitle = trans.__('Compare at most %1 runs', COMPARE_MAX);
  } else {
    compareTitle = trans.__('Compare the %1 runs ticked side by side', picked);
  }

  return (
    <div className="jp-Trail-Leaderboard">
      <div className="jp-Trail-Leaderboard-toolbar">
        <FilterBox
          value={model.filter}
          problem={model.filterError}
          complete={props.complete}
          onApply={text => model.applyFilter(text)}
          trans={trans}
        />
        <div className="jp-Trail-Leaderboard-controls">
          <span className="jp-Trail-Leaderboard-total" aria-live="polite">
            {model.total === null
              ? ''
              : model.filter
                ? trans._n('%1 run matches', '%1 runs match', model.total)
                : trans._n('%1 run', '%1 runs', model.total)}
          </span>
          <span
            className="jp-Trail-Leaderboard-sort"
            title={trans.__(
              'Click a column header to sort by it; again to reverse'
            )}
          >
            {trans.__('Sort:')} <code>{model.sort || DEFAULT_SORT}</code>
          </span>
          <label className="jp-Trail-Leaderboard-group">
            <input
              type="checkbox"
              checked={model.groupByNotebook}
              onChange={event =>
                model.setGroupByNotebook(event.currentTarget.checked)
              }
            />
            {trans.__('Group by notebook')}
          </label>
          <ColumnPicker model={model} trans={trans} />
          {props.onCopyLink && (
            <button
              type="button"
              className="jp-Trail-Button"
              title={trans.__('Copy a link that opens this filter and sort')}
              onClick={props.onCopyLink}
            >
              {trans.__('Copy link')}
            </button>
          )}
          <button
            type="button"
            className="jp-Trail-Button jp-mod-accept jp-Trail-Leaderboard-compare"
            disabled={!props.onCompare || !model.canCompare}
            title={compareTitle}
            onClick={() => props.onCompare?.([...model.selected])}
          >
            {picked > 0
              ? trans.__('Compare (%1)', picked)
              : trans.__('Compare')}
          </button>
          {picked > 0 && (
            <button
              type="button"
              className="jp-Trail-Button"
              title={trans.__('Untick every run')}
              onClick={() => model.clearSelection()}
            >
              {trans.__('Clear')}
            </button>
          )}
        </div>
      </div>
      {model.refused && (
        <p className="jp-Trail-Leaderboard-refused" role="status">
          {model.refused.part === 'sort'
            ? trans.__(
                'The sort “%1” was not understood (%2): newest first instead.',
                model.refused.value,
                model.refused.message
              )
            : trans.__(
                'The columns “%1” were not understood (%2): chosen automatically instead.',
                model.refused.value,
                model.refused.message
              )}
        </p>
      )}
      <LeaderboardBody {...props} columns={columns} />
    </div>
  );
}

function LeaderboardBody(
  props: ILeaderboardViewOptions & {
    columns: ReturnType<typeof leaderboardColumns>;
  }
): JSX.Element {
  const { model, trans } = props;
  if (!model.reader) {
    return (
      <ErrorState
        error={
          new Error(
            props.configurationError ??
              trans.__('Trail is not connected to a server')
          )
        }
        onRetry={() => void model.start()}
        trans={trans}
      />
    );
  }
  if (model.error && model.items.length === 0) {
    return (
      <ErrorState
        error={model.error}
        onRetry={() => void model.refresh()}
        trans={trans}
      />
    );
  }
  if (!model.loaded) {
    return <LoadingState trans={trans} />;
  }
  if (model.items.length === 0) {
    return (
      <EmptyState
        message={
          model.filterError
            ? trans.__('Fix the filter to see runs.')
            : model.filter
              ? trans.__('No runs match `%1`', model.filter)
              : trans.__(
                  'No runs yet: run a notebook with trail.log_metric(...)'
                )
        }
      />
    );
  }
  return (
    <>
      {model.error && (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      )}
      <RunsTable
        model={model}
        columns={props.columns}
        trans={trans}
        onOpenRun={props.onOpenRun}
      />
    </>
  );
}

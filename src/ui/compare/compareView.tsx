/**
 * Two to ten runs side by side in the main area (#16 item 3): a card per
 * run (notebook, author, start, status, a link opening it), then params,
 * metrics, plots, input data, environment, code and lineage, the first
 * readable run the base the others are compared with.
 */
import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';
import { MAX_COMPARED_RUNS, MIN_COMPARED_RUNS } from '../../model/compare';
import type { CompareModel, IComparedRun } from '../../model/compare';
import {
  baseName,
  formatAbsoluteTime,
  formatDuration,
  formatRelativeTime
} from '../format';
import { RunStatusBadge } from '../runs/cells';
import { EmptyState, ErrorState } from '../states';
import { CodeSection } from './codeSection';
import { runLabel } from './labels';
import { PlotsSection } from './plots';
import {
  EnvironmentSection,
  InputsSection,
  LineageSection,
  MetricsSection,
  ParamsSection
} from './sections';

/** How long after a theme change the plots are drawn once more (its CSS may still be loading). */
const THEME_SETTLE_MS = 400;

/**
 * The compare widget: reads its model when first attached; plots redraw
 * when `themeChanged` fires.
 */
export class CompareView extends ReactWidget {
  constructor(options: CompareView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-CompareView');
    options.themeChanged?.connect(this._onTheme, this);
  }

  /** The model shown. */
  get model(): CompareModel {
    return this._options.model;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._options.themeChanged?.disconnect(this._onTheme, this);
    window.clearTimeout(this._settle);
    this._options.model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.model.state === 'idle') {
      void this.model.refresh();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.active = false;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => (
          <CompareBody {...this._options} themeVersion={this._themeVersion} />
        )}
      </UseSignal>
    );
  }

  private _onTheme(): void {
    this._themeVersion++;
    this.update();
    window.clearTimeout(this._settle);
    this._settle = window.setTimeout(() => {
      this._themeVersion++;
      this.update();
    }, THEME_SETTLE_MS);
  }

  private _options: CompareView.IOptions;
  private _settle = 0;
  private _themeVersion = 0;
}

/** The namespace for `CompareView` statics. */
export namespace CompareView {
  export interface IOptions {
    model: CompareModel;
    trans: TranslationBundle;
    /** Highlights the code diffs. */
    languages?: IEditorLanguageRegistry | null;
    /** Fires when JupyterLab's theme changes (IThemeManager.themeChanged). */
    themeChanged?: ISignal<unknown, unknown> | null;
    /** Opens a run (a session) in the Trail panel. */
    onOpenRun?: (id: string) => void;
    /** Opens the replay viewer at an execution's step. */
    onOpenStep?: (executionId: string) => void;
  }
}

function RunCard(props: {
  run: IComparedRun;
  index: number;
  base: boolean;
  trans: TranslationBundle;
  onOpenRun?: (id: string) => void;
}): JSX.Element {
  const { run, index, trans, onOpenRun } = props;
  const summary = run.run;
  return (
    <div
      className={`jp-Trail-CompareCard jp-mod-${run.state}${props.base ? ' jp-mod-base' : ''}`}
      data-run={run.id}
    >
      <div className="jp-Trail-CompareCard-head">
        <span
          className={`jp-Trail-CompareCard-swatch jp-mod-run${index % 10}`}
        />
        <span className="jp-Trail-CompareCard-label">
          {runLabel(run, index)}
        </span>
        {props.base && (
          <span className="jp-Trail-CompareCard-base">{trans.__('base')}</span>
        )}
      </div>
      {run.state === 'not-found' ? (
        <p className="jp-Trail-CompareCard-missing">
          {trans.__(
            'Run %1 was not found: it was deleted, or it is private to someone else.',
            run.id
          )}
        </p>
      ) : run.state === 'error' ? (
        <p className="jp-Trail-CompareCard-missing">
          {trans.__(
            'Could not read run %1: %2',
            run.id,
            run.error?.message ?? ''
          )}
        </p>
      ) : !summary ? (
        <p className="jp-Trail-Hint">{trans.__('Loading…')}</p>
      ) : (
        <>
          <button
            className="jp-Trail-LinkButton jp-Trail-CompareCard-notebook"
            title={trans.__('Open %1 in the Trail panel', summary.notebookPath)}
            onClick={() => onOpenRun?.(summary.id)}
          >
            {baseName(summary.notebookPath)}
          </button>
          <div className="jp-Trail-CompareCard-meta">
            <span title={formatAbsoluteTime(summary.startedAt)}>
              {formatRelativeTime(summary.startedAt)}
            </span>
            {summary.durationMs !== null && (
              <span>{formatDuration(summary.durationMs)}</span>
            )}
            <RunStatusBadge status={summary.status} trans={trans} />
          </div>
          <div className="jp-Trail-CompareCard-meta">
            <span>{trans.__('%1 steps', summary.executionCount)}</span>
            {summary.tags.length > 0 && (
              <span className="jp-Trail-CompareCard-tags">
                {summary.tags.join(', ')}
              </span>
            )}
          </div>
          {run.error && (
            <p className="jp-Trail-Hint jp-mod-error">
              {trans.__(
                'Part of the run could not be read: %1',
                run.error.message
              )}
            </p>
          )}
        </>
      )}
    </div>
  );
}

function CompareBody(
  props: CompareView.IOptions & { themeVersion: number }
): JSX.Element {
  const { model, trans } = props;
  const [onlyDifferences, setOnlyDifferences] = React.useState(false);
  const state = model.state;
  if (state === 'too-few' || state === 'too-many') {
    return (
      <div className="jp-Trail-Compare-body">
        <h2 className="jp-Trail-Compare-title">{trans.__('Compare runs')}</h2>
        <EmptyState
          message={
            state === 'too-few'
              ? trans.__(
                  'Choose at least %1 runs to compare (%2 given): select them in the leaderboard and press Compare.',
                  MIN_COMPARED_RUNS,
                  model.ids.length
                )
              : trans.__(
                  'At most %1 runs can be compared side by side; %2 were given. Select fewer runs in the leaderboard.',
                  MAX_COMPARED_RUNS,
                  model.ids.length
                )
          }
        />
      </div>
    );
  }
  const base = model.baseIndex;
  const readable = model.runs.filter(run => run.run).length;
  const loading = state === 'loading' || state === 'idle';
  const sectionProps = { model, trans, onlyDifferences };
  return (
    <div
      className="jp-Trail-Compare-body"
      data-state={state}
      style={{ ['--jp-Trail-compare-runs' as any]: model.runs.length }}
    >
      <div className="jp-Trail-Compare-top">
        <h2 className="jp-Trail-Compare-title">
          {trans.__('%1 runs compared', model.runs.length)}
        </h2>
        <label className="jp-Trail-Compare-only">
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={event => setOnlyDifferences(event.target.checked)}
          />{' '}
          {trans.__('Only differences')}
        </label>
      </div>
      {model.error && (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      )}
      <div className="jp-Trail-Compare-cards">
        {model.runs.map((run, i) => (
          <RunCard
            key={run.id}
            run={run}
            index={i}
            base={i === base}
            trans={trans}
            onOpenRun={props.onOpenRun}
          />
        ))}
      </div>
      {!loading && readable < MIN_COMPARED_RUNS ? (
        <EmptyState
          message={trans.__(
            'Fewer than %1 of these runs can be read: there is nothing to compare.',
            MIN_COMPARED_RUNS
          )}
        />
      ) : loading && readable === 0 ? null : (
        <>
          <ParamsSection {...sectionProps} />
          <MetricsSection {...sectionProps} />
          {!loading && (
            <PlotsSection
              model={model}
              trans={trans}
              themeVersion={props.themeVersion}
            />
          )}
          <InputsSection {...sectionProps} />
          <EnvironmentSection {...sectionProps} />
          <CodeSection {...sectionProps} languages={props.languages ?? null} />
          <LineageSection
            {...sectionProps}
            onOpenRun={props.onOpenRun}
            onOpenStep={props.onOpenStep}
          />
        </>
      )}
    </div>
  );
}

/**
 * The results of "Replay in my kernel" (issue #13 item 5), beside the
 * notebook being replayed: progress while it runs, one row per step with
 * its verdict (same, differs, new error, error gone; nondeterminism that
 * was ignored said quietly), the first divergence flagged, Continue / Stop
 * while paused, a strict toggle, and the selected step's differences.
 */
import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Panel } from '@lumino/widgets';
import * as React from 'react';
import type {
  IReplayStep,
  IStepResult,
  ReplayRunMode,
  ReplayRunModel
} from '../../model/replay-run';
import { DivergenceDetail } from './divergenceDetail';

/**
 * The results panel of one replay run.
 */
export class ReplayRunWidget extends Panel {
  constructor(options: ReplayRunWidget.IOptions) {
    super();
    this._model = options.model;
    const translator = options.translator ?? nullTranslator;
    const trans = translator.load('jupyterlab-trail');
    this.addClass('jp-Trail-ReplayRun');
    this.title.label =
      this._model.mode === 'fork'
        ? trans.__('Fork: %1', options.notebookName)
        : trans.__('Replay: %1', options.notebookName);
    this.title.closable = true;
    const summary = ReactWidget.create(
      <UseSignal signal={this._model.changed}>
        {() => (
          <RunSummary
            model={this._model}
            trans={trans}
            notebookName={options.notebookName}
            selected={this._selectedResult()}
            onSelect={result => this._select(result)}
            onRerun={options.onRerun}
          />
        )}
      </UseSignal>
    );
    summary.addClass('jp-Trail-ReplayRun-summary');
    this.addWidget(summary);
    this._summary = summary;
    this._detail = new DivergenceDetail({
      rendermime: options.rendermime,
      languages: options.languages,
      translator
    });
    this._detail.hide();
    this.addWidget(this._detail);
    this._onFocus = options.onFocusStep;
    this._model.changed.connect(this._update, this);
    this._update();
  }

  /** The run shown. */
  get model(): ReplayRunModel {
    return this._model;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._update, this);
    this._model.dispose();
    super.dispose();
  }

  /** The step shown in the detail: the one picked, else the first divergence. */
  private _selectedResult(): IStepResult | null {
    return this._picked ?? this._model.firstDivergence;
  }

  private _select(result: IStepResult): void {
    this._picked = result;
    this._onFocus?.(result.step);
    this._update();
    this._summary.update();
  }

  private _update(): void {
    this._detail.showStep(this._selectedResult());
  }

  private _detail: DivergenceDetail;
  private _model: ReplayRunModel;
  private _onFocus?: (step: IReplayStep) => void;
  private _picked: IStepResult | null = null;
  private _summary: ReactWidget;
}

/** The namespace for `ReplayRunWidget` statics. */
export namespace ReplayRunWidget {
  export interface IOptions {
    model: ReplayRunModel;
    notebookName: string;
    /** The sandboxed registry for recorded outputs. */
    rendermime: IRenderMimeRegistry;
    languages?: IEditorLanguageRegistry | null;
    translator?: ITranslator;
    /** Show a step's cell in the notebook. */
    onFocusStep?: (step: IReplayStep) => void;
    /** Replay again from step 1, when offered. */
    onRerun?: () => void;
  }
}

function RunSummary(props: {
  model: ReplayRunModel;
  trans: TranslationBundle;
  notebookName: string;
  selected: IStepResult | null;
  onSelect: (result: IStepResult) => void;
  onRerun?: () => void;
}): JSX.Element {
  const { model, trans } = props;
  const total = model.results.length;
  const first = model.firstDivergence;
  return (
    <div
      className="jp-Trail-ReplayRun-body"
      data-state={model.state}
      data-mode={model.mode}
    >
      <h2 className="jp-Trail-ReplayRun-title">
        {model.mode === 'fork'
          ? trans.__('Fork up to step %1', model.upto)
          : trans.__('Replay up to step %1', model.upto)}
      </h2>
      <Status model={model} trans={trans} />
      <progress
        className="jp-Trail-ReplayRun-progress"
        max={Math.max(total, 1)}
        value={model.done}
        aria-label={
          model.mode === 'fork'
            ? trans.__('Steps run')
            : trans.__('Steps replayed')
        }
      />
      <div className="jp-Trail-ReplayRun-controls">
        {model.state === 'paused' && (
          <>
            <button
              type="button"
              className="jp-Trail-Button jp-mod-accept"
              onClick={() => model.continue()}
            >
              {trans.__('Continue')}
            </button>
            <button
              type="button"
              className="jp-Trail-Button"
              onClick={() => model.stop()}
            >
              {trans.__('Stop')}
            </button>
          </>
        )}
        {model.state === 'running' && (
          <button
            type="button"
            className="jp-Trail-Button"
            disabled={model.stopping}
            onClick={() => model.stop()}
          >
            {model.stopping ? trans.__('Stopping…') : trans.__('Stop')}
          </button>
        )}
        {props.onRerun &&
          (model.state === 'finished' ||
            model.state === 'stopped' ||
            model.state === 'failed') && (
            <button
              type="button"
              className="jp-Trail-Button"
              onClick={props.onRerun}
            >
              {model.mode === 'fork'
                ? trans.__('Run fork again')
                : trans.__('Replay again')}
            </button>
          )}
        <label
          className="jp-Trail-ReplayRun-strict"
          title={trans.__(
            'Compare every character: memory addresses, timestamps, timings and ids count as differences'
          )}
        >
          <input
            type="checkbox"
            checked={model.strict}
            onChange={event => {
              model.strict = event.currentTarget.checked;
            }}
          />
          {trans.__('Strict comparison')}
        </label>
      </div>
      <ol className="jp-Trail-ReplayRun-steps" aria-label={trans.__('Steps')}>
        {model.results.map(result => (
          <StepRow
            key={`${result.step.cellId}:${result.step.executionId}`}
            result={result}
            first={result === first}
            mode={model.mode}
            selected={result === props.selected}
            onSelect={() => props.onSelect(result)}
            trans={trans}
          />
        ))}
      </ol>
    </div>
  );
}

function Status(props: {
  model: ReplayRunModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const total = model.results.length;
  const first = model.firstDivergence;
  const same = model.results.filter(
    result => result.comparison?.verdict === 'same'
  ).length;
  if (model.mode === 'fork') {
    return (
      <p
        className="jp-Trail-ReplayRun-status"
        role="status"
        data-state={model.state}
      >
        {forkStatus(model, trans)}
      </p>
    );
  }
  let text: string;
  switch (model.state) {
    case 'ready':
      text = trans.__('Starting…');
      break;
    case 'running': {
      const current = model.current;
      text = current
        ? trans.__(
            'Running step %1 (%2 of %3)…',
            current.step.step,
            model.done + 1,
            total
          )
        : trans.__('Running…');
      break;
    }
    case 'paused':
      text = first
        ? trans.__(
            'Paused at step %1: %2. Look at the difference below, then continue or stop.',
            first.step.step,
            verdictLabel(first, trans)
          )
        : trans.__('Paused.');
      break;
    case 'stopped':
      text = trans.__(
        'Stopped after %1 of %2 steps; %3 reproduced.',
        model.done - notRun(model),
        total,
        same
      );
      break;
    case 'failed':
      text = model.message ?? trans.__('The replay could not go on.');
      break;
    case 'finished':
      text =
        total === 0
          ? trans.__('This notebook has no recorded step to replay.')
          : same === total
            ? trans._n(
                'The step reproduced.',
                'All %1 steps reproduced.',
                total
              )
            : trans.__(
                '%1 of %2 steps reproduced; the first divergence is at step %3.',
                same,
                total,
                first?.step.step ?? '?'
              );
      break;
  }
  return (
    <p
      className="jp-Trail-ReplayRun-status"
      role="status"
      data-state={model.state}
    >
      {text}
    </p>
  );
}

/** The status line of a fork: differences expected, new errors flagged. */
function forkStatus(model: ReplayRunModel, trans: TranslationBundle): string {
  const total = model.results.length;
  const first = model.firstDivergence;
  const ran = model.results.filter(result => result.state === 'compared');
  const differing = ran.filter(
    result => result.comparison?.verdict === 'differs'
  ).length;
  const errors = ran.filter(
    result => result.comparison?.verdict === 'new-error'
  ).length;
  switch (model.state) {
    case 'ready':
      return trans.__('Starting…');
    case 'running': {
      const current = model.current;
      return current
        ? trans.__(
            'Running step %1 (%2 of %3) on your data…',
            current.step.step,
            model.done + 1,
            total
          )
        : trans.__('Installing the redirects to your data…');
    }
    case 'paused':
      return first
        ? trans.__(
            'Paused at step %1: it raised an error the parent did not. Look at it below, then continue or stop.',
            first.step.step
          )
        : trans.__('Paused.');
    case 'stopped':
      return trans.__(
        'Stopped after %1 of %2 steps.',
        model.done - notRun(model),
        total
      );
    case 'failed':
      return model.message ?? trans.__('The fork could not go on.');
    case 'finished':
      if (total === 0) {
        return trans.__('This notebook has no recorded step to run.');
      }
      if (errors > 0) {
        return trans._n(
          'All %2 steps ran; %1 raised a new error (first at step %3).',
          'All %2 steps ran; %1 raised new errors (first at step %3).',
          errors,
          total,
          first?.step.step ?? '?'
        );
      }
      return differing === 0
        ? trans._n(
            'The step ran on your data, with the same output as the parent.',
            'All %1 steps ran on your data, with the same outputs as the parent.',
            total
          )
        : trans.__(
            'All %1 steps ran on your data; %2 differ from the parent, as expected with other data.',
            total,
            differing
          );
  }
}

function notRun(model: ReplayRunModel): number {
  return model.results.filter(result => result.state === 'not-run').length;
}

function StepRow(props: {
  result: IStepResult;
  first: boolean;
  mode: ReplayRunMode;
  selected: boolean;
  onSelect: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { result, trans } = props;
  const comparison = result.comparison;
  const detail =
    result.message ??
    comparison?.differences[0]?.summary ??
    (result.state === 'pending' ? '' : '');
  return (
    <li
      className="jp-Trail-ReplayRun-step"
      data-step={result.step.step}
      data-state={result.state}
      data-verdict={comparison?.verdict ?? ''}
      data-first-divergence={props.first ? 'true' : undefined}
      aria-current={props.selected ? 'true' : undefined}
    >
      <button
        type="button"
        className="jp-Trail-ReplayRun-stepButton"
        onClick={props.onSelect}
      >
        <span className="jp-Trail-ReplayRun-stepNumber">
          {trans.__('Step %1', result.step.step)}
        </span>
        <span className="jp-Trail-ReplayRun-verdict">
          {verdictLabel(result, trans, props.mode)}
        </span>
        {props.first && (
          <span className="jp-Trail-ReplayRun-firstMark">
            {props.mode === 'fork'
              ? trans.__('first new error')
              : trans.__('first divergence')}
          </span>
        )}
        {detail && (
          <span className="jp-Trail-ReplayRun-stepDetail">{detail}</span>
        )}
        {comparison && comparison.ignored.length > 0 && (
          <span
            className="jp-Trail-ReplayRun-ignored"
            title={trans.__(
              'Differences in these were not counted: %1',
              comparison.ignored.join(', ')
            )}
          >
            {trans.__('ignored: %1', comparison.ignored.join(', '))}
          </span>
        )}
      </button>
    </li>
  );
}

/**
 * What a step's outcome is called. In a fork (contract 8 of #14) a step
 * whose outputs differ "differs from parent": expected with other data,
 * not a failure.
 */
export function verdictLabel(
  result: IStepResult,
  trans: TranslationBundle,
  mode: ReplayRunMode = 'replay'
): string {
  switch (result.state) {
    case 'pending':
      return trans.__('waiting');
    case 'running':
      return trans.__('running…');
    case 'kernel-died':
      return trans.__('kernel died');
    case 'failed':
      return trans.__('could not run');
    case 'not-run':
      return trans.__('not run');
    case 'compared':
      break;
  }
  switch (result.comparison?.verdict) {
    case 'same':
      return mode === 'fork' ? trans.__('same as parent') : trans.__('same');
    case 'differs':
      return mode === 'fork'
        ? trans.__('differs from parent')
        : trans.__('differs');
    case 'new-error':
      return trans.__('new error');
    case 'error-gone':
      return trans.__('error gone');
    default:
      return '';
  }
}

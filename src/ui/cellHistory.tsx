import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';
import { cellHistoryLevel } from '../model';
import type { ITrailView } from '../tokens';
import type {
  CellHistoryModel,
  CellHistoryPlace,
  ExecutionRecord,
  ExecutionSummary,
  TrailBrowserModel
} from '../model';
import { CodeDiffWidget } from './codeDiff';
import {
  baseName,
  executionPrompt,
  formatAbsoluteTime,
  formatClockTime,
  formatRelativeTime
} from './format';
import { PagedList } from './pagedList';
import { RecordedOutputArea } from './recordedOutputs';
import { useClockTick } from './relativeTime';
import { ErrorState, LoadingState } from './states';
import { StatusBadge } from './statusBadge';

/** Outputs shown per side before the output area offers the rest. */
const MAX_OUTPUTS_SHOWN = 20;

/**
 * Every run of one cell across sessions and people, and two of them side
 * by side: the code as a diff, the outputs next to each other.
 *
 * #### Notes
 * Outputs are a teammate's: they go through the recorded-output registry
 * (HTML and Markdown sanitized, in sandboxed frames).
 */
export class CellHistoryView extends Panel {
  constructor(options: CellHistoryView.IOptions) {
    super();
    this._model = options.model;
    this._rendermime = options.rendermime;
    this._translator = options.translator;
    this.addClass('jp-Trail-View');
    this.addClass('jp-Trail-CellHistoryView');
    this.addWidget(
      ReactWidget.create(
        <UseSignal signal={options.model.changed}>
          {() => <CellHistory model={options.model} trans={options.trans} />}
        </UseSignal>
      )
    );
    this._diff = new CodeDiffWidget({ languages: options.languages });
    this.addWidget(this._diff);
    this._outputs = new Panel();
    this._outputs.addClass('jp-Trail-CompareOutputs');
    this.addWidget(this._outputs);
    this._model.changed.connect(this._update, this);
    this._update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._update, this);
    this._clearOutputs();
    super.dispose();
  }

  /**
   * Follow the compared runs: a new diff and new output areas when either
   * side changed.
   */
  private _update(): void {
    const history = this._model.cellHistory;
    const left = history?.leftRecord ?? null;
    const right = history?.rightRecord ?? null;
    if (left === this._left && right === this._right) {
      return;
    }
    this._left = left;
    this._right = right;
    if (left && right) {
      this._diff.show();
      void this._diff.showDiff(left.code, right.code, this._language());
    } else {
      this._diff.clear();
      this._diff.hide();
    }
    this._clearOutputs();
    const trans = (this._translator ?? null)?.load('jupyterlab-trail');
    const sides: [string, ExecutionRecord | null][] = [
      [trans?.__('A (older)') ?? 'A (older)', left],
      [trans?.__('B (newer)') ?? 'B (newer)', right]
    ];
    if (!left && !right) {
      this._outputs.hide();
      return;
    }
    for (const [label, record] of sides) {
      const column = new Panel();
      column.addClass('jp-Trail-CompareOutputs-side');
      const heading = new Widget({ node: document.createElement('h3') });
      heading.node.textContent = record
        ? `${label} ${executionPrompt(record.executionCount)} · ${formatClockTime(record.startedAt)}`
        : label;
      heading.node.title = record ? formatAbsoluteTime(record.startedAt) : '';
      column.addWidget(heading);
      if (record && record.outputs.length > 0) {
        column.addWidget(
          new RecordedOutputArea({
            outputs: record.outputs,
            rendermime: this._rendermime,
            translator: this._translator,
            maxNumberOutputs: MAX_OUTPUTS_SHOWN
          })
        );
      } else if (record) {
        const none = new Widget({ node: document.createElement('p') });
        none.addClass('jp-Trail-CompareOutputs-none');
        none.node.textContent = trans?.__('No output') ?? 'No output';
        column.addWidget(none);
      }
      this._outputs.addWidget(column);
    }
    this._outputs.show();
  }

  private _language(): string {
    const kernel =
      this._model.selectedSession?.kernel ??
      this._model.cellHistory?.sessionOf(this._right?.sessionId ?? '')?.kernel;
    return kernel?.language || 'python';
  }

  private _clearOutputs(): void {
    for (const widget of [...this._outputs.widgets]) {
      widget.dispose();
    }
  }

  private _diff: CodeDiffWidget;
  private _left: ExecutionRecord | null = null;
  private _model: TrailBrowserModel;
  private _outputs: Panel;
  private _rendermime: IRenderMimeRegistry;
  private _right: ExecutionRecord | null = null;
  private _translator: ITranslator | undefined;
}

/**
 * The namespace for `CellHistoryView` statics.
 */
export namespace CellHistoryView {
  export interface IOptions {
    model: TrailBrowserModel;
    /** Renders recorded outputs: the sandboxed, untrusted registry. */
    rendermime: IRenderMimeRegistry;
    /** Highlights the code in the diff. */
    languages?: IEditorLanguageRegistry | null;
    trans: TranslationBundle;
    translator?: ITranslator;
  }
}

function CellHistory(props: {
  model: TrailBrowserModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  useClockTick(model.clock, model.view === 'cellHistory');
  const history = model.cellHistory;
  if (!history) {
    return null;
  }
  const count = history.items.length;
  return (
    <>
      <div className="jp-Trail-ViewHeader">
        <h2 className="jp-Trail-ViewHeader-title">
          {trans.__('History of this cell')}
        </h2>
        <p className="jp-Trail-ViewHeader-meta" title={history.notebookPath}>
          {baseName(history.notebookPath)} ·{' '}
          <span className="jp-Trail-CellId">
            {trans.__('cell %1', history.cellId)}
          </span>
        </p>
        {history.loaded && (
          <p className="jp-Trail-ViewHeader-meta">
            {history.hasMore
              ? trans.__('The latest %1 runs, newest first', count)
              : trans._n(
                  '%1 run, across sessions and people',
                  '%1 runs, across sessions and people, newest first',
                  count
                )}
          </p>
        )}
      </div>
      {history.items.length > 1 && (
        <div className="jp-Trail-CellRuns-legend" aria-hidden>
          <span title={trans.__('A (older)')}>A</span>
          <span title={trans.__('B (newer)')}>B</span>
          <span>{trans.__('Compare two runs: pick one as A, one as B')}</span>
        </div>
      )}
      <div className="jp-Trail-Scroller jp-Trail-CellRuns">
        <PagedList
          source={history}
          ordered
          className="jp-Trail-CellRunList"
          label={trans.__('Runs of this cell')}
          emptyMessage={trans.__('No recorded run of this cell.')}
          estimateSize={48}
          renderItem={run => (
            <CellRun
              run={run}
              history={history}
              onOpen={() => void model.openExecution(run.id)}
              trans={trans}
            />
          )}
          trans={trans}
        />
      </div>
      <CompareHeader history={history} trans={trans} />
    </>
  );
}

function CellRun(props: {
  run: ExecutionSummary;
  history: CellHistoryModel;
  onOpen: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { run, history, trans } = props;
  const session = history.sessionOf(run.sessionId);
  const author = session?.author;
  const change = history.codeChange(run.id);
  const side = (which: 'left' | 'right') => (
    <input
      type="radio"
      name={`jp-Trail-compare-${which}`}
      className={`jp-Trail-CompareRadio jp-mod-${which}`}
      aria-label={
        which === 'left'
          ? trans.__('Compare as A (older)')
          : trans.__('Compare as B (newer)')
      }
      title={which === 'left' ? trans.__('A (older)') : trans.__('B (newer)')}
      checked={history[which] === run.id}
      onChange={() =>
        void (which === 'left'
          ? history.compare(run.id, history.right)
          : history.compare(history.left, run.id))
      }
    />
  );
  return (
    <div
      className="jp-Trail-Row jp-Trail-CellRun"
      data-execution-id={run.id}
      data-compare={
        history.left === run.id
          ? 'left'
          : history.right === run.id
            ? 'right'
            : ''
      }
    >
      {side('left')}
      {side('right')}
      <button
        type="button"
        className="jp-Trail-Item jp-Trail-CellRun-open"
        title={trans.__('Open this run')}
        onClick={props.onOpen}
      >
        <span className="jp-Trail-Item-meta">
          <span className="jp-Trail-Prompt">
            {executionPrompt(run.executionCount)}
          </span>
          <StatusBadge status={run.status} error={run.error} trans={trans} />
          {author && (
            <span className="jp-Trail-Author" title={author.name}>
              {author.displayName || author.name}
            </span>
          )}
          <time
            className="jp-Trail-Time"
            dateTime={run.startedAt}
            title={formatAbsoluteTime(run.startedAt)}
          >
            {formatRelativeTime(run.startedAt)}
          </time>
          {change && (
            <span className={`jp-Trail-CodeChange jp-mod-${change}`}>
              {change === 'changed'
                ? trans.__('code changed')
                : change === 'same'
                  ? trans.__('same code')
                  : trans.__('first run')}
            </span>
          )}
        </span>
      </button>
    </div>
  );
}

function CompareHeader(props: {
  history: CellHistoryModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { history, trans } = props;
  if (history.compareError) {
    return (
      <ErrorState
        error={history.compareError}
        onRetry={() => void history.compare(history.left, history.right)}
        trans={trans}
        inline
      />
    );
  }
  if (history.comparing) {
    return <LoadingState trans={trans} />;
  }
  if (!history.loaded || history.items.length === 0) {
    return null;
  }
  const left = history.leftRecord;
  const right = history.rightRecord;
  if (!left || !right) {
    return (
      <p className="jp-Trail-CompareNote">
        {history.items.length === 1
          ? trans.__('This cell ran once: nothing to compare yet.')
          : trans.__('Pick a run as A and one as B to compare them.')}
      </p>
    );
  }
  const same = left.code === right.code;
  return (
    <div className="jp-Trail-SectionHeader jp-Trail-CompareHeader">
      <h3>
        {same
          ? trans.__('Code: the same in A and B')
          : trans.__('Code: A (left) → B (right)')}
      </h3>
    </div>
  );
}

/**
 * Every run of one cell, across sessions and people.
 */
export const cellHistoryView: ITrailView<CellHistoryPlace, CellHistoryModel> = {
  level: cellHistoryLevel,
  label: (level, { trans }) => ({
    label: trans.__('Cell history'),
    title: trans.__('cell %1', level.place.cellId)
  }),
  createPanelView: options =>
    new CellHistoryView({
      model: options.model,
      rendermime: options.rendermime,
      languages: options.languages,
      trans: options.trans,
      translator: options.translator
    })
};

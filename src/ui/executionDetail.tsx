import { Clipboard } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  historyIcon,
  linkIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import { Panel } from '@lumino/widgets';
import * as React from 'react';
import { executionLevel } from '../model';
import type { ExecutionPlace } from '../model';
import type { IExportTarget, ITrailView } from '../tokens';
import type { ExecutionRecord } from '../records/schema';
import type { ExecutionDetailModel, Person, TrailBrowserModel } from '../model';
import { CaptureSections } from './capture';
import {
  baseName,
  executionPrompt,
  formatAbsoluteTime,
  formatDuration
} from './format';
import { RecordedOutputArea } from './recordedOutputs';
import { ErrorState, LoadingState, NotConfiguredState } from './states';
import { StatusBadge } from './statusBadge';

/**
 * What the recorder redacted from an execution before it left the author's
 * browser: "2 values redacted: api-key, password"; null when nothing was.
 */
export function redactionSummary(
  counts: ExecutionRecord['redactions'],
  trans: TranslationBundle
): string | null {
  const kinds = Object.keys(counts ?? {}).sort();
  const total = kinds.reduce((sum, kind) => sum + (counts?.[kind] ?? 0), 0);
  if (total === 0) {
    return null;
  }
  return trans._n(
    '%1 value redacted: %2',
    '%1 values redacted: %2',
    total,
    kinds.join(', ')
  );
}

/**
 * Outputs shown before the output area offers to show the rest (a record
 * may hold thousands), as the notebook does by default.
 */
const MAX_OUTPUTS_SHOWN = 50;

/**
 * The third level of the panel: one execution's code, metadata and
 * outputs.
 *
 * #### Notes
 * Outputs were produced by code the user may not have written (a shared
 * server, someone else's notebook), so they are rendered as untrusted:
 * HTML is sanitized, SVG and JavaScript outputs are not rendered, and no
 * script runs. They go through JupyterLab's own output area and renderers.
 */
export class ExecutionDetailView extends Panel {
  /**
   * Create the view over the panel model.
   */
  constructor(options: ExecutionDetailView.IOptions) {
    super();
    this._model = options.model;
    this._rendermime = options.rendermime;
    this._translator = options.translator;
    this.addClass('jp-Trail-View');
    this.addClass('jp-Trail-ExecutionDetail');
    this.addWidget(
      ReactWidget.create(
        <UseSignal signal={options.model.changed}>
          {() => (
            <ExecutionDetail
              model={options.model}
              trans={options.trans}
              onCopyLink={options.onCopyLink}
              onOpenReplay={options.onOpenReplay}
              onFork={options.onFork}
              onExport={options.onExport}
            />
          )}
        </UseSignal>
      )
    );
    this._outputs = new Panel();
    this._outputs.addClass('jp-Trail-Outputs');
    this.addWidget(this._outputs);
    this._model.changed.connect(this._update, this);
    this._update();
  }

  /**
   * Dispose the view and the output area it made.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._update, this);
    this._clearOutputs();
    super.dispose();
  }

  /**
   * Follow the selected execution: rebuild the output area when another
   * record (or none) is to be shown.
   */
  private _update(): void {
    const detail = this._model.detail;
    const record = detail?.record ?? null;
    if (detail) {
      this.node.dataset.executionId = detail.executionId;
    } else {
      delete this.node.dataset.executionId;
    }
    // A record loaded again for late file hashes keeps its outputs: the
    // output area stays as it is.
    if (
      record === this._shown ||
      (record !== null &&
        this._shown !== null &&
        record.id === this._shown.id &&
        record.outputs === this._shown.outputs)
    ) {
      this._shown = record;
      return;
    }
    this._clearOutputs();
    this._shown = record;
    if (!record || record.outputs.length === 0) {
      this._outputs.hide();
      return;
    }
    this._outputs.addWidget(
      new RecordedOutputArea({
        outputs: record.outputs,
        rendermime: this._rendermime,
        translator: this._translator,
        maxNumberOutputs: MAX_OUTPUTS_SHOWN
      })
    );
    this._outputs.show();
  }

  private _clearOutputs(): void {
    for (const widget of [...this._outputs.widgets]) {
      widget.dispose();
    }
    this._shown = null;
  }

  private _model: TrailBrowserModel;
  private _outputs: Panel;
  private _rendermime: IRenderMimeRegistry;
  private _shown: ExecutionRecord | null = null;
  private _translator: ITranslator | undefined;
}

/**
 * The namespace for `ExecutionDetailView` statics.
 */
export namespace ExecutionDetailView {
  /**
   * Options to create the view.
   */
  export interface IOptions {
    model: TrailBrowserModel;
    /** Renders outputs; used with untrusted output models only. */
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
    translator?: ITranslator;
    /** Copies a link that opens this execution; no button without it. */
    onCopyLink?: (executionId: string) => void;
    /** Opens the replay viewer at this execution's step; a button when given. */
    onOpenReplay?: (target: { executionId?: string }) => void;
    /** Forks the session up to this execution's step; a button when given. */
    onFork?: (target: { executionId?: string }) => void;
    /**
     * Exports up to this execution's step as a pipeline (or what produced
     * one of its files or metrics); buttons when given.
     */
    onExport?: (target: IExportTarget) => void;
  }
}

function ExecutionDetail(props: {
  model: TrailBrowserModel;
  trans: TranslationBundle;
  onCopyLink?: (executionId: string) => void;
  onOpenReplay?: (target: { executionId?: string }) => void;
  onFork?: (target: { executionId?: string }) => void;
  onExport?: (target: IExportTarget) => void;
}): JSX.Element | null {
  const { model, trans } = props;
  const detail = model.detail;
  if (!model.configured) {
    return (
      <NotConfiguredState reason={model.configurationError} trans={trans} />
    );
  }
  if (!detail) {
    return null;
  }
  const record = detail.record;
  const session = {
    sessionId: model.selectedSessionId,
    summary: model.selectedSession
  };
  if (!record) {
    return detail.error ? (
      <ErrorState
        error={detail.error}
        onRetry={() => void detail.refresh()}
        trans={trans}
      />
    ) : (
      <LoadingState trans={trans} />
    );
  }
  return (
    <RecordDetail
      record={record}
      detail={detail}
      author={
        session?.sessionId === record.sessionId &&
        session.summary?.author &&
        !model.isMine(session.summary)
          ? session.summary.author
          : null
      }
      trans={trans}
      onOpen={id => void model.openExecution(id)}
      onHistory={
        record.cellId !== null ? () => void model.openCellHistory() : undefined
      }
      onCopyLink={
        props.onCopyLink ? () => props.onCopyLink!(record.id) : undefined
      }
      onOpenReplay={
        props.onOpenReplay
          ? () => props.onOpenReplay!({ executionId: record.id })
          : undefined
      }
      onFork={
        props.onFork
          ? () => props.onFork!({ executionId: record.id })
          : undefined
      }
      onExport={
        props.onExport
          ? (target: { file?: string; metric?: string } = {}) =>
              props.onExport!({ executionId: record.id, ...target })
          : undefined
      }
    />
  );
}

function RecordDetail(props: {
  record: ExecutionRecord;
  detail: ExecutionDetailModel;
  trans: TranslationBundle;
  onOpen: (executionId: string) => void;
  onHistory?: () => void;
  onCopyLink?: () => void;
  onOpenReplay?: () => void;
  onFork?: () => void;
  /** Export up to here, or what produced a file or metric of it. */
  onExport?: (target?: { file?: string; metric?: string }) => void;
  /** Who recorded it, when someone else did. */
  author: Person | null;
}): JSX.Element {
  const { record, detail, trans, onOpen } = props;
  const timing =
    record.timing === 'kernel'
      ? trans.__('reported by the kernel')
      : trans.__('observed by the client');
  const fields: [string, React.ReactNode][] = [
    ...(props.author
      ? ([
          [
            trans.__('Recorded by'),
            <span className="jp-Trail-Author" title={props.author.name}>
              {props.author.displayName || props.author.name}
            </span>
          ]
        ] as [string, React.ReactNode][])
      : []),
    [
      trans.__('Status'),
      <StatusBadge status={record.status} error={record.error} trans={trans} />
    ],
    [trans.__('Execution count'), record.executionCount ?? trans.__('none')],
    [trans.__('Run in session'), `#${record.seq}`],
    [trans.__('Started'), formatAbsoluteTime(record.startedAt)],
    [trans.__('Ended'), formatAbsoluteTime(record.endedAt)],
    [trans.__('Duration'), `${formatDuration(record.durationMs)} (${timing})`],
    [
      trans.__('Cell id'),
      record.cellId ?? trans.__('not from a notebook cell')
    ],
    [trans.__('Notebook'), record.notebookPath]
  ];
  const redactions = redactionSummary(record.redactions, trans);
  if (redactions !== null) {
    fields.push([
      trans.__('Redacted'),
      <span className="jp-Trail-Redactions">{redactions}</span>
    ]);
  }
  return (
    <>
      <div className="jp-Trail-ViewHeader">
        <h2 className="jp-Trail-ViewHeader-title" title={record.notebookPath}>
          <span className="jp-Trail-Prompt">
            {executionPrompt(record.executionCount)}
          </span>{' '}
          {baseName(record.notebookPath)}
        </h2>
        {(props.onHistory ||
          props.onCopyLink ||
          props.onOpenReplay ||
          props.onFork ||
          props.onExport) && (
          <div className="jp-Trail-Actions">
            {props.onHistory && (
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-HistoryButton"
                title={trans.__(
                  'Every run of this cell across sessions and people, with diffs'
                )}
                onClick={props.onHistory}
              >
                <historyIcon.react tag="span" className="jp-Trail-ButtonIcon" />
                {trans.__('History of this cell')}
              </button>
            )}
            {props.onOpenReplay && (
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-OpenAtStepButton"
                title={trans.__(
                  'Open the replay viewer at this step: the notebook as it stood when this ran'
                )}
                onClick={props.onOpenReplay}
              >
                {trans.__('Open at this step')}
              </button>
            )}
            {props.onFork && (
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-ForkButton"
                title={trans.__(
                  'Run the steps up to this one on your own files (Trail fork)'
                )}
                onClick={props.onFork}
              >
                {trans.__('Fork up to here…')}
              </button>
            )}
            {props.onExport && (
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-ExportButton"
                title={trans.__(
                  'Write the code that produced this step’s results as a pipeline (Trail export)'
                )}
                onClick={() => props.onExport!()}
              >
                {trans.__('Export up to here…')}
              </button>
            )}
            {props.onCopyLink && (
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-CopyLinkButton"
                title={trans.__('Copy a link that opens this execution')}
                onClick={props.onCopyLink}
              >
                <linkIcon.react tag="span" className="jp-Trail-ButtonIcon" />
                {trans.__('Copy link')}
              </button>
            )}
          </div>
        )}
      </div>
      {record.error && (
        <p className="jp-Trail-ErrorSummary">
          {`${record.error.ename}: ${record.error.evalue}`}
        </p>
      )}
      <dl className="jp-Trail-Metadata">
        {fields.map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
      </dl>
      <CaptureSections
        capture={record.capture}
        detail={detail}
        trans={trans}
        onOpen={onOpen}
        onExplain={props.onExport}
      />
      <div className="jp-Trail-SectionHeader">
        <h3>{trans.__('Code')}</h3>
        <button
          type="button"
          className="jp-Trail-Button"
          onClick={() => Clipboard.copyToSystem(record.code)}
        >
          {trans.__('Copy')}
        </button>
      </div>
      <pre className="jp-Trail-Code">
        <code>{record.code}</code>
      </pre>
      <div className="jp-Trail-SectionHeader">
        <h3>{trans._n('%1 output', '%1 outputs', record.outputs.length)}</h3>
      </div>
    </>
  );
}

/**
 * One execution: its code, outputs and capture. Its crumb is its prompt.
 */
export const executionView: ITrailView<ExecutionPlace, ExecutionDetailModel> = {
  level: executionLevel,
  label: level => {
    const record = level.model.record;
    return { label: record ? executionPrompt(record.executionCount) : '…' };
  },
  createPanelView: options =>
    new ExecutionDetailView({
      model: options.model,
      rendermime: options.rendermime,
      trans: options.trans,
      translator: options.translator,
      onCopyLink: options.onCopyLink,
      onOpenReplay: options.onOpenReplay,
      onFork: options.onFork,
      onExport: options.onExport
    })
};

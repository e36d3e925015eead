/**
 * The export report in the main area (#15, contract E): progress while
 * the server cuts the run and the files are written, then what the
 * pipeline holds and why (kept steps, dropped ones grouped by reason,
 * untranslated magics, imports not pinned), the files written (each opens
 * in JupyterLab) and how to run it. A refused export shows the server's
 * message as it is.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { ExportModel } from '../../model/export/exportModel';
import { describeTarget } from '../../model/export/report';
import type { VerifyModel } from '../../model/export/verifyModel';
import { baseName } from '../format';
import { VerifySection } from './verifySection';
import {
  AttentionSection,
  DroppedSection,
  ExpectedSection,
  FilesSection,
  HowToRunSection,
  IReportActions,
  KeptSection
} from './reportSections';

/**
 * The export report over its model.
 */
export class ExportWidget extends ReactWidget {
  constructor(options: ExportWidget.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-Export');
    const { trans, model } = options;
    // Named by its folder: two exports of one notebook are two tabs.
    this.title.label = trans.__('Pipeline: %1', baseName(model.folder));
    this.title.caption = trans.__(
      '%1 exported into %2',
      model.notebookPath,
      model.folder
    );
    this.title.closable = true;
  }

  /** The export shown. */
  get model(): ExportModel {
    return this._options.model;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => <ExportView {...this._options} />}
      </UseSignal>
    );
  }

  private _options: ExportWidget.IOptions;
}

export namespace ExportWidget {
  export interface IOptions extends IReportActions {
    model: ExportModel;
    trans: TranslationBundle;
    /** Try again (after a refusal or a write error). */
    onRetry?: () => void;
    /** Show the folder in the file browser. */
    onShowFolder?: (folder: string) => void;
    /** Verifies the written folder (the Verify section; absent: none). */
    verify?: VerifyModel;
  }
}

function ExportView(props: ExportWidget.IOptions): JSX.Element {
  const { model, trans } = props;
  const result = model.result;
  const what = describeTarget(model.target, model.upto);
  return (
    <div
      className="jp-Trail-Export-body"
      data-phase={model.phase}
      aria-busy={model.phase === 'exporting' || model.phase === 'writing'}
    >
      <h2 className="jp-Trail-Export-title">
        {trans.__('Export as pipeline')}
      </h2>
      <p className="jp-Trail-Export-facts">
        <span title={model.notebookPath}>{baseName(model.notebookPath)}</span>
        {' · '}
        {what}
        {' → '}
        <code>{model.folder}</code>
      </p>
      <Status {...props} />
      {result && (
        <>
          {model.phase === 'done' && (
            <FilesSection
              written={model.written}
              trans={trans}
              onOpenFile={props.onOpenFile}
            />
          )}
          <AttentionSection result={result} trans={trans} />
          <KeptSection
            result={result}
            trans={trans}
            onOpenExecution={props.onOpenExecution}
          />
          <DroppedSection
            result={result}
            trans={trans}
            onOpenExecution={props.onOpenExecution}
          />
          <ExpectedSection result={result} trans={trans} />
          {model.phase === 'done' &&
            props.verify &&
            props.verify.folder === model.folder && (
              <VerifySection
                verify={props.verify}
                metrics={(result.expected?.metrics ?? result.metrics).map(
                  m => m.name
                )}
                trans={trans}
              />
            )}
          {model.phase === 'done' && (
            <HowToRunSection
              result={result}
              folder={model.folder}
              trans={trans}
            />
          )}
        </>
      )}
    </div>
  );
}

function Status(props: ExportWidget.IOptions): JSX.Element {
  const { model, trans } = props;
  const { done, total } = model.progress;
  switch (model.phase) {
    case 'exporting':
      return (
        <div className="jp-Trail-Export-status" role="status">
          <progress className="jp-Trail-Export-progress" />
          <span>
            {trans.__(
              'Finding the code that produced the result and writing the pipeline…'
            )}
          </span>
        </div>
      );
    case 'writing':
      return (
        <div className="jp-Trail-Export-status" role="status">
          <progress
            className="jp-Trail-Export-progress"
            max={Math.max(total, 1)}
            value={done}
          />
          <span>{trans.__('Writing file %1 of %2…', done, total)}</span>
        </div>
      );
    case 'error': {
      const failure = model.failure;
      return (
        <div
          className="jp-Trail-Export-error"
          role="alert"
          data-code={failure?.code ?? ''}
          data-stage={failure?.stage ?? ''}
        >
          <p className="jp-Trail-Export-message">{failure?.message}</p>
          {props.onRetry && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-Export-retry"
              onClick={props.onRetry}
            >
              {trans.__('Try again')}
            </button>
          )}
        </div>
      );
    }
    default: {
      const script = model.written.find(path => path.endsWith('/pipeline.py'));
      return (
        <div className="jp-Trail-Export-status jp-mod-done" role="status">
          <span className="jp-Trail-Export-message">
            {trans._n(
              'Pipeline written: %1 file in %2.',
              'Pipeline written: %1 files in %2.',
              model.written.length,
              model.folder
            )}
          </span>
          {script && props.onOpenFile && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-Export-openScript"
              onClick={() => props.onOpenFile!(script)}
            >
              {trans.__('Open pipeline.py')}
            </button>
          )}
          {props.onShowFolder && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-Export-showFolder"
              onClick={() => props.onShowFolder!(model.folder)}
            >
              {trans.__('Show in file browser')}
            </button>
          )}
        </div>
      );
    }
  }
}

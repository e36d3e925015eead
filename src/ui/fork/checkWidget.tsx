/**
 * The check of a fork notebook before it runs (issue #14 item 3), beside
 * the notebook: the data-contract report of the substituted inputs first,
 * then the environment (Python, packages) and the inputs kept as recorded.
 * "Run fork" is disabled while the contract has an error, unless the user
 * ticks "Run anyway".
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { ModelWidget } from '../modelWidget';
import type { ForkCheckModel } from '../../model/fork/check';
import {
  Files,
  Packages,
  PreflightFailure,
  PreflightProgress,
  PythonRow
} from '../replay-run/preflightView';
import { ContractReportView } from './contractView';

/**
 * The fork check widget: runs its model when shown first (by its plugin).
 */
export class ForkCheckWidget extends ModelWidget<ForkCheckWidget.IOptions> {
  constructor(options: ForkCheckWidget.IOptions) {
    super(options);
    this.addClass('jp-Trail-Preflight');
    this.addClass('jp-Trail-ForkCheck');
    this.title.label = options.trans.__('Fork check: %1', options.notebookName);
    this.title.closable = true;
  }

  protected renderView(options: ForkCheckWidget.IOptions): JSX.Element {
    return <ForkCheckView {...options} />;
  }
}

/** The namespace for `ForkCheckWidget` statics. */
export namespace ForkCheckWidget {
  export interface IOptions {
    model: ForkCheckModel;
    trans: TranslationBundle;
    /** The fork notebook's name, for the title. */
    notebookName: string;
    /** Who recorded the parent session, when known. */
    author?: string;
    /** Start the notebook's kernel, then check again. */
    onStartKernel: () => void;
    /** Run the fork (offered once the contract is clean or forced). */
    onRun?: () => void;
  }
}

function ForkCheckView(props: ForkCheckWidget.IOptions): JSX.Element {
  const { model, trans } = props;
  const source = (
    <p className="jp-Trail-Preflight-source">
      {props.author
        ? trans.__(
            'Steps 1–%1 of %2’s session %3 on your data, in this notebook’s kernel.',
            model.step,
            props.author,
            model.sessionId
          )
        : trans.__(
            'Steps 1–%1 of session %2 on your data, in this notebook’s kernel.',
            model.step,
            model.sessionId
          )}
    </p>
  );
  if (model.running || model.phase === 'idle') {
    const what =
      model.phase === 'probe'
        ? trans.__('Reading your files in the kernel…')
        : model.phase === 'compare'
          ? trans.__('Comparing with the recording…')
          : trans.__('Reading what the recorded steps used…');
    return (
      <PreflightProgress
        title={trans.__('Fork check')}
        source={source}
        what={what}
      />
    );
  }
  const contract = model.contract;
  if (model.error || !contract) {
    const error = model.error;
    return (
      <PreflightFailure
        title={trans.__('Fork check')}
        source={source}
        error={error}
        fallback={trans.__('The check did not run.')}
        trans={trans}
        onStartKernel={props.onStartKernel}
        onRetry={() => void model.run()}
      />
    );
  }
  const report = model.report;
  const title = !contract.ok
    ? trans._n(
        'Your data breaks the contract: %1 error',
        'Your data breaks the contract: %1 errors',
        contract.errors
      )
    : contract.warnings > 0
      ? trans._n(
          'Ready to fork, with %1 warning',
          'Ready to fork, with %1 warnings',
          contract.warnings
        )
      : trans.__('Ready to fork');
  return (
    <div className="jp-Trail-Preflight-body">
      <h2
        className="jp-Trail-Preflight-title jp-Trail-ForkCheck-title"
        data-ready={contract.ok ? 'true' : 'false'}
        data-errors={contract.errors}
      >
        {title}
      </h2>
      {source}
      <section className="jp-Trail-Preflight-section jp-Trail-ForkCheck-contract">
        <h3>{trans.__('Data contract')}</h3>
        <p className="jp-Trail-Preflight-note">
          {trans.__(
            'Each of your files against the one the recording read: missing columns break the code (error), other types may change results (warning), the rest is for information (note).'
          )}
        </p>
        <ContractReportView report={contract} trans={trans} />
      </section>
      {report && (
        <>
          <PythonRow report={report} trans={trans} />
          <Packages
            report={report}
            recorded={!!model.inputs?.environment}
            trans={trans}
          />
          {report.files.length > 0 && (
            <Files files={report.files} trans={trans} />
          )}
        </>
      )}
      <div className="jp-Trail-Preflight-actions jp-Trail-ForkCheck-actions">
        <button
          type="button"
          className="jp-Trail-Button"
          onClick={() => void model.run()}
        >
          {trans.__('Check again')}
        </button>
        {!contract.ok && (
          <label
            className="jp-Trail-ForkCheck-force"
            title={trans.__(
              'Run the fork although the contract check found errors: the steps may fail'
            )}
          >
            <input
              type="checkbox"
              checked={model.forced}
              onChange={event => {
                model.forced = event.currentTarget.checked;
              }}
            />
            {trans.__('Run anyway')}
          </label>
        )}
        {props.onRun && (
          <button
            type="button"
            className="jp-Trail-Button jp-mod-accept jp-Trail-RunForkButton"
            disabled={!model.canRun}
            title={
              model.canRun
                ? trans.__(
                    'Redirect the inputs to your files and run the steps'
                  )
                : trans.__(
                    'Fix the errors above (or tick “Run anyway”) to run the fork'
                  )
            }
            onClick={props.onRun}
          >
            {trans.__('Run fork')}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * The preflight report of a replay (issue #13 item 4), in the main area
 * beside its notebook: the Python version, the packages missing, older and
 * newer with one `pip install` line to match, and every input file (same,
 * changed, missing; a table's column differences). A header says "Ready to
 * replay" or how many things differ.
 */
import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import { ModelWidget } from '../modelWidget';
import type {
  IPreflightError,
  PreflightFile,
  PreflightModel,
  PreflightPackage,
  PreflightReport
} from '../../model/replay-run';

/**
 * The preflight widget: runs its model when shown first.
 */
export class PreflightWidget extends ModelWidget<PreflightWidget.IOptions> {
  constructor(options: PreflightWidget.IOptions) {
    super(options);
    this.addClass('jp-Trail-Preflight');
    this.title.label = options.trans.__('Preflight: %1', options.notebookName);
    this.title.closable = true;
  }

  protected renderView(options: PreflightWidget.IOptions): JSX.Element {
    return <PreflightReportView {...options} />;
  }
}

/** The namespace for `PreflightWidget` statics. */
export namespace PreflightWidget {
  export interface IOptions {
    model: PreflightModel;
    trans: TranslationBundle;
    /** The replay notebook's name, for the title. */
    notebookName: string;
    /** Who recorded the source session, when known. */
    author?: string;
    /** Start the notebook's kernel, then run the preflight again. */
    onStartKernel: () => void;
    /** Start "Replay in my kernel" (offered once the report is read). */
    onReplay?: () => void;
  }
}

function PreflightReportView(props: PreflightWidget.IOptions): JSX.Element {
  const { model, trans } = props;
  const report = model.report;
  const source = (
    <p className="jp-Trail-Preflight-source">
      {props.author
        ? trans.__(
            'Steps 1–%1 of %2’s session %3, against this notebook’s kernel.',
            model.step,
            props.author,
            model.sessionId
          )
        : trans.__(
            'Steps 1–%1 of session %2, against this notebook’s kernel.',
            model.step,
            model.sessionId
          )}
    </p>
  );
  if (model.running || model.phase === 'idle') {
    const what =
      model.phase === 'probe'
        ? trans.__('Asking the kernel for its packages and files…')
        : model.phase === 'compare'
          ? trans.__('Comparing with the recording…')
          : trans.__('Reading what the recorded steps used…');
    return (
      <PreflightProgress
        title={trans.__('Preflight')}
        source={source}
        what={what}
      />
    );
  }
  if (model.error || !report) {
    const error = model.error;
    return (
      <PreflightFailure
        title={trans.__('Preflight')}
        source={source}
        error={error}
        fallback={trans.__('The preflight did not run.')}
        trans={trans}
        onStartKernel={props.onStartKernel}
        onRetry={() => void model.run()}
      >
        {error?.kind === 'unreachable' && (
          <p>
            {trans.__(
              'Check that the Trail server is running and that its address and token are right (Settings → Trail).'
            )}
          </p>
        )}
      </PreflightFailure>
    );
  }
  const differences = model.differences;
  return (
    <div className="jp-Trail-Preflight-body">
      <h2
        className="jp-Trail-Preflight-title"
        data-ready={report.ready ? 'true' : 'false'}
      >
        {report.ready
          ? trans.__('Ready to replay')
          : trans._n('%1 difference', '%1 differences', differences)}
      </h2>
      {source}
      <PythonRow report={report} trans={trans} />
      <Packages
        report={report}
        recorded={!!model.inputs?.environment}
        trans={trans}
      />
      <Files files={report.files} trans={trans} />
      <div className="jp-Trail-Preflight-actions">
        <button
          type="button"
          className="jp-Trail-Button"
          onClick={() => void model.run()}
        >
          {trans.__('Check again')}
        </button>
        {props.onReplay && (
          <button
            type="button"
            className="jp-Trail-Button jp-mod-accept"
            onClick={props.onReplay}
          >
            {trans.__('Replay in my kernel')}
          </button>
        )}
      </div>
    </div>
  );
}

/** A preflight (or fork check) under way: what it is doing. */
export function PreflightProgress(props: {
  title: string;
  /** Which recorded steps, against what. */
  source: JSX.Element;
  what: string;
}): JSX.Element {
  return (
    <div className="jp-Trail-Preflight-body">
      <h2 className="jp-Trail-Preflight-title">{props.title}</h2>
      {props.source}
      <p className="jp-Trail-Preflight-progress" role="status">
        {props.what}
      </p>
    </div>
  );
}

/**
 * A preflight (or fork check) that failed: the message, `children` below
 * it, "Start the kernel" when there is none, and "Try again".
 */
export function PreflightFailure(props: {
  title: string;
  /** Which recorded steps, against what. */
  source: JSX.Element;
  error: IPreflightError | null;
  /** The message without an error. */
  fallback: string;
  trans: TranslationBundle;
  onStartKernel: () => void;
  onRetry: () => void;
  children?: React.ReactNode;
}): JSX.Element {
  const { error, trans } = props;
  return (
    <div className="jp-Trail-Preflight-body">
      <h2 className="jp-Trail-Preflight-title">{props.title}</h2>
      {props.source}
      <div className="jp-Trail-Preflight-error" role="alert">
        <p>{error?.message ?? props.fallback}</p>
        {props.children}
        <div className="jp-Trail-Preflight-actions">
          {error?.kind === 'no-kernel' && (
            <button
              type="button"
              className="jp-Trail-Button jp-mod-accept"
              onClick={props.onStartKernel}
            >
              {trans.__('Start the kernel')}
            </button>
          )}
          <button
            type="button"
            className="jp-Trail-Button"
            onClick={props.onRetry}
          >
            {trans.__('Try again')}
          </button>
        </div>
      </div>
    </div>
  );
}

export function PythonRow(props: {
  report: PreflightReport;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const { python } = report;
  // Without both versions there is nothing to call the same.
  const state =
    !python.recorded || !python.target
      ? 'unknown'
      : python.same
        ? 'same'
        : 'changed';
  return (
    <section className="jp-Trail-Preflight-section jp-Trail-Preflight-python">
      <h3>{trans.__('Python')}</h3>
      <table className="jp-Trail-Preflight-table">
        <thead>
          <tr>
            <th>{trans.__('Recorded')}</th>
            <th>{trans.__('Yours')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <tr data-state={state}>
            <td>{python.recorded ?? trans.__('not recorded')}</td>
            <td>{python.target ?? trans.__('unknown')}</td>
            <td>
              <StateBadge state={state} trans={trans} />
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

export function Packages(props: {
  report: PreflightReport;
  /** Whether the recording has an environment to compare with. */
  recorded: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const { packages } = report;
  if (!props.recorded) {
    return (
      <section className="jp-Trail-Preflight-section jp-Trail-Preflight-packages">
        <h3>{trans.__('Packages')}</h3>
        <p className="jp-Trail-Preflight-note">
          {trans.__(
            'No environment was recorded for these steps (kernel capture was off, or not a Python kernel): packages cannot be compared.'
          )}
        </p>
      </section>
    );
  }
  const none =
    packages.missing.length + packages.older.length + packages.newer.length ===
    0;
  return (
    <section className="jp-Trail-Preflight-section jp-Trail-Preflight-packages">
      <h3>{trans.__('Packages')}</h3>
      <p className="jp-Trail-Preflight-note">
        {trans._n(
          '%1 package has the recorded version.',
          '%1 packages have the recorded version.',
          packages.same
        )}
        {none ? ' ' + trans.__('Nothing is missing or different.') : ''}
      </p>
      <PackageTable
        title={trans.__('Missing')}
        kind="missing"
        items={packages.missing}
        trans={trans}
      />
      <PackageTable
        title={trans.__('Older than recorded')}
        kind="older"
        items={packages.older}
        trans={trans}
      />
      <PackageTable
        title={trans.__('Newer than recorded')}
        kind="newer"
        items={packages.newer}
        trans={trans}
      />
      {report.pipInstall && (
        <div className="jp-Trail-Preflight-pip">
          <p className="jp-Trail-Preflight-note">
            {trans.__('To match the recording, run in this kernel:')}
          </p>
          <div className="jp-Trail-Preflight-pipLine">
            <code>{report.pipInstall}</code>
            <button
              type="button"
              className="jp-Trail-IconButton"
              title={trans.__('Copy the pip install line')}
              aria-label={trans.__('Copy the pip install line')}
              onClick={() => Clipboard.copyToSystem(report.pipInstall ?? '')}
            >
              <copyIcon.react tag="span" elementSize="small" />
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function PackageTable(props: {
  title: string;
  kind: 'missing' | 'older' | 'newer';
  items: PreflightPackage[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { items, trans } = props;
  if (items.length === 0) {
    return null;
  }
  return (
    <table
      className="jp-Trail-Preflight-table"
      data-kind={props.kind}
      aria-label={props.title}
    >
      <caption>{`${props.title} (${items.length})`}</caption>
      <thead>
        <tr>
          <th>{trans.__('Package')}</th>
          <th>{trans.__('Recorded')}</th>
          <th>{trans.__('Yours')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map(item => (
          <tr key={item.name}>
            <td>{item.name}</td>
            <td>{item.recorded}</td>
            <td>{item.target ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Files(props: {
  files: PreflightFile[];
  trans: TranslationBundle;
}): JSX.Element {
  const { files, trans } = props;
  return (
    <section className="jp-Trail-Preflight-section jp-Trail-Preflight-files">
      <h3>{trans.__('Input files')}</h3>
      {files.length === 0 ? (
        <p className="jp-Trail-Preflight-note">
          {trans.__('The recorded steps read no data file.')}
        </p>
      ) : (
        <table className="jp-Trail-Preflight-table">
          <thead>
            <tr>
              <th>{trans.__('File')}</th>
              <th>{trans.__('Read at step')}</th>
              <th>{trans.__('State')}</th>
            </tr>
          </thead>
          <tbody>
            {files.map(file => (
              <tr
                key={file.path}
                data-state={file.state}
                data-path={file.path}
                className="jp-Trail-Preflight-file"
              >
                <td>
                  <code>{file.path}</code>
                  <Columns file={file} trans={trans} />
                </td>
                <td>{file.step}</td>
                <td>
                  <StateBadge state={file.state} trans={trans} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <DataConsequence files={files} trans={trans} />
    </section>
  );
}

/** What a changed or missing input means for the replay, said once. */
function DataConsequence(props: {
  files: PreflightFile[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { files, trans } = props;
  const differing = files.filter(
    file => file.state === 'changed' || file.state === 'missing'
  );
  if (differing.length === 0) {
    return null;
  }
  const first = Math.min(...differing.map(file => file.step));
  return (
    <p className="jp-Trail-Preflight-note jp-Trail-Preflight-consequence">
      {trans.__(
        'From step %1 on, the steps read other data than the recording did, so their outputs may differ. Replaying shows where.',
        first
      )}
    </p>
  );
}

function Columns(props: {
  file: PreflightFile;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { file, trans } = props;
  const columns = file.columns;
  if (
    !columns ||
    columns.added.length + columns.removed.length + columns.retyped.length === 0
  ) {
    // "changed" alone leaves a newcomer guessing what changed.
    const what =
      file.state === 'changed'
        ? columns
          ? trans.__('other content, same columns')
          : trans.__('other content')
        : file.state === 'missing'
          ? trans.__('not found by this notebook’s kernel')
          : null;
    return what ? (
      <ul className="jp-Trail-Preflight-columns">
        <li data-change={file.state === 'changed' ? 'content' : 'missing'}>
          {what}
        </li>
      </ul>
    ) : null;
  }
  return (
    <ul className="jp-Trail-Preflight-columns">
      {columns.removed.map(column => (
        <li key={`-${column.name}`} data-change="removed">
          {trans.__('column %1 (%2) is gone', column.name, column.type)}
        </li>
      ))}
      {columns.added.map(column => (
        <li key={`+${column.name}`} data-change="added">
          {trans.__('column %1 (%2) is new', column.name, column.type)}
        </li>
      ))}
      {columns.retyped.map(column => (
        <li key={`~${column.name}`} data-change="retyped">
          {trans.__(
            'column %1 was %2, is %3',
            column.name,
            column.recorded,
            column.target
          )}
        </li>
      ))}
    </ul>
  );
}

function StateBadge(props: {
  state: 'same' | 'changed' | 'missing' | 'unknown';
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  const label = {
    same: trans.__('same'),
    changed: trans.__('changed'),
    missing: trans.__('missing'),
    unknown: trans.__('unknown')
  }[state];
  return (
    <span className="jp-Trail-Preflight-badge" data-state={state}>
      {label}
    </span>
  );
}

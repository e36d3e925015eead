/**
 * The export report's Verify section (#15 item 4): tolerances for the
 * metrics, a Verify button, the phases while the Jupyter server runs
 * `trail verify` (a clean venv, pip install, python pipeline.py, compare),
 * then each file and metric: reproduced, differs or could not run.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import {
  acceptableAs,
  fileVerdict,
  metricVerdict,
  VERIFY_PHASES,
  type FileToleranceText,
  type IVerifyDocument,
  type VerifyModel,
  type VerifyVerdict
} from '../../model/export/verifyModel';
import { hasContentResult, VerifyContentRow } from './verifyContent';

export function VerifySection(props: {
  verify: VerifyModel;
  metrics: string[];
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <UseSignal signal={props.verify.changed}>
      {() => <VerifyView {...props} />}
    </UseSignal>
  );
}

function VerifyView(props: {
  verify: VerifyModel;
  metrics: string[];
  trans: TranslationBundle;
}): JSX.Element {
  const { verify, metrics, trans } = props;
  const running = verify.state === 'running';
  return (
    <section
      className="jp-Trail-Export-section jp-Trail-Export-verify"
      data-state={verify.state}
      aria-busy={running}
    >
      <h3>{trans.__('Verify')}</h3>
      <p>
        {trans.__(
          'Runs the pipeline in a clean venv made from its requirements.txt, on the recorded inputs, and compares each file and metric with the recording.'
        )}
      </p>
      {metrics.length > 0 && (
        <div className="jp-Trail-Export-tolerances">
          <label>
            {trans.__('Tolerance for every metric')}{' '}
            <input
              type="text"
              inputMode="decimal"
              className="jp-mod-styled jp-Trail-Export-tolerance"
              data-metric=""
              placeholder="0"
              value={verify.defaultTolerance}
              disabled={running}
              onChange={e => (verify.defaultTolerance = e.target.value)}
            />
          </label>
          {metrics.map(name => (
            <label key={name}>
              {name}{' '}
              <input
                type="text"
                inputMode="decimal"
                className="jp-mod-styled jp-Trail-Export-tolerance"
                data-metric={name}
                placeholder={trans.__('as every metric')}
                value={verify.metricTolerance(name)}
                disabled={running}
                onChange={e => verify.setMetricTolerance(name, e.target.value)}
              />
            </label>
          ))}
        </div>
      )}
      {verify.fileTolerances.size > 0 && (
        <ul className="jp-Trail-Export-fileTolerances">
          {Array.from(verify.fileTolerances).map(([path, value]) => (
            <li key={path} data-file={path}>
              <code>{path}</code> {fileToleranceText(value, trans)}{' '}
              <button
                type="button"
                className="jp-Trail-Button jp-Trail-Export-dropFileTolerance"
                disabled={running}
                title={trans.__('Compare %1 by its hash again', path)}
                aria-label={trans.__('Compare %1 by its hash again', path)}
                onClick={() => verify.setFileTolerance(path, null)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="jp-Trail-Button jp-mod-accept jp-Trail-Export-verifyButton"
        disabled={running}
        onClick={() => void verify.run()}
      >
        {verify.state === 'done' || verify.state === 'cancelled'
          ? trans.__('Verify again')
          : trans.__('Verify')}
      </button>
      {running && verify.canCancel && (
        <button
          type="button"
          className="jp-Trail-Button jp-Trail-Export-cancelVerify"
          onClick={() => void verify.cancel()}
        >
          {trans.__('Cancel')}
        </button>
      )}
      {running && verify.followingSince && (
        <p className="jp-Trail-Export-verifyFollowing" role="status">
          {trans.__(
            'This folder is already being verified (started %1); its progress is shown here.',
            clock(verify.followingSince)
          )}
        </p>
      )}
      {running && (
        <div className="jp-Trail-Export-status" role="status">
          <progress className="jp-Trail-Export-progress" />
          <ol className="jp-Trail-Export-verifyPhases">
            {VERIFY_PHASES.map((phase, index) => {
              const current = verify.phase
                ? VERIFY_PHASES.indexOf(verify.phase)
                : -1;
              const state =
                index < current
                  ? verify.skipped(phase)
                    ? 'skipped'
                    : 'done'
                  : index === current
                    ? 'current'
                    : '';
              return (
                <li
                  key={phase}
                  data-phase={phase}
                  data-state={state}
                  aria-current={state === 'current' ? 'step' : undefined}
                >
                  {phaseText(phase, trans)}
                  {state === 'current'
                    ? '…'
                    : state === 'done'
                      ? ' ✓'
                      : state === 'skipped'
                        ? ` (${trans.__('nothing to do')})`
                        : ''}
                </li>
              );
            })}
          </ol>
        </div>
      )}
      {verify.state === 'cancelled' && (
        <p className="jp-Trail-Export-verifyCancelled" role="status">
          {trans.__(
            'Verification cancelled: its run was stopped and its venv removed.'
          )}
        </p>
      )}
      {verify.state === 'error' && (
        <p className="jp-Trail-Export-error" role="alert">
          {verify.error}
        </p>
      )}
      {verify.state === 'done' && verify.document && (
        <VerifyReportView
          document={verify.document}
          trans={trans}
          onAccept={(path, value) => void verify.accept(path, value)}
        />
      )}
    </section>
  );
}

/** HH:MM in the user's time zone. */
function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

function phaseText(phase: string, trans: TranslationBundle): string {
  switch (phase) {
    case 'venv':
      return trans.__('a clean venv');
    case 'install':
      return trans.__('pip install -r requirements.txt');
    case 'run':
      return trans.__('python pipeline.py');
    default:
      return trans.__('compare with the recording');
  }
}

function verdictText(verdict: VerifyVerdict, trans: TranslationBundle): string {
  switch (verdict) {
    case 'reproduced':
      return trans.__('reproduced');
    case 'differs':
      return trans.__('differs');
    default:
      return trans.__('could not run');
  }
}

const short = (hash: string | undefined): string => hash?.slice(0, 12) ?? '';

/** A file tolerance in words. */
function fileToleranceText(
  value: FileToleranceText,
  trans: TranslationBundle
): string {
  if (value === 'exists') {
    return trans.__('accepted as written (not compared)');
  }
  if (value === 'content') {
    return trans.__('accepted by content');
  }
  return trans.__(
    'accepted by content, numbers within %1',
    value.slice('content:'.length)
  );
}

function VerifyReportView(props: {
  document: IVerifyDocument;
  trans: TranslationBundle;
  /** Verifies again with the file accepted as `value`. */
  onAccept?: (path: string, value: FileToleranceText) => void;
}): JSX.Element {
  const { document, trans } = props;
  const report = document.report;
  const seconds = (ms: number | undefined) =>
    ms === undefined ? '' : (ms / 1000).toFixed(1);
  let summary: string;
  switch (document.outcome) {
    case 'reproduced':
      summary = trans.__(
        'Reproduced: every recorded file hash and metric (%1 s).',
        seconds(report?.durationMs)
      );
      break;
    case 'not-reproduced':
      summary = trans.__(
        'Not reproduced: see the rows marked differs (%1 s).',
        seconds(report?.durationMs)
      );
      break;
    default:
      summary = document.error?.message ?? trans.__('Could not run.');
  }
  return (
    <div
      className="jp-Trail-Export-verifyReport"
      data-outcome={document.outcome ?? 'could-not-run'}
    >
      <p
        className="jp-Trail-Export-verifySummary"
        role={document.outcome === 'reproduced' ? 'status' : 'alert'}
      >
        {summary}
      </p>
      {report?.kept && report.files.some(file => file.reproducedAt) && (
        <p className="jp-Trail-Export-verifyKept">
          {report.kept.restored.length > 0
            ? trans.__(
                'The files the run wrote are kept in %1; your own were put back.',
                report.kept.reproduced
              )
            : trans.__(
                'The files the run wrote are kept in %1.',
                report.kept.reproduced
              )}
        </p>
      )}
      {report?.run && report.run.exitCode !== 0 && (
        <pre className="jp-Trail-Export-verifyStderr">{report.run.stderr}</pre>
      )}
      {report && (report.files.length > 0 || report.metrics.length > 0) && (
        <table className="jp-Trail-Export-verifyTable">
          <thead>
            <tr>
              <th>{trans.__('File or metric')}</th>
              <th>{trans.__('Recorded')}</th>
              <th>{trans.__('Reproduced')}</th>
              <th>{trans.__('Verdict')}</th>
            </tr>
          </thead>
          <tbody>
            {report.files.map(file => {
              const verdict = fileVerdict(document, file);
              return [
                <tr
                  key={`f:${file.path}`}
                  data-file={file.path}
                  data-verdict={verdict}
                >
                  <td>
                    <code>{file.path}</code>
                  </td>
                  <td title={file.recorded}>{short(file.recorded)}</td>
                  <td title={file.reproduced ?? ''}>
                    {file.reproduced
                      ? short(file.reproduced)
                      : trans.__('not written')}
                  </td>
                  <td>{verdictText(verdict, trans)}</td>
                </tr>,
                hasContentResult(file) && (
                  <VerifyContentRow
                    key={`c:${file.path}`}
                    file={file}
                    trans={trans}
                    acceptAs={acceptableAs(document, file)}
                    onAccept={
                      props.onAccept
                        ? value => props.onAccept!(file.path, value)
                        : undefined
                    }
                  />
                )
              ];
            })}
            {report.metrics.map(metric => {
              const verdict = metricVerdict(document, metric);
              return (
                <tr
                  key={`m:${metric.name}`}
                  data-metric={metric.name}
                  data-verdict={verdict}
                >
                  <td>{metric.name}</td>
                  <td>{String(metric.recorded)}</td>
                  <td>
                    {metric.reproduced === undefined
                      ? trans.__('not logged')
                      : String(metric.reproduced)}
                    {metric.tolerance
                      ? ` (${trans.__('tolerance %1', metric.tolerance)})`
                      : ''}
                  </td>
                  <td>{verdictText(verdict, trans)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * The sections of the export report: the files written, how to run each
 * form, the steps kept with why, the steps dropped grouped by reason, the
 * magics left as comments, the imports nothing pins, and the recorded
 * params and metrics the pipeline should reproduce.
 */
import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import {
  DropGroup,
  groupDropped,
  howToRun,
  untranslatedOf
} from '../../model/export/report';
import type { ExportResult } from '../../model/export/types';
import { isAbsolutePath } from '../../records/export/effects';
import type { DropReason } from '../../records/export/slice-types';
import { formatValue } from '../format';

/** What the report's links do. */
export interface IReportActions {
  /** Open a written file (docmanager). */
  onOpenFile?: (path: string) => void;
  /** Show a recorded execution in the Trail panel. */
  onOpenExecution?: (executionId: string) => void;
}

function dropTitle(reason: DropReason, trans: TranslationBundle): string {
  switch (reason) {
    case 'failed':
      return trans.__('Failed');
    case 'interrupted':
      return trans.__('Interrupted');
    case 'aborted':
      return trans.__('Aborted');
    case 'superseded':
      return trans.__('Run again later');
    case 'display':
      return trans.__('Display only');
    case 'unused':
      return trans.__('Nothing kept uses it');
    case 'unparsable':
      return trans.__('Not Python the analysis could read');
    default:
      return String(reason);
  }
}

function StepLink(props: {
  step: number;
  executionId: string;
  trans: TranslationBundle;
  onOpenExecution?: (executionId: string) => void;
}): JSX.Element {
  const { step, executionId, trans, onOpenExecution } = props;
  const label = trans.__('Step %1', step);
  return onOpenExecution ? (
    <button
      type="button"
      className="jp-Trail-LinkButton jp-Trail-Export-step"
      title={trans.__('Show this execution in the Trail panel')}
      onClick={() => onOpenExecution(executionId)}
    >
      {label}
    </button>
  ) : (
    <span className="jp-Trail-Export-step">{label}</span>
  );
}

/** The files of the pipeline folder, each opened with the docmanager. */
export function FilesSection(props: {
  written: readonly string[];
  trans: TranslationBundle;
  onOpenFile?: (path: string) => void;
}): JSX.Element | null {
  const { written, trans, onOpenFile } = props;
  if (written.length === 0) {
    return null;
  }
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-files">
      <h3>{trans._n('%1 file written', '%1 files written', written.length)}</h3>
      <ul className="jp-Trail-Export-list">
        {written.map(path => (
          <li key={path} data-path={path}>
            {onOpenFile ? (
              <button
                type="button"
                className="jp-Trail-LinkButton jp-Trail-Export-file"
                title={trans.__('Open %1', path)}
                onClick={() => onOpenFile(path)}
              >
                {path.split('/').pop()}
              </button>
            ) : (
              <code>{path.split('/').pop()}</code>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The commands that run the pipeline, one block per form. */
export function HowToRunSection(props: {
  result: ExportResult;
  folder: string;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { result, folder, trans } = props;
  const forms = howToRun(result, folder);
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-run">
      <h3>{trans.__('How to run it')}</h3>
      {forms.map(form => (
        <div
          key={form.title}
          className="jp-Trail-Export-form"
          data-form={form.title}
        >
          <div className="jp-Trail-Export-formHead">
            <h4>{form.title}</h4>
            <button
              type="button"
              className="jp-Trail-Button"
              title={trans.__('Copy these commands')}
              onClick={() => Clipboard.copyToSystem(form.lines.join('\n'))}
            >
              {trans.__('Copy')}
            </button>
          </div>
          <pre className="jp-Trail-Code">
            <code>{form.lines.join('\n')}</code>
          </pre>
        </div>
      ))}
    </section>
  );
}

/** The steps the pipeline runs, each with why it is there. */
export function KeptSection(props: {
  result: ExportResult;
  trans: TranslationBundle;
  onOpenExecution?: (executionId: string) => void;
}): JSX.Element {
  const { result, trans, onOpenExecution } = props;
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-kept">
      <h3>{trans._n('%1 step kept', '%1 steps kept', result.kept.length)}</h3>
      <ul className="jp-Trail-Export-list">
        {result.kept.map(step => (
          <li
            key={step.executionId}
            className="jp-Trail-Export-keptStep"
            data-step={step.step}
          >
            <StepLink
              step={step.step}
              executionId={step.executionId}
              trans={trans}
              onOpenExecution={onOpenExecution}
            />
            <span className="jp-Trail-Export-reason">{step.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What was left out, grouped by why. */
export function DroppedSection(props: {
  result: ExportResult;
  trans: TranslationBundle;
  onOpenExecution?: (executionId: string) => void;
}): JSX.Element | null {
  const { result, trans, onOpenExecution } = props;
  const groups: DropGroup[] = groupDropped(result.dropped);
  if (groups.length === 0) {
    return null;
  }
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-dropped">
      <h3>
        {trans._n('%1 step dropped', '%1 steps dropped', result.dropped.length)}
      </h3>
      {groups.map(group => (
        <div
          key={group.reason}
          className="jp-Trail-Export-dropGroup"
          data-reason={group.reason}
        >
          <h4>
            {dropTitle(group.reason, trans)}{' '}
            <span className="jp-Trail-Export-count">
              {String(group.steps.length)}
            </span>
          </h4>
          <ul className="jp-Trail-Export-list">
            {group.steps.map(drop => (
              <li
                key={drop.executionId}
                className="jp-Trail-Export-droppedStep"
                data-step={drop.step}
              >
                <StepLink
                  step={drop.step}
                  executionId={drop.executionId}
                  trans={trans}
                  onOpenExecution={onOpenExecution}
                />
                <span className="jp-Trail-Export-reason">{drop.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

/**
 * Magics kept as comments, imports nothing pins, and inputs read by an
 * absolute path: the user's to check.
 */
export function AttentionSection(props: {
  result: ExportResult;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { result, trans } = props;
  const magics = untranslatedOf(result.translations);
  const imports = result.unresolvedImports;
  const absolute = result.inputs.filter(input => isAbsolutePath(input.path));
  if (magics.length === 0 && imports.length === 0 && absolute.length === 0) {
    return null;
  }
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-attention">
      {magics.length > 0 && (
        <AttentionBlock
          className="jp-Trail-Export-untranslated"
          title={trans._n(
            '%1 magic not translated',
            '%1 magics not translated',
            magics.length
          )}
          note={trans.__(
            'They are left in pipeline.py as comments; the script runs without them.'
          )}
        >
          {magics.map(magic => (
            <li
              key={`${magic.step}:${magic.line}`}
              data-step={magic.step}
              className="jp-Trail-Export-magic"
            >
              <span className="jp-Trail-Export-step">
                {trans.__('Step %1, line %2', magic.step, magic.line)}
              </span>
              <code>{magic.magic}</code>
              {magic.reason && (
                <span className="jp-Trail-Export-reason">{magic.reason}</span>
              )}
            </li>
          ))}
        </AttentionBlock>
      )}
      {imports.length > 0 && (
        <AttentionBlock
          className="jp-Trail-Export-unresolved"
          title={trans._n(
            '%1 import not pinned',
            '%1 imports not pinned',
            imports.length
          )}
          note={trans.__(
            'Neither in the recorded environment nor in Python’s standard library (a local module, or a package the snapshot missed): requirements.txt does not list them.'
          )}
          inline
        >
          {imports.map(name => (
            <li key={name}>
              <code>{name}</code>
            </li>
          ))}
        </AttentionBlock>
      )}
      {absolute.length > 0 && (
        <AttentionBlock
          className="jp-Trail-Export-absolute"
          title={trans._n(
            '%1 input read by an absolute path',
            '%1 inputs read by an absolute path',
            absolute.length
          )}
          note={trans.__(
            'On another machine, or in the Docker image (which mounts only this folder), the pipeline finds them only at the same path: put the files there, or change the path in pipeline.py. The README says so too.'
          )}
        >
          {absolute.map(input => (
            <li key={input.path} data-step={input.step}>
              <span className="jp-Trail-Export-step">
                {trans.__('Step %1', input.step)}
              </span>
              <code>{input.path}</code>
            </li>
          ))}
        </AttentionBlock>
      )}
    </section>
  );
}

/** One kind of thing to check: a heading, why, and the list. */
function AttentionBlock(props: {
  className: string;
  title: string;
  note: string;
  inline?: boolean;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className={props.className}>
      <h3>{props.title}</h3>
      <p className="jp-Trail-Export-note">{props.note}</p>
      <ul
        className={
          props.inline
            ? 'jp-Trail-Export-list jp-Trail-Export-inline'
            : 'jp-Trail-Export-list'
        }
      >
        {props.children}
      </ul>
    </div>
  );
}

/** The recorded params and metrics the pipeline should give again. */
export function ExpectedSection(props: {
  result: ExportResult;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { result, trans } = props;
  const params = result.params;
  const metrics = result.expected?.metrics ?? result.metrics;
  if (params.length === 0 && metrics.length === 0) {
    return null;
  }
  return (
    <section className="jp-Trail-Export-section jp-Trail-Export-values">
      <h3>{trans.__('Params and metrics')}</h3>
      <table className="jp-Trail-Table">
        <tbody>
          {params.map(param => (
            <tr key={`p:${param.name}`} data-param={param.name}>
              <th scope="row">{param.name}</th>
              <td>{formatValue(param.value)}</td>
              <td className="jp-Trail-Hint">
                {param.overridable === false
                  ? (param.note ?? trans.__('param, not overridable'))
                  : trans.__('param: --%1 VALUE', param.name)}
              </td>
            </tr>
          ))}
          {metrics.map(metric => (
            <tr key={`m:${metric.name}`} data-metric={metric.name}>
              <th scope="row">{metric.name}</th>
              <td>{formatValue(metric.value)}</td>
              <td className="jp-Trail-Hint">
                {trans.__('metric, in metrics.json')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

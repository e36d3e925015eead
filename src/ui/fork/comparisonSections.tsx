/**
 * The sections of the parent/fork comparison (issue #14 item 5): params,
 * metrics, the substituted inputs and the steps whose outputs differ.
 * Only values are shown here (names, numbers, hashes, paths), never a
 * recorded output, so nothing of a teammate's is rendered as HTML.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type {
  ComparedInput,
  ComparedParam,
  ComparedStep,
  IComparedFile,
  IMetricRow,
  LineageVerdict
} from '../../model/fork/comparison';
import type { ParamValue } from '../../records/schema';
import { formatBytes, formatValue, shortHash } from '../format';

/** What the compared session is of its parent. */
export type LineageKind = 'fork' | 'replay' | 'export';

/**
 * What a step's verdict reads (contract 8): in a fork, other outputs are
 * expected and read "differs from parent"; a replay keeps its own words.
 */
export function verdictLabel(
  verdict: LineageVerdict,
  trans: TranslationBundle,
  kind: LineageKind = 'fork'
): string {
  switch (verdict) {
    case 'same':
      return kind === 'fork' ? trans.__('same as parent') : trans.__('same');
    case 'differs':
      return kind === 'fork'
        ? trans.__('differs from parent')
        : trans.__('differs');
    case 'new-error':
      return trans.__('new error');
    case 'error-gone':
      return trans.__('error gone');
    case 'not-run':
      return trans.__('not run');
  }
}

/** The compared session's column: Fork, Replay, or Pipeline run. */
function sideName(
  kind: LineageKind | undefined,
  trans: TranslationBundle
): string {
  return kind === 'replay'
    ? trans.__('Replay')
    : kind === 'export'
      ? trans.__('Pipeline run')
      : trans.__('Fork');
}

/** A param as it reads in the table: not logged (—), None, or its value. */
function formatParam(
  value: ParamValue | undefined,
  trans: TranslationBundle
): string {
  if (value === undefined) {
    return '—';
  }
  if (value === null) {
    return trans.__('None');
  }
  return formatValue(value);
}

function Section(props: {
  className: string;
  title: string;
  summary?: string;
  children: React.ReactNode;
}): JSX.Element {
  const id = React.useId();
  return (
    <section
      className={`jp-Trail-Lineage-section ${props.className}`}
      aria-labelledby={id}
    >
      <h3 id={id}>
        {props.title}
        {props.summary && (
          <span className="jp-Trail-Lineage-sectionSummary">
            {props.summary}
          </span>
        )}
      </h3>
      {props.children}
    </section>
  );
}

/**
 * The params, parent beside fork; a param whose value differs is marked.
 */
export function ParamsSection(props: {
  params: readonly ComparedParam[];
  kind?: LineageKind;
  trans: TranslationBundle;
}): JSX.Element {
  const { params, trans } = props;
  const differing = params.filter(param => !param.same).length;
  return (
    <Section
      className="jp-Trail-Lineage-params"
      title={trans.__('Params')}
      summary={
        params.length === 0
          ? undefined
          : differing === 0
            ? trans.__('all the same')
            : trans._n('%1 differs', '%1 differ', differing)
      }
    >
      {params.length === 0 ? (
        <p className="jp-Trail-Lineage-none">
          {trans.__('Neither run logged a param.')}
        </p>
      ) : (
        <table className="jp-Trail-Lineage-table">
          <thead>
            <tr>
              <th scope="col">{trans.__('Name')}</th>
              <th scope="col">{trans.__('Parent')}</th>
              <th scope="col">{sideName(props.kind, trans)}</th>
            </tr>
          </thead>
          <tbody>
            {params.map(param => (
              <tr
                key={param.name}
                data-name={param.name}
                data-same={param.same ? 'true' : 'false'}
                className={param.same ? undefined : 'jp-mod-different'}
              >
                <th scope="row">
                  {param.name}
                  {!param.same && (
                    <span className="jp-Trail-Lineage-changed">
                      {trans.__('changed')}
                    </span>
                  )}
                </th>
                <td>{formatParam(param.parent, trans)}</td>
                <td>{formatParam(param.fork, trans)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** A signed delta: '+0.0132', '−2', '0'. */
export function formatDelta(delta: number | null): string {
  if (delta === null) {
    return '';
  }
  if (delta === 0) {
    return '0';
  }
  const text = formatValue(Math.abs(delta));
  return delta > 0 ? `+${text}` : `−${text}`;
}

/**
 * The metrics' last values, parent beside fork, with the change.
 */
export function MetricsSection(props: {
  metrics: readonly IMetricRow[];
  kind?: LineageKind;
  trans: TranslationBundle;
}): JSX.Element {
  const { metrics, trans } = props;
  const metricValue = (value: number | null | undefined) =>
    value === undefined ? '—' : formatValue(value);
  return (
    <Section className="jp-Trail-Lineage-metrics" title={trans.__('Metrics')}>
      {metrics.length === 0 ? (
        <p className="jp-Trail-Lineage-none">
          {trans.__('Neither run logged a metric.')}
        </p>
      ) : (
        <table className="jp-Trail-Lineage-table">
          <thead>
            <tr>
              <th scope="col">{trans.__('Name')}</th>
              <th scope="col">{trans.__('Parent')}</th>
              <th scope="col">{sideName(props.kind, trans)}</th>
              <th scope="col" title={trans.__('Fork minus parent')}>
                {trans.__('Change')}
              </th>
            </tr>
          </thead>
          <tbody>
            {metrics.map(metric => (
              <tr
                key={metric.name}
                data-name={metric.name}
                data-same={metric.same ? 'true' : 'false'}
                className={metric.same ? undefined : 'jp-mod-different'}
              >
                <th scope="row">{metric.name}</th>
                <td className="jp-Trail-Lineage-number">
                  {metricValue(metric.parent)}
                </td>
                <td className="jp-Trail-Lineage-number">
                  {metricValue(metric.fork)}
                </td>
                <td
                  className="jp-Trail-Lineage-number jp-Trail-Lineage-delta"
                  data-sign={
                    metric.delta === null
                      ? undefined
                      : Math.sign(metric.delta).toString()
                  }
                >
                  {formatDelta(metric.delta)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function FileFacts(props: {
  parent: IComparedFile;
  fork: IComparedFile;
  trans: TranslationBundle;
}): JSX.Element {
  const { parent, fork, trans } = props;
  const hash = (file: IComparedFile) =>
    file.sha256 ? (
      <code title={file.sha256}>{shortHash(file.sha256)}</code>
    ) : (
      <span className="jp-Trail-Lineage-unknown">{trans.__('not hashed')}</span>
    );
  const rows = (file: IComparedFile) =>
    typeof file.table?.rows === 'number'
      ? trans._n('%1 row', '%1 rows', file.table.rows)
      : '—';
  const sameHash =
    !!parent.sha256 && !!fork.sha256 && parent.sha256 === fork.sha256;
  return (
    <table className="jp-Trail-Lineage-table jp-Trail-Lineage-fileFacts">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">{trans.__('Parent read')}</th>
          <th scope="col">{trans.__('Fork read')}</th>
        </tr>
      </thead>
      <tbody>
        <tr
          className={sameHash ? undefined : 'jp-mod-different'}
          data-fact="sha256"
        >
          <th scope="row">{trans.__('sha256')}</th>
          <td data-side="parent">{hash(parent)}</td>
          <td data-side="fork">{hash(fork)}</td>
        </tr>
        <tr data-fact="size">
          <th scope="row">{trans.__('Size')}</th>
          <td>{formatBytes(parent.size) || '—'}</td>
          <td>{formatBytes(fork.size) || '—'}</td>
        </tr>
        {(typeof parent.table?.rows === 'number' ||
          typeof fork.table?.rows === 'number') && (
          <tr data-fact="rows">
            <th scope="row">{trans.__('Rows')}</th>
            <td>{rows(parent)}</td>
            <td>{rows(fork)}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function ColumnChanges(props: {
  columns: NonNullable<ComparedInput['columns']>;
  trans: TranslationBundle;
}): JSX.Element {
  const { columns, trans } = props;
  const { added, removed, retyped } = columns;
  if (added.length + removed.length + retyped.length === 0) {
    return (
      <p className="jp-Trail-Lineage-columns">{trans.__('Same columns.')}</p>
    );
  }
  return (
    <ul className="jp-Trail-Lineage-columns">
      {removed.length > 0 && (
        <li data-change="removed">
          {trans.__('Missing in the fork:')}{' '}
          {removed.map(column => (
            <del key={column.name}>
              <code>{column.name}</code> ({column.type})
            </del>
          ))}
        </li>
      )}
      {retyped.length > 0 && (
        <li data-change="retyped">
          {trans.__('Other type:')}{' '}
          {retyped.map(column => (
            <span key={column.name} className="jp-Trail-Lineage-retyped">
              <code>{column.name}</code> {column.recorded} → {column.target}
            </span>
          ))}
        </li>
      )}
      {added.length > 0 && (
        <li data-change="added">
          {trans.__('Only in the fork:')}{' '}
          {added.map(column => (
            <ins key={column.name}>
              <code>{column.name}</code> ({column.type})
            </ins>
          ))}
        </li>
      )}
    </ul>
  );
}

/**
 * Each input the fork read instead of the parent's: recorded path → new
 * path, both hashes, sizes, rows and how the columns changed.
 */
export function InputsSection(props: {
  inputs: readonly ComparedInput[];
  trans: TranslationBundle;
}): JSX.Element {
  const { inputs, trans } = props;
  return (
    <Section
      className="jp-Trail-Lineage-inputs"
      title={trans.__('Substituted inputs')}
      summary={inputs.length > 0 ? String(inputs.length) : undefined}
    >
      {inputs.length === 0 ? (
        <p className="jp-Trail-Lineage-none">
          {trans.__('The fork read the same inputs as its parent.')}
        </p>
      ) : (
        <ul className="jp-Trail-Lineage-inputList">
          {inputs.map(input => (
            <li
              key={input.recorded}
              className="jp-Trail-Lineage-input"
              data-recorded={input.recorded}
            >
              <p className="jp-Trail-Lineage-mapping">
                <code title={input.recorded}>{input.recorded}</code>
                <span aria-label={trans.__('replaced by')}> → </span>
                <code title={input.path}>{input.path}</code>
              </p>
              <FileFacts
                parent={input.parent}
                fork={input.fork}
                trans={trans}
              />
              {input.columns && (
                <ColumnChanges columns={input.columns} trans={trans} />
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/**
 * The steps whose outputs are not the parent's, each with links that open
 * the replay viewer at that step of the parent and of the fork.
 */
export function StepsSection(props: {
  steps: readonly ComparedStep[];
  kind?: LineageKind;
  total: number;
  onOpenStep?: (executionId: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { steps, trans } = props;
  return (
    <Section
      className="jp-Trail-Lineage-steps"
      title={trans.__('Steps whose outputs differ')}
      summary={
        steps.length > 0
          ? trans.__('%1 of %2', steps.length, props.total)
          : undefined
      }
    >
      {steps.length === 0 ? (
        <p className="jp-Trail-Lineage-none">
          {props.total === 0
            ? trans.__('The fork ran no step yet.')
            : trans._n(
                'The step’s outputs are the parent’s.',
                'All %1 steps’ outputs are the parent’s.',
                props.total
              )}
        </p>
      ) : (
        <ol className="jp-Trail-Lineage-stepList">
          {steps.map(step => (
            <li
              key={step.step}
              className="jp-Trail-Lineage-step"
              data-step={step.step}
              data-verdict={step.verdict}
            >
              <span className="jp-Trail-Lineage-stepName">
                {trans.__('Step %1', step.step)}
              </span>
              <span
                className="jp-Trail-Lineage-verdict"
                data-verdict={step.verdict}
              >
                {verdictLabel(step.verdict, trans, props.kind)}
              </span>
              {props.onOpenStep && (
                <span className="jp-Trail-Lineage-stepLinks">
                  <button
                    type="button"
                    className="jp-Trail-LinkButton jp-Trail-Lineage-openParent"
                    title={trans.__(
                      'Open the replay viewer at step %1 of the parent',
                      step.step
                    )}
                    onClick={() => props.onOpenStep!(step.parentExecutionId)}
                  >
                    {trans.__('Parent’s step')}
                  </button>
                  {step.forkExecutionId && (
                    <button
                      type="button"
                      className="jp-Trail-LinkButton jp-Trail-Lineage-openFork"
                      title={trans.__(
                        'Open the replay viewer at this step of the fork'
                      )}
                      onClick={() => props.onOpenStep!(step.forkExecutionId!)}
                    >
                      {trans.__('Fork’s step')}
                    </button>
                  )}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

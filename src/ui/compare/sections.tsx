/**
 * The table sections of the compare view: params, metrics, input data,
 * environment and lineage, one column per run, the base run first.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type {
  CompareModel,
  IComparedRun,
  IInputRow,
  ISchemaDiff
} from '../../model/compare';
import { EnvironmentDiffView } from '../environmentCompare';
import { baseName, formatValue, shortHash } from '../format';
import { runLabel } from './labels';

/** What every section is given. */
export interface ISectionProps {
  model: CompareModel;
  trans: TranslationBundle;
  /** Show only the rows where some run differs. */
  onlyDifferences: boolean;
}

/** The header row of a section's table: the row label, then the runs. */
function RunHeads(props: {
  runs: readonly IComparedRun[];
  first: string;
}): JSX.Element {
  return (
    <thead>
      <tr>
        <th scope="col">{props.first}</th>
        {props.runs.map((run, i) => (
          <th scope="col" key={run.id} title={run.run?.notebookPath ?? run.id}>
            {runLabel(run, i)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function NotReadable(props: { trans: TranslationBundle }): JSX.Element {
  return (
    <td className="jp-Trail-Compare-unreadable">
      {props.trans.__('not found')}
    </td>
  );
}

function Section(props: {
  title: string;
  className: string;
  count?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section className={`jp-Trail-Compare-section ${props.className}`}>
      <h3 className="jp-Trail-Compare-sectionTitle">
        {props.title}
        {props.count && (
          <span className="jp-Trail-Compare-count">{props.count}</span>
        )}
      </h3>
      {props.children}
    </section>
  );
}

/** Params: one row per param, values that differ from the base's marked. */
export function ParamsSection(props: ISectionProps): JSX.Element {
  const { model, trans, onlyDifferences } = props;
  const all = model.params;
  const rows = onlyDifferences ? all.filter(row => row.anyDiffers) : all;
  const differing = all.filter(row => row.anyDiffers).length;
  return (
    <Section
      title={trans.__('Params')}
      className="jp-Trail-Compare-params"
      count={trans.__('%1 of %2 differ', differing, all.length)}
    >
      {all.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('No run logged params.')}</p>
      ) : rows.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('Every param is the same.')}</p>
      ) : (
        <table className="jp-Trail-CompareTable">
          <RunHeads runs={model.runs} first={trans.__('param')} />
          <tbody>
            {rows.map(row => (
              <tr
                key={row.name}
                className={row.anyDiffers ? 'jp-mod-differs' : undefined}
              >
                <th scope="row">{row.name}</th>
                {model.runs.map((run, i) =>
                  run.run ? (
                    <td
                      key={run.id}
                      className={
                        row.differs[i] ? 'jp-Trail-Compare-differs' : undefined
                      }
                      title={
                        row.differs[i]
                          ? trans.__(
                              'Differs from %1',
                              runLabel(
                                model.runs[model.baseIndex],
                                model.baseIndex
                              )
                            )
                          : undefined
                      }
                    >
                      {row.values[i] === undefined ? (
                        <span className="jp-Trail-Compare-missing">—</span>
                      ) : (
                        paramText(row.values[i])
                      )}
                    </td>
                  ) : (
                    <NotReadable key={run.id} trans={trans} />
                  )
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Metrics: last, min, max per run; the best last value marked. */
export function MetricsSection(props: ISectionProps): JSX.Element {
  const { model, trans, onlyDifferences } = props;
  const all = model.metrics;
  const rows = onlyDifferences ? all.filter(row => row.anyDiffers) : all;
  return (
    <Section title={trans.__('Metrics')} className="jp-Trail-Compare-metrics">
      {all.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('No run logged metrics.')}</p>
      ) : rows.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('Every metric is the same.')}</p>
      ) : (
        <table className="jp-Trail-CompareTable">
          <RunHeads runs={model.runs} first={trans.__('metric')} />
          <tbody>
            {rows.map(row => (
              <tr key={row.name}>
                <th scope="row">
                  {row.name}{' '}
                  <button
                    className="jp-Trail-Compare-direction"
                    title={
                      row.direction === 'higher'
                        ? trans.__('Higher is better (click: lower is better)')
                        : trans.__('Lower is better (click: higher is better)')
                    }
                    onClick={() =>
                      model.setDirection(
                        row.name,
                        row.direction === 'higher' ? 'lower' : 'higher'
                      )
                    }
                  >
                    {row.direction === 'higher' ? '↑' : '↓'}
                  </button>
                </th>
                {model.runs.map((run, i) => {
                  if (!run.run) {
                    return <NotReadable key={run.id} trans={trans} />;
                  }
                  const cell = row.cells[i];
                  const best = row.best.includes(i);
                  return (
                    <td
                      key={run.id}
                      className={`jp-Trail-Compare-metric${best ? ' jp-mod-best' : ''}`}
                    >
                      {cell ? (
                        <>
                          <span className="jp-Trail-Compare-last">
                            {formatValue(cell.last)}
                            {best && (
                              <span
                                className="jp-Trail-Compare-bestMark"
                                title={trans.__('Best of the runs')}
                              >
                                {' ★'}
                              </span>
                            )}
                          </span>
                          {cell.count > 1 && (
                            <span className="jp-Trail-Compare-range">
                              {trans.__(
                                'min %1 · max %2 · %3 points',
                                formatValue(cell.min),
                                formatValue(cell.max),
                                cell.count
                              )}
                            </span>
                          )}
                        </>
                      ) : (
                        <span className="jp-Trail-Compare-missing">—</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function SchemaDiffText(props: {
  diff: ISchemaDiff;
  trans: TranslationBundle;
}): JSX.Element {
  const { diff, trans } = props;
  return (
    <ul className="jp-Trail-Compare-schema" aria-label={trans.__('Columns')}>
      {diff.added.map(c => (
        <li key={`a:${c.name}`} className="jp-mod-added">
          + {c.name} <span className="jp-Trail-Compare-type">{c.type}</span>
        </li>
      ))}
      {diff.removed.map(c => (
        <li key={`r:${c.name}`} className="jp-mod-removed">
          − {c.name} <span className="jp-Trail-Compare-type">{c.type}</span>
        </li>
      ))}
      {diff.changed.map(c => (
        <li key={`c:${c.name}`} className="jp-mod-changed">
          {c.name}: <del>{c.before}</del> → <ins>{c.after}</ins>
        </li>
      ))}
    </ul>
  );
}

function InputCell(props: {
  row: IInputRow;
  index: number;
  base: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { row, index, base, trans } = props;
  const file = row.files[index];
  if (!file) {
    return (
      <td className={index === base ? undefined : 'jp-Trail-Compare-differs'}>
        <span className="jp-Trail-Compare-missing">{trans.__('not read')}</span>
      </td>
    );
  }
  const differs = row.hashDiffers[index];
  const schema = row.schema[index];
  return (
    <td className={differs || schema ? 'jp-Trail-Compare-differs' : undefined}>
      <code title={file.sha256 ?? trans.__('not hashed')}>
        {file.sha256 ? shortHash(file.sha256, 10) : trans.__('no hash')}
      </code>
      {index !== base && (
        <span
          className={`jp-Trail-Compare-verdict jp-mod-${differs ? 'different' : 'same'}`}
        >
          {differs ? trans.__('different') : trans.__('same')}
        </span>
      )}
      {schema && <SchemaDiffText diff={schema} trans={trans} />}
    </td>
  );
}

/** Input data: per path, the same content or not, and the table's columns. */
export function InputsSection(props: ISectionProps): JSX.Element {
  const { model, trans, onlyDifferences } = props;
  const all = model.inputs;
  const rows = onlyDifferences ? all.filter(row => !row.same) : all;
  const base = model.baseIndex;
  return (
    <Section
      title={trans.__('Input data')}
      className="jp-Trail-Compare-inputs"
      count={trans.__(
        '%1 of %2 differ',
        all.filter(row => !row.same).length,
        all.length
      )}
    >
      {all.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('No run read a data file.')}</p>
      ) : rows.length === 0 ? (
        <p className="jp-Trail-Hint">
          {trans.__('Every run read the same data.')}
        </p>
      ) : (
        <table className="jp-Trail-CompareTable">
          <RunHeads runs={model.runs} first={trans.__('file')} />
          <tbody>
            {rows.map(row => (
              <tr key={row.path}>
                <th scope="row" title={row.path}>
                  {baseName(row.path)}
                </th>
                {model.runs.map((run, i) =>
                  run.inputs ? (
                    <InputCell
                      key={run.id}
                      row={row}
                      index={i}
                      base={base}
                      trans={trans}
                    />
                  ) : (
                    <NotReadable key={run.id} trans={trans} />
                  )
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** Environment: each run's packages and platform against the base run's. */
export function EnvironmentSection(props: ISectionProps): JSX.Element {
  const { model, trans } = props;
  const columns = model.environments;
  const base = model.baseIndex;
  return (
    <Section
      title={trans.__('Environment')}
      className="jp-Trail-Compare-environment"
    >
      {columns.map((column, i) => {
        if (i === base || column.state === 'unreadable') {
          return null;
        }
        const run = model.runs[i];
        const heading = trans.__(
          '%1 against %2',
          runLabel(run, i),
          runLabel(model.runs[base], base)
        );
        return (
          <div key={run.id} className="jp-Trail-Compare-envRun">
            <h4>{heading}</h4>
            {column.state === 'same' ? (
              <p className="jp-Trail-Hint jp-Trail-EnvDiff-same">
                {trans.__('The same environment.')}
              </p>
            ) : column.state === 'unknown' ? (
              <p className="jp-Trail-Hint">
                {trans.__('One of the two recorded no environment.')}
              </p>
            ) : column.diff ? (
              <EnvironmentDiffView diff={column.diff} trans={trans} />
            ) : null}
          </div>
        );
      })}
    </Section>
  );
}

/** Lineage: each run's kind and, for a replay, fork or export, where it came from. */
export function LineageSection(
  props: ISectionProps & {
    onOpenRun?: (id: string) => void;
    onOpenStep?: (executionId: string) => void;
  }
): JSX.Element {
  const { model, trans, onOpenRun, onOpenStep } = props;
  const kinds: Record<string, string> = {
    notebook: trans.__('notebook session'),
    replay: trans.__('replay'),
    fork: trans.__('fork'),
    export: trans.__('pipeline run')
  };
  return (
    <Section title={trans.__('Lineage')} className="jp-Trail-Compare-lineage">
      <table className="jp-Trail-CompareTable">
        <RunHeads runs={model.runs} first="" />
        <tbody>
          <tr>
            <th scope="row">{trans.__('kind')}</th>
            {model.runs.map(run =>
              run.run ? (
                <td key={run.id}>{kinds[run.run.kind] ?? run.run.kind}</td>
              ) : (
                <NotReadable key={run.id} trans={trans} />
              )
            )}
          </tr>
          <tr>
            <th scope="row">{trans.__('from')}</th>
            {model.runs.map(run => {
              const lineage = run.run?.lineage;
              if (!run.run) {
                return <NotReadable key={run.id} trans={trans} />;
              }
              if (!lineage) {
                return (
                  <td key={run.id}>
                    <span className="jp-Trail-Compare-missing">—</span>
                  </td>
                );
              }
              return (
                <td key={run.id}>
                  <button
                    className="jp-Trail-LinkButton"
                    onClick={() => onOpenRun?.(lineage.sessionId)}
                    title={trans.__('Open session %1', lineage.sessionId)}
                  >
                    {trans.__('session %1', lineage.sessionId.slice(0, 8))}
                  </button>{' '}
                  {lineage.executionId && onOpenStep ? (
                    <button
                      className="jp-Trail-LinkButton"
                      onClick={() => onOpenStep(lineage.executionId!)}
                    >
                      {trans.__('step %1', lineage.step)}
                    </button>
                  ) : (
                    trans.__('step %1', lineage.step)
                  )}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
    </Section>
  );
}

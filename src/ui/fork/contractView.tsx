/**
 * The data-contract report of a fork (issue #14 item 3, contract 3): per
 * substituted input, recorded path -> new path, the problems by level
 * (errors in red: the code would break; warnings; notes), the hashes,
 * sizes and rows of both, and the column changes.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type {
  ContractEntry,
  ContractLevel,
  ContractReport
} from '../../records/fork/contract';
import { formatBytes, shortHash } from '../format';

/** The report: a summary line, then one block per substitution. */
export function ContractReportView(props: {
  report: ContractReport;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  return (
    <div className="jp-Trail-Contract" data-ok={report.ok ? 'true' : 'false'}>
      <p className="jp-Trail-Contract-summary" role="status">
        <LevelCount level="error" count={report.errors} trans={trans} />
        <LevelCount level="warning" count={report.warnings} trans={trans} />
        <LevelCount level="note" count={report.notes} trans={trans} />
      </p>
      <ul className="jp-Trail-Contract-entries">
        {report.entries.map((entry, index) => (
          <li key={`${entry.recorded}\u0000${entry.path}\u0000${index}`}>
            <ContractEntryView entry={entry} trans={trans} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function LevelCount(props: {
  level: ContractLevel;
  count: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { level, count, trans } = props;
  const text = {
    error: trans._n('%1 error', '%1 errors', count),
    warning: trans._n('%1 warning', '%1 warnings', count),
    note: trans._n('%1 note', '%1 notes', count)
  }[level];
  return (
    <span
      className="jp-Trail-Contract-count"
      data-level={level}
      data-count={count}
    >
      {text}
    </span>
  );
}

/** The worst level of an entry's problems, or 'ok'. */
function worst(entry: ContractEntry): ContractLevel | 'ok' {
  for (const level of ['error', 'warning', 'note'] as const) {
    if (entry.problems.some(problem => problem.level === level)) {
      return level;
    }
  }
  return 'ok';
}

function ContractEntryView(props: {
  entry: ContractEntry;
  trans: TranslationBundle;
}): JSX.Element {
  const { entry, trans } = props;
  const level = worst(entry);
  const problems = [...entry.problems].sort(
    (a, b) => rank(a.level) - rank(b.level)
  );
  return (
    <div
      className="jp-Trail-Contract-entry"
      data-level={level}
      data-recorded={entry.recorded}
      data-path={entry.path}
    >
      <div className="jp-Trail-Contract-mapping">
        <code title={entry.recorded}>{entry.recorded}</code>
        <span className="jp-Trail-Contract-arrow" aria-label={trans.__('to')}>
          {' → '}
        </span>
        <code title={entry.path}>{entry.path}</code>
        <span className="jp-Trail-Contract-badge" data-level={level}>
          {
            {
              ok: trans.__('matches'),
              error: trans.__('error'),
              warning: trans.__('warning'),
              note: trans.__('note')
            }[level]
          }
        </span>
      </div>
      {problems.length > 0 && (
        <ul className="jp-Trail-Contract-problems">
          {problems.map((problem, index) => (
            <li
              key={`${problem.code}-${index}`}
              className="jp-Trail-Contract-problem"
              data-level={problem.level}
              data-code={problem.code}
            >
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      <Facts entry={entry} trans={trans} />
      <Columns entry={entry} trans={trans} />
    </div>
  );
}

function rank(level: ContractLevel): number {
  return level === 'error' ? 0 : level === 'warning' ? 1 : 2;
}

/** Recorded against new: hash, size, rows, as far as known. */
function Facts(props: {
  entry: ContractEntry;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { entry, trans } = props;
  const recordedHash = entry.input?.sha256;
  const newHash = entry.target?.sha256 ?? undefined;
  const recordedSize = entry.size?.recorded ?? entry.input?.size;
  const newSize = entry.size?.target ?? entry.target?.size ?? undefined;
  const rows = entry.rows;
  const lines: [string, React.ReactNode, React.ReactNode][] = [];
  if (recordedHash || newHash) {
    lines.push([
      trans.__('sha256'),
      recordedHash ? (
        <code title={recordedHash}>{shortHash(recordedHash)}</code>
      ) : (
        '—'
      ),
      newHash ? <code title={newHash}>{shortHash(newHash)}</code> : '—'
    ]);
  }
  if (typeof recordedSize === 'number' || typeof newSize === 'number') {
    lines.push([
      trans.__('size'),
      typeof recordedSize === 'number' ? formatBytes(recordedSize) : '—',
      typeof newSize === 'number' ? formatBytes(newSize) : '—'
    ]);
  }
  if (rows && (rows.recorded !== null || rows.target !== null)) {
    lines.push([trans.__('rows'), rows.recorded ?? '—', rows.target ?? '—']);
  }
  if (lines.length === 0) {
    return null;
  }
  return (
    <table className="jp-Trail-Contract-facts">
      <thead>
        <tr>
          <th />
          <th>{trans.__('Recorded')}</th>
          <th>{trans.__('Yours')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map(([label, recorded, mine]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{recorded}</td>
            <td>{mine}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Columns(props: {
  entry: ContractEntry;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { entry, trans } = props;
  const columns = entry.columns;
  if (
    !columns ||
    columns.added.length + columns.removed.length + columns.retyped.length === 0
  ) {
    return null;
  }
  return (
    <ul
      className="jp-Trail-Contract-columns"
      aria-label={trans.__('Column changes')}
    >
      {columns.removed.map(column => (
        <li key={`-${column.name}`} data-change="removed">
          {trans.__('column %1 (%2) is missing', column.name, column.type)}
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
      {columns.added.map(column => (
        <li key={`+${column.name}`} data-change="added">
          {trans.__('column %1 (%2) is new', column.name, column.type)}
        </li>
      ))}
    </ul>
  );
}

/**
 * What the kernel helper captured for one execution: the files it read and
 * wrote, its params, metrics and tags.
 */
import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { ExecutionCapture, FileAccess } from '../records/schema';
import type { FileChange } from '../records/files';
import { ExecutionDetailModel, IMetricSeries, metricSeries } from '../model';
import { Sparkline } from './charts';
import {
  executionPrompt,
  formatAbsoluteTime,
  formatBytes,
  formatValue,
  shortHash
} from './format';

/**
 * The capture sections of an execution; nothing when it has no capture.
 */
export function CaptureSections(props: {
  capture: ExecutionCapture | undefined;
  detail: ExecutionDetailModel;
  trans: TranslationBundle;
  /** Opens another execution (the previous run of the cell). */
  onOpen?: (executionId: string) => void;
  /**
   * "What produced this?": exports what produced a written file or a
   * metric as a pipeline; a button on each when given.
   */
  onExplain?: (target: { file?: string; metric?: string }) => void;
}): JSX.Element | null {
  const { capture, detail, trans, onOpen, onExplain } = props;
  if (!capture) {
    return null;
  }
  const files = capture.files ?? [];
  const params = Object.entries(capture.params ?? {});
  const series = metricSeries(capture);
  const tags = capture.tags ?? [];
  return (
    <div className="jp-Trail-Capture">
      {tags.length > 0 && (
        <ul className="jp-Trail-Tags" aria-label={trans.__('Tags')}>
          {tags.map(tag => (
            <li key={tag} className="jp-Trail-Tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <section className="jp-Trail-Files" aria-label={trans.__('Files')}>
          <div className="jp-Trail-SectionHeader">
            <h3>{trans._n('%1 file', '%1 files', files.length)}</h3>
            {detail.previousError && (
              <span
                className="jp-Trail-Hint"
                title={detail.previousError.message}
              >
                {trans.__('previous run not available')}
              </span>
            )}
            {detail.previous && onOpen && (
              <button
                type="button"
                className="jp-Trail-LinkButton jp-Trail-PreviousRun"
                title={trans.__(
                  'Badges compare with this run of the cell, %1',
                  formatAbsoluteTime(detail.previous.startedAt)
                )}
                onClick={() => onOpen(detail.previous!.id)}
              >
                {trans.__(
                  'vs. previous run %1',
                  executionPrompt(detail.previous.executionCount)
                )}
              </button>
            )}
          </div>
          <FileList
            files={files}
            detail={detail}
            trans={trans}
            onExplain={onExplain}
          />
        </section>
      )}
      {params.length > 0 && (
        <section className="jp-Trail-Params" aria-label={trans.__('Params')}>
          <div className="jp-Trail-SectionHeader">
            <h3>{trans.__('Params')}</h3>
          </div>
          <table className="jp-Trail-Table">
            <tbody>
              {params.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{formatValue(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {series.length > 0 && (
        <section className="jp-Trail-Metrics" aria-label={trans.__('Metrics')}>
          <div className="jp-Trail-SectionHeader">
            <h3>{trans.__('Metrics')}</h3>
          </div>
          <table className="jp-Trail-Table">
            <thead>
              <tr>
                <th scope="col">{trans.__('Name')}</th>
                <th scope="col">{trans.__('Last')}</th>
                <th scope="col">{trans.__('Steps')}</th>
                {onExplain && <th scope="col" />}
              </tr>
            </thead>
            <tbody>
              {series.map(metric => (
                <MetricRow
                  key={metric.name}
                  metric={metric}
                  trans={trans}
                  onExplain={
                    onExplain
                      ? () => onExplain({ metric: metric.name })
                      : undefined
                  }
                />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

/**
 * Files listed before 'Show all': an execution may read thousands.
 */
const MAX_FILES_SHOWN = 100;

function FileList(props: {
  files: FileAccess[];
  detail: ExecutionDetailModel;
  trans: TranslationBundle;
  onExplain?: (target: { file?: string }) => void;
}): JSX.Element {
  const { files, detail, trans, onExplain } = props;
  const [all, setAll] = React.useState(false);
  const shown = all ? files : files.slice(0, MAX_FILES_SHOWN);
  return (
    <>
      <ul className="jp-Trail-FileList">
        {shown.map(file => (
          <li key={`${file.access}:${file.path}`}>
            <FileItem
              file={file}
              change={detail.changeOf(file)}
              trans={trans}
              onExplain={
                onExplain && file.access !== 'read' && file.role !== 'input'
                  ? () => onExplain({ file: file.path })
                  : undefined
              }
            />
          </li>
        ))}
      </ul>
      {shown.length < files.length && (
        <button
          type="button"
          className="jp-Trail-Button jp-Trail-LoadMore"
          onClick={() => setAll(true)}
        >
          {trans.__('Show all %1 files', files.length)}
        </button>
      )}
    </>
  );
}

function MetricRow(props: {
  metric: IMetricSeries;
  trans: TranslationBundle;
  onExplain?: () => void;
}): JSX.Element {
  const { metric, trans, onExplain } = props;
  return (
    <tr className="jp-Trail-MetricRow" data-metric={metric.name}>
      <th scope="row">{metric.name}</th>
      <td className="jp-Trail-MetricValue">{formatValue(metric.last)}</td>
      <td className="jp-Trail-MetricChart">
        {metric.points.length > 1 ? (
          <Sparkline points={metric.points} label={metric.name} />
        ) : (
          <span className="jp-Trail-Hint">{metric.points[0]?.step ?? ''}</span>
        )}
      </td>
      {onExplain && (
        <td>
          <WhatProducedThis
            what={metric.name}
            onClick={onExplain}
            trans={trans}
          />
        </td>
      )}
    </tr>
  );
}

/**
 * One file: path, access, size, short hash with copy, change badge, and
 * the table schema behind a disclosure.
 */
function FileItem(props: {
  file: FileAccess;
  change: FileChange;
  trans: TranslationBundle;
  onExplain?: () => void;
}): JSX.Element {
  const { file, change, trans, onExplain } = props;
  const access =
    file.access === 'read'
      ? trans.__('read')
      : file.access === 'write'
        ? trans.__('written')
        : trans.__('read and written');
  const size = formatBytes(file.size);
  const columns = file.schema?.columns ?? [];
  return (
    <div
      className="jp-Trail-File"
      data-path={file.path}
      data-access={file.access}
      data-change={change}
    >
      <div className="jp-Trail-File-head">
        <span className="jp-Trail-File-path" title={file.path}>
          {file.path}
          {file.kind === 'folder' ? '/' : ''}
        </span>
        <ChangeBadge change={change} trans={trans} />
      </div>
      <div className="jp-Trail-File-meta">
        <span className={`jp-Trail-Access jp-mod-${file.access}`}>
          {access}
        </span>
        {file.role && <span className="jp-Trail-File-role">{file.role}</span>}
        {size && <span>{size}</span>}
        {file.kind === 'folder' && file.fileCount !== undefined && (
          <span>{trans._n('%1 file', '%1 files', file.fileCount)}</span>
        )}
        {file.mtime && (
          <span
            className="jp-Trail-Hint"
            title={trans.__('Modified %1', formatAbsoluteTime(file.mtime))}
          >
            {formatAbsoluteTime(file.mtime)}
          </span>
        )}
        <HashValue file={file} trans={trans} />
        {onExplain && (
          <WhatProducedThis
            what={file.path}
            onClick={onExplain}
            trans={trans}
          />
        )}
      </div>
      {file.schema && (
        <details className="jp-Trail-Schema">
          <summary>
            {trans._n(
              '%2: %1 column',
              '%2: %1 columns',
              columns.length,
              file.schema.format.toUpperCase()
            )}
            {typeof file.schema.rows === 'number'
              ? ` · ${trans._n('%1 row', '%1 rows', file.schema.rows)}`
              : ''}
          </summary>
          <table className="jp-Trail-Table jp-Trail-SchemaTable">
            <tbody>
              {columns.map((column, index) => (
                <tr key={`${index}:${column.name}`}>
                  <th scope="row">{column.name}</th>
                  <td>{column.type}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}

function HashValue(props: {
  file: FileAccess;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { file, trans } = props;
  if (file.sha256) {
    const sha = file.sha256;
    return (
      <span className="jp-Trail-Hash">
        <code title={trans.__('sha256 %1', sha)}>{shortHash(sha)}</code>
        <button
          type="button"
          className="jp-Trail-IconButton"
          title={trans.__('Copy the full sha256')}
          aria-label={trans.__('Copy the full sha256 of %1', file.path)}
          onClick={() => Clipboard.copyToSystem(sha)}
        >
          <copyIcon.react tag="span" elementSize="small" />
        </button>
      </span>
    );
  }
  if (file.hashError) {
    return (
      <span className="jp-Trail-Hash jp-mod-error" title={file.hashError}>
        {trans.__('not hashed')}
      </span>
    );
  }
  return null;
}

function ChangeBadge(props: {
  change: FileChange;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { change, trans } = props;
  const label: Record<FileChange, [string, string] | null> = {
    pending: [
      trans.__('hashing…'),
      trans.__('The content hash is being computed in the kernel')
    ],
    changed: [
      trans.__('changed'),
      trans.__('The content differs from the previous run of this cell')
    ],
    new: [
      trans.__('new'),
      trans.__('The previous run of this cell did not use this file')
    ],
    same: null,
    unknown: null
  };
  const text = label[change];
  if (!text) {
    return null;
  }
  return (
    <span className={`jp-Trail-ChangeBadge jp-mod-${change}`} title={text[1]}>
      {text[0]}
    </span>
  );
}

/** "What produced this?": the export of what produced a file or metric. */
function WhatProducedThis(props: {
  what: string;
  onClick: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { what, onClick, trans } = props;
  return (
    <button
      type="button"
      className="jp-Trail-LinkButton jp-Trail-WhatProduced"
      title={trans.__(
        'Export the code that produced %1 as a pipeline, and see which steps it took',
        what
      )}
      onClick={onClick}
    >
      {trans.__('What produced this?')}
    </button>
  );
}

/**
 * The Inputs section of a session's view in the Trail panel (issue #14
 * item 1): the data files the experiment read and did not make itself,
 * each with its role, size, short hash, table columns and types, and the
 * step that first read it; and "Fork onto my data…" when offered.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';
import { IInputsReader, SessionInputsModel } from '../../model/fork/inputs';
import type { InputFile } from '../../records/replay/inputs';
import { formatBytes, shortHash } from '../format';
import { ErrorState } from '../states';

/** Columns listed before "and N more". */
const SHOWN_COLUMNS = 12;

/**
 * The Inputs section of one session, with a model of its own made for the
 * session shown (and disposed when another is): steps 1..`upto` are read
 * again when the session grows.
 */
export function SessionInputsSection(props: {
  /** The panel's reader; inputs are read when it has `getInputs`. */
  reader: object | null;
  sessionId: string;
  upto: number;
  trans: TranslationBundle;
  onFork?: () => void;
}): JSX.Element {
  const { reader, sessionId } = props;
  const model = React.useMemo(
    () =>
      new SessionInputsModel({
        reader: reader as Partial<IInputsReader> | null,
        sessionId
      }),
    [reader, sessionId]
  );
  React.useEffect(() => () => model.dispose(), [model]);
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <InputsSection
          model={model}
          upto={props.upto}
          trans={props.trans}
          onFork={props.onFork}
        />
      )}
    </UseSignal>
  );
}

/**
 * The Inputs section: the inputs of steps 1..upto, read when shown.
 */
export function InputsSection(props: {
  model: SessionInputsModel;
  /** The session's last step: the inputs are of steps 1..upto. */
  upto: number;
  trans: TranslationBundle;
  /** Fork the session onto one's own data; a button when given. */
  onFork?: () => void;
}): JSX.Element | null {
  const { model, upto, trans } = props;
  const [expanded, setExpanded] = React.useState(true);
  React.useEffect(() => {
    if (!model.isDisposed && expanded) {
      void model.load(upto);
    }
  }, [model, upto, expanded]);
  if (!model.available) {
    return null;
  }
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  const inputs = model.inputs;
  let body: React.ReactNode = null;
  if (expanded) {
    if (model.error && inputs.length === 0) {
      body = (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      );
    } else if (!model.loaded) {
      body = (
        <p className="jp-Trail-Inputs-empty" role="status">
          {trans.__('Reading the inputs…')}
        </p>
      );
    } else if (inputs.length === 0) {
      body = (
        <p className="jp-Trail-Inputs-empty">
          {trans.__(
            'No data file was recorded as read (files the session wrote itself are not inputs).'
          )}
        </p>
      );
    } else {
      body = (
        <ul className="jp-Trail-Inputs-list">
          {inputs.map(input => (
            <li key={input.path}>
              <InputItem input={input} trans={trans} />
            </li>
          ))}
        </ul>
      );
    }
  }
  return (
    <section className="jp-Trail-Inputs" aria-label={trans.__('Inputs')}>
      <div className="jp-Trail-Inputs-header">
        <button
          type="button"
          className="jp-Trail-Disclosure"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          <Caret.react tag="span" elementSize="small" />
          <span className="jp-Trail-Disclosure-title">
            {trans.__('Inputs')}
          </span>
          {model.loaded && (
            <span className="jp-Trail-Disclosure-summary">
              {String(inputs.length)}
            </span>
          )}
        </button>
        {props.onFork && !(model.loaded && inputs.length === 0) && (
          <button
            type="button"
            className="jp-Trail-Button jp-Trail-ForkButton"
            title={trans.__(
              'Run this experiment on your own files: map its inputs to yours, check them against the recorded ones, run'
            )}
            onClick={props.onFork}
          >
            {trans.__('Fork onto my data…')}
          </button>
        )}
      </div>
      {body}
    </section>
  );
}

/** One input: its path and what the recording knew of it. */
export function InputItem(props: {
  input: InputFile;
  trans: TranslationBundle;
}): JSX.Element {
  const { input, trans } = props;
  const facts: string[] = [];
  if (input.kind === 'folder') {
    facts.push(
      typeof input.fileCount === 'number'
        ? trans._n('folder of %1 file', 'folder of %1 files', input.fileCount)
        : trans.__('folder')
    );
  }
  if (typeof input.size === 'number') {
    facts.push(formatBytes(input.size));
  }
  if (input.table) {
    facts.push(input.table.format.toUpperCase());
    if (typeof input.table.rows === 'number') {
      facts.push(trans._n('%1 row', '%1 rows', input.table.rows));
    }
  }
  facts.push(trans.__('first read at step %1', input.step));
  const columns = input.table?.columns ?? [];
  return (
    <div
      className="jp-Trail-Input"
      data-path={input.path}
      data-kind={input.kind ?? 'file'}
    >
      <div className="jp-Trail-Input-head">
        <code className="jp-Trail-Input-path" title={input.path}>
          {input.path}
        </code>
        {input.role && (
          <span
            className="jp-Trail-Input-role"
            title={trans.__('Declared with trail.dataset')}
          >
            {input.role}
          </span>
        )}
      </div>
      <div className="jp-Trail-Input-facts">
        {facts.join(' · ')}
        {input.sha256 && (
          <>
            {' · '}
            <code title={input.sha256}>{shortHash(input.sha256)}</code>
          </>
        )}
      </div>
      {columns.length > 0 && (
        <ul
          className="jp-Trail-Input-columns"
          aria-label={trans.__('Columns of %1', input.path)}
        >
          {columns.slice(0, SHOWN_COLUMNS).map(column => (
            <li key={column.name}>
              <span className="jp-Trail-Input-column">{column.name}</span>{' '}
              <span className="jp-Trail-Input-type">{column.type}</span>
            </li>
          ))}
          {columns.length > SHOWN_COLUMNS && (
            <li className="jp-Trail-Input-more">
              {trans.__('and %1 more', columns.length - SHOWN_COLUMNS)}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

/**
 * The Fork widget (issue #14 item 2), in the main area: which experiment is
 * forked (its notebook, author, and the step k it runs up to), one row per
 * input of steps 1..k with a path field and "Browse…" for the user's file
 * or folder (an input left empty keeps its recorded path), the folder the
 * fork notebook goes to, and "Create fork notebook".
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { ModelWidget } from '../modelWidget';
import type { ForkModel, IForkRow } from '../../model/fork/forkModel';
import { baseName, formatAbsoluteTime, formatBytes } from '../format';

/**
 * The Fork widget over its model.
 */
export class ForkWidget extends ModelWidget<ForkWidget.IOptions> {
  constructor(options: ForkWidget.IOptions) {
    super(options);
    this.addClass('jp-Trail-Fork');
    this.title.label = options.trans.__('Fork');
    this.title.closable = true;
    options.model.changed.connect(this._retitle, this);
  }

  protected renderView(options: ForkWidget.IOptions): JSX.Element {
    return <ForkView {...options} />;
  }

  private _retitle(): void {
    const path = this._options.model.session?.notebookPath;
    const { trans } = this._options;
    this.title.label = path
      ? trans.__('Fork: %1', baseName(path))
      : trans.__('Fork');
    this.title.caption = path ?? '';
  }
}

/** The namespace for `ForkWidget` statics. */
export namespace ForkWidget {
  export interface IOptions {
    model: ForkModel;
    trans: TranslationBundle;
    /**
     * Pick a file or folder of the workspace for an input; resolves with
     * its path, or null when cancelled. No Browse button without it.
     */
    onBrowse?: (row: IForkRow) => Promise<string | null>;
    /** Write the fork notebook and open it. */
    onCreate: () => void;
  }
}

function ForkView(props: ForkWidget.IOptions): JSX.Element {
  const { model, trans } = props;
  const session = model.session;
  if (model.phase === 'loading') {
    return (
      <div className="jp-Trail-Fork-body">
        <h2 className="jp-Trail-Fork-title">{trans.__('Fork onto my data')}</h2>
        <p className="jp-Trail-Fork-note" role="status">
          {trans.__('Reading the session…')}
        </p>
      </div>
    );
  }
  if (model.phase === 'error' || !session) {
    return (
      <div className="jp-Trail-Fork-body">
        <h2 className="jp-Trail-Fork-title">{trans.__('Fork onto my data')}</h2>
        <div className="jp-Trail-Fork-error" role="alert">
          <p>{model.error ?? trans.__('The session could not be read.')}</p>
          <button
            type="button"
            className="jp-Trail-Button"
            onClick={() => void model.open()}
          >
            {trans.__('Try again')}
          </button>
        </div>
      </div>
    );
  }
  const author = session.author
    ? session.author.displayName || session.author.name
    : null;
  const blocker = model.blocker;
  return (
    <div className="jp-Trail-Fork-body">
      <h2 className="jp-Trail-Fork-title">{trans.__('Fork onto my data')}</h2>
      <p className="jp-Trail-Fork-note">
        {trans.__(
          'The same code runs on your files: map the inputs you want to replace (the others keep their recorded path). The new files are checked against the recorded ones before anything runs.'
        )}
      </p>
      <section className="jp-Trail-Fork-section jp-Trail-Fork-parent">
        <h3>{trans.__('Parent')}</h3>
        <dl className="jp-Trail-Fork-fields">
          <dt>{trans.__('Notebook')}</dt>
          <dd>
            <code title={session.notebookPath ?? ''}>
              {session.notebookPath ?? trans.__('(unknown)')}
            </code>
          </dd>
          {author && (
            <>
              <dt>{trans.__('Recorded by')}</dt>
              <dd>{author}</dd>
            </>
          )}
          <dt>{trans.__('Session')}</dt>
          <dd>
            <code>{session.id}</code>
            {' · '}
            <time dateTime={session.startedAt}>
              {formatAbsoluteTime(session.startedAt)}
            </time>
          </dd>
          <dt>
            <label htmlFor={`jp-Trail-Fork-step-${model.sessionId}`}>
              {trans.__('Up to step')}
            </label>
          </dt>
          <dd>
            <StepPicker model={model} trans={trans} />
          </dd>
        </dl>
      </section>
      <section className="jp-Trail-Fork-section jp-Trail-Fork-inputs">
        <h3>{trans.__('Inputs of steps 1–%1', model.step)}</h3>
        {model.inputsLoading ? (
          <p className="jp-Trail-Fork-note" role="status">
            {trans.__('Reading the inputs…')}
          </p>
        ) : model.error ? (
          <p className="jp-Trail-Fork-error" role="alert">
            {model.error}
          </p>
        ) : model.rows.length === 0 ? (
          <p className="jp-Trail-Fork-note">
            {trans.__(
              'These steps read no data file: there is nothing to map. Replay them instead.'
            )}
          </p>
        ) : (
          <table className="jp-Trail-Fork-table">
            <thead>
              <tr>
                <th>{trans.__('Recorded input')}</th>
                <th>{trans.__('Your file or folder (workspace path)')}</th>
              </tr>
            </thead>
            <tbody>
              {model.rows.map(row => (
                <MappingRow
                  key={row.input.path}
                  row={row}
                  model={model}
                  trans={trans}
                  onBrowse={props.onBrowse}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="jp-Trail-Fork-section jp-Trail-Fork-target">
        <label className="jp-Trail-Fork-folder">
          <span>{trans.__('Write the fork notebook to the folder')}</span>
          <input
            type="text"
            className="jp-Trail-Fork-input"
            value={model.folder}
            placeholder={trans.__('(the workspace root)')}
            onChange={event => {
              model.folder = event.currentTarget.value;
            }}
          />
        </label>
      </section>
      {model.createError && (
        <p className="jp-Trail-Fork-error" role="alert">
          {model.createError}
        </p>
      )}
      <div className="jp-Trail-Fork-actions">
        <button
          type="button"
          className="jp-Trail-Button jp-mod-accept jp-Trail-CreateForkButton"
          disabled={blocker !== null || model.creating}
          title={blocker ?? ''}
          onClick={props.onCreate}
        >
          {model.creating
            ? trans.__('Writing the notebook…')
            : trans.__('Create fork notebook')}
        </button>
        {blocker && !model.inputsLoading && model.rows.length > 0 && (
          <span className="jp-Trail-Fork-note">{blocker}</span>
        )}
      </div>
    </div>
  );
}

function StepPicker(props: {
  model: ForkModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [text, setText] = React.useState(String(model.step));
  React.useEffect(() => setText(String(model.step)), [model.step]);
  const commit = () => {
    const value = Number(text);
    if (Number.isInteger(value) && value >= 1) {
      void model.setStep(value);
    } else {
      setText(String(model.step));
    }
  };
  return (
    <span className="jp-Trail-Fork-step">
      <input
        id={`jp-Trail-Fork-step-${model.sessionId}`}
        type="number"
        min={1}
        max={model.total}
        className="jp-Trail-Fork-input jp-Trail-Fork-stepInput"
        value={text}
        onChange={event => setText(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            commit();
          }
        }}
      />
      <span className="jp-Trail-Fork-note">
        {trans.__('of %1', model.total)}
      </span>
    </span>
  );
}

function MappingRow(props: {
  row: IForkRow;
  model: ForkModel;
  trans: TranslationBundle;
  onBrowse?: (row: IForkRow) => Promise<string | null>;
}): JSX.Element {
  const { row, model, trans } = props;
  const { input } = row;
  const facts = [
    input.role ? trans.__('role %1', input.role) : '',
    input.kind === 'folder' ? trans.__('folder') : '',
    typeof input.size === 'number' ? formatBytes(input.size) : '',
    input.table
      ? trans._n('%1 column', '%1 columns', input.table.columns.length)
      : '',
    trans.__('step %1', input.step)
  ].filter(Boolean);
  const fieldLabel = trans.__('Your file for %1', input.path);
  return (
    <tr
      className="jp-Trail-Fork-row"
      data-recorded={input.path}
      data-mapped={row.path.trim() ? 'true' : 'false'}
    >
      <td>
        <code className="jp-Trail-Fork-recorded" title={input.path}>
          {input.path}
        </code>
        <div className="jp-Trail-Fork-facts">{facts.join(' · ')}</div>
      </td>
      <td>
        <div className="jp-Trail-Fork-pathCell">
          <input
            type="text"
            className="jp-Trail-Fork-input jp-Trail-Fork-path"
            aria-label={fieldLabel}
            placeholder={trans.__('keep the recorded file')}
            value={row.path}
            onChange={event =>
              model.setPath(input.path, event.currentTarget.value)
            }
          />
          {props.onBrowse && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-Fork-browse"
              title={trans.__('Pick a file or folder of your workspace')}
              onClick={() =>
                void props.onBrowse!(row).then(path => {
                  if (path !== null) {
                    model.setPath(input.path, path);
                  }
                })
              }
            >
              {trans.__('Browse…')}
            </button>
          )}
          {row.path.trim() !== '' && (
            <button
              type="button"
              className="jp-Trail-Button jp-Trail-Fork-clear"
              title={trans.__('Keep the recorded file')}
              aria-label={trans.__('Keep the recorded file for %1', input.path)}
              onClick={() => model.setPath(input.path, '')}
            >
              ×
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/**
 * The column picker: the metrics and params the runs have (with how many
 * runs have each), ticked when shown; the choice is remembered in the
 * settings by the model's owner.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { LeaderboardModel, RunNameCount } from '../../model/runs';

/**
 * A button that opens the picker below it.
 */
export function ColumnPicker(props: {
  model: LeaderboardModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [open, setOpen] = React.useState(false);
  const [query, setQuery] = React.useState('');
  const boxRef = React.useRef<HTMLDivElement>(null);

  // A click elsewhere or Escape closes it.
  React.useEffect(() => {
    if (!open) {
      return;
    }
    const onDown = (event: MouseEvent) => {
      if (!boxRef.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const shown = new Set(model.columns);
  const names = model.names;
  const needle = query.trim().toLowerCase();
  const section = (
    title: string,
    group: 'metrics' | 'params',
    list: RunNameCount[]
  ) => {
    const matching = list.filter(
      entry => !needle || entry.name.toLowerCase().includes(needle)
    );
    return (
      <fieldset className="jp-Trail-ColumnPicker-group">
        <legend>{title}</legend>
        {matching.length === 0 && (
          <p className="jp-Trail-ColumnPicker-none">{trans.__('None')}</p>
        )}
        {matching.map(entry => {
          const id = `${group}.${entry.name}`;
          return (
            <label key={id} className="jp-Trail-ColumnPicker-item">
              <input
                type="checkbox"
                checked={shown.has(id)}
                onChange={() => model.toggleColumn(id)}
              />
              <span className="jp-Trail-ColumnPicker-name">{entry.name}</span>
              <span
                className="jp-Trail-ColumnPicker-count"
                title={trans._n(
                  'logged in %1 run',
                  'logged in %1 runs',
                  entry.count
                )}
              >
                {entry.count}
              </span>
            </label>
          );
        })}
      </fieldset>
    );
  };

  return (
    <div className="jp-Trail-ColumnPicker" ref={boxRef}>
      <button
        type="button"
        className="jp-Trail-Button jp-Trail-ColumnPicker-toggle"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
      >
        {trans.__('Columns…')}
      </button>
      {open && (
        <div
          className="jp-Trail-ColumnPicker-popup"
          role="dialog"
          aria-label={trans.__('Columns')}
          onKeyDown={event => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <input
            type="search"
            className="jp-mod-styled jp-Trail-ColumnPicker-search"
            placeholder={trans.__('Find a param or metric')}
            aria-label={trans.__('Find a param or metric')}
            value={query}
            autoFocus
            onChange={event => setQuery(event.target.value)}
          />
          {names === null ? (
            <p className="jp-Trail-ColumnPicker-none">{trans.__('Loading…')}</p>
          ) : (
            <div className="jp-Trail-ColumnPicker-lists">
              {section(trans.__('Metrics'), 'metrics', names.metrics)}
              {section(trans.__('Params'), 'params', names.params)}
            </div>
          )}
          <div className="jp-Trail-ColumnPicker-footer">
            <span>
              {model.pickedColumns.length === 0
                ? trans.__('Chosen automatically (the most logged)')
                : trans._n(
                    '%1 column picked',
                    '%1 columns picked',
                    model.pickedColumns.length
                  )}
            </span>
            <button
              type="button"
              className="jp-Trail-Button"
              disabled={model.pickedColumns.length === 0}
              onClick={() => model.setColumns([])}
            >
              {trans.__('Automatic')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

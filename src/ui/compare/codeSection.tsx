/**
 * Code differences per cell (#16 item 3): each code cell of the runs'
 * notebooks at their last steps, matched by cell id then by position
 * (../../model/compare/rules), shown against the base run's with the
 * merge view of ../codeDiff, mounted only when a cell is opened.
 */
import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import type { ICellRow } from '../../model/compare';
import { CodeDiffWidget } from '../codeDiff';
import { codeSnippet } from '../format';
import { runLabel } from './labels';
import type { ISectionProps } from './sections';

/** The cells opened at first: the first few that differ. */
const OPEN_AT_FIRST = 3;

/** Hosts a CodeDiffWidget (a Lumino widget) in React. */
function CodeDiff(props: {
  before: string;
  after: string;
  languages: IEditorLanguageRegistry | null;
}): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const widget = React.useRef<CodeDiffWidget | null>(null);
  React.useEffect(() => {
    const diff = new CodeDiffWidget({ languages: props.languages });
    widget.current = diff;
    Widget.attach(diff, host.current!);
    return () => {
      widget.current = null;
      diff.dispose();
    };
  }, [props.languages]);
  React.useEffect(() => {
    void widget.current?.showDiff(props.before, props.after);
  }, [props.before, props.after, props.languages]);
  return <div className="jp-Trail-Compare-diff" ref={host} />;
}

function CellDiffs(props: {
  row: ICellRow;
  index: number;
  base: number;
  open: boolean;
  onToggle: (open: boolean) => void;
  section: ISectionProps;
  languages: IEditorLanguageRegistry | null;
}): JSX.Element {
  const { row, index, base, section, languages } = props;
  const { model, trans } = section;
  const open = props.open;
  const differing = model.runs.flatMap((run, i) =>
    row.differs[i] ? [runLabel(run, i)] : []
  );
  const first = row.code.find(code => code !== undefined) ?? '';
  return (
    <details
      className={`jp-Trail-Compare-cell${row.anyDiffers ? ' jp-mod-differs' : ''}`}
      open={open}
      onToggle={event =>
        props.onToggle((event.target as HTMLDetailsElement).open)
      }
    >
      <summary>
        <span className="jp-Trail-Compare-cellName">
          {trans.__('Cell %1', index + 1)}
        </span>{' '}
        <code className="jp-Trail-Compare-cellSnippet">
          {codeSnippet(first, 1)}
        </code>{' '}
        <span className="jp-Trail-Compare-cellVerdict">
          {row.anyDiffers
            ? trans.__('differs in %1', differing.join(', '))
            : trans.__('same in every run')}
        </span>
      </summary>
      {open &&
        model.runs.map((run, i) => {
          if (!row.differs[i]) {
            return null;
          }
          const before = row.code[base];
          const after = row.code[i];
          return (
            <div key={run.id} className="jp-Trail-Compare-cellRun">
              <h4>
                {runLabel(model.runs[base], base)} → {runLabel(run, i)}
                {before === undefined && (
                  <span className="jp-Trail-Hint">
                    {' '}
                    {trans.__(
                      '(not in %1’s notebook)',
                      runLabel(model.runs[base], base)
                    )}
                  </span>
                )}
                {after === undefined && (
                  <span className="jp-Trail-Hint">
                    {' '}
                    {trans.__('(not in %1’s notebook)', runLabel(run, i))}
                  </span>
                )}
              </h4>
              <CodeDiff
                before={before ?? ''}
                after={after ?? ''}
                languages={languages}
              />
            </div>
          );
        })}
    </details>
  );
}

/** Code: each code cell, the ones that differ first opened. */
export function CodeSection(
  props: ISectionProps & { languages: IEditorLanguageRegistry | null }
): JSX.Element {
  const { model, trans, onlyDifferences, languages } = props;
  const all = model.cells;
  const base = model.baseIndex;
  const differing = all.filter(row => row.anyDiffers);
  const shown = onlyDifferences ? differing : all;
  const unread = model.runs.filter(run => run.run && !run.notebook).length;
  // Opened or closed by the user, by row; else the first that differ are
  // open (decided again as runs arrive, until the user chooses).
  const [toggled, setToggled] = React.useState<Record<string, boolean>>({});
  let opened = 0;
  return (
    <section className="jp-Trail-Compare-section jp-Trail-Compare-code">
      <h3 className="jp-Trail-Compare-sectionTitle">
        {trans.__('Code')}
        <span className="jp-Trail-Compare-count">
          {trans.__('%1 of %2 cells differ', differing.length, all.length)}
        </span>
      </h3>
      {unread > 0 && (
        <p className="jp-Trail-Hint">
          {trans.__('The notebook of %1 run(s) could not be read.', unread)}
        </p>
      )}
      {all.length === 0 ? (
        <p className="jp-Trail-Hint">{trans.__('No code to compare.')}</p>
      ) : shown.length === 0 ? (
        <p className="jp-Trail-Hint">
          {trans.__('Every cell’s code is the same.')}
        </p>
      ) : (
        shown.map(row => (
          <CellDiffs
            key={row.key}
            row={row}
            index={all.indexOf(row)}
            base={base}
            open={
              toggled[row.key] ?? (row.anyDiffers && opened++ < OPEN_AT_FIRST)
            }
            onToggle={open =>
              setToggled(current =>
                current[row.key] === open
                  ? current
                  : { ...current, [row.key]: open }
              )
            }
            section={props}
            languages={languages}
          />
        ))
      )}
    </section>
  );
}

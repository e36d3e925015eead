/**
 * The leaderboard's filter: a text box that completes fields, param and
 * metric names (the filter rules' completion), applies on Enter and shows
 * a filter that does not parse under it with the position marked.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IFilterProblem } from '../../model/runs';

/** What completion offers at the caret: replace `from..to` with a label. */
export interface IFilterCompletion {
  from: number;
  to: number;
  options: { label: string; detail?: string }[];
}

/** Completes a filter at an offset (the filter rules' `filterCompletions`). */
export type FilterCompleter = (
  text: string,
  offset: number
) => IFilterCompletion | null;

/** The most options listed at once. */
const MAX_OPTIONS = 50;

/**
 * The filter box.
 */
export function FilterBox(props: {
  /** The filter applied. */
  value: string;
  problem: IFilterProblem | null;
  complete: FilterCompleter | null;
  onApply: (text: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans, problem } = props;
  const [text, setText] = React.useState(props.value);
  const [caret, setCaret] = React.useState(props.value.length);
  const [open, setOpen] = React.useState(false);
  const [active, setActive] = React.useState(-1);
  // The text a problem is about: the one last applied.
  const [submitted, setSubmitted] = React.useState(props.value);
  const inputRef = React.useRef<HTMLInputElement>(null);
  const listId = React.useId();

  // A filter applied from elsewhere (a permalink) shows in the box. Done
  // while rendering, on a change only: an effect would also run after
  // mounting, late enough to wipe what was typed meanwhile.
  const [shown, setShown] = React.useState(props.value);
  if (shown !== props.value) {
    setShown(props.value);
    setText(props.value);
  }

  const completion = React.useMemo(() => {
    if (!open || !props.complete) {
      return null;
    }
    try {
      const found = props.complete(text, caret);
      return found && found.options.length > 0
        ? { ...found, options: found.options.slice(0, MAX_OPTIONS) }
        : null;
    } catch {
      return null;
    }
  }, [open, text, caret, props.complete]);

  const accept = (label: string) => {
    if (!completion) {
      return;
    }
    const next =
      text.slice(0, completion.from) + label + text.slice(completion.to);
    const at = completion.from + label.length;
    setText(next);
    setCaret(at);
    setActive(-1);
    requestAnimationFrame(() => {
      inputRef.current?.setSelectionRange(at, at);
    });
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    const options = completion?.options ?? [];
    if (event.key === 'ArrowDown' && options.length > 0) {
      event.preventDefault();
      setActive(current => (current + 1) % options.length);
    } else if (event.key === 'ArrowUp' && options.length > 0) {
      event.preventDefault();
      setActive(current => (current <= 0 ? options.length - 1 : current - 1));
    } else if (event.key === 'Tab' && options.length > 0 && !event.shiftKey) {
      event.preventDefault();
      accept(options[Math.max(active, 0)].label);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active >= 0 && active < options.length) {
        accept(options[active].label);
      } else {
        setOpen(false);
        setSubmitted(text);
        props.onApply(text);
      }
    } else if (event.key === 'Escape' && completion) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  };

  const track = (input: HTMLInputElement) => {
    setCaret(input.selectionStart ?? input.value.length);
  };

  return (
    <div className="jp-Trail-FilterBox">
      <input
        ref={inputRef}
        type="text"
        className="jp-Trail-FilterBox-input jp-mod-styled"
        value={text}
        spellCheck={false}
        placeholder={trans.__(
          'Filter: metrics.accuracy > 0.9 and params.model = "rf"'
        )}
        aria-label={trans.__('Filter runs')}
        aria-invalid={problem !== null}
        aria-autocomplete="list"
        aria-expanded={completion !== null}
        aria-controls={listId}
        aria-activedescendant={
          completion && active >= 0 ? `${listId}-${active}` : undefined
        }
        onChange={event => {
          setText(event.target.value);
          track(event.target);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={event => track(event.currentTarget)}
        onClick={event => track(event.currentTarget)}
        onFocus={event => {
          track(event.currentTarget);
          setOpen(true);
        }}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
        }}
      />
      {completion && (
        <ul
          id={listId}
          className="jp-Trail-FilterBox-completions"
          role="listbox"
          aria-label={trans.__('Completions')}
        >
          {completion.options.map((option, i) => (
            <li
              key={`${option.label} ${i}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'jp-mod-active' : undefined}
              // Before the input's blur closes the list.
              onMouseDown={event => {
                event.preventDefault();
                accept(option.label);
              }}
            >
              <span className="jp-Trail-FilterBox-label">{option.label}</span>
              {option.detail && (
                <span className="jp-Trail-FilterBox-detail">
                  {option.detail}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <FilterProblem text={submitted} problem={problem} trans={trans} />
      )}
    </div>
  );
}

/**
 * Why a filter was refused, with the filter shown and the place marked.
 */
function FilterProblem(props: {
  text: string;
  problem: IFilterProblem;
  trans: TranslationBundle;
}): JSX.Element {
  const { text, problem } = props;
  const at = problem.position;
  return (
    <div className="jp-Trail-FilterBox-problem" role="alert">
      {at !== null && at <= text.length && (
        <code className="jp-Trail-FilterBox-echo">
          {text.slice(0, at)}
          <mark className="jp-Trail-FilterBox-mark">
            {at < text.length ? text[at] : ' '}
          </mark>
          {text.slice(at + 1)}
        </code>
      )}
      <span className="jp-Trail-FilterBox-message">{problem.message}</span>
    </div>
  );
}

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  ReactWidget,
  searchIcon,
  UseSignal,
  wordIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';
import { searchLevel } from '../model';
import type { ITrailView } from '../tokens';
import type { ISearchQuery, SearchHit, TrailBrowserModel } from '../model';
import {
  baseName,
  executionPrompt,
  formatAbsoluteTime,
  formatRelativeTime
} from './format';
import { PagedList } from './pagedList';
import { useClockTick } from './relativeTime';
import { EmptyState, NotConfiguredState } from './states';
import { StatusBadge } from './statusBadge';

/**
 * The search area: code and output text across the team's history,
 * narrowed by person, notebook and dates; a result opens its step.
 */
export class SearchView extends ReactWidget {
  constructor(options: SearchView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-View');
    this.addClass('jp-Trail-SearchView');
  }

  /**
   * Put the focus in the search box.
   */
  focusInput(): void {
    this.node.querySelector<HTMLInputElement>('.jp-Trail-SearchInput')?.focus();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => <Search {...this._options} />}
      </UseSignal>
    );
  }

  private _options: SearchView.IOptions;
}

/**
 * The namespace for `SearchView` statics.
 */
export namespace SearchView {
  export interface IOptions {
    model: TrailBrowserModel;
    trans: TranslationBundle;
  }
}

/** The start of a local day (`yyyy-mm-dd`) as an ISO time, or undefined. */
export function dayStart(day: string, offsetDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) {
    return undefined;
  }
  const date = new Date(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]) + offsetDays
  );
  return isNaN(date.getTime()) ? undefined : date.toISOString();
}

function Search(props: SearchView.IOptions): JSX.Element {
  const { model, trans } = props;
  useClockTick(model.clock, model.view === 'search');
  const search = model.search;
  const people = model.people;
  const [text, setText] = React.useState(search?.query?.q ?? '');
  const [author, setAuthor] = React.useState(search?.query?.author ?? '');
  const [notebook, setNotebook] = React.useState(search?.query?.notebook ?? '');
  const [byWords, setByWords] = React.useState(
    search?.query?.match === 'words'
  );
  const [from, setFrom] = React.useState('');
  const [to, setTo] = React.useState('');
  const shown = model.area === 'search';
  React.useEffect(() => {
    // The person filter lists the team, once search is opened.
    if (shown && people && !people.loaded && !people.loading) {
      void people.refresh();
    }
  }, [people, shown]);
  if (!search) {
    return (
      <NotConfiguredState reason={model.configurationError} trans={trans} />
    );
  }
  const run = (words: boolean) => {
    const query: ISearchQuery = { q: text };
    if (words) {
      query.match = 'words';
    }
    if (author) {
      query.author = author;
    }
    if (notebook.trim()) {
      query.notebook = notebook.trim();
    }
    const fromIso = dayStart(from);
    const toIso = dayStart(to, 1);
    if (fromIso) {
      query.from = fromIso;
    }
    if (toIso) {
      query.to = toIso;
    }
    void search.search(query);
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    run(byWords);
  };
  const toggleWords = () => {
    setByWords(!byWords);
    // Results on show follow the toggle at once, as in a find bar.
    if (search.query !== null && text.trim()) {
      run(!byWords);
    }
  };
  return (
    <>
      <form
        className="jp-Trail-SearchForm"
        role="search"
        aria-label={trans.__('Search the team’s history')}
        onSubmit={submit}
      >
        <div className="jp-Trail-SearchForm-row">
          <input
            type="search"
            className="jp-Trail-SearchInput jp-mod-styled"
            placeholder={trans.__('Code or output text, "exact phrase"')}
            aria-label={trans.__('Search text')}
            value={text}
            onChange={event => setText(event.target.value)}
          />
          <button
            type="button"
            className={`jp-Trail-Button jp-Trail-SearchToggle${byWords ? ' jp-mod-active' : ''}`}
            aria-pressed={byWords}
            aria-label={trans.__('Match word forms')}
            title={
              byWords
                ? trans.__(
                    'Matching word forms: train finds training and trained. Click to match any piece of the text.'
                  )
                : trans.__(
                    'Match word forms: train would find training and trained, not retrained.'
                  )
            }
            onClick={toggleWords}
          >
            <wordIcon.react tag="span" />
          </button>
          <button
            type="submit"
            className="jp-Trail-Button jp-Trail-SearchButton"
            aria-label={trans.__('Search')}
            title={trans.__('Search')}
            disabled={!text.trim()}
          >
            <searchIcon.react tag="span" />
          </button>
        </div>
        <div className="jp-Trail-SearchForm-filters">
          <label>
            <span>{trans.__('Person')}</span>
            <select
              className="jp-mod-styled"
              value={author}
              onChange={event => setAuthor(event.target.value)}
            >
              <option value="">{trans.__('Anyone')}</option>
              {(people?.items ?? []).map(person => (
                <option key={person.id} value={person.id}>
                  {person.displayName || person.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{trans.__('Notebook')}</span>
            <input
              type="text"
              className="jp-mod-styled"
              placeholder={trans.__('path/to/notebook.ipynb')}
              value={notebook}
              onChange={event => setNotebook(event.target.value)}
            />
          </label>
          <label>
            <span>{trans.__('From')}</span>
            <input
              type="date"
              className="jp-mod-styled"
              value={from}
              onChange={event => setFrom(event.target.value)}
            />
          </label>
          <label>
            <span>{trans.__('To')}</span>
            <input
              type="date"
              className="jp-mod-styled"
              value={to}
              onChange={event => setTo(event.target.value)}
            />
          </label>
        </div>
      </form>
      {search.query === null ? (
        <EmptyState
          message={trans.__(
            'Search the code and outputs of every execution you can see: yours and your team’s.'
          )}
        />
      ) : (
        <>
          {search.truncated && search.loaded && (
            <p className="jp-Trail-SearchNote" role="note">
              {trans.__(
                'Only part of the history was searched: narrow by person, notebook or dates for complete results.'
              )}
            </p>
          )}
          <PagedList
            source={search}
            className="jp-Trail-SearchResults"
            label={trans.__('Search results')}
            emptyMessage={
              search.query.match === 'words'
                ? trans.__(
                    'No words of “%1” in any form. Turn off word forms to look for any piece of the text.',
                    search.query.q
                  )
                : trans.__('Nothing matches “%1”.', search.query.q)
            }
            keyOf={hit => hit.execution.id}
            estimateSize={84}
            renderItem={hit => (
              <SearchHitItem
                hit={hit}
                onOpen={() => void model.openExecution(hit.execution.id)}
                trans={trans}
              />
            )}
            trans={trans}
          />
        </>
      )}
    </>
  );
}

/**
 * The parts of a snippet, matched ones marked: text nodes only, so nothing
 * in a teammate's code or output is ever parsed as markup.
 */
export function highlightSnippet(
  text: string,
  matches: readonly (readonly number[])[]
): React.ReactNode[] {
  const ranges = matches
    .map(([start, end]) => [
      Math.max(0, Math.min(start, text.length)),
      Math.max(0, Math.min(end, text.length))
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) {
      continue;
    }
    const from = Math.max(start, at);
    if (from > at) {
      parts.push(text.slice(at, from));
    }
    parts.push(
      <mark key={from} className="jp-Trail-Match">
        {text.slice(from, end)}
      </mark>
    );
    at = end;
  }
  if (at < text.length) {
    parts.push(text.slice(at));
  }
  return parts;
}

function SearchHitItem(props: {
  hit: SearchHit;
  onOpen: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { hit, trans } = props;
  const execution = hit.execution;
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-SearchHit"
      data-execution-id={execution.id}
      onClick={props.onOpen}
    >
      <span className="jp-Trail-Item-heading">
        <span className="jp-Trail-Item-title" title={execution.notebookPath}>
          {baseName(execution.notebookPath)}
        </span>
        <span className="jp-Trail-Prompt">
          {executionPrompt(execution.executionCount)}
        </span>
      </span>
      <span className="jp-Trail-Item-meta">
        <span className="jp-Trail-Author" title={hit.author.name}>
          {hit.author.displayName || hit.author.name}
        </span>
        <StatusBadge
          status={execution.status}
          error={execution.error}
          trans={trans}
        />
        <time
          className="jp-Trail-Time"
          dateTime={execution.startedAt}
          title={formatAbsoluteTime(execution.startedAt)}
        >
          {formatRelativeTime(execution.startedAt)}
        </time>
        <span className="jp-Trail-SearchHit-field">
          {hit.snippet.field === 'code'
            ? trans.__('in code')
            : trans.__('in output')}
        </span>
      </span>
      <code
        className={`jp-Trail-CodeSnippet jp-Trail-Snippet jp-mod-${hit.snippet.field}`}
      >
        {highlightSnippet(hit.snippet.text, hit.snippet.matches)}
      </code>
    </button>
  );
}

/**
 * The search area's one level: a query and its results.
 */
export const searchView: ITrailView = {
  level: searchLevel,
  label: (_, { trans }) => ({ label: trans.__('Search') }),
  createPanelView: ({ model, trans }) => new SearchView({ model, trans })
};

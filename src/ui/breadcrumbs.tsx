import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretLeftIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';
import type { TrailBrowserModel, TrailLevel } from '../model';
import {
  baseName,
  executionPrompt,
  formatAbsoluteTime,
  formatShortDateTime
} from './format';

/**
 * Where the panel is (Sessions › notebook › [3]) with a Back button; each
 * level above the current one is a button leading back to it.
 */
export class TrailBreadcrumbs extends ReactWidget {
  /**
   * Create the breadcrumbs over the panel model.
   */
  constructor(options: { model: TrailBrowserModel; trans: TranslationBundle }) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this.addClass('jp-Trail-Breadcrumbs');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => <Crumbs model={this._model} trans={this._trans} />}
      </UseSignal>
    );
  }

  private _model: TrailBrowserModel;
  private _trans: TranslationBundle;
}

function Crumbs(props: {
  model: TrailBrowserModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const levels = model.levels;
  const crumbs = levels.map((level, index) => {
    const { label, title } = crumbLabel(
      model,
      level,
      levels[index - 1] ?? null,
      trans
    );
    return {
      label,
      title,
      go: index < levels.length - 1 ? () => model.goTo(index) : undefined
    };
  });
  if (crumbs.length === 0) {
    crumbs.push({
      label: trans.__('Sessions'),
      title: undefined,
      go: undefined
    });
  }
  return (
    <nav className="jp-Trail-Breadcrumbs-nav" aria-label={trans.__('Trail')}>
      <button
        type="button"
        className="jp-Trail-Button jp-Trail-BackButton"
        aria-label={trans.__('Back')}
        title={trans.__('Back')}
        disabled={levels.length <= 1}
        onClick={() => model.back()}
      >
        <caretLeftIcon.react tag="span" />
      </button>
      <ol className="jp-Trail-Breadcrumbs-list">
        {crumbs.map((crumb, index) => (
          <li key={index} className="jp-Trail-Breadcrumb">
            {crumb.go ? (
              <button
                type="button"
                className="jp-Trail-Breadcrumb-link"
                title={crumb.title}
                onClick={crumb.go}
              >
                {crumb.label}
              </button>
            ) : (
              <span
                className="jp-Trail-Breadcrumb-current"
                title={crumb.title}
                aria-current="location"
              >
                {crumb.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * What a level is called in the breadcrumbs (`parent` is the level before
 * it, if any).
 */
function crumbLabel(
  model: TrailBrowserModel,
  level: TrailLevel,
  parent: TrailLevel | null,
  trans: TranslationBundle
): { label: string; title?: string } {
  switch (level.view) {
    case 'sessions':
      return { label: trans.__('Sessions') };
    case 'people':
      return { label: trans.__('Team') };
    case 'search':
      return { label: trans.__('Search') };
    case 'notebooks': {
      const person = level.place.person;
      return {
        label: person.displayName || person.name,
        title: `@${person.name}`
      };
    }
    case 'notebookSessions':
      return {
        label: baseName(level.place.notebookPath),
        title: level.place.notebookPath
      };
    case 'timeline': {
      const session =
        level.model.session ??
        (model.selectedSessionId === level.place.sessionId
          ? model.selectedSession
          : null);
      const path =
        session?.notebookPath ?? level.model.items[0]?.notebookPath ?? null;
      if (parent?.view === 'notebookSessions' || path === null) {
        // The notebook is the crumb before: this one names the session.
        return session
          ? {
              label: formatShortDateTime(session.startedAt),
              title: trans.__(
                'Session started %1',
                formatAbsoluteTime(session.startedAt)
              )
            }
          : { label: trans.__('Session') };
      }
      return { label: baseName(path), title: path };
    }
    case 'execution': {
      const record = level.model.record;
      return { label: record ? executionPrompt(record.executionCount) : '…' };
    }
    case 'cellHistory':
      return {
        label: trans.__('Cell history'),
        title: trans.__('cell %1', level.place.cellId)
      };
  }
}

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretLeftIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';
import type { TrailBrowserModel } from '../model';
import { baseName, executionPrompt } from './format';

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
  const view = model.view;
  const crumbs: { label: string; title?: string; go?: () => void }[] = [
    {
      label: trans.__('Sessions'),
      go: view !== 'sessions' ? () => model.showSessions() : undefined
    }
  ];
  if (view !== 'sessions') {
    const path =
      model.selectedSession?.notebookPath ??
      model.timeline?.items[0]?.notebookPath ??
      model.detail?.record?.notebookPath ??
      null;
    crumbs.push({
      label: path !== null ? baseName(path) : trans.__('Session'),
      title: path ?? undefined,
      go: view === 'execution' ? () => model.back() : undefined
    });
  }
  if (view === 'execution') {
    const record = model.detail?.record;
    crumbs.push({
      label: record ? executionPrompt(record.executionCount) : '…'
    });
  }
  return (
    <nav className="jp-Trail-Breadcrumbs-nav" aria-label={trans.__('Trail')}>
      <button
        type="button"
        className="jp-Trail-Button jp-Trail-BackButton"
        aria-label={trans.__('Back')}
        title={trans.__('Back')}
        disabled={view === 'sessions'}
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

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretLeftIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';
import type { TrailBrowserModel } from '../model';
import type { IViewRegistry } from '../tokens';

/**
 * Where the panel is (Sessions › notebook › [3]) with a Back button; each
 * level above the current one is a button leading back to it.
 */
export class TrailBreadcrumbs extends ReactWidget {
  /**
   * Create the breadcrumbs over the panel model.
   */
  constructor(options: {
    model: TrailBrowserModel;
    views: IViewRegistry;
    trans: TranslationBundle;
  }) {
    super();
    this._model = options.model;
    this._views = options.views;
    this._trans = options.trans;
    this.addClass('jp-Trail-Breadcrumbs');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <Crumbs model={this._model} views={this._views} trans={this._trans} />
        )}
      </UseSignal>
    );
  }

  private _model: TrailBrowserModel;
  private _trans: TranslationBundle;
  private _views: IViewRegistry;
}

function Crumbs(props: {
  model: TrailBrowserModel;
  views: IViewRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const levels = model.levels;
  const crumbs = levels.map((level, index) => {
    // Each view names its own levels.
    const view = props.views.get(level.view);
    const { label, title } = view?.label(level, {
      model,
      parent: levels[index - 1] ?? null,
      trans
    }) ?? { label: level.view };
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

import type { TranslationBundle } from '@jupyterlab/translation';
import {
  ReactWidget,
  searchIcon,
  UseSignal,
  userIcon,
  usersIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';
import type { TrailArea, TrailBrowserModel } from '../model';

/**
 * The panel's top-level switch: my sessions, the team, search. A tab list:
 * arrow keys move between the tabs, as in every JupyterLab tab bar. In a
 * narrow sidebar the other tabs show only their icon (style/team.css).
 */
export class TrailAreaSwitch extends ReactWidget {
  constructor(options: { model: TrailBrowserModel; trans: TranslationBundle }) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this.addClass('jp-Trail-AreaSwitch');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => <Tabs model={this._model} trans={this._trans} />}
      </UseSignal>
    );
  }

  private _model: TrailBrowserModel;
  private _trans: TranslationBundle;
}

function Tabs(props: {
  model: TrailBrowserModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const tabs: { area: TrailArea; label: string; icon: typeof userIcon }[] = [
    { area: 'mine', label: trans.__('My sessions'), icon: userIcon },
    { area: 'team', label: trans.__('Team'), icon: usersIcon },
    { area: 'search', label: trans.__('Search'), icon: searchIcon }
  ];
  const refs = React.useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1
    };
    const next = moves[event.key];
    if (next === undefined) {
      return;
    }
    event.preventDefault();
    const target = (next + tabs.length) % tabs.length;
    model.area = tabs[target].area;
    refs.current[target]?.focus();
  };
  return (
    <div
      className="jp-Trail-AreaSwitch-tabs"
      role="tablist"
      aria-label={trans.__('Trail areas')}
    >
      {tabs.map((tab, index) => {
        const current = model.area === tab.area;
        // Someone else's work shown from "my sessions" is not my sessions.
        const selected =
          current && !(tab.area === 'mine' && model.showsOthersWork);
        return (
          <button
            key={tab.area}
            ref={node => (refs.current[index] = node)}
            type="button"
            role="tab"
            id={`jp-Trail-tab-${tab.area}`}
            className="jp-Trail-AreaTab"
            data-area={tab.area}
            data-current={current}
            aria-selected={selected}
            aria-label={tab.label}
            title={tab.label}
            tabIndex={current ? 0 : -1}
            onClick={() => (model.area = tab.area)}
            onKeyDown={event => onKeyDown(event, index)}
          >
            <tab.icon.react tag="span" className="jp-Trail-AreaTab-icon" />
            <span className="jp-Trail-AreaTab-label">{tab.label}</span>
          </button>
        );
      })}
    </div>
  );
}

import type { TranslationBundle } from '@jupyterlab/translation';
import { lockIcon, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { notebookSessionsLevel, notebooksLevel, peopleLevel } from '../model';
import type {
  NotebookSessionsPlace,
  NotebooksPlace,
  TrailLevel
} from '../model';
import type { ITrailView } from '../tokens';
import type {
  NotebookSummary,
  Person,
  TeamMember,
  TrailBrowserModel,
  TrailView
} from '../model';
import { baseName, formatAbsoluteTime, formatRelativeTime } from './format';
import { PagedList } from './pagedList';
import { useClockTick } from './relativeTime';
import { SessionItem } from './sessionList';
import { NotConfiguredState } from './states';
import { PrivateMark, VisibilityControl } from './visibility';

/**
 * Options of the team views.
 */
export interface ITeamViewOptions {
  model: TrailBrowserModel;
  trans: TranslationBundle;
}

/**
 * A React view that renders again on every change of the panel model.
 */
abstract class ModelView extends ReactWidget {
  constructor(
    protected readonly options: ITeamViewOptions,
    className: string,
    private readonly _view: TrailView
  ) {
    super();
    this.addClass('jp-Trail-View');
    this.addClass(className);
  }

  protected render(): JSX.Element {
    const { model } = this.options;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <Ticking model={model} view={this._view}>
            {() => this.renderView()}
          </Ticking>
        )}
      </UseSignal>
    );
  }

  protected abstract renderView(): JSX.Element | null;
}

/** Redraws a view on the panel clock's ticks while it is shown (relative times). */
function Ticking(props: {
  model: TrailBrowserModel;
  view: TrailView;
  children: () => JSX.Element | null;
}): JSX.Element | null {
  useClockTick(props.model.clock, props.model.view === props.view);
  return props.children();
}

/**
 * The team area's first level: the people of the team, the most recently
 * active first.
 */
export class PeopleView extends ModelView {
  constructor(options: ITeamViewOptions) {
    super(options, 'jp-Trail-PeopleView', 'people');
  }

  protected renderView(): JSX.Element | null {
    const { model, trans } = this.options;
    const people = model.people;
    if (!people) {
      return (
        <NotConfiguredState reason={model.configurationError} trans={trans} />
      );
    }
    return (
      <PagedList
        source={people}
        className="jp-Trail-PeopleList"
        label={trans.__('People')}
        emptyMessage={trans.__(
          'Nobody has recorded anything on this Trail server yet.'
        )}
        estimateSize={48}
        renderItem={person => (
          <PersonItem
            person={person}
            isMe={model.me?.id === person.id}
            onOpen={() => void model.openPerson(person)}
            trans={trans}
          />
        )}
        trans={trans}
      />
    );
  }
}

function initials(person: Person): string {
  const words = (person.displayName || person.name)
    .split(/\s+/)
    .filter(Boolean);
  return words
    .slice(0, 2)
    .map(word => word[0].toUpperCase())
    .join('');
}

function PersonItem(props: {
  person: TeamMember;
  isMe: boolean;
  onOpen: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { person, trans } = props;
  const name = person.displayName || person.name;
  return (
    <button
      type="button"
      className="jp-Trail-Item jp-Trail-PersonItem"
      data-user-id={person.id}
      onClick={props.onOpen}
    >
      <span className="jp-Trail-Avatar" aria-hidden>
        {initials(person)}
      </span>
      <span className="jp-Trail-PersonItem-text">
        <span className="jp-Trail-Item-title">
          {props.isMe ? trans.__('%1 (you)', name) : name}
        </span>
        <span className="jp-Trail-Item-meta">
          <span>@{person.name}</span>
          <span>
            {trans._n('%1 session', '%1 sessions', person.sessionCount ?? 0)}
          </span>
          {person.lastActiveAt ? (
            <time
              className="jp-Trail-Time"
              dateTime={person.lastActiveAt}
              title={formatAbsoluteTime(person.lastActiveAt)}
            >
              {trans.__('active %1', formatRelativeTime(person.lastActiveAt))}
            </time>
          ) : (
            <span>{trans.__('nothing recorded yet')}</span>
          )}
        </span>
      </span>
    </button>
  );
}

/**
 * The team area's second level: one person's notebooks. On my own, each
 * notebook has its visibility control.
 */
export class NotebooksView extends ModelView {
  constructor(options: ITeamViewOptions) {
    super(options, 'jp-Trail-NotebooksView', 'notebooks');
  }

  protected renderView(): JSX.Element | null {
    const { model, trans } = this.options;
    const notebooks = model.notebooks;
    const level = model.levels.find(l => l.view === 'notebooks') as
      TrailLevel<NotebooksPlace> | undefined;
    if (!notebooks || !level) {
      return null;
    }
    const person = level.place.person;
    const mine = model.me?.id === person.id;
    return (
      <>
        <div className="jp-Trail-ViewHeader">
          <h2 className="jp-Trail-ViewHeader-title">
            {trans.__('Notebooks of %1', person.displayName || person.name)}
          </h2>
          {mine && (
            <p className="jp-Trail-ViewHeader-meta">
              {trans.__(
                'Your team sees your sessions unless you make a notebook or a session private.'
              )}
            </p>
          )}
        </div>
        <PagedList
          source={notebooks}
          className="jp-Trail-NotebookList"
          label={trans.__('Notebooks')}
          emptyMessage={trans.__('No notebook of theirs you can see.')}
          keyOf={notebook => notebook.notebookPath}
          estimateSize={56}
          renderItem={notebook => (
            <NotebookItem
              notebook={notebook}
              mine={mine}
              onOpen={() =>
                void model.openNotebook(person, notebook.notebookPath)
              }
              onVisibility={value =>
                model.setNotebookVisibility(notebook.notebookPath, value)
              }
              trans={trans}
            />
          )}
          trans={trans}
        />
      </>
    );
  }
}

function NotebookItem(props: {
  notebook: NotebookSummary;
  mine: boolean;
  onOpen: () => void;
  onVisibility: (value: 'team' | 'private') => Promise<unknown>;
  trans: TranslationBundle;
}): JSX.Element {
  const { notebook, trans } = props;
  return (
    <div className="jp-Trail-Row">
      <button
        type="button"
        className="jp-Trail-Item jp-Trail-NotebookItem"
        data-notebook-path={notebook.notebookPath}
        onClick={props.onOpen}
      >
        <span className="jp-Trail-Item-heading">
          <span className="jp-Trail-Item-title" title={notebook.notebookPath}>
            {baseName(notebook.notebookPath)}
          </span>
          <PrivateMark visibility={notebook.visibility} trans={trans} />
        </span>
        <span className="jp-Trail-Item-meta">
          <span className="jp-Trail-Path" title={notebook.notebookPath}>
            {notebook.notebookPath}
          </span>
          <span>
            {trans._n('%1 session', '%1 sessions', notebook.sessionCount)}
          </span>
          <span>
            {trans._n('%1 execution', '%1 executions', notebook.executionCount)}
          </span>
          <PrivateSessionCount notebook={notebook} trans={trans} />
          {notebook.lastExecutionAt && (
            <time
              className="jp-Trail-Time"
              dateTime={notebook.lastExecutionAt}
              title={formatAbsoluteTime(notebook.lastExecutionAt)}
            >
              {formatRelativeTime(notebook.lastExecutionAt)}
            </time>
          )}
        </span>
      </button>
      {props.mine && (
        <VisibilityControl
          subject="notebook"
          value={notebook.visibility ?? null}
          onChange={props.onVisibility}
          trans={trans}
        />
      )}
    </div>
  );
}

/**
 * How many of my sessions of a notebook are private: a lock and "2 private".
 * The server counts them on my own notebooks only, so this never shows on
 * someone else's. Nothing when the notebook's own lock already says it all
 * (a private rule and every session private).
 */
function PrivateSessionCount(props: {
  notebook: NotebookSummary;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { notebook, trans } = props;
  const count = notebook.privateSessionCount ?? 0;
  if (
    count <= 0 ||
    (notebook.visibility === 'private' && count >= notebook.sessionCount)
  ) {
    return null;
  }
  const label = trans._n(
    '%1 of your sessions of this notebook is private: only you can see it',
    '%1 of your sessions of this notebook are private: only you can see them',
    count
  );
  return (
    <span className="jp-Trail-PrivateCount" title={label}>
      <lockIcon.react tag="span" className="jp-Trail-PrivateCount-icon" />
      {trans.__('%1 private', count)}
    </span>
  );
}

/**
 * The team area's third level: one person's sessions of one notebook.
 */
export class NotebookSessionsView extends ModelView {
  constructor(options: ITeamViewOptions) {
    super(options, 'jp-Trail-NotebookSessionsView', 'notebookSessions');
  }

  protected renderView(): JSX.Element | null {
    const { model, trans } = this.options;
    const sessions = model.notebookSessions;
    const level = model.levels.find(l => l.view === 'notebookSessions') as
      TrailLevel<NotebookSessionsPlace> | undefined;
    if (!sessions || !level) {
      return null;
    }
    const { person, notebookPath } = level.place;
    const mine = model.me?.id === person.id;
    const notebook = model.notebooks?.find(notebookPath);
    return (
      <>
        <div className="jp-Trail-ViewHeader">
          <h2 className="jp-Trail-ViewHeader-title" title={notebookPath}>
            {baseName(notebookPath)}
          </h2>
          <p className="jp-Trail-ViewHeader-meta">
            <span className="jp-Trail-Author">
              {person.displayName || person.name}
            </span>
            {' · '}
            <span className="jp-Trail-Path">{notebookPath}</span>
          </p>
          {mine && (
            <VisibilityControl
              subject="notebook"
              value={notebook?.visibility ?? null}
              onChange={value =>
                model.setNotebookVisibility(notebookPath, value)
              }
              trans={trans}
            />
          )}
        </div>
        <PagedList
          source={sessions}
          className="jp-Trail-SessionList"
          label={trans.__('Sessions')}
          emptyMessage={trans.__('No session of this notebook you can see.')}
          estimateSize={52}
          renderItem={session => (
            <SessionItem
              session={session}
              onOpen={id => void model.openSession(id, session)}
              trans={trans}
            />
          )}
          trans={trans}
        />
      </>
    );
  }
}

/**
 * The team area's first level: its people.
 */
export const peopleView: ITrailView = {
  level: peopleLevel,
  label: (_, { trans }) => ({ label: trans.__('Team') }),
  createPanelView: ({ model, trans }) => new PeopleView({ model, trans })
};

/**
 * One person's notebooks; the crumb is the person.
 */
export const notebooksView: ITrailView<NotebooksPlace> = {
  level: notebooksLevel,
  label: ({ place: { person } }) => ({
    label: person.displayName || person.name,
    title: `@${person.name}`
  }),
  createPanelView: ({ model, trans }) => new NotebooksView({ model, trans })
};

/**
 * One person's sessions of one notebook; the crumb is the notebook.
 */
export const notebookSessionsView: ITrailView<NotebookSessionsPlace> = {
  level: notebookSessionsLevel,
  label: ({ place }) => ({
    label: baseName(place.notebookPath),
    title: place.notebookPath
  }),
  createPanelView: ({ model, trans }) =>
    new NotebookSessionsView({ model, trans })
};

import { SearchModel } from '../search';
import { SessionListModel } from '../sessionList';
import { NotebookListModel, PeopleModel } from '../team';
import type { Person, SessionSummary } from '../types';
import type { ILevelKind, TrailLevel, TrailPlace } from './level';

/*
 * The levels that list things a person picks from: the roots of the three
 * areas, and a person's notebooks and sessions of one notebook.
 */

/** The place of "my sessions". */
export interface SessionsPlace extends TrailPlace {
  readonly view: 'sessions';
}

/** The place of the team's people. */
export interface PeoplePlace extends TrailPlace {
  readonly view: 'people';
}

/** The place of the search. */
export interface SearchPlace extends TrailPlace {
  readonly view: 'search';
}

/** The place of one person's notebooks. */
export interface NotebooksPlace extends TrailPlace {
  readonly view: 'notebooks';
  readonly person: Person;
}

/** The place of one person's sessions of one notebook. */
export interface NotebookSessionsPlace extends TrailPlace {
  readonly view: 'notebookSessions';
  readonly person: Person;
  readonly notebookPath: string;
}

/** A session list shows a session's new summary in place. */
function replaceSession(
  level: TrailLevel<TrailPlace, SessionListModel>,
  session: SessionSummary
): void {
  level.model.replace(session);
}

/** My sessions (of the notebook filter, if any). */
export const sessionsLevel: ILevelKind<SessionsPlace, SessionListModel> = {
  view: 'sessions',
  list: true,
  create: (_, { reader, pageSize, notebookFilter, me }) => ({
    model: new SessionListModel({
      reader,
      pageSize,
      notebook: notebookFilter,
      author: me
    })
  }),
  sessionChanged: replaceSession
};

/** The people of the team. */
export const peopleLevel: ILevelKind<PeoplePlace, PeopleModel> = {
  view: 'people',
  list: true,
  create: (_, { reader }) => ({ model: new PeopleModel({ reader }) })
};

/** The search and its results. */
export const searchLevel: ILevelKind<SearchPlace, SearchModel> = {
  view: 'search',
  list: true,
  create: (_, { reader, pageSize }) => ({
    model: new SearchModel({ reader, pageSize })
  }),
  // Results stay as they are until the person searches again.
  refresh: () => Promise.resolve()
};

/** One person's notebooks. */
export const notebooksLevel: ILevelKind<NotebooksPlace, NotebookListModel> = {
  view: 'notebooks',
  list: true,
  create: (place, { reader, pageSize }) => ({
    model: new NotebookListModel({
      reader,
      pageSize,
      author: place.person.id
    })
  })
};

/** One person's sessions of one notebook. */
export const notebookSessionsLevel: ILevelKind<
  NotebookSessionsPlace,
  SessionListModel
> = {
  view: 'notebookSessions',
  list: true,
  create: (place, { reader, pageSize }) => ({
    model: new SessionListModel({
      reader,
      pageSize,
      author: place.person.id,
      notebook: place.notebookPath
    })
  }),
  sessionChanged: replaceSession
};

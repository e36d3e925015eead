import type { CellHistoryModel } from './cellHistory';
import type { ExecutionDetailModel } from './executionDetail';
import type { LoadableModel } from './loadable';
import type { SearchModel } from './search';
import type { SessionEnvironmentModel } from './sessionEnvironment';
import type { SessionListModel } from './sessionList';
import type { SessionTimelineModel } from './sessionTimeline';
import type { NotebookListModel, PeopleModel } from './team';
import type { Person, TrailArea, TrailView } from './types';

/**
 * Where one level of the panel points, without its model: enough to build
 * the level again (for another reader) or to name it in breadcrumbs.
 */
export type TrailPlace =
  | { view: 'sessions' }
  | { view: 'people' }
  | { view: 'search' }
  | { view: 'notebooks'; person: Person }
  | { view: 'notebookSessions'; person: Person; notebookPath: string }
  | { view: 'timeline'; sessionId: string }
  | { view: 'execution'; executionId: string }
  | {
      view: 'cellHistory';
      notebookPath: string;
      cellId: string;
      executionId: string | null;
    };

/**
 * One level of the panel: a place and the model that shows it.
 */
export type TrailLevel =
  | { view: 'sessions'; place: PlaceOf<'sessions'>; model: SessionListModel }
  | { view: 'people'; place: PlaceOf<'people'>; model: PeopleModel }
  | { view: 'search'; place: PlaceOf<'search'>; model: SearchModel }
  | {
      view: 'notebooks';
      place: PlaceOf<'notebooks'>;
      model: NotebookListModel;
    }
  | {
      view: 'notebookSessions';
      place: PlaceOf<'notebookSessions'>;
      model: SessionListModel;
    }
  | {
      view: 'timeline';
      place: PlaceOf<'timeline'>;
      model: SessionTimelineModel;
      environment: SessionEnvironmentModel;
    }
  | {
      view: 'execution';
      place: PlaceOf<'execution'>;
      model: ExecutionDetailModel;
    }
  | {
      view: 'cellHistory';
      place: PlaceOf<'cellHistory'>;
      model: CellHistoryModel;
    };

/** The place of one view. */
export type PlaceOf<V extends TrailView> = Extract<TrailPlace, { view: V }>;

/** The level of one view. */
export type LevelOf<V extends TrailView> = Extract<TrailLevel, { view: V }>;

/** The level an area starts from. */
export const AREA_ROOTS: Record<TrailArea, TrailView> = {
  mine: 'sessions',
  team: 'people',
  search: 'search'
};

/** Levels that list things a person picks from (not details). */
export const LIST_VIEWS: ReadonlySet<TrailView> = new Set<TrailView>([
  'sessions',
  'people',
  'search',
  'notebooks',
  'notebookSessions'
]);

/** Every model of a level (the timeline's environment too). */
export function modelsOf(level: TrailLevel): LoadableModel[] {
  return level.view === 'timeline'
    ? [level.model, level.environment]
    : [level.model];
}

import type { ITrailView } from '../tokens';
import { cellHistoryView } from './cellHistory';
import { executionView } from './executionDetail';
import { searchView } from './search';
import { sessionsView } from './sessionList';
import { timelineView } from './timeline';
import { notebookSessionsView, notebooksView, peopleView } from './team';
import { TrailViewRegistry } from './viewRegistry';

/**
 * The panel's own views; each is registered beside its widget. Another
 * extension adds its views to `IViewRegistry` instead.
 */
export const BUILTIN_VIEWS: readonly ITrailView[] = [
  sessionsView,
  peopleView,
  searchView,
  notebooksView,
  notebookSessionsView,
  timelineView,
  executionView,
  cellHistoryView
] as ITrailView[];

/**
 * A registry of the panel's own views.
 */
export function builtinViewRegistry(): TrailViewRegistry {
  return new TrailViewRegistry(BUILTIN_VIEWS);
}

import { cellHistoryLevel, executionLevel, timelineLevel } from './details';
import type { ILevelKind } from './level';
import {
  notebookSessionsLevel,
  notebooksLevel,
  peopleLevel,
  searchLevel,
  sessionsLevel
} from './lists';

export * from './level';
export * from './lists';
export * from './details';

/**
 * The level kinds of the panel's own views, for a panel model made without
 * a view registry (the panel plugin gives it its registry instead).
 */
export const BUILTIN_LEVEL_KINDS: readonly ILevelKind[] = [
  sessionsLevel,
  peopleLevel,
  searchLevel,
  notebooksLevel,
  notebookSessionsLevel,
  timelineLevel,
  executionLevel,
  cellHistoryLevel
];

import { CellHistoryModel } from '../cellHistory';
import { SessionReplaysModel } from '../replay-run/replays';
import { ExecutionDetailModel } from '../executionDetail';
import { SessionEnvironmentModel } from '../sessionEnvironment';
import { SessionTimelineModel } from '../sessionTimeline';
import type { ILevelKind, TrailPlace } from './level';

/*
 * The levels that show one thing in detail: a session, an execution, the
 * runs of one cell.
 */

/** The place of one session's timeline. */
export interface TimelinePlace extends TrailPlace {
  readonly view: 'timeline';
  readonly sessionId: string;
}

/** The place of one execution. */
export interface ExecutionPlace extends TrailPlace {
  readonly view: 'execution';
  readonly executionId: string;
}

/** The place of the runs of one cell, across sessions. */
export interface CellHistoryPlace extends TrailPlace {
  readonly view: 'cellHistory';
  readonly notebookPath: string;
  readonly cellId: string;
  /** The run it was opened from, shown selected. */
  readonly executionId: string | null;
}

/**
 * A session's executions, and its environment beside them (`related.
 * environment`, read only once its section was opened), and its replays
 * and forks (`related.replays`, read when the view first shows them).
 * Once read, the replays follow the feed: a session that starts may be a
 * new replay or fork of this one (its change names only itself), and a
 * listed one's executions move its "steps run".
 */
export const timelineLevel: ILevelKind<TimelinePlace, SessionTimelineModel> = {
  view: 'timeline',
  create: (place, { reader, pageSize }) => ({
    model: new SessionTimelineModel({
      reader,
      sessionId: place.sessionId,
      pageSize
    }),
    related: {
      environment: new SessionEnvironmentModel({
        reader,
        sessionId: place.sessionId
      }),
      replays: new SessionReplaysModel({
        lister: reader,
        sessionId: place.sessionId
      })
    }
  }),
  concerns: (place, changed, level) => {
    if (changed.sessions.has(place.sessionId)) {
      return true;
    }
    const replays = level.related?.replays as SessionReplaysModel | undefined;
    return (
      !!replays?.loaded &&
      (changed.started.size > 0 ||
        replays.items.some(replay => changed.sessions.has(replay.id)))
    );
  },
  refresh: async (level, changed) => {
    const environment = level.related.environment as SessionEnvironmentModel;
    const replays = level.related.replays as SessionReplaysModel | undefined;
    await Promise.all([
      level.model.refreshExecutions(changed.executions),
      environment.loaded ? environment.refresh() : undefined,
      replays?.loaded ? replays.refresh() : undefined
    ]);
  },
  sessionShown: level => level.model.session,
  sessionChanged: (level, session) => {
    if (level.place.sessionId === session.id) {
      level.model.session = session;
    }
  }
};

/** One execution's code, outputs and capture. */
export const executionLevel: ILevelKind<ExecutionPlace, ExecutionDetailModel> =
  {
    view: 'execution',
    create: (place, { reader }) => ({
      model: new ExecutionDetailModel({
        reader,
        executionId: place.executionId
      })
    }),
    concerns: (place, changed) => changed.executions.has(place.executionId),
    // Shown above its session's timeline, whose session it is.
    sessionShown: (_, below) =>
      below?.view === 'timeline'
        ? (below.model as SessionTimelineModel).session
        : null
  };

/** Every run of one cell, across sessions and people. */
export const cellHistoryLevel: ILevelKind<CellHistoryPlace, CellHistoryModel> =
  {
    view: 'cellHistory',
    create: (place, { reader, pageSize }) => ({
      model: new CellHistoryModel({
        reader,
        notebookPath: place.notebookPath,
        cellId: place.cellId,
        executionId: place.executionId,
        pageSize
      })
    }),
    concerns: (place, changed) => changed.notebooks.has(place.notebookPath),
    sessionShown: level => {
      const { model } = level;
      const run = model.items.find(item => item.id === model.executionId);
      return run ? model.sessionOf(run.sessionId) : null;
    }
  };

/**
 * What the leaderboard reads of the Trail server: the runs API (#16,
 * `GET /api/v1/runs`, `GET /api/v1/runs/names`). The client satisfies it
 * structurally; tests pass a fake.
 */
import type { ISignal } from '@lumino/signaling';
import type {
  RunNameCount,
  RunNames,
  RunPage,
  RunSummary
} from '../../client/api-schema';

export type { RunNameCount, RunNames, RunPage, RunSummary };

/**
 * The query of `GET /api/v1/runs` as the client takes it.
 */
export interface RunListQuery {
  /** The filter language (`metrics.accuracy > 0.9 and tag = "x"`). */
  filter?: string;
  /** Sort keys, `-` for descending (`-metrics.accuracy,params.lr`). */
  sort?: string;
  /** Comma list of `params.NAME` / `metrics.NAME` the items keep. */
  columns?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The read side the leaderboard needs (`TrailClient` satisfies it).
 */
export interface IRunsReader {
  listRuns(query: RunListQuery): Promise<RunPage>;
  runNames(): Promise<RunNames>;
}

/**
 * What tells the leaderboard that the server stored something (the
 * client's `ChangeFeed`).
 */
export interface IRunsFeed {
  readonly changed: ISignal<unknown, readonly { sessionId?: string }[]>;
  start(options?: { fromNow?: boolean }): Promise<void>;
  stop(): void;
}

/**
 * What a store does for runs, the same in both stores: it hands every
 * stored event to {@link StoreRuns.stored}, and the run queries of the
 * store contract (queryRuns, getRun, runNames) are answered here from the
 * run index. The file store also rebuilds the index from its log in its
 * background pass ({@link StoreRuns.rebuildIn}); queries wait for it.
 */
import type { RunSummary } from '../../src/client/api-schema';
import type { BodyBuild, BodyConsumer } from './body-build';
import { runBuildConsumer } from './run-build';
import { RunIndex, type RunSessions } from './run-index';
import { RunQueries } from './run-query';
import type {
  RunNameCounts,
  RunOwners,
  RunQuery,
  RunQueryResult,
  StoredEvent
} from './types';

/** See the module comment. */
export class StoreRuns {
  readonly index: RunIndex;
  private readonly queries: RunQueries;
  private build: BodyBuild | null = null;

  constructor(sessions: RunSessions) {
    this.index = new RunIndex(sessions);
    this.queries = new RunQueries(this.index);
  }

  /**
   * Rebuilds the runs of the history stored in a log folder in the
   * background pass `build` (see body-build.ts and run-build.ts): gives
   * the pass its consumer; queries wait for the pass, events stored
   * meanwhile are held by it.
   */
  rebuildIn(
    build: BodyBuild,
    sessionIds: () => Iterable<string>
  ): BodyConsumer {
    this.build = build;
    return runBuildConsumer(this.index, sessionIds);
  }

  /** An event just stored (once indexed by the store's history index). */
  stored(event: StoredEvent): void {
    const apply = (): void => {
      switch (event.kind) {
        case 'session.started':
          this.index.touch(event.session.id);
          break;
        case 'execution.completed':
          this.index.addExecution(event.execution);
          break;
        case 'execution.annotated':
          this.index.addAnnotation(
            event.executionId,
            event.sessionId,
            event.capture
          );
          break;
        case 'environment.captured':
          this.index.touch(event.sessionId);
          break;
      }
    };
    if (this.build) {
      void this.build.stored(apply);
    } else {
      apply();
    }
  }

  async query(query: RunQuery): Promise<RunQueryResult> {
    await this.build?.ready;
    return this.queries.query(query);
  }

  async get(id: string, owners?: RunOwners): Promise<RunSummary | null> {
    await this.build?.ready;
    return this.queries.get(id, owners);
  }

  async names(
    excludeIds?: ReadonlySet<string>,
    owners?: RunOwners
  ): Promise<RunNameCounts> {
    await this.build?.ready;
    return this.queries.names(excludeIds, owners);
  }
}

/**
 * What a store does for runs, the same in both stores: it hands every
 * stored event to {@link StoreRuns.stored}, and the run queries of the
 * store contract (queryRuns, getRun, runNames) are answered here from the
 * run index. The file store also starts the rebuild of the index from its
 * log ({@link StoreRuns.rebuild}); queries wait for it.
 */
import type { RunSummary } from '../../src/client/api-schema';
import { RunBuild } from './run-build';
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
  private build: RunBuild | null = null;

  constructor(sessions: RunSessions) {
    this.index = new RunIndex(sessions);
    this.queries = new RunQueries(this.index);
  }

  /**
   * Rebuilds the runs of the history stored in the log folder `logDir`,
   * up to `until` (its end when opened), in the background (see
   * run-build.ts).
   */
  rebuild(
    logDir: string,
    until: { segment: number; size: number },
    sessionIds: () => Iterable<string>
  ): void {
    this.build = new RunBuild(this.index, logDir, until, sessionIds);
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
      this.build.stored(apply);
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

  /** Stops a rebuild in progress. */
  stop(): void {
    this.build?.stop();
  }
}

/**
 * The runs of a store, kept up to date as events are stored: one
 * {@link RunAccumulator} per session (src/records/runs/summary.ts) fed the
 * executions and the captures of their annotations, and the session's
 * summary from the history index. Both stores hold one; the file store
 * also rebuilds it from the log's bodies at startup (see run-build.ts).
 *
 * Summaries are made again only for the sessions that changed since they
 * were last asked for, and every change bumps {@link RunIndex.version},
 * which the query caches (run-query.ts) are keyed by.
 */
import type { RunSummary } from '../../src/client/api-schema';
import type {
  ExecutionCapture,
  ExecutionRecord,
  SessionSummary
} from '../../src/records/schema';
import { RunAccumulator } from '../../src/records/runs/summary';

/** What the run index reads of an execution. */
export type RunExecution = Pick<
  ExecutionRecord,
  'id' | 'sessionId' | 'seq' | 'status' | 'startedAt' | 'endedAt' | 'capture'
>;

/** What the run index asks the store's history index. */
export interface RunSessions {
  /** The session's summary, or null when nothing of it is stored. */
  session(id: string): SessionSummary | null;
  /**
   * The session, seq and number (in the history index) of a stored
   * execution, or undefined.
   */
  executionPlace(
    id: string
  ): { sessionId: string; seq: number; n: number } | undefined;
}

interface RunState {
  accumulator: RunAccumulator;
  /** The summary as last made; null once the session changed since. */
  summary: RunSummary | null;
}

/** Changes remembered for caches to catch up with one by one. */
const CHANGES_KEPT = 2000;

/** See the module comment. */
export class RunIndex {
  private readonly runs = new Map<string, RunState>();
  /** Annotation captures that arrived before their execution, by its id. */
  private readonly early = new Map<
    string,
    { sessionId: string; capture: ExecutionCapture }[]
  >();
  private changed = 0;
  /** The sessions touched by the latest changes, oldest first (bounded). */
  private log: string[] = [];

  constructor(private readonly sessions: RunSessions) {}

  /** Counts every change of any run (caches compare it). */
  get version(): number {
    return this.changed;
  }

  /** Where a stored execution is (see {@link RunSessions.executionPlace}). */
  executionPlace(id: string) {
    return this.sessions.executionPlace(id);
  }

  /** How many runs there are. */
  get size(): number {
    return this.runs.size;
  }

  /** An execution stored (its own capture, annotations not merged). */
  addExecution(x: RunExecution): void {
    const state = this.stateOf(x.sessionId);
    state.accumulator.add({
      seq: x.seq,
      status: x.status,
      startedAt: x.startedAt,
      endedAt: x.endedAt,
      capture: x.capture
    });
    const early = this.early.get(x.id);
    if (early) {
      this.early.delete(x.id);
      for (const a of early) {
        if (a.sessionId === x.sessionId) {
          state.accumulator.addCapture(x.seq, a.capture);
        }
      }
    }
    this.touch(x.sessionId);
  }

  /**
   * An execution.annotated event stored: its capture joins its
   * execution's, or waits for it (until {@link addExecution}: stored, or,
   * while the index is rebuilt, not met yet, as `executionAdded` says).
   * One naming another session than its execution's is ignored, as when
   * captures merge.
   */
  addAnnotation(
    executionId: string,
    sessionId: string,
    capture: ExecutionCapture,
    executionAdded: (n: number) => boolean = () => true
  ): void {
    const place = this.sessions.executionPlace(executionId);
    if (!place || !executionAdded(place.n)) {
      const list = this.early.get(executionId) ?? [];
      list.push({ sessionId, capture });
      this.early.set(executionId, list);
      return;
    }
    if (place.sessionId !== sessionId) {
      return;
    }
    this.stateOf(sessionId).accumulator.addCapture(place.seq, capture);
    this.touch(sessionId);
  }

  /**
   * Something else of a session changed (its record, an environment): its
   * summary is made again when next asked for.
   */
  touch(sessionId: string): void {
    this.stateOf(sessionId).summary = null;
    this.changed++;
    this.log.push(sessionId);
    if (this.log.length > 2 * CHANGES_KEPT) {
      this.log = this.log.slice(-CHANGES_KEPT);
    }
  }

  /**
   * The sessions whose runs changed since `version` (each once), or null
   * when that is too long ago to say (then everything may have).
   */
  changedSince(version: number): Set<string> | null {
    const behind = this.changed - version;
    if (behind < 0 || behind > this.log.length || behind > CHANGES_KEPT) {
      return null;
    }
    return new Set(this.log.slice(this.log.length - behind));
  }

  /** The run of a session (the index's own object: copy before handing out). */
  get(sessionId: string): RunSummary | null {
    const state = this.runs.get(sessionId);
    return state ? this.summaryOf(sessionId, state) : null;
  }

  /** Every run whose session is stored (the index's own objects). */
  all(): RunSummary[] {
    const out: RunSummary[] = [];
    for (const [id, state] of this.runs) {
      const run = this.summaryOf(id, state);
      if (run) {
        out.push(run);
      }
    }
    return out;
  }

  private summaryOf(id: string, state: RunState): RunSummary | null {
    if (state.summary) {
      return state.summary;
    }
    const session = this.sessions.session(id);
    if (!session) {
      return null;
    }
    state.summary = state.accumulator.summary(session);
    return state.summary;
  }

  private stateOf(sessionId: string): RunState {
    let state = this.runs.get(sessionId);
    if (!state) {
      state = { accumulator: new RunAccumulator(), summary: null };
      this.runs.set(sessionId, state);
    }
    return state;
  }
}

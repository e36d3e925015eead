/**
 * The sessions of the in-memory index (see history-index.ts): each
 * session's state, kept in start order for the listing, and its summary.
 * A session is declared by its session.started record or derived from its
 * executions until the record arrives.
 */
import type { SessionRecord, SessionSummary } from '../../src/records/schema';
import type { EnvironmentIndex } from './environment-index';
import { pickSessions } from './session-page';
import { compareIds, lowerBound, timeMs } from './time-order';
import type { SessionKey, SessionQuery, StorePage } from './types';

/** What the index knows of one session. */
export interface SessionState {
  id: string;
  /** Its number in the index's session names. */
  number: number;
  record: SessionRecord | null;
  /** notebookPath of the lowest-seq execution, until the record arrives. */
  derivedPath: string | null;
  derivedPathSeq: number;
  earliestStartedAt: string | null;
  lastEndedAt: string | null;
  /** Start time used for ordering: the record's, else the earliest execution's. */
  orderMs: number;
  /** Execution numbers in (seq, id) order. */
  executions: number[];
}

function compareSessions(a: SessionState, b: SessionState): number {
  return a.orderMs - b.orderMs || compareIds(a.id, b.id);
}

function startOf(state: SessionState): string | null {
  return state.record?.startedAt ?? state.earliestStartedAt;
}

function pathOf(state: SessionState): string {
  return state.record?.notebookPath ?? state.derivedPath ?? '';
}

/** See the module comment. */
export class SessionTable {
  private readonly sessions = new Map<string, SessionState>();
  /** Sessions oldest first; rebuilt lazily after bulk loading. */
  private ordered: SessionState[] = [];
  private orderedValid = true;
  /** Source session id → the sessions whose lineage names it. */
  private readonly lineage = new Map<string, Set<string>>();

  /**
   * @param environments the sessions' environment versions (summaries
   *   carry them).
   */
  constructor(private readonly environments: EnvironmentIndex) {}

  /** Defers ordering work until the first listing (used while loading). */
  beginBulkLoad(): void {
    this.orderedValid = false;
  }

  /** How many sessions are known. */
  get size(): number {
    return this.sessions.size;
  }

  /** The state of a known session, or undefined. */
  get(id: string): SessionState | undefined {
    return this.sessions.get(id);
  }

  /** The state of a session, made (with number `number()`) if new. */
  getOrAdd(id: string, number: () => number): SessionState {
    let state = this.sessions.get(id);
    if (!state) {
      state = {
        id,
        number: number(),
        record: null,
        derivedPath: null,
        derivedPathSeq: 0,
        earliestStartedAt: null,
        lastEndedAt: null,
        orderMs: Number.NaN,
        executions: []
      };
      this.sessions.set(id, state);
    }
    return state;
  }

  /** Applies a change that may move a session in the start order. */
  reorder(state: SessionState, change: () => void): void {
    if (!this.orderedValid) {
      change();
      return;
    }
    if (!Number.isNaN(state.orderMs)) {
      const at = lowerBound(this.ordered, s => compareSessions(s, state) < 0);
      if (this.ordered[at] === state) {
        this.ordered.splice(at, 1);
      }
    }
    change();
    state.orderMs = timeMs(startOf(state) ?? '');
    const to = lowerBound(this.ordered, s => compareSessions(s, state) < 0);
    this.ordered.splice(to, 0, state);
  }

  /** Indexes the lineage of a stored session record (replays, forks). */
  noteLineage(record: SessionRecord): void {
    if (!record.lineage) {
      return;
    }
    const source = record.lineage.sessionId;
    let ids = this.lineage.get(source);
    if (!ids) {
      ids = new Set();
      this.lineage.set(source, ids);
    }
    ids.add(record.id);
  }

  /** The sessions whose lineage names session `id` (none: empty). */
  replaysOf(id: string): ReadonlySet<string> {
    return this.lineage.get(id) ?? new Set();
  }

  /** The summary of a session, or null when nothing of it is stored. */
  summary(id: string): SessionSummary | null {
    const state = this.sessions.get(id);
    return state ? this.summarize(state) : null;
  }

  /**
   * Sessions newest first after a key, those the query's filters keep (see
   * {@link SessionQuery}); a few given ids are looked up, not searched for.
   */
  list(query: SessionQuery): StorePage<SessionSummary, SessionKey> {
    let ordered = this.orderedSessions();
    if (query.ids) {
      const among: SessionState[] = [];
      for (const id of query.ids) {
        const state = this.sessions.get(id);
        if (state) {
          among.push(state);
        }
      }
      ordered = among.sort(compareSessions);
    }
    const { picked, next } = pickSessions(ordered, query, pathOf);
    return { items: picked.map(state => this.summarize(state)), next };
  }

  private orderedSessions(): SessionState[] {
    if (!this.orderedValid) {
      for (const state of this.sessions.values()) {
        state.orderMs = timeMs(startOf(state) ?? '');
      }
      this.ordered = [...this.sessions.values()].sort(compareSessions);
      this.orderedValid = true;
    }
    return this.ordered;
  }

  private summarize(state: SessionState): SessionSummary {
    const summary: SessionSummary = {
      id: state.id,
      notebookPath: pathOf(state),
      startedAt: startOf(state) ?? '',
      kernel: state.record?.kernel ?? null,
      executionCount: state.executions.length,
      lastExecutionAt: state.lastEndedAt
    };
    if (state.record?.lineage) {
      summary.lineage = state.record.lineage;
    }
    const environments = this.environments.versions(state.id);
    if (environments) {
      summary.environments = environments;
    }
    return summary;
  }
}

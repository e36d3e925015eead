/**
 * The in-memory index of the history, shared by the file and memory stores:
 * which event and execution ids are stored, sessions (declared by their
 * session.started event or derived from executions) in start order, and
 * each session's executions in seq order. Entries say where a record lives
 * (a file offset or the record itself); the index never holds outputs.
 */
import type { SessionRecord, SessionSummary } from '../../src/_schema/records';
import type {
  ExecutionKey,
  SessionKey,
  SessionQuery,
  StorePage
} from './types';

/** What the index keeps of one execution; stores extend it with a location. */
export interface ExecutionEntry {
  id: string;
  seq: number;
}

/** The fields of an execution that sessions are derived from. */
export interface ExecutionFacts {
  id: string;
  sessionId: string;
  seq: number;
  notebookPath: string;
  startedAt: string;
  endedAt: string;
}

interface SessionState<E extends ExecutionEntry> {
  id: string;
  record: SessionRecord | null;
  /** notebookPath of the lowest-seq execution, until the record arrives. */
  derivedPath: string | null;
  derivedPathSeq: number;
  earliestStartedAt: string | null;
  earliestStartedMs: number;
  lastEndedAt: string | null;
  lastEndedMs: number;
  /** Start time used for ordering: the record's, else the earliest execution's. */
  orderMs: number;
  executions: E[];
}

function compareSessions(
  a: { orderMs: number; id: string },
  b: { orderMs: number; id: string }
): number {
  return a.orderMs - b.orderMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareExecutions(a: ExecutionKey, b: ExecutionKey): number {
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The first index in `items` whose element is not less than `key`. */
function lowerBound<T, K>(
  items: T[],
  key: K,
  compare: (item: T, key: K) => number
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid], key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function timeMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/** See the module comment. */
export class HistoryIndex<E extends ExecutionEntry> {
  private readonly eventIds = new Set<string>();
  private readonly executionsById = new Map<string, E>();
  private readonly sessions = new Map<string, SessionState<E>>();
  /** Sessions oldest first; rebuilt lazily after bulk loading. */
  private ordered: SessionState<E>[] = [];
  private orderedValid = true;

  /** Defers ordering work until the first listing (used while loading). */
  beginBulkLoad(): void {
    this.orderedValid = false;
  }

  /** How many executions are indexed. */
  get executionCount(): number {
    return this.executionsById.size;
  }

  /** How many sessions are indexed. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  hasEvent(id: string): boolean {
    return this.eventIds.has(id);
  }

  hasExecution(id: string): boolean {
    return this.executionsById.has(id);
  }

  /** Whether a session.started record of this session is stored. */
  hasSessionRecord(id: string): boolean {
    return this.sessions.get(id)?.record != null;
  }

  execution(id: string): E | undefined {
    return this.executionsById.get(id);
  }

  /** Indexes a stored session.started event. */
  addSession(eventId: string, record: SessionRecord): void {
    this.eventIds.add(eventId);
    const state = this.sessionState(record.id);
    this.reorder(state, () => {
      state.record = record;
      state.orderMs = timeMs(record.startedAt);
    });
  }

  /** Indexes a stored execution.completed event. */
  addExecution(eventId: string, facts: ExecutionFacts, entry: E): void {
    this.eventIds.add(eventId);
    this.executionsById.set(entry.id, entry);
    const state = this.sessionState(facts.sessionId);
    const list = state.executions;
    const last = list[list.length - 1];
    if (!last || compareExecutions(last, entry) < 0) {
      list.push(entry);
    } else {
      list.splice(lowerBound(list, entry, compareExecutions), 0, entry);
    }
    if (state.derivedPath === null || facts.seq < state.derivedPathSeq) {
      state.derivedPath = facts.notebookPath;
      state.derivedPathSeq = facts.seq;
    }
    const endedMs = timeMs(facts.endedAt);
    if (state.lastEndedAt === null || endedMs > state.lastEndedMs) {
      state.lastEndedAt = facts.endedAt;
      state.lastEndedMs = endedMs;
    }
    const startedMs = timeMs(facts.startedAt);
    if (
      state.earliestStartedAt === null ||
      startedMs < state.earliestStartedMs
    ) {
      this.reorder(state, () => {
        state.earliestStartedAt = facts.startedAt;
        state.earliestStartedMs = startedMs;
        if (!state.record) {
          state.orderMs = startedMs;
        }
      });
    }
  }

  /** The summary of a session, or null when nothing of it is stored. */
  session(id: string): SessionSummary | null {
    const state = this.sessions.get(id);
    return state ? this.summarize(state) : null;
  }

  /** Sessions newest first, optionally of one notebook, after a key. */
  listSessions(query: SessionQuery): StorePage<SessionSummary, SessionKey> {
    const ordered = this.orderedSessions();
    let index = ordered.length - 1;
    if (query.after) {
      const after = { orderMs: query.after.startedAtMs, id: query.after.id };
      index = lowerBound(ordered, after, compareSessions) - 1;
    }
    const picked: SessionState<E>[] = [];
    let more = false;
    for (; index >= 0; index--) {
      const state = ordered[index];
      if (
        query.notebook !== undefined &&
        this.pathOf(state) !== query.notebook
      ) {
        continue;
      }
      if (picked.length === query.limit) {
        more = true;
        break;
      }
      picked.push(state);
    }
    const last = picked[picked.length - 1];
    return {
      items: picked.map(state => this.summarize(state)),
      next: more && last ? { startedAtMs: last.orderMs, id: last.id } : null
    };
  }

  /** A session's execution entries in seq order after a key, or null. */
  listExecutions(
    sessionId: string,
    limit: number,
    after?: ExecutionKey
  ): StorePage<E, ExecutionKey> | null {
    const state = this.sessions.get(sessionId);
    if (!state) {
      return null;
    }
    const list = state.executions;
    let start = 0;
    if (after) {
      start = lowerBound(list, after, compareExecutions);
      if (start < list.length && compareExecutions(list[start], after) === 0) {
        start++;
      }
    }
    const items = list.slice(start, start + limit);
    const last = items[items.length - 1];
    return {
      items,
      next:
        start + limit < list.length && last
          ? { seq: last.seq, id: last.id }
          : null
    };
  }

  private sessionState(id: string): SessionState<E> {
    let state = this.sessions.get(id);
    if (!state) {
      state = {
        id,
        record: null,
        derivedPath: null,
        derivedPathSeq: 0,
        earliestStartedAt: null,
        earliestStartedMs: 0,
        lastEndedAt: null,
        lastEndedMs: 0,
        orderMs: Number.NaN,
        executions: []
      };
      this.sessions.set(id, state);
    }
    return state;
  }

  /** Applies a change that may move a session in the start order. */
  private reorder(state: SessionState<E>, change: () => void): void {
    if (!this.orderedValid) {
      change();
      return;
    }
    if (!Number.isNaN(state.orderMs)) {
      const at = lowerBound(this.ordered, state, compareSessions);
      if (this.ordered[at] === state) {
        this.ordered.splice(at, 1);
      }
    }
    change();
    const to = lowerBound(this.ordered, state, compareSessions);
    this.ordered.splice(to, 0, state);
  }

  private orderedSessions(): SessionState<E>[] {
    if (!this.orderedValid) {
      this.ordered = [...this.sessions.values()].sort(compareSessions);
      this.orderedValid = true;
    }
    return this.ordered;
  }

  private pathOf(state: SessionState<E>): string {
    return state.record?.notebookPath ?? state.derivedPath ?? '';
  }

  private summarize(state: SessionState<E>): SessionSummary {
    return {
      id: state.id,
      notebookPath: this.pathOf(state),
      startedAt: state.record?.startedAt ?? state.earliestStartedAt ?? '',
      kernel: state.record?.kernel ?? null,
      executionCount: state.executions.length,
      lastExecutionAt: state.lastEndedAt
    };
  }
}

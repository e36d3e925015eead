/**
 * The in-memory index of the history, shared by the file and memory stores:
 * which event and execution ids are stored, sessions (declared by their
 * session.started event or derived from executions) in start order, each
 * session's executions in seq order, and, in their own modules, each
 * cell's executions across sessions, executions' annotations and
 * sessions' environment versions.
 *
 * Executions are numbered 0, 1, 2… in arrival order and their fields kept
 * in columns (typed arrays, ids in byte pools: see id-table.ts), not one
 * object each: with a million executions this cuts memory several times,
 * makes the startup rebuild faster and keeps GC pauses short. Stores keep
 * where each numbered execution lives (a file offset, or the record).
 */
import type { SessionRecord, SessionSummary } from '../../src/records/schema';
import { AnnotationIndex } from './annotation-index';
import { CellIndex, type CellPage } from './cell-index';
import { EnvironmentIndex, type EnvironmentVersion } from './environment-index';
import { IdPool, IdTable } from './id-table';
import { SessionTable, type SessionState } from './session-table';
import { StructureIndex, type StructureEntry } from './structure-index';
import { isBefore, lowerBound } from './time-order';
import type {
  ExecutionKey,
  SessionKey,
  SessionQuery,
  StorePage
} from './types';

/** The fields of an execution that the index and sessions need. */
export interface ExecutionFacts {
  id: string;
  sessionId: string;
  seq: number;
  /**
   * Null when it is the path of the session's record, which the writer had
   * stored before (see log-records.ts).
   */
  notebookPath: string | null;
  /**
   * The cell id (null: not from a cell); undefined when the header did not
   * say (format 1): the store then calls {@link HistoryIndex.addToCell}.
   */
  cellId?: string | null;
  startedAt: string;
  endedAt: string;
}

/** `array`, or a copy twice as large when it has no place `at`. */
function fitted(array: Int32Array, at: number): Int32Array {
  if (at < array.length) {
    return array;
  }
  const grown = new Int32Array(Math.max(array.length * 2, at + 1));
  grown.set(array);
  return grown;
}

/** See the module comment. */
export class HistoryIndex {
  /** Event ids of session.started events (few), to their session. */
  private readonly sessionEventIds = new Map<string, string>();
  /** Per execution number: its id and its event's id, off the JS heap. */
  private readonly ids = new IdPool();
  private readonly eventIds = new IdPool();
  private readonly numbers = new IdTable(this.ids);
  private readonly eventNumbers = new IdTable(this.eventIds);
  /** Ids of execution.annotated and environment.captured events. */
  private readonly otherEventIds = new IdTable(new IdPool());
  /**
   * The session of each execution (by number) and of each other event (by
   * row), as numbers of {@link sessionNames}: which session holds an id is
   * asked on every ingest, and must not read a record.
   */
  private executionSessions = new Int32Array(1024);
  private otherEventSessions = new Int32Array(1024);
  private readonly sessionNumbers = new Map<string, number>();
  private readonly sessionNames: string[] = [];
  private readonly cells = new CellIndex(n => this.ids.get(n));
  private readonly annotations = new AnnotationIndex();
  private readonly environments = new EnvironmentIndex();
  private readonly structures = new StructureIndex();
  private seqs = new Float64Array(1024);
  private readonly sessions = new SessionTable(this.environments);

  /** Defers ordering work until the first listing (used while loading). */
  beginBulkLoad(): void {
    this.sessions.beginBulkLoad();
  }

  /** How many executions are indexed; the next one gets this number. */
  get executionCount(): number {
    return this.ids.size;
  }

  /** How many sessions are indexed. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  hasEvent(id: string): boolean {
    return (
      this.sessionEventIds.has(id) ||
      this.eventNumbers.get(id) !== undefined ||
      this.otherEventIds.get(id) !== undefined
    );
  }

  hasExecution(id: string): boolean {
    return this.numbers.get(id) !== undefined;
  }

  /** The sessions whose session.started lineage names session `id`. */
  replaysOf(id: string): ReadonlySet<string> {
    return this.sessions.replaysOf(id);
  }

  /** Whether a session.started record of this session is stored. */
  hasSessionRecord(id: string): boolean {
    return (this.sessions.get(id)?.record ?? null) !== null;
  }

  /** The notebook path of a stored session.started record, or undefined. */
  sessionRecordPath(id: string): string | undefined {
    return this.sessions.get(id)?.record?.notebookPath;
  }

  /** The number of an execution, or undefined. */
  executionNumber(id: string): number | undefined {
    return this.numbers.get(id);
  }

  /** The session holding a stored execution id, or undefined. */
  sessionOfExecution(id: string): string | undefined {
    const n = this.numbers.get(id);
    return n === undefined
      ? undefined
      : this.sessionNames[this.executionSessions[n]];
  }

  /** The session a stored event belongs to, or undefined. */
  sessionOfEvent(id: string): string | undefined {
    const session = this.sessionEventIds.get(id);
    if (session !== undefined) {
      return session;
    }
    const n = this.eventNumbers.get(id);
    if (n !== undefined) {
      return this.sessionNames[this.executionSessions[n]];
    }
    const row = this.otherEventIds.get(id);
    return row === undefined
      ? undefined
      : this.sessionNames[this.otherEventSessions[row]];
  }

  /** Indexes a stored session.started event. */
  addSession(eventId: string, record: SessionRecord): void {
    this.sessionEventIds.set(eventId, record.id);
    const state = this.sessionState(record.id);
    this.sessions.reorder(state, () => {
      state.record = record;
    });
    this.sessions.noteLineage(record);
  }

  /** Indexes a stored execution.completed event; returns its number. */
  addExecution(eventId: string, facts: ExecutionFacts): number {
    const n = this.ids.size;
    if (n === this.seqs.length) {
      const grown = new Float64Array(n * 2);
      grown.set(this.seqs);
      this.seqs = grown;
    }
    this.numbers.add(facts.id);
    this.eventNumbers.add(eventId);
    this.seqs[n] = facts.seq;

    const state = this.sessionState(facts.sessionId);
    this.executionSessions = fitted(this.executionSessions, n);
    this.executionSessions[n] = state.number;
    const list = state.executions;
    const last = list.length > 0 ? list[list.length - 1] : -1;
    if (last < 0 || this.isExecutionBefore(last, facts.seq, facts.id)) {
      list.push(n);
    } else {
      const at = lowerBound(list, m =>
        this.isExecutionBefore(m, facts.seq, facts.id)
      );
      list.splice(at, 0, n);
    }
    const path = facts.notebookPath ?? state.record?.notebookPath;
    if (typeof facts.cellId === 'string' && path !== undefined) {
      this.cells.add(n, path, facts.cellId, facts.startedAt);
    }
    this.annotations.executionStored(facts.id, n);
    if (
      facts.notebookPath !== null &&
      (state.derivedPath === null || facts.seq < state.derivedPathSeq)
    ) {
      state.derivedPath = facts.notebookPath;
      state.derivedPathSeq = facts.seq;
    }
    if (
      state.lastEndedAt === null ||
      isBefore(state.lastEndedAt, facts.endedAt)
    ) {
      state.lastEndedAt = facts.endedAt;
    }
    if (
      state.earliestStartedAt === null ||
      isBefore(facts.startedAt, state.earliestStartedAt)
    ) {
      this.sessions.reorder(state, () => {
        state.earliestStartedAt = facts.startedAt;
      });
    }
    return n;
  }

  /**
   * Puts execution `n` in its cell's history; for executions whose facts
   * did not include the cell (format 1 headers), once the store has read it.
   */
  addToCell(
    n: number,
    notebookPath: string,
    cellId: string,
    startedAt: string
  ): void {
    this.cells.add(n, notebookPath, cellId, startedAt);
  }

  /**
   * Indexes a stored execution.annotated event; returns its annotation
   * number (the execution may be stored later).
   */
  addAnnotation(
    eventId: string,
    executionId: string,
    sessionId: string
  ): number {
    this.addOtherEvent(eventId, sessionId);
    return this.annotations.add(executionId, this.numbers.get(executionId));
  }

  /** The annotation numbers of execution `n`, in arrival order. */
  annotationsOf(n: number): number[] {
    return this.annotations.of(n);
  }

  /** Indexes a stored environment.captured event. */
  addEnvironment(
    eventId: string,
    sessionId: string,
    version: EnvironmentVersion
  ): void {
    this.addOtherEvent(eventId, sessionId);
    // A session known only by its environments is not listed: it is
    // listed once an execution or its session.started event arrives.
    this.environments.add(sessionId, version);
  }

  /**
   * Indexes a stored structure.captured event; returns the number of its
   * snapshot (where the store keeps it).
   */
  addStructure(eventId: string, sessionId: string, fromSeq: number): number {
    this.addOtherEvent(eventId, sessionId);
    return this.structures.add(sessionId, fromSeq);
  }

  /** A session's structure snapshots in fromSeq order. */
  structuresOf(sessionId: string): readonly StructureEntry[] {
    return this.structures.of(sessionId);
  }

  /**
   * A session's execution numbers in (seq, id) order, or null for an
   * unknown session (the array is the index's own: do not change it).
   */
  sessionExecutions(sessionId: string): readonly number[] | null {
    return this.sessions.get(sessionId)?.executions ?? null;
  }

  /** The seq of execution number `n`. */
  seqOf(n: number): number {
    return this.seqs[n];
  }

  /** The cell id of execution number `n` (null: none, or not known yet). */
  cellIdOf(n: number): string | null {
    return this.cells.cellIdOf(n);
  }

  /** The earliest capturedAt of a stored environment snapshot, or undefined. */
  environmentCapturedAt(id: string): string | undefined {
    return this.environments.firstCapturedAt(id);
  }

  /**
   * A page of a cell's executions (numbers) newest first, after execution
   * `after`, none of the excluded sessions; null when `after` is not an
   * execution of that cell.
   */
  listCell(
    notebookPath: string,
    cellId: string,
    limit: number,
    after?: string,
    excludeSessionIds?: ReadonlySet<string>
  ): CellPage | null {
    let afterNumber: number | undefined;
    if (after !== undefined) {
      afterNumber = this.numbers.get(after);
      if (afterNumber === undefined) {
        return null;
      }
    }
    const skip =
      excludeSessionIds && excludeSessionIds.size > 0
        ? (n: number) =>
            excludeSessionIds.has(this.sessionNames[this.executionSessions[n]])
        : undefined;
    return this.cells.list(notebookPath, cellId, limit, afterNumber, skip);
  }

  /** The execution of the same cell that started just before `n`, or -1. */
  previousInCell(n: number): number {
    return this.cells.previous(n);
  }

  /** The id of execution number `n`. */
  executionId(n: number): string {
    return this.ids.get(n);
  }

  /** The summary of a session, or null when nothing of it is stored. */
  session(id: string): SessionSummary | null {
    return this.sessions.summary(id);
  }

  /** Sessions newest first after a key, those the query's filters keep. */
  listSessions(query: SessionQuery): StorePage<SessionSummary, SessionKey> {
    return this.sessions.list(query);
  }

  /** A session's execution numbers in seq order after a key, or null. */
  listExecutions(
    sessionId: string,
    limit: number,
    after?: ExecutionKey
  ): StorePage<number, ExecutionKey> | null {
    const state = this.sessions.get(sessionId);
    if (!state) {
      return null;
    }
    const list = state.executions;
    const start = after
      ? lowerBound(list, m => !this.isKeyBefore(after.seq, after.id, m))
      : 0;
    const items = list.slice(start, start + limit);
    const last = items[items.length - 1];
    return {
      items,
      next:
        start + limit < list.length && last !== undefined
          ? { seq: this.seqs[last], id: this.ids.get(last) }
          : null
    };
  }

  private addOtherEvent(eventId: string, sessionId: string): void {
    const row = this.otherEventIds.add(eventId);
    this.otherEventSessions = fitted(this.otherEventSessions, row);
    this.otherEventSessions[row] = this.sessionNumber(sessionId);
  }

  /** The number of a session id in {@link sessionNames}, given one if new. */
  private sessionNumber(id: string): number {
    let n = this.sessionNumbers.get(id);
    if (n === undefined) {
      n = this.sessionNames.push(id) - 1;
      this.sessionNumbers.set(id, n);
    }
    return n;
  }

  /** Whether execution `m` sorts before the key (seq, id). */
  private isExecutionBefore(m: number, seq: number, id: string): boolean {
    const mSeq = this.seqs[m];
    return mSeq < seq || (mSeq === seq && this.ids.get(m) < id);
  }

  /** Whether the key (seq, id) sorts before execution `m`. */
  private isKeyBefore(seq: number, id: string, m: number): boolean {
    const mSeq = this.seqs[m];
    return seq < mSeq || (seq === mSeq && id < this.ids.get(m));
  }

  private sessionState(id: string): SessionState {
    return this.sessions.getOrAdd(id, () => this.sessionNumber(id));
  }
}

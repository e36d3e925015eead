/**
 * The rows of `trail_sessions`: what the in-memory index keeps of a session
 * (history-index.ts, session-table.ts), kept by the append for the sessions
 * its events touch, under the same rules, so that a summary read from
 * PostgreSQL equals the memory store's: the start is the session.started
 * record's, else the earliest execution's; the notebook the record's, else
 * that of the lowest-seq execution (the first to arrive among equal seqs);
 * the last activity the latest end of an execution. Listings read the
 * precomputed summary; environments are added when read (they may arrive
 * before the session is listed).
 */
import type {
  ExecutionRecord,
  SessionRecord,
  SessionSummary
} from '../../../src/records/schema';
import type { EnvironmentVersion } from '../environment-index';
import { isBefore, timeMs } from '../time-order';

/** What the append reads and writes of one session. */
export interface SessionRow {
  id: string;
  record: SessionRecord | null;
  /** The n of the event that stored the record (replays' order). */
  recordN: number | null;
  derivedPath: string | null;
  derivedPathSeq: number;
  earliestStartedAt: string | null;
  lastEndedAt: string | null;
  executionCount: number;
}

/** The columns of a row as selected by {@link SESSION_ROW_COLUMNS}. */
export interface SessionRowColumns {
  id: string;
  record: SessionRecord | null;
  record_n: string | null;
  derived_path: string | null;
  derived_path_seq: number | null;
  earliest_started_at: string | null;
  last_ended_at: string | null;
  execution_count: number;
}

export const SESSION_ROW_COLUMNS =
  'id, record, record_n, derived_path, derived_path_seq, ' +
  'earliest_started_at, last_ended_at, execution_count';

/** A row as read back. */
export function sessionRowOf(columns: SessionRowColumns): SessionRow {
  return {
    id: columns.id,
    record: columns.record,
    recordN: columns.record_n === null ? null : Number(columns.record_n),
    derivedPath: columns.derived_path,
    derivedPathSeq: columns.derived_path_seq ?? 0,
    earliestStartedAt: columns.earliest_started_at,
    lastEndedAt: columns.last_ended_at,
    executionCount: columns.execution_count
  };
}

/** A session nothing of which is stored yet. */
export function emptySessionRow(id: string): SessionRow {
  return {
    id,
    record: null,
    recordN: null,
    derivedPath: null,
    derivedPathSeq: 0,
    earliestStartedAt: null,
    lastEndedAt: null,
    executionCount: 0
  };
}

/** A stored session.started record (its event's storage number `n`). */
export function noteRecord(
  row: SessionRow,
  record: SessionRecord,
  n: number
): void {
  row.record = record;
  row.recordN = n;
}

/** A stored execution of the session (see HistoryIndex.addExecution). */
export function noteExecution(row: SessionRow, x: ExecutionRecord): void {
  row.executionCount++;
  if (row.derivedPath === null || x.seq < row.derivedPathSeq) {
    row.derivedPath = x.notebookPath;
    row.derivedPathSeq = x.seq;
  }
  if (row.lastEndedAt === null || isBefore(row.lastEndedAt, x.endedAt)) {
    row.lastEndedAt = x.endedAt;
  }
  if (
    row.earliestStartedAt === null ||
    isBefore(x.startedAt, row.earliestStartedAt)
  ) {
    row.earliestStartedAt = x.startedAt;
  }
}

/** The start a session is listed by (SessionTable's startOf). */
function startOf(row: SessionRow): string | null {
  return row.record?.startedAt ?? row.earliestStartedAt;
}

/** The summary of a session, without its environments. */
export function summaryOf(row: SessionRow): SessionSummary {
  const summary: SessionSummary = {
    id: row.id,
    notebookPath: row.record?.notebookPath ?? row.derivedPath ?? '',
    startedAt: startOf(row) ?? '',
    kernel: row.record?.kernel ?? null,
    executionCount: row.executionCount,
    lastExecutionAt: row.lastEndedAt
  };
  if (row.record?.lineage) {
    summary.lineage = row.record.lineage;
  }
  return summary;
}

/** The row as `trail_sessions` takes it (see the upsert in pg-store.ts). */
export function sessionColumns(row: SessionRow): Record<string, unknown> {
  const summary = summaryOf(row);
  const ms = timeMs(summary.startedAt);
  return {
    id: row.id,
    record: row.record,
    record_n: row.recordN,
    notebook_path: summary.notebookPath,
    started_at:
      summary.startedAt !== '' && !Number.isNaN(Date.parse(summary.startedAt))
        ? new Date(ms).toISOString()
        : null,
    order_ms: ms,
    derived_path: row.derivedPath,
    derived_path_seq: row.derivedPathSeq,
    earliest_started_at: row.earliestStartedAt,
    last_ended_at: row.lastEndedAt,
    execution_count: row.executionCount,
    lineage_session_id: row.record?.lineage?.sessionId ?? null,
    summary
  };
}

/**
 * A session's environment versions as its summary shows them (read in
 * EnvironmentIndex order): one equal to the one before it is left out.
 */
export function distinctVersions(
  versions: EnvironmentVersion[] | null
): EnvironmentVersion[] | undefined {
  return versions?.filter((v, i) => i === 0 || versions[i - 1].id !== v.id);
}

/**
 * The history in PostgreSQL: the TrailStore of a team's shared server.
 * Several servers write one database; nothing one of them needs is kept in
 * another's memory, so every answer is a query, each listing a keyset page
 * over an index (see migrations/001-core.ts). Appends are pg-append.ts's:
 * one transaction per group, acknowledged once committed.
 */
import type pg from 'pg';
import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary
} from '../../../src/records/schema';
import { mergeCaptures } from '../../../src/records/capture';
import { summarizeExecution } from '../../../src/records/summary';
import type { EnvironmentVersion } from '../environment-index';
import type { ExecutionFingerprint } from '../../../src/records/fingerprint';
import type {
  FingerprintMatch,
  FingerprintQuery,
  StoredFingerprint
} from '../fingerprint-types';
import {
  readEnvironment,
  type BlobStore,
  type CellQuery,
  type ExecutionKey,
  type ExecutionQuery,
  type RunNameCounts,
  type RunOwners,
  type RunQuery,
  type RunQueryResult,
  type SessionKey,
  type SessionQuery,
  type StepRecord,
  type StoredEvent,
  type StorePage,
  type StructureSnapshotRecord,
  type TrailStore,
  type WritableBlobStore,
  type WriteFailure
} from '../types';
import type { DatabaseLog, PgDatabase } from './database';
import { PgAppender } from './pg-append';
import { PgBlobStore } from './pg-blobs';
import { guarded, isUnavailable } from './pg-errors';
import { PgFingerprints } from './pg-fingerprints';
import { pgText, unescapeNullable } from './pg-json';
import { readManyByKey } from './pg-read-many';
import { PgRuns } from './pg-runs';
import { distinctVersions } from './pg-sessions';

export {
  APPEND_LOCK,
  EVENTS_CHANNEL,
  storedRangeOf,
  type StoredRange
} from './pg-append';

/** Rows scanEvents and scanExecutions read per query by default. */
const SCAN_BATCH = 500;

/** Options of {@link PgStore.open}. */
export interface PgStoreOptions {
  /** An object store for blobs; without it blobs live in `trail_blobs`. */
  blobs?: WritableBlobStore;
  log?: DatabaseLog;
}

/** An execution row with its annotations' captures, in arrival order. */
interface RecordRow {
  record: ExecutionRecord;
  captures: ExecutionCapture[] | null;
}

/** The record with its annotations merged (as the memory store's). */
function mergedRecord(row: RecordRow): ExecutionRecord {
  const record = row.record;
  if (!row.captures || row.captures.length === 0) {
    return record;
  }
  const capture = mergeCaptures([record.capture, ...row.captures]);
  return capture ? { ...record, capture } : record;
}

/** The annotations' captures of execution `e`, in arrival order. */
const CAPTURES = `(
  SELECT json_agg(a.capture ORDER BY a.n) FROM trail_annotations a
  WHERE a.execution_id = e.id AND a.session_id = e.session_id
) AS captures`;

/** Selects execution records (`e`) with their annotations' captures. */
const RECORD_COLUMNS = `e.record, ${CAPTURES}`;

/**
 * Selects what a summary needs of execution `e`: its record without the
 * outputs, each output's type in order (summarizeExecution counts them
 * and lists the types), and its annotations' captures; the outputs
 * themselves stay in the database.
 */
const SUMMARY_RECORD_COLUMNS = `(
  SELECT json_object_agg(r.k, r.v ORDER BY r.i)
  FROM json_each(e.record) WITH ORDINALITY AS r(k, v, i) WHERE r.k <> 'outputs'
) AS record, (
  SELECT json_agg(o.value -> 'output_type' ORDER BY o.i)
  FROM json_array_elements(e.record -> 'outputs') WITH ORDINALITY AS o(value, i)
) AS output_types, ${CAPTURES}`;

/** A row of {@link SUMMARY_RECORD_COLUMNS}. */
interface SummaryRecordRow {
  record: Omit<ExecutionRecord, 'outputs'>;
  output_types: ExecutionRecord['outputs'][number]['output_type'][] | null;
  captures: ExecutionCapture[] | null;
}

/** The summary of an execution read by {@link SUMMARY_RECORD_COLUMNS}. */
function summaryOf(row: SummaryRecordRow): ExecutionSummary {
  const outputs = (row.output_types ?? []).map(
    type => ({ output_type: type }) as ExecutionRecord['outputs'][number]
  );
  return summarizeExecution(
    mergedRecord({
      record: { ...row.record, outputs },
      captures: row.captures
    })
  );
}

/** Selects a session's summary (`s`) with its environment versions. */
const SUMMARY_COLUMNS = `s.id, s.order_ms, s.summary, (
  SELECT jsonb_agg(jsonb_build_object('id', v.environment_id,
      'fromSeq', v.from_seq, 'capturedAt', v.captured_at)
    ORDER BY v.from_seq, v.captured_ms, v.environment_id, v.n)
  FROM trail_environments v WHERE v.session_id = s.id
) AS environments`;

interface SummaryRow {
  id: string;
  order_ms: number;
  summary: SessionSummary;
  environments: EnvironmentVersion[] | null;
}

function sessionSummaryOf(row: SummaryRow): SessionSummary {
  const environments = distinctVersions(row.environments);
  return environments ? { ...row.summary, environments } : { ...row.summary };
}

/** See the module comment. */
export class PgStore implements TrailStore {
  readonly blobs: BlobStore;
  /**
   * The highest `trail_events.n` this store's appends committed (0: none
   * yet); each append's own range is on its result (see
   * {@link storedRangeOf}).
   */
  get lastStoredN(): number {
    return this.appender.lastStoredN;
  }
  private readonly pool: pg.Pool;
  private readonly runs: PgRuns;
  private readonly fingerprints: PgFingerprints;
  private readonly appender: PgAppender;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(db: PgDatabase, options: PgStoreOptions) {
    this.pool = db.pool;
    const external = options.blobs ?? null;
    this.blobs = external ?? new PgBlobStore(db.pool);
    this.runs = new PgRuns(db);
    this.fingerprints = new PgFingerprints(db, {
      blobs: external ?? undefined
    });
    this.appender = new PgAppender(db.pool, external, [
      this.runs,
      this.fingerprints
    ]);
  }

  /**
   * A store on `db`, whose schema must be migrated (PgDatabase.migrate,
   * at start or by `trail-server migrate`): refused with a clear error
   * when it is not, opened anyway when the database is down (its answers
   * are 503s until it is back). The store does not close the
   * database: the process shares it between parts and closes it last.
   */
  static async open(
    db: PgDatabase,
    options: PgStoreOptions = {}
  ): Promise<PgStore> {
    let migrated: boolean;
    try {
      const { rows } = await db.pool.query<{ ok: boolean }>(
        "SELECT to_regclass('trail_events') IS NOT NULL AS ok"
      );
      migrated = rows[0].ok;
    } catch (err) {
      if (!isUnavailable(err)) {
        throw err;
      }
      // Down at start: the store opens, and answers 503 until it is back.
      migrated = true;
    }
    if (!migrated) {
      throw new Error(
        'the database holds no Trail schema: run `trail-server migrate --database <url>` (or start the server, which migrates) first'
      );
    }
    return new PgStore(db, options);
  }

  async writeFailure(): Promise<WriteFailure | null> {
    return this.appender.failure;
  }

  append(
    events: StoredEvent[],
    blobs: ReadonlyMap<string, Buffer> = new Map()
  ): Promise<IngestResult> {
    if (this.closed) {
      return Promise.reject(new Error('the store is closed'));
    }
    // The store's own copy, as the other stores keep: the caller may
    // change its objects while this append waits its turn.
    const work = this.appender.append(structuredClone(events), blobs);
    this.pending.add(work);
    const done = (): void => {
      this.pending.delete(work);
    };
    work.then(done, done);
    return work;
  }

  hasEvent(id: string): Promise<boolean> {
    return this.query(async () => {
      const { rowCount } = await this.prepared(
        'has_event',
        'SELECT 1 FROM trail_events WHERE id = $1',
        [id]
      );
      return (rowCount ?? 0) > 0;
    });
  }

  sessionOfEvent(id: string): Promise<string | undefined> {
    return this.query(async () => {
      const { rows } = await this.prepared<{ session_id: string }>(
        'session_of_event',
        'SELECT session_id FROM trail_events WHERE id = $1',
        [id]
      );
      return rows[0]?.session_id;
    });
  }

  sessionOfExecution(id: string): Promise<string | undefined> {
    return this.query(async () => {
      const { rows } = await this.prepared<{ session_id: string }>(
        'session_of_execution',
        'SELECT session_id FROM trail_executions WHERE id = $1',
        [id]
      );
      return rows[0]?.session_id;
    });
  }

  getSession(id: string): Promise<SessionSummary | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<SummaryRow>(
        'get_session',
        `SELECT ${SUMMARY_COLUMNS} FROM trail_sessions s WHERE s.id = $1`,
        [id]
      );
      return rows[0] ? sessionSummaryOf(rows[0]) : null;
    });
  }

  listSessions(
    query: SessionQuery
  ): Promise<StorePage<SessionSummary, SessionKey>> {
    return this.query(async () => {
      const values: unknown[] = [];
      const param = (value: unknown): string => `$${values.push(value)}`;
      const where: string[] = [];
      if (query.notebook !== undefined) {
        where.push(`s.notebook_path = ${param(pgText(query.notebook))}`);
      }
      if (query.ids) {
        where.push(`s.id = ANY(${param([...query.ids])}::text[])`);
      }
      if (query.excludeIds && query.excludeIds.size > 0) {
        where.push(`s.id <> ALL(${param([...query.excludeIds])}::text[])`);
      }
      if (query.after) {
        where.push(
          `(s.order_ms, s.id) < (${param(query.after.startedAtMs)}::float8, ${param(query.after.id)}::text)`
        );
      }
      const { rows } = await this.pool.query<SummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM trail_sessions s
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY s.order_ms DESC, s.id DESC
         LIMIT ${param(query.limit + 1)}`,
        values
      );
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items[items.length - 1];
      return {
        items: items.map(sessionSummaryOf),
        next:
          more && last
            ? { startedAtMs: Number(last.order_ms), id: last.id }
            : null
      };
    });
  }

  listExecutions(
    sessionId: string,
    query: ExecutionQuery
  ): Promise<StorePage<ExecutionSummary, ExecutionKey> | null> {
    return this.query(async () => {
      const values: unknown[] = [sessionId, query.limit + 1];
      let after = '';
      if (query.after) {
        values.push(query.after.seq, query.after.id);
        after = 'AND (e.seq, e.id) > ($3::int, $4::text)';
      }
      const { rows } = await this.pool.query<
        SummaryRecordRow & { seq: number }
      >(
        `SELECT e.seq, ${SUMMARY_RECORD_COLUMNS} FROM trail_executions e
         WHERE e.session_id = $1 ${after}
         ORDER BY e.seq, e.id LIMIT $2`,
        values
      );
      if (rows.length === 0 && !(await this.sessionExists(sessionId))) {
        return null;
      }
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit).map(summaryOf);
      const last = items[items.length - 1];
      return {
        items,
        next: more && last ? { seq: last.seq, id: last.id } : null
      };
    });
  }

  getExecution(id: string): Promise<ExecutionRecord | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<RecordRow>(
        'get_execution',
        `SELECT ${RECORD_COLUMNS} FROM trail_executions e WHERE e.id = $1`,
        [id]
      );
      return rows[0] ? mergedRecord(rows[0]) : null;
    });
  }

  getExecutions(ids: readonly string[]): Promise<(ExecutionRecord | null)[]> {
    return this.query(() =>
      readManyByKey<RecordRow & { key: string }, ExecutionRecord>(
        this.pool,
        `SELECT e.id AS key, ${RECORD_COLUMNS} FROM trail_executions e
         WHERE e.id = ANY($1::text[])`,
        ids,
        mergedRecord
      )
    );
  }

  listCellExecutions(
    query: CellQuery
  ): Promise<StorePage<ExecutionSummary, string> | null> {
    return this.query(async () => {
      // Text columns hold what `->>` extracts: escaped (pg-json.ts).
      const values: unknown[] = [pgText(query.notebook), pgText(query.cellId)];
      const param = (value: unknown): string => `$${values.push(value)}`;
      let where = '';
      if (query.after !== undefined) {
        const { rows } = await this.pool.query<{ started_ms: number }>(
          `SELECT started_ms FROM trail_executions
           WHERE id = $1 AND notebook_path = $2 AND cell_id = $3`,
          [query.after, values[0], values[1]]
        );
        if (rows.length === 0) {
          return null;
        }
        where += ` AND (e.started_ms, e.id) < (${param(rows[0].started_ms)}::float8, ${param(query.after)}::text)`;
      }
      if (query.excludeSessionIds && query.excludeSessionIds.size > 0) {
        where += ` AND e.session_id <> ALL(${param([...query.excludeSessionIds])}::text[])`;
      }
      const { rows } = await this.pool.query<SummaryRecordRow>(
        `SELECT ${SUMMARY_RECORD_COLUMNS} FROM trail_executions e
         WHERE e.notebook_path = $1 AND e.cell_id = $2 ${where}
         ORDER BY e.started_ms DESC, e.id DESC
         LIMIT ${param(query.limit + 1)}`,
        values
      );
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit).map(summaryOf);
      const last = items[items.length - 1];
      return { items, next: more && last ? last.id : null };
    });
  }

  previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null } | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<
        { known: boolean } & Partial<SummaryRecordRow>
      >(
        'previous_execution',
        `SELECT true AS known, p.record, p.output_types, p.captures
         FROM trail_executions x
         LEFT JOIN LATERAL (
           SELECT ${SUMMARY_RECORD_COLUMNS} FROM trail_executions e
           WHERE x.cell_id IS NOT NULL AND e.notebook_path = x.notebook_path
             AND e.cell_id = x.cell_id
             AND (e.started_ms, e.id) < (x.started_ms, x.id)
           ORDER BY e.started_ms DESC, e.id DESC LIMIT 1
         ) p ON true
         WHERE x.id = $1`,
        [id]
      );
      if (rows.length === 0) {
        return null;
      }
      const { record, output_types, captures } = rows[0];
      return {
        execution: record
          ? summaryOf({
              record,
              output_types: output_types ?? null,
              captures: captures ?? null
            })
          : null
      };
    });
  }

  getEnvironment(id: string): Promise<EnvironmentSnapshot | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<{ captured_at: string }>(
        'environment',
        `SELECT captured_at FROM trail_environments WHERE environment_id = $1
         ORDER BY captured_ms, n LIMIT 1`,
        [id]
      );
      return readEnvironment(this.blobs, id, rows[0]?.captured_at);
    });
  }

  listSteps(sessionId: string): Promise<StepRecord[] | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<{
        seq: number;
        id: string;
        cell_id: string | null;
        status: ExecutionRecord['status'];
        started_text: string;
        duration_ms: number;
      }>(
        'steps',
        `SELECT seq, id, cell_id, status, started_text, duration_ms
         FROM trail_executions WHERE session_id = $1 ORDER BY seq, id`,
        [sessionId]
      );
      if (rows.length === 0 && !(await this.sessionExists(sessionId))) {
        return null;
      }
      return rows.map(r => ({
        seq: r.seq,
        executionId: r.id,
        cellId: unescapeNullable(r.cell_id),
        status: r.status,
        startedAt: r.started_text,
        durationMs: r.duration_ms
      }));
    });
  }

  replaysOf(id: string): Promise<string[]> {
    return this.query(async () => {
      const { rows } = await this.prepared<{ id: string }>(
        'replays',
        `SELECT id FROM trail_sessions WHERE lineage_session_id = $1
         ORDER BY record_n`,
        [id]
      );
      return rows.map(r => r.id);
    });
  }

  listStructures(sessionId: string): Promise<StructureSnapshotRecord[]> {
    return this.query(async () => {
      const { rows } = await this.prepared<StructureSnapshotRecord>(
        'structures',
        `SELECT from_seq AS "fromSeq", cells FROM trail_structures
         WHERE session_id = $1 ORDER BY from_seq, n`,
        [sessionId]
      );
      return rows;
    });
  }

  structureCount(sessionId: string): Promise<number> {
    return this.query(async () => {
      const { rows } = await this.prepared<{ count: number }>(
        'structure_count',
        'SELECT count(*)::int AS count FROM trail_structures WHERE session_id = $1',
        [sessionId]
      );
      return rows[0].count;
    });
  }

  /** Every execution as stored, in storage order, a page of rows a query. */
  async scanExecutions(
    onRecord: (record: ExecutionRecord) => void,
    shouldStop?: () => boolean
  ): Promise<void> {
    let after = 0;
    for (;;) {
      if (shouldStop?.()) {
        return;
      }
      const { rows } = await this.query(() =>
        this.pool.query<{ n: string; record: ExecutionRecord }>(
          `SELECT n, record FROM trail_executions WHERE n > $1
           ORDER BY n LIMIT ${SCAN_BATCH}`,
          [after]
        )
      );
      for (const row of rows) {
        if (shouldStop?.()) {
          return;
        }
        onRecord(row.record);
      }
      if (rows.length < SCAN_BATCH) {
        return;
      }
      after = Number(rows[rows.length - 1].n);
    }
  }

  /** Every event as stored, in `trail_events` order (TrailStore.scanEvents). */
  async scanEvents(
    onEvents: (events: StoredEvent[]) => Promise<void> | void,
    options: { batchSize?: number } = {}
  ): Promise<void> {
    const size = Math.max(1, options.batchSize ?? SCAN_BATCH);
    let after = 0;
    for (;;) {
      const { rows } = await this.query(() =>
        this.pool.query<{ n: string; body: StoredEvent }>(
          'SELECT n, body FROM trail_event_bodies WHERE n > $1 ORDER BY n LIMIT $2',
          [after, size]
        )
      );
      if (rows.length === 0) {
        return;
      }
      await onEvents(rows.map(r => r.body));
      if (rows.length < size) {
        return;
      }
      after = Number(rows[rows.length - 1].n);
    }
  }

  queryRuns(query: RunQuery): Promise<RunQueryResult> {
    return this.query(() => this.runs.query(query));
  }

  getRun(id: string, owners?: RunOwners) {
    return this.query(() => this.runs.get(id, owners));
  }

  runNames(
    excludeIds?: ReadonlySet<string>,
    owners?: RunOwners
  ): Promise<RunNameCounts> {
    return this.query(() => this.runs.names(excludeIds, owners));
  }

  fingerprintOf(executionId: string): Promise<StoredFingerprint | null> {
    return this.query(() => this.fingerprints.fingerprintOf(executionId));
  }

  executionsByFingerprint(
    fingerprint: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.query(() =>
      this.fingerprints.executionsByFingerprint(fingerprint, query)
    );
  }

  executionsByPathKey(
    pathKey: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.query(() =>
      this.fingerprints.executionsByPathKey(pathKey, query)
    );
  }

  sessionFingerprints(
    sessionId: string
  ): Promise<ExecutionFingerprint[] | null> {
    return this.query(() => this.fingerprints.sessionFingerprints(sessionId));
  }

  /** Waits for the appends under way; the database stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  private async sessionExists(id: string): Promise<boolean> {
    const { rowCount } = await this.prepared(
      'session_exists',
      'SELECT 1 FROM trail_sessions WHERE id = $1',
      [id]
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * A query prepared once per connection under `name` (the fixed reads by
   * key: parsed and planned once, not on every call).
   */
  private prepared<R extends pg.QueryResultRow>(
    name: string,
    text: string,
    values: unknown[]
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>({ name: `trail_store_${name}`, text, values });
  }

  /** Runs a read, its connection failures reported as 503s. */
  private query<T>(read: () => Promise<T>): Promise<T> {
    return guarded(read);
  }
}

/**
 * The history in PostgreSQL: the TrailStore of a team's shared server.
 * Several servers write one database; nothing one of them needs is kept in
 * another's memory, so every answer is a query, each listing a keyset page
 * over an index (see migrations/001-core.ts).
 *
 * An append is one transaction, acknowledged only once committed: it takes
 * the appends' advisory lock (so `trail_events.n` values commit in
 * increasing order, and a follower reading `n > last` misses none), reads
 * which of its ids are stored (duplicates change nothing, as
 * duplicates.ts says), inserts the new events and the rows the listings
 * read, one statement per table, lets the runs and fingerprints keep
 * theirs, and notifies `trail_events` with the highest n (delivered at
 * commit). Blobs go into `trail_blobs` in the same transaction, or, with an
 * object store, are put there before it begins: a put refused fails the
 * append with nothing stored. Appends of one process that arrive while a
 * transaction runs wait and share the next one (group commit): the lock
 * and the commit's flush are paid once for all of them.
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
import { outputText } from '../../search/snippets';
import { DuplicateFilter } from '../duplicates';
import type { EnvironmentVersion } from '../environment-index';
import type { ExecutionFingerprint } from '../../../src/records/fingerprint';
import type {
  FingerprintMatch,
  FingerprintQuery,
  StoredFingerprint
} from '../fingerprint-types';
import { startMs, timeMs } from '../time-order';
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
import { PgBlobStore, insertBlobs } from './pg-blobs';
import { guarded, isUnavailable, unavailable } from './pg-errors';
import { AppError } from '../../errors';
import { PgFingerprints } from './pg-fingerprints';
import { PgRuns } from './pg-runs';
import {
  SESSION_ROW_COLUMNS,
  distinctVersions,
  emptySessionRow,
  noteExecution,
  noteRecord,
  sessionColumns,
  sessionRowOf,
  type SessionRow,
  type SessionRowColumns
} from './pg-sessions';

/** The advisory lock every append holds until it commits (see 001-core). */
export const APPEND_LOCK = 7400717;
/** The channel each append notifies with its highest n. */
export const EVENTS_CHANNEL = 'trail_events';
/** Blob puts to an object store in flight at once per append. */
const PUT_CONCURRENCY = 8;
/** Events one group commit takes at most (appends that wait together). */
const GROUP_EVENTS = 5000;
/** Rows scanEvents and scanExecutions read per query by default. */
const SCAN_BATCH = 500;

/**
 * What an append stored, in `trail_events` order: the result of
 * {@link PgStore.append} carries it as non-enumerable fields (the API's
 * answer stays `{ accepted, duplicates }`); absent when nothing was new.
 */
export interface StoredRange {
  /** The n of the first and last event stored (consecutive: one lock). */
  firstN: number;
  lastN: number;
}

/** The n range an append stored, or null when it stored nothing. */
export function storedRangeOf(result: IngestResult): StoredRange | null {
  const range = result as IngestResult & Partial<StoredRange>;
  return range.firstN === undefined || range.lastN === undefined
    ? null
    : { firstN: range.firstN, lastN: range.lastN };
}

/** Options of {@link PgStore.open}. */
export interface PgStoreOptions {
  /** An object store for blobs; without it blobs live in `trail_blobs`. */
  blobs?: WritableBlobStore;
  log?: DatabaseLog;
}

/** An append waiting for its group's transaction. */
interface QueuedAppend {
  events: StoredEvent[];
  blobs: ReadonlyMap<string, Buffer>;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
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

/** Selects execution records (`e`) with their annotations' captures. */
const RECORD_COLUMNS = `e.record, (
  SELECT jsonb_agg(a.capture ORDER BY a.n) FROM trail_annotations a
  WHERE a.execution_id = e.id AND a.session_id = e.session_id
) AS captures`;

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

/** The session an event belongs to. */
function sessionOf(event: StoredEvent): string {
  switch (event.kind) {
    case 'session.started':
      return event.session.id;
    case 'execution.completed':
      return event.execution.sessionId;
    default:
      return event.sessionId;
  }
}

/**
 * A batch PostgreSQL cannot keep as sent, as a 400 (resending it cannot
 * help, so it must not look like a server fault): text holding NUL
 * (jsonb and text refuse \u0000), or a number past a column's range (seq
 * and fromSeq are integers). Undefined for any other error.
 */
function refusal(err: unknown): AppError | undefined {
  const { code, message } = err as { code?: unknown; message?: string };
  if (code === '22P05' || code === '22021') {
    return new AppError(
      400,
      'unstorable_value',
      'the batch holds text with a NUL character (\\u0000), which the PostgreSQL store cannot keep; nothing of it was stored'
    );
  }
  if (code === '22003') {
    return new AppError(
      400,
      'unstorable_value',
      `the batch holds a number PostgreSQL cannot keep (${message}); nothing of it was stored`
    );
  }
  return undefined;
}

/** See the module comment. */
export class PgStore implements TrailStore {
  readonly blobs: BlobStore;
  /**
   * The highest `trail_events.n` this store's appends committed (0: none
   * yet); each append's own range is on its result (see
   * {@link storedRangeOf}).
   */
  lastStoredN = 0;
  private readonly pool: pg.Pool;
  private readonly external: WritableBlobStore | null;
  private readonly runs: PgRuns;
  private readonly fingerprints: PgFingerprints;
  private failure: WriteFailure | null = null;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly queue: QueuedAppend[] = [];
  private draining = false;
  private closed = false;

  private constructor(db: PgDatabase, options: PgStoreOptions) {
    this.pool = db.pool;
    this.external = options.blobs ?? null;
    this.blobs = this.external ?? new PgBlobStore(db.pool);
    this.runs = new PgRuns(db);
    this.fingerprints = new PgFingerprints(db, {
      blobs: this.external ?? undefined
    });
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
    return this.failure;
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
    const work = this.appendNow(structuredClone(events), blobs);
    this.pending.add(work);
    const done = (): void => {
      this.pending.delete(work);
    };
    work.then(done, done);
    return work;
  }

  private async appendNow(
    events: StoredEvent[],
    blobs: ReadonlyMap<string, Buffer>
  ): Promise<IngestResult> {
    if (events.length === 0) {
      return { accepted: [], duplicates: [] };
    }
    try {
      if (this.external && blobs.size > 0) {
        await this.putAll(this.external, blobs);
      }
      const result = await new Promise<IngestResult>((resolve, reject) => {
        this.queue.push({ events, blobs, resolve, reject });
        if (!this.draining) {
          void this.drain();
        }
      });
      this.failure = null;
      return result;
    } catch (err) {
      if (isUnavailable(err)) {
        this.failure ??= {
          code: 'database_unavailable',
          since: new Date().toISOString()
        };
      }
      throw refusal(err) ?? unavailable(err);
    }
  }

  /**
   * Commits the queued appends, those that arrived together in one
   * transaction (group commit: one lock, one fsync for all). When a group
   * fails for another reason than the database being away, each of its
   * appends is tried alone, so one bad batch fails only its own request.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = [this.queue.shift()!];
        let size = group[0].events.length;
        while (
          this.queue.length > 0 &&
          size + this.queue[0].events.length <= GROUP_EVENTS
        ) {
          const next = this.queue.shift()!;
          size += next.events.length;
          group.push(next);
        }
        try {
          const results = await this.transaction(group);
          group.forEach((queued, i) => queued.resolve(results[i]));
        } catch (err) {
          if (group.length === 1 || isUnavailable(err)) {
            group.forEach(queued => queued.reject(err));
            continue;
          }
          for (const queued of group) {
            try {
              queued.resolve((await this.transaction([queued]))[0]);
            } catch (alone) {
              queued.reject(alone);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Puts every blob in the object store, a few at a time. */
  private async putAll(
    store: WritableBlobStore,
    blobs: ReadonlyMap<string, Buffer>
  ): Promise<void> {
    const entries = [...blobs];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const [sha256, content] = entries[next++];
        await store.put(sha256, content);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(PUT_CONCURRENCY, entries.length) }, worker)
    );
  }

  /**
   * The transaction of a group of appends (see the module comment): their
   * results, in order. Later batches see earlier ones' events as stored.
   */
  private async transaction(group: QueuedAppend[]): Promise<IngestResult[]> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
      const { known, sessions } = await this.readStored(
        client,
        group.flatMap(queued => queued.events)
      );
      const filter = new DuplicateFilter(known);
      const splits = group.map(queued => filter.split(queued.events));
      const fresh = splits.flatMap(split => split.fresh);
      if (fresh.length === 0) {
        await client.query('COMMIT');
        return splits.map(split => split.result);
      }
      if (!this.external) {
        const blobs = new Map<string, Buffer>();
        for (const queued of group) {
          queued.blobs.forEach((content, sha256) => blobs.set(sha256, content));
        }
        await insertBlobs(client, blobs);
      }
      const numbers = await this.insertEvents(client, fresh);
      await this.insertRows(client, fresh, numbers, sessions);
      await this.runs.stored(client, fresh);
      await this.fingerprints.stored(client, fresh);
      const lastN = numbers[numbers.length - 1];
      // The notification goes out at commit; n is a number of ours.
      await client.query(
        `SELECT pg_notify('${EVENTS_CHANNEL}', '${lastN}'); COMMIT`
      );
      this.lastStoredN = Math.max(this.lastStoredN, lastN);
      let at = 0;
      return splits.map(({ fresh: own, result }) => {
        if (own.length > 0) {
          Object.defineProperties(result, {
            firstN: { value: numbers[at], enumerable: false },
            lastN: { value: numbers[at + own.length - 1], enumerable: false }
          });
        }
        at += own.length;
        return result;
      });
    } catch (err) {
      broken = isUnavailable(err);
      if (!broken) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      }
      throw err;
    } finally {
      // A client that lost its server (or its transaction's state) is
      // dropped rather than given to the next query.
      client.release(broken);
    }
  }

  /**
   * Which of the batch's ids are stored, and the rows of the sessions its
   * records and executions touch: one query, under the lock.
   */
  private async readStored(
    client: pg.PoolClient,
    events: StoredEvent[]
  ): Promise<{
    known: ConstructorParameters<typeof DuplicateFilter>[0];
    sessions: Map<string, SessionRow>;
  }> {
    const eventIds = events.map(e => e.id);
    const sessionIds = new Set<string>();
    const executionIds: string[] = [];
    for (const e of events) {
      if (e.kind === 'session.started') {
        sessionIds.add(e.session.id);
      } else if (e.kind === 'execution.completed') {
        sessionIds.add(e.execution.sessionId);
        executionIds.push(e.execution.id);
      }
    }
    const { rows } = await client.query<{
      events: string[];
      executions: string[];
      sessions: SessionRowColumns[];
    }>(
      `SELECT
        ARRAY(SELECT id FROM trail_events WHERE id = ANY($1::text[])) AS events,
        ARRAY(SELECT id FROM trail_executions WHERE id = ANY($2::text[]))
          AS executions,
        (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM (
          SELECT ${SESSION_ROW_COLUMNS} FROM trail_sessions
          WHERE id = ANY($3::text[])) s) AS sessions`,
      [eventIds, executionIds, [...sessionIds]]
    );
    const storedEvents = new Set(rows[0].events);
    const storedExecutions = new Set(rows[0].executions);
    const sessions = new Map<string, SessionRow>();
    for (const columns of rows[0].sessions) {
      sessions.set(columns.id, sessionRowOf(columns));
    }
    return {
      known: {
        hasEvent: id => storedEvents.has(id),
        hasExecution: id => storedExecutions.has(id),
        hasSessionRecord: id => (sessions.get(id)?.record ?? null) !== null
      },
      sessions
    };
  }

  /** Inserts the new events; resolves with their n, in their order. */
  private async insertEvents(
    client: pg.PoolClient,
    fresh: StoredEvent[]
  ): Promise<number[]> {
    const { rows } = await client.query<{ n: string }>(
      `INSERT INTO trail_events (id, kind, session_id, body)
       SELECT t.id, t.kind, t.session_id, b.body
       FROM unnest($1::text[], $2::text[], $3::text[])
         WITH ORDINALITY AS t(id, kind, session_id, i)
       JOIN jsonb_array_elements($4::jsonb) WITH ORDINALITY AS b(body, i)
         USING (i)
       ORDER BY i
       RETURNING n`,
      [
        fresh.map(e => e.id),
        fresh.map(e => e.kind),
        fresh.map(sessionOf),
        JSON.stringify(fresh)
      ]
    );
    // Under the lock the sequence gives this insert consecutive values in
    // row order; sort anyway rather than trust RETURNING's order.
    return rows.map(r => Number(r.n)).sort((a, b) => a - b);
  }

  /**
   * Inserts the rows the listings read for the new events (numbered
   * `numbers`): sessions, executions, annotations, structures,
   * environments, each table in one statement that reads the event bodies
   * just inserted (nothing is sent twice).
   */
  private async insertRows(
    client: pg.PoolClient,
    fresh: StoredEvent[],
    numbers: number[],
    sessions: Map<string, SessionRow>
  ): Promise<void> {
    const touched = new Set<SessionRow>();
    const row = (id: string): SessionRow => {
      let found = sessions.get(id);
      if (!found) {
        found = emptySessionRow(id);
        sessions.set(id, found);
      }
      touched.add(found);
      return found;
    };
    const executions: { n: number; ms: number; output: string }[] = [];
    const byKind = new Map<string, number[]>();
    const environmentMs: number[] = [];
    fresh.forEach((event, i) => {
      const n = numbers[i];
      switch (event.kind) {
        case 'session.started':
          noteRecord(row(event.session.id), event.session, n);
          return;
        case 'execution.completed':
          noteExecution(row(event.execution.sessionId), event.execution);
          executions.push({
            n,
            ms: startMs(event.execution.startedAt),
            output: outputText(event.execution)
          });
          return;
        case 'environment.captured':
          environmentMs.push(timeMs(event.capturedAt));
          break;
      }
      const list = byKind.get(event.kind) ?? [];
      list.push(n);
      byKind.set(event.kind, list);
    });
    if (touched.size > 0) {
      await client.query(
        `INSERT INTO trail_sessions (id, record, record_n, notebook_path,
           started_at, order_ms, derived_path, derived_path_seq,
           earliest_started_at, last_ended_at, execution_count,
           lineage_session_id, summary)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text,
           record jsonb, record_n bigint, notebook_path text,
           started_at timestamptz, order_ms float8, derived_path text,
           derived_path_seq float8, earliest_started_at text,
           last_ended_at text, execution_count int, lineage_session_id text,
           summary jsonb)
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record,
           record_n = EXCLUDED.record_n,
           notebook_path = EXCLUDED.notebook_path,
           started_at = EXCLUDED.started_at, order_ms = EXCLUDED.order_ms,
           derived_path = EXCLUDED.derived_path,
           derived_path_seq = EXCLUDED.derived_path_seq,
           earliest_started_at = EXCLUDED.earliest_started_at,
           last_ended_at = EXCLUDED.last_ended_at,
           execution_count = EXCLUDED.execution_count,
           lineage_session_id = EXCLUDED.lineage_session_id,
           summary = EXCLUDED.summary`,
        [JSON.stringify([...touched].map(sessionColumns))]
      );
    }
    if (executions.length > 0) {
      await client.query(
        `INSERT INTO trail_executions (id, n, session_id, seq, cell_id,
           notebook_path, started_at, started_ms, started_text, status,
           duration_ms, record, code, output_text)
         SELECT r->>'id', e.n, r->>'sessionId', (r->>'seq')::int,
           r->>'cellId', r->>'notebookPath', to_timestamp(x.ms / 1000),
           x.ms, r->>'startedAt', r->>'status', (r->>'durationMs')::float8,
           r, r->>'code', x.output
         FROM unnest($1::bigint[], $2::float8[], $3::text[]) AS x(n, ms, output)
         JOIN trail_events e ON e.n = x.n
         CROSS JOIN LATERAL (SELECT e.body->'execution' AS r) b`,
        [
          executions.map(x => x.n),
          executions.map(x => x.ms),
          executions.map(x => x.output)
        ]
      );
    }
    const annotated = byKind.get('execution.annotated');
    if (annotated) {
      await client.query(
        `INSERT INTO trail_annotations (n, execution_id, session_id, capture)
         SELECT n, body->>'executionId', session_id, body->'capture'
         FROM trail_events WHERE n = ANY($1::bigint[])`,
        [annotated]
      );
    }
    const structures = byKind.get('structure.captured');
    if (structures) {
      await client.query(
        `INSERT INTO trail_structures (n, session_id, from_seq, cells)
         SELECT n, session_id, (body->>'fromSeq')::int, body->'cells'
         FROM trail_events WHERE n = ANY($1::bigint[])`,
        [structures]
      );
    }
    const environments = byKind.get('environment.captured');
    if (environments) {
      await client.query(
        `INSERT INTO trail_environments (n, session_id, environment_id,
           from_seq, captured_at, captured_ms)
         SELECT e.n, e.session_id, e.body->>'environmentId',
           (e.body->>'fromSeq')::int, e.body->>'capturedAt', x.ms
         FROM unnest($1::bigint[], $2::float8[]) AS x(n, ms)
         JOIN trail_events e ON e.n = x.n`,
        [environments, environmentMs]
      );
    }
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
        where.push(`s.notebook_path = ${param(query.notebook)}`);
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
      const { rows } = await this.pool.query<RecordRow & { seq: number }>(
        `SELECT e.seq, ${RECORD_COLUMNS} FROM trail_executions e
         WHERE e.session_id = $1 ${after}
         ORDER BY e.seq, e.id LIMIT $2`,
        values
      );
      if (rows.length === 0 && !(await this.sessionExists(sessionId))) {
        return null;
      }
      const more = rows.length > query.limit;
      const items = rows
        .slice(0, query.limit)
        .map(row => summarizeExecution(mergedRecord(row)));
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

  listCellExecutions(
    query: CellQuery
  ): Promise<StorePage<ExecutionSummary, string> | null> {
    return this.query(async () => {
      const values: unknown[] = [query.notebook, query.cellId];
      const param = (value: unknown): string => `$${values.push(value)}`;
      let where = '';
      if (query.after !== undefined) {
        const { rows } = await this.pool.query<{ started_ms: number }>(
          `SELECT started_ms FROM trail_executions
           WHERE id = $1 AND notebook_path = $2 AND cell_id = $3`,
          [query.after, query.notebook, query.cellId]
        );
        if (rows.length === 0) {
          return null;
        }
        where += ` AND (e.started_ms, e.id) < (${param(rows[0].started_ms)}::float8, ${param(query.after)}::text)`;
      }
      if (query.excludeSessionIds && query.excludeSessionIds.size > 0) {
        where += ` AND e.session_id <> ALL(${param([...query.excludeSessionIds])}::text[])`;
      }
      const { rows } = await this.pool.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM trail_executions e
         WHERE e.notebook_path = $1 AND e.cell_id = $2 ${where}
         ORDER BY e.started_ms DESC, e.id DESC
         LIMIT ${param(query.limit + 1)}`,
        values
      );
      const more = rows.length > query.limit;
      const items = rows
        .slice(0, query.limit)
        .map(row => summarizeExecution(mergedRecord(row)));
      const last = items[items.length - 1];
      return { items, next: more && last ? last.id : null };
    });
  }

  previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null } | null> {
    return this.query(async () => {
      const { rows } = await this.prepared<
        { known: boolean } & Partial<RecordRow>
      >(
        'previous_execution',
        `SELECT true AS known, p.record, p.captures
         FROM trail_executions x
         LEFT JOIN LATERAL (
           SELECT ${RECORD_COLUMNS} FROM trail_executions e
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
      const { record, captures } = rows[0];
      return {
        execution: record
          ? summarizeExecution(
              mergedRecord({ record, captures: captures ?? null })
            )
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
        cellId: r.cell_id,
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
          'SELECT n, body FROM trail_events WHERE n > $1 ORDER BY n LIMIT $2',
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

/**
 * How a PostgreSQL store appends (see pg-store.ts): one transaction per
 * group of appends, acknowledged only once committed. It takes the
 * appends' advisory lock (so `trail_events.n` values commit in increasing
 * order, and a follower reading `n > last` misses none), reads which of
 * its ids are stored (duplicates change nothing, as duplicates.ts says),
 * inserts the new events and the rows the listings read, one statement per
 * table, lets the runs and fingerprints keep theirs, and notifies
 * `trail_events` with the highest n (delivered at commit). Blobs go into
 * `trail_blobs` in the same transaction, or, with an object store, are put
 * there before it begins: a put refused fails the append with nothing
 * stored. Appends of one process that arrive while a transaction runs wait
 * and share the next one (group commit): the lock and the commit's flush
 * are paid once for all of them.
 */
import type pg from 'pg';
import type {
  ExecutionRecord,
  IngestResult
} from '../../../src/records/schema';
import { AppError } from '../../errors';
import { outputText } from '../../search/snippets';
import { DuplicateFilter } from '../duplicates';
import { startMs, timeMs } from '../time-order';
import type { StoredEvent, WritableBlobStore, WriteFailure } from '../types';
import { insertBlobs } from './pg-blobs';
import { isUnavailable, unavailable } from './pg-errors';
import { pgJson, pgText, searchableText } from './pg-json';
import {
  SESSION_ROW_COLUMNS,
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

/**
 * What an append stored, in `trail_events` order: the result of
 * PgStore.append carries it as non-enumerable fields (the API's
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

/** An append waiting for its group's transaction. */
interface QueuedAppend {
  events: StoredEvent[];
  blobs: ReadonlyMap<string, Buffer>;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
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
 * Whether `event` is stored without a body of its own: an
 * execution.completed event with exactly the keys id, kind, execution in
 * that order (what the recorder sends), and an id the NUL escape leaves as
 * it is (pg-json.ts). Its text as stored, `JSON.stringify(event)`, is then
 * `{"id":<id>,"kind":"execution.completed","execution":<record>}` with
 * the record's text as trail_executions keeps it, which is exactly what
 * the view `trail_event_bodies` (001-core) rebuilds: each record is kept
 * once. Any other shape keeps its whole body, so every event reads back
 * as it came.
 */
export function recordOnly(event: StoredEvent): boolean {
  if (event.kind !== 'execution.completed' || pgText(event.id) !== event.id) {
    return false;
  }
  const keys = Object.keys(event);
  return (
    keys.length === 3 &&
    keys[0] === 'id' &&
    keys[1] === 'kind' &&
    keys[2] === 'execution' &&
    event.execution !== undefined
  );
}

/**
 * A batch PostgreSQL cannot keep as sent, as a 400 (resending it cannot
 * help, so it must not look like a server fault): a number past a
 * column's range (seq and fromSeq are integers). Text holding NUL is kept
 * (escaped, see pg-json.ts). Undefined for any other error.
 */
function refusal(err: unknown): AppError | undefined {
  const { code, message } = err as { code?: unknown; message?: string };
  if (code === '22003') {
    return new AppError(
      400,
      'unstorable_value',
      `the batch holds a number PostgreSQL cannot keep (${message}); nothing of it was stored`
    );
  }
  return undefined;
}

/** What else keeps rows in the append's transaction (H2's runs, fingerprints). */
export interface AppendFollower {
  stored(client: pg.PoolClient, fresh: StoredEvent[]): Promise<void>;
}

/** See the module comment. */
export class PgAppender {
  /**
   * The highest `trail_events.n` these appends committed (0: none yet);
   * each append's own range is on its result (see {@link storedRangeOf}).
   */
  lastStoredN = 0;
  /** Why appends fail and since when, while none has succeeded since. */
  failure: WriteFailure | null = null;
  private readonly queue: QueuedAppend[] = [];
  private draining = false;

  /**
   * @param external the object store blobs are put in first, or null (then
   *   they go into `trail_blobs`).
   * @param followers what keeps its own rows of the new events in the same
   *   transaction, in order, after the core rows.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly external: WritableBlobStore | null,
    private readonly followers: AppendFollower[]
  ) {}

  /**
   * Stores the new events of `events` and the blobs they cite; resolves
   * once committed (TrailStore.append). `events` must be the caller's own
   * copy: it is read when its group's turn comes.
   */
  async append(
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
      for (const follower of this.followers) {
        await follower.stored(client, fresh);
      }
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
        (SELECT coalesce(json_agg(s), '[]') FROM (
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

  /**
   * Inserts the new events; resolves with their n, in their order. An
   * execution.completed event in the recorder's shape keeps no body here:
   * its record goes to trail_executions only (insertRows), and
   * `trail_event_bodies` rebuilds the event text from it (see
   * {@link recordOnly}).
   */
  private async insertEvents(
    client: pg.PoolClient,
    fresh: StoredEvent[]
  ): Promise<number[]> {
    const { rows } = await client.query<{ n: string }>(
      `INSERT INTO trail_events (id, kind, session_id, body)
       SELECT t.id, t.kind, t.session_id,
         CASE WHEN json_typeof(b.body) = 'null' THEN NULL ELSE b.body END
       FROM unnest($1::text[], $2::text[], $3::text[])
         WITH ORDINALITY AS t(id, kind, session_id, i)
       JOIN json_array_elements($4::json) WITH ORDINALITY AS b(body, i)
         USING (i)
       ORDER BY i
       RETURNING n`,
      [
        fresh.map(e => e.id),
        fresh.map(e => e.kind),
        fresh.map(sessionOf),
        pgJson(fresh.map(e => (recordOnly(e) ? null : e)))
      ]
    );
    // Under the lock the sequence gives this insert consecutive values in
    // row order; sort anyway rather than trust RETURNING's order.
    return rows.map(r => Number(r.n)).sort((a, b) => a - b);
  }

  /**
   * Inserts the rows the listings read for the new events (numbered
   * `numbers`): sessions, executions, annotations, structures,
   * environments, each table in one statement. Executions' records come
   * from the batch itself (their events keep no body, see insertEvents);
   * the other tables read the event bodies just inserted (nothing is sent
   * twice).
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
    const executions: {
      record: ExecutionRecord;
      n: number;
      ms: number;
      code: string | null;
      output: string;
    }[] = [];
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
            record: event.execution,
            n,
            ms: startMs(event.execution.startedAt),
            // The body's code serves unless escaping changed it (pg-json.ts).
            code:
              pgText(event.execution.code) === event.execution.code
                ? null
                : searchableText(event.execution.code),
            output: searchableText(outputText(event.execution))
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
         SELECT * FROM json_to_recordset($1::json) AS x(id text,
           record json, record_n bigint, notebook_path text,
           started_at timestamptz, order_ms float8, derived_path text,
           derived_path_seq float8, earliest_started_at text,
           last_ended_at text, execution_count int, lineage_session_id text,
           summary json)
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
        [pgJson([...touched].map(sessionColumns))]
      );
    }
    if (executions.length > 0) {
      await client.query(
        `INSERT INTO trail_executions (id, n, session_id, seq, cell_id,
           notebook_path, started_at, started_ms, started_text, status,
           duration_ms, record, code, output_text)
         SELECT r->>'id', x.n, r->>'sessionId', (r->>'seq')::int,
           r->>'cellId', r->>'notebookPath', to_timestamp(x.ms / 1000),
           x.ms, r->>'startedAt', r->>'status', (r->>'durationMs')::float8,
           r, coalesce(x.code, r->>'code'), x.output
         FROM unnest($1::bigint[], $2::float8[], $3::text[], $4::text[])
           WITH ORDINALITY AS x(n, ms, output, code, i)
         JOIN json_array_elements($5::json) WITH ORDINALITY AS b(r, i)
           USING (i)`,
        [
          executions.map(x => x.n),
          executions.map(x => x.ms),
          executions.map(x => x.output),
          executions.map(x => x.code),
          pgJson(executions.map(x => x.record))
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
}

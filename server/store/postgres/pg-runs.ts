/**
 * Runs on PostgreSQL (#17): the run summaries of the sessions, kept in
 * trail_runs (migration 002) inside the append transaction, and the run
 * queries of the store contract (queryRuns, getRun, runNames) as SQL.
 *
 * Kept: each batch locks the rows of the sessions it touches (FOR UPDATE),
 * goes on with their folds in TypeScript with the shared RunAccumulator
 * (src/records/runs/summary.ts: the same rules as the other stores), and
 * writes them back with the summary and the columns queries read. The fold
 * also keeps the session facts a summary needs (its record, the path and
 * start its executions give when the record has not come, its environment
 * versions) and annotations that came before their execution.
 *
 * Queried: the filter and the sort become SQL (filter-sql.ts), pages are
 * cut after a key (keyset), `total` counts every match. Authors are the
 * access layer's facts, lent as `owners`: when a filter or sort names the
 * author, the owners' answers for the stored sessions are passed to SQL as
 * arrays (unnest) and joined.
 */
import type { Pool, PoolClient } from 'pg';
import type { RunSummary } from '../../../src/client/api-schema';
import type {
  ExecutionCapture,
  SessionSummary
} from '../../../src/records/schema';
import {
  RunAccumulator,
  type RunAccumulatorState,
  type RunSession
} from '../../../src/records/runs/summary';
import { runKey } from '../run-query';
import type {
  RunNameCounts,
  RunOwners,
  RunQuery,
  RunQueryResult,
  StoredEvent
} from '../types';
import {
  SqlParams,
  filterSql,
  indexHints,
  keyedSortSql,
  runKeyRows,
  sortSql,
  startedMsOf,
  usesAuthor
} from './filter-sql';
import { pgJson, unescapeText } from './pg-json';

/** What PgRuns needs of the database (H1's PgDatabase has it). */
export interface PgPool {
  pool: Pool;
}

type EnvironmentVersion = NonNullable<SessionSummary['environments']>[number];

/** What a run row keeps to fold on (trail_run_folds.fold). */
export interface RunFold {
  /**
   * The accumulator's state, its executions' seqs as ranges (a session of
   * 10,000 cells keeps a few pairs, not 10,000 numbers, rewritten at every
   * batch).
   */
  acc: StoredAccumulator;
  /** The session.started record's facts, once stored. */
  record: Pick<RunSession, 'notebookPath' | 'startedAt' | 'lineage'> | null;
  /** How many executions are stored (the session exists with one). */
  executions: number;
  /** The notebook path of the lowest seq that names one. */
  derived: { path: string | null; seq: number } | null;
  /** The earliest start among the executions. */
  earliest: string | null;
  /** Environment versions in (fromSeq, capturedAt, id) order. */
  environments: EnvironmentVersion[];
  /** Captures of annotations whose execution is not stored yet. */
  early: [string, ExecutionCapture[]][];
}

function emptyFold(): RunFold {
  return {
    acc: storedState(new RunAccumulator().state()),
    record: null,
    executions: 0,
    derived: null,
    earliest: null,
    environments: [],
    early: []
  };
}

/** A run row being folded in one batch. */
interface Folding {
  fold: RunFold;
  acc: RunAccumulator;
  early: Map<string, ExecutionCapture[]>;
}

/** Where an execution is: its session and seq. */
interface Place {
  sessionId: string;
  seq: number;
}

function timeMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

function isBefore(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) {
    return a < b;
  }
  return timeMs(a) < timeMs(b);
}

function compareVersions(a: EnvironmentVersion, b: EnvironmentVersion): number {
  return (
    a.fromSeq - b.fromSeq ||
    timeMs(a.capturedAt) - timeMs(b.capturedAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The session a fold describes, as the history index summarises it (the
 * facts RunAccumulator.summary reads), or null while no session exists.
 */
export function sessionOfFold(
  id: string,
  fold: RunFold
): (RunSession & { environments?: EnvironmentVersion[] }) | null {
  if (fold.record === null && fold.executions === 0) {
    return null;
  }
  const session: RunSession = {
    id,
    notebookPath: fold.record?.notebookPath ?? fold.derived?.path ?? '',
    startedAt: fold.record?.startedAt ?? fold.earliest ?? ''
  };
  if (fold.record?.lineage) {
    session.lineage = fold.record.lineage;
  }
  const versions = versionsOfFold(fold);
  if (versions.length > 0) {
    session.environments = versions;
  }
  return session;
}

/** A fold's environment versions as a session summary lists them. */
export function versionsOfFold(fold: RunFold): EnvironmentVersion[] {
  return fold.environments.filter(
    (v, i, list) => i === 0 || list[i - 1].id !== v.id
  );
}

/** See the module comment. */
export class PgRuns {
  constructor(private readonly db: PgPool) {}

  /**
   * Folds the events of an append (`fresh`: the new ones, in order) into
   * the runs, in the append's transaction (after its core rows).
   */
  async stored(
    client: PoolClient,
    fresh: readonly StoredEvent[]
  ): Promise<void> {
    const touched = new Set<string>();
    const freshExecutions = new Set<string>();
    const annotated = new Set<string>();
    for (const event of fresh) {
      switch (event.kind) {
        case 'session.started':
          touched.add(event.session.id);
          break;
        case 'execution.completed':
          touched.add(event.execution.sessionId);
          freshExecutions.add(event.execution.id);
          break;
        case 'execution.annotated':
          touched.add(event.sessionId);
          annotated.add(event.executionId);
          break;
        case 'environment.captured':
          touched.add(event.sessionId);
          break;
      }
    }
    if (touched.size === 0) {
      return;
    }
    // Executions annotated that were stored before this batch.
    const places = new Map<string, Place>();
    const before = [...annotated].filter(id => !freshExecutions.has(id));
    if (before.length > 0) {
      const found = await client.query<{
        id: string;
        session_id: string;
        seq: number;
      }>(
        'SELECT id, session_id, seq FROM trail_executions WHERE id = ANY($1::text[])',
        [before]
      );
      for (const row of found.rows) {
        places.set(row.id, { sessionId: row.session_id, seq: row.seq });
        touched.add(row.session_id);
      }
    }
    const ids = [...touched].sort();
    const locked = await client.query<{ session_id: string; fold: RunFold }>(
      'SELECT session_id, fold FROM trail_run_folds WHERE session_id = ANY($1::text[]) ORDER BY session_id FOR UPDATE',
      [ids]
    );
    const rows = new Map<string, Folding>();
    for (const row of locked.rows) {
      rows.set(row.session_id, folding(row.fold));
    }
    const rowOf = (id: string): Folding => {
      let row = rows.get(id);
      if (!row) {
        row = folding(emptyFold());
        rows.set(id, row);
      }
      return row;
    };
    for (const event of fresh) {
      switch (event.kind) {
        case 'session.started': {
          const s = event.session;
          rowOf(s.id).fold.record = {
            notebookPath: s.notebookPath,
            startedAt: s.startedAt,
            ...(s.lineage ? { lineage: s.lineage } : {})
          };
          break;
        }
        case 'execution.completed': {
          const x = event.execution;
          const row = rowOf(x.sessionId);
          row.acc.add({
            seq: x.seq,
            status: x.status,
            startedAt: x.startedAt,
            endedAt: x.endedAt,
            capture: x.capture
          });
          const fold = row.fold;
          fold.executions++;
          if (
            x.notebookPath !== null &&
            (fold.derived === null || x.seq < fold.derived.seq)
          ) {
            fold.derived = { path: x.notebookPath ?? null, seq: x.seq };
          }
          if (fold.earliest === null || isBefore(x.startedAt, fold.earliest)) {
            fold.earliest = x.startedAt;
          }
          places.set(x.id, { sessionId: x.sessionId, seq: x.seq });
          const waiting = row.early.get(x.id);
          if (waiting) {
            row.early.delete(x.id);
            waiting.forEach(capture => row.acc.addCapture(x.seq, capture));
          }
          break;
        }
        case 'execution.annotated': {
          const place = places.get(event.executionId);
          if (!place) {
            const row = rowOf(event.sessionId);
            const list = row.early.get(event.executionId) ?? [];
            list.push(event.capture);
            row.early.set(event.executionId, list);
          } else if (place.sessionId === event.sessionId) {
            rowOf(place.sessionId).acc.addCapture(place.seq, event.capture);
          }
          break;
        }
        case 'environment.captured': {
          const list = rowOf(event.sessionId).fold.environments;
          const version: EnvironmentVersion = {
            id: event.environmentId,
            fromSeq: event.fromSeq,
            capturedAt: event.capturedAt
          };
          let at = list.length;
          while (at > 0 && compareVersions(list[at - 1], version) > 0) {
            at--;
          }
          list.splice(at, 0, version);
          break;
        }
      }
    }
    const folds: Record<string, unknown>[] = [];
    const listed: Record<string, unknown>[] = [];
    const keyRows: Record<string, unknown>[] = [];
    for (const [id, row] of rows) {
      const { fold, summary, columns } = rowRecord(id, row);
      folds.push({ session_id: id, fold, summary });
      if (summary && columns) {
        listed.push(columns);
        for (const k of runKeyRows(summary)) {
          keyRows.push({
            session_id: id,
            started_ms: columns.started_ms,
            ...k
          });
        }
      }
    }
    await client.query(
      `INSERT INTO trail_run_folds (session_id, fold, summary)
       SELECT t.session_id, t.fold, t.summary
       FROM json_to_recordset($1::json)
         AS t(session_id text, fold json, summary json)
       ON CONFLICT (session_id) DO UPDATE SET fold = EXCLUDED.fold,
         summary = EXCLUDED.summary`,
      [pgJson(folds)]
    );
    if (listed.length === 0) {
      return;
    }
    await client.query(
      'DELETE FROM trail_run_keys WHERE session_id = ANY($1::text[])',
      [listed.map(row => row.session_id)]
    );
    if (keyRows.length > 0) {
      await client.query(
        `INSERT INTO trail_run_keys (session_id, key, rank, num, str, started_ms)
         SELECT t.session_id, t.key, t.rank, t.num, t.str, t.started_ms
         FROM jsonb_to_recordset($1::jsonb) AS t(session_id text, key text,
           rank smallint, num float8, str text, started_ms float8)`,
        [pgJson(keyRows)]
      );
    }
    await client.query(
      `INSERT INTO trail_runs (session_id, started_ms, started_at,
         notebook_path, kind, status, duration_ms, execution_count, tags,
         input_paths, input_hashes, params, metrics)
       SELECT t.session_id, t.started_ms, t.started_at, t.notebook_path,
         t.kind, t.status, t.duration_ms, t.execution_count, t.tags,
         t.input_paths, t.input_hashes, t.params, t.metrics
       FROM jsonb_to_recordset($1::jsonb) AS t(session_id text,
         started_ms float8, started_at text, notebook_path text, kind text,
         status text, duration_ms float8, execution_count integer,
         tags text[], input_paths text[], input_hashes text[], params jsonb,
         metrics jsonb)
       ON CONFLICT (session_id) DO UPDATE SET
         started_ms = EXCLUDED.started_ms, started_at = EXCLUDED.started_at,
         notebook_path = EXCLUDED.notebook_path, kind = EXCLUDED.kind,
         status = EXCLUDED.status, duration_ms = EXCLUDED.duration_ms,
         execution_count = EXCLUDED.execution_count, tags = EXCLUDED.tags,
         input_paths = EXCLUDED.input_paths,
         input_hashes = EXCLUDED.input_hashes, params = EXCLUDED.params,
         metrics = EXCLUDED.metrics`,
      [pgJson(listed)]
    );
  }

  /** See TrailStore.queryRuns. */
  async query(q: RunQuery): Promise<RunQueryResult> {
    const author = usesAuthor(q.filter, q.sort);
    const owned =
      author && q.owners !== undefined ? await this.authors(q.owners) : null;
    /** The runs the query keeps, as FROM and WHERE over `r` (and `o`). */
    const matching = (params: SqlParams): { from: string; where: string } => {
      let from = 'trail_runs r';
      if (owned) {
        from += ` LEFT JOIN unnest(${params.add(owned.ids, 'text[]')}, ${params.add(
          owned.names,
          'text[]'
        )}, ${params.add(owned.displays, 'text[]')}) AS o(session_id, name, display) ON o.session_id = r.session_id`;
      } else if (author) {
        // No owners lent: no run has an author.
        from +=
          ' LEFT JOIN (SELECT NULL::text AS name, NULL::text AS display) AS o ON false';
      }
      const where = ['true'];
      if (q.excludeIds && q.excludeIds.size > 0) {
        where.push(
          `NOT (r.session_id = ANY(${params.add([...q.excludeIds], 'text[]')}))`
        );
      }
      if (q.notebook !== undefined) {
        where.push(`r.notebook_path = ${params.add(q.notebook, 'text')}`);
      }
      if (q.from !== undefined) {
        where.push(`r.started_ms >= ${params.add(q.from, 'float8')}`);
      }
      if (q.to !== undefined) {
        where.push(`r.started_ms < ${params.add(q.to, 'float8')}`);
      }
      if (q.filter) {
        where.push(...indexHints(q.filter, params));
        where.push(filterSql(q.filter, params));
      }
      return { from, where: where.join(' AND ') };
    };
    /** The summaries of the runs `ordered` selects, in its order. */
    const summaries = (ordered: string): string =>
      `SELECT f.summary FROM unnest(ARRAY(${ordered})) WITH ORDINALITY AS p(id, i) JOIN trail_run_folds f ON f.session_id = p.id ORDER BY p.i`;
    const read = (params: SqlParams, sql: string) =>
      this.db.pool
        .query<{ summary: RunSummary }>(sql, params.values)
        .then(result => result.rows.map(row => row.summary));

    const countParams = new SqlParams();
    const counted = matching(countParams);
    const count = this.db.pool.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM ${counted.from} WHERE ${counted.where}`,
      countParams.values
    );
    // Awaited last; a failure of the page meanwhile must not leave its
    // rejection unhandled.
    count.catch(() => undefined);
    const keyed = keyedSortSql(q.sort);
    let rows: RunSummary[];
    if (keyed) {
      // A sort on one param or metric: the runs with a value in the order
      // of trail_run_keys' index, then the runs without, newest first.
      rows = [];
      const present = new SqlParams();
      const after = q.after ? keyed.presentAfter(q.after, present) : 'true';
      if (after !== null) {
        const { from, where } = matching(present);
        const key = present.add(keyed.key, 'text');
        const limit = present.add(q.limit + 1, 'float8');
        rows = await read(
          present,
          summaries(
            `SELECT k.session_id FROM ${from} JOIN trail_run_keys k ON k.session_id = r.session_id AND k.key = ${key} WHERE ${where} AND ${after} ORDER BY ${keyed.presentOrder} LIMIT ${limit}`
          )
        );
      }
      if (rows.length <= q.limit) {
        const missing = new SqlParams();
        const { from, where } = matching(missing);
        const key = missing.add(keyed.key, 'text');
        const after = keyed.missingAfter(q.after, missing);
        const limit = missing.add(q.limit + 1 - rows.length, 'float8');
        rows = rows.concat(
          await read(
            missing,
            summaries(
              `SELECT r.session_id FROM ${from} WHERE ${where} AND NOT EXISTS (SELECT 1 FROM trail_run_keys k WHERE k.session_id = r.session_id AND k.key = ${key}) AND ${after} ORDER BY r.started_ms DESC, r.session_id ASC LIMIT ${limit}`
            )
          )
        );
      }
    } else {
      const params = new SqlParams();
      const sort = sortSql(q.sort, params);
      const { from, where } = matching(params);
      const after = q.after ? sort.after(q.after, params) : 'true';
      const limit = params.add(q.limit + 1, 'float8');
      // The narrow rows are sorted (each key read once per row: the inner
      // select, kept apart by OFFSET 0); the page's summaries joined after.
      rows = await read(
        params,
        summaries(
          `SELECT s.session_id FROM (SELECT r.session_id, r.started_ms${sort.projection} FROM ${from} WHERE ${where}${sort.fenced ? ' OFFSET 0' : ''}) AS s WHERE ${after} ORDER BY ${sort.orderBy} LIMIT ${limit}`
        )
      );
    }
    const more = rows.length > q.limit;
    const items = rows
      .slice(0, q.limit)
      .map(summary => decorated(summary, q.owners));
    return {
      items,
      next:
        more && items.length > 0
          ? runKey(items[items.length - 1], q.sort)
          : null,
      total: (await count).rows[0].total
    };
  }

  /** See TrailStore.getRun. */
  async get(id: string, owners?: RunOwners): Promise<RunSummary | null> {
    const found = await this.db.pool.query<{ summary: RunSummary }>(
      'SELECT summary FROM trail_run_folds WHERE session_id = $1 AND summary IS NOT NULL',
      [id]
    );
    return found.rows.length > 0
      ? decorated(found.rows[0].summary, owners)
      : null;
  }

  /** See TrailStore.runNames. */
  async names(
    excludeIds?: ReadonlySet<string>,
    owners?: RunOwners
  ): Promise<RunNameCounts> {
    const excluded = [...(excludeIds ?? [])];
    const kept = 'NOT (r.session_id = ANY($1::text[]))';
    const [params, metrics, tags, ids] = await Promise.all([
      this.db.pool.query<{ name: string; count: number }>(
        `SELECT k AS name, count(*)::int AS count FROM trail_runs r,
           jsonb_object_keys(r.params) AS k WHERE ${kept} GROUP BY k`,
        [excluded]
      ),
      this.db.pool.query<{ name: string; count: number }>(
        `SELECT k AS name, count(*)::int AS count FROM trail_runs r,
           jsonb_object_keys(r.metrics) AS k WHERE ${kept} GROUP BY k`,
        [excluded]
      ),
      this.db.pool.query<{ tag: string }>(
        `SELECT DISTINCT t AS tag FROM trail_runs r, unnest(r.tags) AS t WHERE ${kept}`,
        [excluded]
      ),
      owners
        ? this.db.pool.query<{ session_id: string }>(
            `SELECT r.session_id FROM trail_runs r WHERE ${kept}`,
            [excluded]
          )
        : Promise.resolve({ rows: [] as { session_id: string }[] })
    ]);
    const authors = new Set<string>();
    for (const row of ids.rows) {
      const name = owners?.of(row.session_id)?.author?.name;
      if (name) {
        authors.add(name);
      }
    }
    const byName = (a: { name: string }, b: { name: string }) =>
      codePointOrder(a.name, b.name);
    // Keys and tags as SQL reads them are escaped (pg-json.ts).
    const named = (rows: { name: string; count: number }[]) =>
      rows.map(r => ({ name: unescapeText(r.name), count: r.count }));
    return {
      params: named(params.rows).sort(byName),
      metrics: named(metrics.rows).sort(byName),
      tags: tags.rows.map(row => unescapeText(row.tag)).sort(codePointOrder),
      authors: [...authors].sort(codePointOrder)
    };
  }

  /** The owners' authors of every stored run, as columns for unnest. */
  private async authors(
    owners: RunOwners
  ): Promise<{ ids: string[]; names: string[]; displays: string[] }> {
    const all = await this.db.pool.query<{ session_id: string }>(
      'SELECT session_id FROM trail_runs'
    );
    const ids: string[] = [];
    const names: string[] = [];
    const displays: string[] = [];
    for (const row of all.rows) {
      const author = owners.of(row.session_id)?.author;
      if (author) {
        ids.push(row.session_id);
        names.push(author.name);
        displays.push(author.displayName);
      }
    }
    return { ids, names, displays };
  }
}

/** An accumulator state as a fold keeps it: seqs as [first, last] runs. */
export type StoredAccumulator = Omit<RunAccumulatorState, 'seqs'> & {
  seqRanges: [number, number][];
};

function storedState(state: RunAccumulatorState): StoredAccumulator {
  const { seqs, ...rest } = state;
  const sorted = [...seqs].sort((a, b) => a - b);
  const seqRanges: [number, number][] = [];
  for (const seq of sorted) {
    const last = seqRanges[seqRanges.length - 1];
    if (last && seq === last[1] + 1) {
      last[1] = seq;
    } else {
      seqRanges.push([seq, seq]);
    }
  }
  return { ...rest, seqRanges };
}

function accumulatorState(stored: StoredAccumulator): RunAccumulatorState {
  const { seqRanges, ...rest } = stored;
  const seqs: number[] = [];
  for (const [first, last] of seqRanges) {
    for (let seq = first; seq <= last; seq++) {
      seqs.push(seq);
    }
  }
  return { ...rest, seqs };
}

function folding(fold: RunFold): Folding {
  return {
    fold,
    acc: RunAccumulator.fromState(accumulatorState(fold.acc)),
    early: new Map(fold.early)
  };
}

/**
 * A fold as written back: its state, its summary, and the row of
 * trail_runs (null while there is no run yet).
 */
function rowRecord(
  id: string,
  row: Folding
): {
  fold: RunFold;
  summary: RunSummary | null;
  columns: Record<string, unknown> | null;
} {
  const fold: RunFold = {
    ...row.fold,
    acc: storedState(row.acc.state()),
    early: [...row.early]
  };
  const session = sessionOfFold(id, fold);
  const summary = session ? row.acc.summary(session) : null;
  return {
    fold,
    summary,
    columns: summary && {
      session_id: id,
      started_ms: startedMsOf(summary.startedAt),
      started_at: summary.startedAt,
      notebook_path: summary.notebookPath,
      kind: summary.kind,
      status: summary.status,
      duration_ms: summary.durationMs,
      execution_count: summary.executionCount,
      tags: summary.tags,
      input_paths: summary.inputs.map(input => input.path),
      input_hashes: summary.inputs
        .map(input => input.sha256)
        .filter((hash): hash is string => hash !== null),
      params: summary.params,
      metrics: summary.metrics
    }
  };
}

/** A stored run to hand out, its owner facts as of now. */
function decorated(run: RunSummary, owners: RunOwners | undefined): RunSummary {
  const facts = owners?.of(run.id);
  if (facts?.author) {
    run.author = { ...facts.author };
  }
  run.visibility = facts?.visibility ?? run.visibility ?? 'team';
  return run;
}

/** Code point order (not UTF-16 unit order, not locale). */
function codePointOrder(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) {
      return d;
    }
  }
  return x.length - y.length;
}

/**
 * Fingerprints on PostgreSQL (#17): each execution's fingerprint and
 * pathKey (src/records/fingerprint.ts) in trail_fingerprints (migration
 * 002), kept in the append transaction, and the FingerprintStore queries
 * as SQL over its indexes.
 *
 * Kept as the other stores keep them (fingerprint-index.ts): a new
 * execution, an annotation bringing a file hash, or an environment version
 * changes its session's chain from that seq on; the chain is computed again
 * from there (the previous fingerprint read back, each execution's code and
 * merged capture read in the transaction) and the rows written. It runs
 * after PgRuns.stored in the same transaction: the session's environment
 * versions are read from its run fold, and the key of each environment
 * (environmentKey of its snapshot) once, then kept: a snapshot is
 * content-addressed, its key never changes.
 */
import type { PoolClient } from 'pg';
import { mergeCaptures } from '../../../src/records/capture';
import {
  CHAIN_START,
  chainStep,
  environmentKey,
  type ChainState,
  type EnvironmentVersionRef,
  type ExecutionFingerprint,
  type FingerprintInput
} from '../../../src/records/fingerprint';
import type {
  ExecutionCapture,
  ExecutionRecord,
  ExecutionSummary
} from '../../../src/records/schema';
import { summarizeExecution } from '../../../src/records/summary';
import { nodeSha256Hex } from '../fingerprint-index';
import type {
  FingerprintMatch,
  FingerprintQuery,
  FingerprintStore,
  StoredFingerprint
} from '../fingerprint-types';
import type { BlobStore, StoredEvent } from '../types';
import { pgJson } from './pg-json';
import { versionsOfFold, type PgPool, type RunFold } from './pg-runs';

/** Where fingerprints read environment snapshots from. */
export interface PgFingerprintOptions {
  /**
   * The blob store that appends put blobs in before they commit (S3);
   * without it, snapshots are read from trail_blobs in the transaction.
   */
  blobs?: BlobStore;
}

/** A change to a session's chain: from this seq on. */
interface ChainChange {
  fromSeq: number;
}

/** Something that runs queries: the pool, or a transaction's client. */
type Queryable = Pick<PoolClient, 'query'>;

/** See the module comment. */
export class PgFingerprints implements FingerprintStore {
  /** Environment keys by snapshot id (null: no snapshot to read). */
  private readonly keys = new Map<string, string | null>();

  constructor(
    private readonly db: PgPool,
    private readonly options: PgFingerprintOptions = {}
  ) {}

  /**
   * Computes the chains the events of an append change (`fresh`, after
   * their core rows and PgRuns.stored, in the same transaction).
   */
  async stored(
    client: PoolClient,
    fresh: readonly StoredEvent[]
  ): Promise<void> {
    const changes = new Map<string, ChainChange>();
    const change = (sessionId: string, fromSeq: number): void => {
      const seen = changes.get(sessionId);
      if (!seen || fromSeq < seen.fromSeq) {
        changes.set(sessionId, { fromSeq });
      }
    };
    const annotated: { executionId: string; sessionId: string }[] = [];
    for (const event of fresh) {
      switch (event.kind) {
        case 'execution.completed':
          change(event.execution.sessionId, event.execution.seq);
          break;
        case 'execution.annotated':
          // Only files change a fingerprint.
          if ((event.capture.files?.length ?? 0) > 0) {
            annotated.push(event);
          }
          break;
        case 'environment.captured':
          change(event.sessionId, event.fromSeq);
          break;
      }
    }
    if (annotated.length > 0) {
      const found = await client.query<{
        id: string;
        session_id: string;
        seq: number;
      }>(
        'SELECT id, session_id, seq FROM trail_executions WHERE id = ANY($1::text[])',
        [annotated.map(a => a.executionId)]
      );
      const places = new Map(found.rows.map(row => [row.id, row]));
      for (const a of annotated) {
        const place = places.get(a.executionId);
        // One naming another session does not describe the execution.
        if (place && place.session_id === a.sessionId) {
          change(place.session_id, place.seq);
        }
      }
    }
    if (changes.size > 0) {
      await this.recompute(client, changes);
    }
  }

  /**
   * Computes the chains of the changed sessions again, each from its
   * change on, and stores them: a few statements for all the sessions of
   * a batch (an import's batch touches many).
   */
  private async recompute(
    client: PoolClient,
    changes: ReadonlyMap<string, ChainChange>
  ): Promise<void> {
    const sessionIds = [...changes.keys()].sort();
    const fromSeqs = sessionIds.map(id => changes.get(id)!.fromSeq);
    const executions = await client.query<{
      id: string;
      n: string;
      session_id: string;
      seq: number;
      started_ms: number;
      code: string;
      capture: ExecutionCapture | null;
    }>(
      `SELECT e.id, e.n, e.session_id, e.seq, e.started_ms,
         e.record -> 'code' AS code, e.record -> 'capture' AS capture
       FROM unnest($1::text[], $2::int[]) AS c(session_id, from_seq)
       JOIN trail_executions e
         ON e.session_id = c.session_id AND e.seq >= c.from_seq
       ORDER BY e.session_id, e.seq, e.id`,
      [sessionIds, fromSeqs]
    );
    if (executions.rows.length === 0) {
      return;
    }
    // The fingerprint before each change (none: the chain starts there).
    const previous = await client.query<{
      session_id: string;
      found: boolean;
      fingerprint: string | null;
    }>(
      `SELECT c.session_id, p.execution_id IS NOT NULL AS found, p.fingerprint
       FROM unnest($1::text[], $2::int[]) AS c(session_id, from_seq)
       LEFT JOIN LATERAL (
         SELECT f.execution_id, f.fingerprint FROM trail_fingerprints f
         WHERE f.session_id = c.session_id AND f.seq < c.from_seq
         ORDER BY f.seq DESC, f.execution_id DESC LIMIT 1
       ) AS p ON true`,
      [sessionIds, fromSeqs]
    );
    const starts = new Map<string, ChainState>();
    for (const row of previous.rows) {
      starts.set(
        row.session_id,
        !row.found
          ? CHAIN_START
          : row.fingerprint === null
            ? 'unknown'
            : { previous: row.fingerprint }
      );
    }
    const annotations = await annotationsOf(
      client,
      executions.rows.map(x => ({ id: x.id, sessionId: x.session_id }))
    );
    const environments = await this.environments(client, sessionIds);
    const rows: Record<string, unknown>[] = [];
    let session: string | null = null;
    let state: ChainState = CHAIN_START;
    for (const x of executions.rows) {
      if (x.session_id !== session) {
        session = x.session_id;
        state = starts.get(session) ?? CHAIN_START;
      }
      const input: FingerprintInput = {
        seq: x.seq,
        code: x.code,
        capture: mergeCaptures([
          x.capture ?? undefined,
          ...(annotations.get(x.id) ?? [])
        ])
      };
      const step = chainStep(
        state,
        input,
        environments.get(session) ?? [],
        nodeSha256Hex
      );
      state = step.next;
      rows.push({
        execution_id: x.id,
        n: Number(x.n),
        session_id: session,
        seq: x.seq,
        started_ms: x.started_ms,
        fingerprint: step.result.fingerprint,
        path_key: step.result.pathKey
      });
    }
    await client.query(
      `INSERT INTO trail_fingerprints (execution_id, n, session_id, seq,
         started_ms, fingerprint, path_key)
       SELECT t.execution_id, t.n, t.session_id, t.seq, t.started_ms,
         t.fingerprint, t.path_key
       FROM jsonb_to_recordset($1::jsonb) AS t(execution_id text, n bigint,
         session_id text, seq integer, started_ms float8, fingerprint text,
         path_key text)
       ON CONFLICT (execution_id) DO UPDATE SET
         fingerprint = EXCLUDED.fingerprint, path_key = EXCLUDED.path_key,
         seq = EXCLUDED.seq, started_ms = EXCLUDED.started_ms`,
      [pgJson(rows)]
    );
  }

  /** Sessions' environment versions with their keys as ids. */
  private async environments(
    client: PoolClient,
    sessionIds: string[]
  ): Promise<Map<string, EnvironmentVersionRef[]>> {
    const runs = await client.query<{ session_id: string; fold: RunFold }>(
      'SELECT session_id, fold FROM trail_run_folds WHERE session_id = ANY($1::text[])',
      [sessionIds]
    );
    const out = new Map<string, EnvironmentVersionRef[]>();
    for (const row of runs.rows) {
      const refs: EnvironmentVersionRef[] = [];
      for (const v of versionsOfFold(row.fold)) {
        const key = await this.keyOf(client, v.id);
        if (key) {
          refs.push({ id: key, fromSeq: v.fromSeq });
        }
      }
      out.set(row.session_id, refs);
    }
    return out;
  }

  /** The environmentKey of snapshot `id`, read once (null: unreadable). */
  private async keyOf(client: Queryable, id: string): Promise<string | null> {
    if (this.keys.has(id)) {
      return this.keys.get(id)!;
    }
    let key: string | null = null;
    try {
      let content: Buffer | null;
      if (this.options.blobs) {
        content = await this.options.blobs.get(id);
      } else {
        const found = await client.query<{ content: Buffer }>(
          'SELECT content FROM trail_blobs WHERE sha256 = $1',
          [id]
        );
        content = found.rows[0]?.content ?? null;
      }
      key = content
        ? environmentKey(JSON.parse(content.toString('utf8')), nodeSha256Hex)
        : null;
    } catch {
      key = null;
    }
    if (key !== null) {
      // An unreadable one may be readable later (a bucket back up).
      this.keys.set(id, key);
    }
    return key;
  }

  async fingerprintOf(executionId: string): Promise<StoredFingerprint | null> {
    const found = await this.db.pool.query<{
      session_id: string;
      seq: number;
      fingerprint: string | null;
      path_key: string | null;
      step: number;
    }>(
      `SELECT f.session_id, f.seq, f.fingerprint, f.path_key,
         (SELECT count(*)::int FROM trail_fingerprints g
          WHERE g.session_id = f.session_id
            AND (g.seq, g.execution_id) <= (f.seq, f.execution_id)) AS step
       FROM trail_fingerprints f WHERE f.execution_id = $1`,
      [executionId]
    );
    const row = found.rows[0];
    return row
      ? {
          fingerprint: row.fingerprint,
          pathKey: row.path_key,
          sessionId: row.session_id,
          seq: row.seq,
          step: row.step
        }
      : null;
  }

  executionsByFingerprint(
    fingerprint: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.matches('fingerprint', fingerprint, query);
  }

  executionsByPathKey(
    pathKey: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.matches('path_key', pathKey, query);
  }

  async sessionFingerprints(
    sessionId: string
  ): Promise<ExecutionFingerprint[] | null> {
    const found = await this.db.pool.query<{
      fingerprint: string | null;
      path_key: string | null;
    }>(
      `SELECT fingerprint, path_key FROM trail_fingerprints
       WHERE session_id = $1 ORDER BY seq, execution_id`,
      [sessionId]
    );
    if (found.rows.length === 0) {
      const session = await this.db.pool.query(
        'SELECT 1 FROM trail_sessions WHERE id = $1',
        [sessionId]
      );
      return session.rows.length > 0 ? [] : null;
    }
    return found.rows.map(row => ({
      fingerprint: row.fingerprint,
      pathKey: row.path_key
    }));
  }

  /** The executions holding a value, newest first, with their steps. */
  private async matches(
    column: 'fingerprint' | 'path_key',
    value: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    const found = await this.db.pool.query<{
      execution_id: string;
      session_id: string;
      record: ExecutionRecord;
      step: number;
    }>(
      `SELECT f.execution_id, f.session_id, e.record,
         (SELECT count(*)::int FROM trail_fingerprints g
          WHERE g.session_id = f.session_id
            AND (g.seq, g.execution_id) <= (f.seq, f.execution_id)) AS step
       FROM (SELECT * FROM trail_fingerprints
             WHERE ${column} = $1
               AND ($2::text IS NULL OR execution_id <> $2::text)
               AND NOT (session_id = ANY($3::text[]))
             ORDER BY started_ms DESC, n DESC LIMIT $4) AS f
       JOIN trail_executions e ON e.id = f.execution_id`,
      [
        value,
        query.excludeExecutionId ?? null,
        [...(query.excludeSessionIds ?? [])],
        Math.max(0, query.limit)
      ]
    );
    const annotations = await annotationsOf(
      this.db.pool,
      found.rows.map(row => ({
        id: row.execution_id,
        sessionId: row.session_id
      }))
    );
    return found.rows
      .map(row => {
        const capture = mergeCaptures([
          row.record.capture,
          ...(annotations.get(row.execution_id) ?? [])
        ]);
        const record = capture ? { ...row.record, capture } : row.record;
        return { execution: summarizeExecution(record), step: row.step };
      })
      .sort((a, b) => newestFirst(a.execution, b.execution));
  }
}

/**
 * The captures of the annotations of executions, in arrival order, those
 * naming the execution's own session only (as captures merge).
 */
async function annotationsOf(
  db: Queryable,
  executions: readonly { id: string; sessionId: string }[]
): Promise<Map<string, ExecutionCapture[]>> {
  const found = await db.query<{
    execution_id: string;
    capture: ExecutionCapture;
  }>(
    `SELECT a.execution_id, a.capture
     FROM unnest($1::text[], $2::text[]) AS x(id, session_id)
     JOIN trail_annotations a
       ON a.execution_id = x.id AND a.session_id = x.session_id
     ORDER BY a.n`,
    [executions.map(x => x.id), executions.map(x => x.sessionId)]
  );
  const out = new Map<string, ExecutionCapture[]>();
  for (const row of found.rows) {
    const list = out.get(row.execution_id) ?? [];
    list.push(row.capture);
    out.set(row.execution_id, list);
  }
  return out;
}

/** Newest first: by startedAt as an instant, then id (fingerprint-index.ts). */
function newestFirst(a: ExecutionSummary, b: ExecutionSummary): number {
  const t = Date.parse(b.startedAt) - Date.parse(a.startedAt);
  return t !== 0 ? t : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

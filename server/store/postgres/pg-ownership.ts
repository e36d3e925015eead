/**
 * Who owns each session and who may see it, in PostgreSQL (issue #17): the
 * SessionOwnership of servers that share one database.
 *
 * The access checks run for every record a listing touches, so reads
 * answer from a memory mirror (an OwnershipStore made by `memory()`) that
 * replays the database's log of facts, `trail_access_facts`, in order
 * (the fact format of access.log). Every write is one transaction that
 * changes the state tables (`trail_session_access`, `trail_notebook_rules`,
 * `trail_aliases`, which SQL elsewhere filters by) and appends its facts,
 * under `pg_advisory_xact_lock(ACCESS_LOCK)`: writers of facts take turns,
 * so `seq` values commit in increasing order and a reader of `seq > last`
 * never misses one; it ends with `pg_notify('trail_access', <last seq>)`.
 * After COMMIT the write catches the mirror up (its own facts and any
 * other server's before them) before it resolves, so listeners hear of
 * this process's changes at once; other servers' changes arrive with
 * {@link PgOwnership.catchUp} (every authenticated request awaits it, and
 * the follower of `trail_access` notifications calls it).
 *
 * Two servers claiming one session at once: the lock orders them, the
 * second one's `INSERT … ON CONFLICT DO NOTHING` inserts nothing and
 * writes no fact; the first owner wins, as in access.log. When the winner
 * is another person, the loser's batch was authorized against a mirror
 * that did not know the session yet (ingest-scope.ts decides between
 * appending, 403 and an alias by its owner), so its claim rejects with a
 * 503 ACCESS_CHANGED, nothing written, once the mirror knows the winner;
 * ingest-scope.ts then decides the batch anew.
 */
import type pg from 'pg';
import { AppError } from '../../errors';
import type { Fact } from '../../access/access-log';
import type { Alias, AliasTable } from '../../access/aliases';
import {
  OwnershipStore,
  type SessionAccess,
  type VisibilityChange
} from '../../access/ownership';
import type { Visibility } from '../../access/policy';
import {
  ACCESS_CHANGED,
  type SessionClaim,
  type SessionOwnership
} from '../../access/session-ownership';
import { SharedRead, transaction } from './access-tx';
import type { PgDatabase } from './database';
import { isUnavailable, unavailable } from './pg-errors';
import { pgJson, pgNullable, pgText } from './pg-json';

/** The advisory lock every writer of `trail_access_facts` holds. */
export const ACCESS_LOCK = 7400718;

/** The channel told the last `seq` of each committed write of facts. */
export const ACCESS_CHANNEL = 'trail_access';

/** How many facts one catch-up query reads at most. */
const PAGE = 5000;

/** How many queued writes one transaction commits at most. */
const GROUP = 200;

/** A write waiting for its turn (see PgOwnership's write). */
interface QueuedWrite {
  work: (client: pg.PoolClient) => Promise<Fact[]>;
  resolve(): void;
  reject(err: unknown): void;
}

/** Where problems nobody awaits are told (a failed notebook path write). */
export interface OwnershipLog {
  warn(message: string): void;
}

/**
 * Refuses a claim another person won a moment ago on another server (see
 * the module comment); the same author's claim made twice is no conflict.
 */
async function refuseLostClaims(
  client: pg.PoolClient,
  lost: readonly SessionClaim[]
): Promise<void> {
  if (lost.length === 0) {
    return;
  }
  const { rows } = await client.query<{
    session_id: string;
    author_id: string;
  }>(
    'SELECT session_id, author_id FROM trail_session_access WHERE session_id = ANY($1::text[])',
    [lost.map(c => c.sessionId)]
  );
  const owners = new Map(rows.map(r => [r.session_id, r.author_id]));
  if (lost.some(c => owners.get(c.sessionId) !== c.authorId)) {
    throw new AppError(
      503,
      ACCESS_CHANGED,
      'Another request recorded the owner of a session in this batch at the same moment; nothing was stored. Try again.'
    );
  }
}

/** See the module comment. */
export class PgOwnership implements SessionOwnership {
  private readonly mirror = OwnershipStore.memory();
  private readonly reads = new SharedRead(() => this.readFacts());
  /** The last fact applied to the mirror. */
  private last = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly log: OwnershipLog
  ) {}

  /** Reads every fact stored so far into the mirror. */
  static async open(
    db: Pick<PgDatabase, 'pool'>,
    options: { log?: OwnershipLog } = {}
  ): Promise<PgOwnership> {
    const ownership = new PgOwnership(db.pool, options.log ?? console);
    await ownership.catchUp();
    return ownership;
  }

  /**
   * Applies the facts other servers stored since the last read (this
   * process's own are applied by its writes). Concurrent callers share
   * one query; a caller always sees what was committed before it called.
   */
  catchUp(): Promise<void> {
    return this.reads.run();
  }

  /** The `seq` of the last fact the mirror holds (a change feed position). */
  get lastSeq(): number {
    return this.last;
  }

  get aliases(): AliasTable {
    return this.mirror.aliases;
  }

  get version(): number {
    return this.mirror.version;
  }

  session(sessionId: string): SessionAccess | undefined {
    return this.mirror.session(sessionId);
  }

  sessionsOf(authorId: string): string[] {
    return this.mirror.sessionsOf(authorId);
  }

  privateSessions(): ReadonlyMap<string, string> {
    return this.mirror.privateSessions();
  }

  rule(authorId: string, notebookPath: string): Visibility | undefined {
    return this.mirror.rule(authorId, notebookPath);
  }

  onVisibilityChange(
    listener: (changes: VisibilityChange[]) => void
  ): () => void {
    return this.mirror.onVisibilityChange(listener);
  }

  /**
   * Records the owners of new sessions and the new aliases in one
   * transaction. A session another server claimed first (even at the same
   * moment) keeps its owner; its claim here writes nothing.
   */
  async claim(
    claims: SessionClaim[],
    aliases: readonly Alias[] = []
  ): Promise<void> {
    const fresh = new Map<string, SessionClaim>();
    for (const c of claims) {
      if (!this.mirror.session(c.sessionId) && !fresh.has(c.sessionId)) {
        fresh.set(c.sessionId, c);
      }
    }
    const newAliases = aliases.filter(
      a => !this.mirror.aliases.has(a.internalId)
    );
    if (fresh.size === 0 && newAliases.length === 0) {
      return;
    }
    await this.write(async client => {
      const at = new Date().toISOString();
      const facts: Fact[] = [];
      if (newAliases.length > 0) {
        const made = await client.query<{ internal_id: string }>(
          `INSERT INTO trail_aliases (internal_id, kind, public_id, author_id)
           SELECT i, k, p, a FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             WITH ORDINALITY AS x(i, k, p, a, o)
           ORDER BY o
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id`,
          [
            newAliases.map(a => a.internalId),
            newAliases.map(a => a.kind),
            newAliases.map(a => a.publicId),
            newAliases.map(a => a.authorId)
          ]
        );
        const inserted = new Set(made.rows.map(r => r.internal_id));
        for (const a of newAliases) {
          if (inserted.has(a.internalId)) {
            facts.push({
              t: 'alias',
              k: a.kind,
              p: a.publicId,
              a: a.authorId,
              i: a.internalId,
              at
            });
          }
        }
      }
      if (fresh.size > 0) {
        const list = [...fresh.values()];
        // The author's rule for the notebook is read here, under the lock:
        // one set through another server a moment ago counts.
        const made = await client.query<{
          session_id: string;
          visibility: Visibility;
        }>(
          `INSERT INTO trail_session_access (session_id, author_id, visibility, notebook_path)
           SELECT c.s, c.a, COALESCE(c.v, r.visibility, 'team'), c.n
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             WITH ORDINALITY AS c(s, a, n, v, o)
           LEFT JOIN trail_notebook_rules r
             ON r.author_id = c.a AND r.notebook_path = c.n
           ORDER BY c.o
           ON CONFLICT (session_id) DO NOTHING
           RETURNING session_id, visibility`,
          [
            list.map(c => c.sessionId),
            list.map(c => c.authorId),
            list.map(c => pgNullable(c.notebookPath)),
            list.map(c => c.visibility ?? null)
          ]
        );
        const inserted = new Map(
          made.rows.map(r => [r.session_id, r.visibility])
        );
        await refuseLostClaims(
          client,
          list.filter(c => !inserted.has(c.sessionId))
        );
        for (const c of list) {
          const v = inserted.get(c.sessionId);
          if (v) {
            facts.push({
              t: 'claim',
              s: c.sessionId,
              a: c.authorId,
              n: c.notebookPath,
              v,
              at
            });
          }
        }
      }
      return facts;
    });
  }

  /** Sets a session's visibility. */
  async setVisibility(
    sessionId: string,
    visibility: Visibility,
    by: string
  ): Promise<void> {
    await this.write(async client => {
      const changed = await client.query(
        `UPDATE trail_session_access SET visibility = $2 WHERE session_id = $1`,
        [sessionId, visibility]
      );
      if (changed.rowCount === 0) {
        throw new Error(`unknown session ${sessionId}`);
      }
      return [
        {
          t: 'vis',
          s: sessionId,
          v: visibility,
          by,
          at: new Date().toISOString()
        }
      ];
    });
  }

  /**
   * Sets an author's rule for a notebook and applies it to their sessions
   * of it (all of them, whichever server claimed them); resolves with how
   * many sessions changed.
   */
  async setNotebookRule(
    authorId: string,
    notebookPath: string,
    visibility: Visibility
  ): Promise<number> {
    let count = 0;
    await this.write(async client => {
      const at = new Date().toISOString();
      await client.query(
        `INSERT INTO trail_notebook_rules (author_id, notebook_path, visibility)
         VALUES ($1, $2, $3)
         ON CONFLICT (author_id, notebook_path) DO UPDATE SET visibility = $3`,
        [authorId, pgText(notebookPath), visibility]
      );
      const changed = await client.query<{ session_id: string }>(
        `UPDATE trail_session_access SET visibility = $3
         WHERE author_id = $1 AND notebook_path = $2 AND visibility <> $3
         RETURNING session_id`,
        [authorId, pgText(notebookPath), visibility]
      );
      count = changed.rows.length;
      const ids = changed.rows.map(r => r.session_id).sort();
      return [
        { t: 'rule', a: authorId, n: notebookPath, v: visibility, at },
        ...ids.map((s): Fact => ({
          t: 'vis',
          s,
          v: visibility,
          by: authorId,
          at
        }))
      ];
    });
    return count;
  }

  /**
   * Sets the notebook path of a session claimed before its path was known:
   * in the mirror at once, in the database (and so on every server) in
   * the background, before this process's next write. Nobody awaits it: a
   * failure is logged, and the path is learnt again from the session's
   * next event that names it.
   */
  notePath(sessionId: string, notebookPath: string): void {
    const s = this.mirror.session(sessionId);
    if (!s || s.notebookPath !== null) {
      return;
    }
    this.mirror.notePath(sessionId, notebookPath);
    this.write(async client => {
      const changed = await client.query(
        `UPDATE trail_session_access SET notebook_path = $2
         WHERE session_id = $1 AND notebook_path IS NULL`,
        [sessionId, pgText(notebookPath)]
      );
      return changed.rowCount === 0
        ? []
        : [
            {
              t: 'path',
              s: sessionId,
              n: notebookPath,
              at: new Date().toISOString()
            }
          ];
    }).catch(err => {
      this.log.warn(
        `could not store the notebook path of session ${sessionId}: ${(err as Error).message}`
      );
    });
  }

  /**
   * Waits for this process's writes and mirror reads; the pool is the
   * database's to close, after this.
   */
  async close(): Promise<void> {
    await this.flushing;
    await this.reads.settled();
  }

  /**
   * Queues one write: under the lock, `work` changes the state tables and
   * says which facts that made. Writes of this process are committed in
   * order, those queued together in one transaction (one flush to disk
   * for many claims of an ingest under load), each in a savepoint of its
   * own, so one that fails (a lost claim, an unknown session) is undone
   * alone and rejects alone. The facts are appended and announced, the
   * transaction commits, then the mirror catches up (so it holds them, and
   * whatever another server won instead, before the writes resolve).
   */
  private write(
    work: (client: pg.PoolClient) => Promise<Fact[]>
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ work, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private readonly queue: QueuedWrite[] = [];
  private flushing: Promise<void> | null = null;

  /** Commits the queued writes, a group at a time, until none is left. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      await this.commit(this.queue.splice(0, GROUP));
    }
    this.flushing = null;
  }

  /** Commits one group of writes (see {@link write}); never rejects. */
  private async commit(group: QueuedWrite[]): Promise<void> {
    const refused = new Map<QueuedWrite, unknown>();
    try {
      await transaction(this.pool, async client => {
        refused.clear();
        await client.query('SELECT pg_advisory_xact_lock($1)', [ACCESS_LOCK]);
        const facts: Fact[] = [];
        for (const item of group) {
          await client.query('SAVEPOINT trail_access_write');
          try {
            facts.push(...(await item.work(client)));
            await client.query('RELEASE SAVEPOINT trail_access_write');
          } catch (err) {
            if (isUnavailable(err)) {
              throw err;
            }
            await client.query('ROLLBACK TO SAVEPOINT trail_access_write');
            refused.set(item, err);
          }
        }
        if (facts.length > 0) {
          await client.query(
            `WITH stored AS (
               INSERT INTO trail_access_facts (fact)
               SELECT f FROM unnest($1::jsonb[]) WITH ORDINALITY AS x(f, o)
               ORDER BY o
               RETURNING seq
             )
             SELECT pg_notify($2, max(seq)::text) FROM stored`,
            [facts.map(f => pgJson(f)), ACCESS_CHANNEL]
          );
        }
      });
      // Even with no facts of its own: what another server won is learnt.
      await this.catchUp();
    } catch (err) {
      for (const item of group) {
        item.reject(err);
      }
      return;
    }
    for (const item of group) {
      if (refused.has(item)) {
        item.reject(refused.get(item));
      } else {
        item.resolve();
      }
    }
  }

  /** Applies every fact with `seq > last`, in order, a page at a time. */
  private async readFacts(): Promise<void> {
    for (;;) {
      let rows: { seq: string; fact: Fact }[];
      try {
        ({ rows } = await this.pool.query<{ seq: string; fact: Fact }>(
          'SELECT seq, fact FROM trail_access_facts WHERE seq > $1 ORDER BY seq LIMIT $2',
          [this.last, PAGE]
        ));
      } catch (err) {
        throw unavailable(err);
      }
      if (rows.length === 0) {
        return;
      }
      const seqs = rows.map(r => Number(r.seq));
      this.mirror.applyStored(
        rows.map(r => r.fact),
        seqs
      );
      this.last = seqs[seqs.length - 1];
      if (rows.length < PAGE) {
        return;
      }
    }
  }
}

/**
 * A PostgreSQL database (and, with a bucket URL, its S3 blobs) as one end
 * of a transfer: the store is PgStore; the access facts, users and tokens
 * are read and restored here with their own ids, hashes and times (the
 * admin commands would make new ones), in the tables of migration 003.
 *
 * Restored facts keep their order and content: each is appended to
 * `trail_access_facts` as it was and changes the state tables as the
 * server's own write of it did (pg-ownership.ts), in one transaction per
 * batch under the facts' advisory lock, announced on `trail_access`; users
 * and tokens are announced as a directory change, so running servers
 * read them again.
 */
import type pg from 'pg';
import type { Fact } from '../access/access-log';
import type { TokenRecord, UserRecord } from '../access/directory';
import { describeDatabase } from '../database-wait';
import { transaction } from '../store/postgres/access-tx';
import { openDatabase, type PgDatabase } from '../store/postgres/database';
import { DIRECTORY_CHANNEL } from '../store/postgres/pg-directory';
import {
  pgJson,
  pgNullable,
  pgText,
  unescapeText
} from '../store/postgres/pg-json';
import { ACCESS_CHANNEL, ACCESS_LOCK } from '../store/postgres/pg-ownership';
import { PgStore } from '../store/postgres/pg-store';
import { S3BlobStore } from '../store/s3-blobs';
import {
  hasHash,
  TransferError,
  type HistoryEnd,
  type People,
  type PeopleAdded
} from './history-end';

/** Facts read per query. */
const FACT_PAGE = 5000;

/** Options of {@link openPostgresEnd}. */
export interface PostgresEndOptions {
  /** `s3://bucket/prefix`: blobs there instead of in the database. */
  blobs?: string;
  /** Where the AWS_* variables come from (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the database at `url` as a transfer end, applying the schema
 * migrations it lacks (idempotent, as a server start does).
 */
export async function openPostgresEnd(
  url: string,
  options: PostgresEndOptions = {}
): Promise<HistoryEnd> {
  const s3 = options.blobs
    ? S3BlobStore.fromUrl(options.blobs, { env: options.env })
    : null;
  const db = openDatabase(url, { log: { warn: () => undefined } });
  try {
    await db.migrate();
    const store = await PgStore.open(db, { blobs: s3 ?? undefined });
    return new PostgresEnd(describeDatabase(url), db, store, s3);
  } catch (err) {
    await db.close().catch(() => undefined);
    await s3?.close();
    throw err;
  }
}

interface UserRow {
  id: string;
  name: string;
  display_name: string;
  role: UserRecord['role'];
  created_at: Date;
  disabled_at: Date | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  label: string;
  sha256: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

class PostgresEnd implements HistoryEnd {
  readonly kind = 'postgres';

  constructor(
    readonly where: string,
    private readonly db: PgDatabase,
    readonly store: PgStore,
    private readonly s3: S3BlobStore | null
  ) {}

  async counts(): Promise<{ sessions: number; executions: number }> {
    const { rows } = await this.db.pool.query<{
      sessions: string;
      executions: string;
    }>(
      `SELECT (SELECT count(*) FROM trail_sessions) AS sessions,
              (SELECT count(*) FROM trail_executions) AS executions`
    );
    return {
      sessions: Number(rows[0].sessions),
      executions: Number(rows[0].executions)
    };
  }

  async *facts(): AsyncIterable<Fact> {
    let after = 0;
    for (;;) {
      const { rows } = await this.db.pool.query<{ seq: string; fact: Fact }>(
        'SELECT seq, fact FROM trail_access_facts WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, FACT_PAGE]
      );
      yield* rows.map(r => r.fact);
      if (rows.length < FACT_PAGE) {
        return;
      }
      after = Number(rows[rows.length - 1].seq);
    }
  }

  async people(): Promise<{ users: UserRecord[]; tokens: TokenRecord[] }> {
    const users = await this.db.pool.query<UserRow>(
      `SELECT id, name, display_name, role, created_at, disabled_at
       FROM trail_users ORDER BY ord`
    );
    const tokens = await this.db.pool.query<TokenRow>(
      `SELECT id, user_id, label, sha256, prefix, created_at, revoked_at
       FROM trail_tokens ORDER BY ord`
    );
    return {
      users: users.rows.map(r => ({
        id: r.id,
        name: r.name,
        displayName: unescapeText(r.display_name),
        role: r.role,
        createdAt: r.created_at.toISOString(),
        disabledAt: iso(r.disabled_at)
      })),
      tokens: tokens.rows.map(r => ({
        id: r.id,
        userId: r.user_id,
        label: unescapeText(r.label),
        sha256: r.sha256,
        prefix: r.prefix,
        createdAt: r.created_at.toISOString(),
        revokedAt: iso(r.revoked_at)
      }))
    };
  }

  async appendFacts(facts: Fact[]): Promise<void> {
    if (facts.length === 0) {
      return;
    }
    await transaction(this.db.pool, async client => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [ACCESS_LOCK]);
      for (const fact of facts) {
        await applyFact(client, fact);
      }
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
    });
  }

  async addPeople(people: People): Promise<PeopleAdded> {
    const added: PeopleAdded = { users: 0, tokens: 0, tokensWithoutHash: 0 };
    await transaction(this.db.pool, async client => {
      for (const user of people.users) {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM trail_users WHERE name = $1 AND id <> $2',
          [user.name, user.id]
        );
        if (rows.length > 0) {
          throw new TransferError(
            `user "${user.name}" (${user.id}) cannot be added to ${this.where}: ` +
              `a user of that name with another id (${rows[0].id}) is there`
          );
        }
        const made = await client.query(
          `INSERT INTO trail_users (id, name, display_name, role, created_at, disabled_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [
            user.id,
            user.name,
            pgText(user.displayName),
            user.role,
            user.createdAt,
            user.disabledAt
          ]
        );
        added.users += made.rowCount ?? 0;
      }
      for (const token of people.tokens) {
        if (!hasHash(token)) {
          added.tokensWithoutHash++;
          continue;
        }
        const made = await client.query(
          `INSERT INTO trail_tokens (id, user_id, label, sha256, prefix, created_at, revoked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
          [
            token.id,
            token.userId,
            pgText(token.label),
            token.sha256,
            token.prefix,
            token.createdAt,
            token.revokedAt
          ]
        );
        added.tokens += made.rowCount ?? 0;
      }
      if (added.users + added.tokens > 0) {
        await client.query(
          `WITH change AS (
             INSERT INTO trail_directory_changes DEFAULT VALUES RETURNING seq
           )
           SELECT pg_notify($1, seq::text) FROM change`,
          [DIRECTORY_CHANNEL]
        );
      }
    });
    return added;
  }

  /**
   * ANALYZE: a database just filled has no statistics until autovacuum
   * comes by, and without them the planner reads every match of a common
   * search term (100 ms against 0.6 ms for `read_csv` at 100k executions).
   */
  async settle(): Promise<void> {
    await this.db.pool.query('ANALYZE');
  }

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.db.close();
      await this.s3?.close();
    }
  }
}

/**
 * Changes the state tables as the server's write of `fact` did
 * (pg-ownership.ts): a claim is the first owner's, a visibility change
 * and a rule set their value, an alias is kept once, a path fills one
 * not known yet.
 */
async function applyFact(client: pg.PoolClient, fact: Fact): Promise<void> {
  switch (fact.t) {
    case 'claim':
      await client.query(
        `INSERT INTO trail_session_access (session_id, author_id, visibility, notebook_path)
         VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING`,
        [fact.s, fact.a, fact.v, pgNullable(fact.n)]
      );
      return;
    case 'vis':
      await client.query(
        'UPDATE trail_session_access SET visibility = $2 WHERE session_id = $1',
        [fact.s, fact.v]
      );
      return;
    case 'rule':
      await client.query(
        `INSERT INTO trail_notebook_rules (author_id, notebook_path, visibility)
         VALUES ($1, $2, $3)
         ON CONFLICT (author_id, notebook_path) DO UPDATE SET visibility = $3`,
        [fact.a, pgText(fact.n), fact.v]
      );
      return;
    case 'alias':
      await client.query(
        `INSERT INTO trail_aliases (internal_id, kind, public_id, author_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT (internal_id) DO NOTHING`,
        [fact.i, fact.k, fact.p, fact.a]
      );
      return;
    case 'path':
      await client.query(
        `UPDATE trail_session_access SET notebook_path = $2
         WHERE session_id = $1 AND notebook_path IS NULL`,
        [fact.s, pgText(fact.n)]
      );
      return;
  }
}

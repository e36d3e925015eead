/**
 * The team's users and personal tokens in PostgreSQL (issue #17): the
 * TeamDirectory of servers that share one database, and the admin CLI's
 * DirectoryWriter when it is given `--database`.
 *
 * A token is looked up by its SHA-256 in the database on every
 * authentication, joined with its user: a token issued through one server
 * (or the CLI) works on every server at once, and a revoked token or a
 * disabled user is refused at once. Only the hash and a 6-character prefix
 * are stored.
 *
 * The users are also held in memory (every listing names people): each
 * directory write adds a row to `trail_directory_changes` (and notifies
 * `trail_directory`), and {@link PgDirectory.catchUp} reads the users
 * again when its newest `seq` moved; concurrent callers share one check.
 * The names, token format and revocation rules are directory.ts's.
 */
import type pg from 'pg';
import {
  checkUserName,
  DirectoryError,
  newToken,
  newUser,
  tokensNamed,
  TOKEN_PREFIX,
  hashToken,
  type Principal,
  type Role,
  type TokenRecord,
  type UserRecord
} from '../../access/directory';
import type { DirectoryWriter } from '../../access/directory-writer';
import type { TeamDirectory } from '../../access/team-directory';
import { SharedRead, transaction } from './access-tx';
import type { PgDatabase } from './database';
import { unavailable } from './pg-errors';
import { pgText, unescapeText } from './pg-json';

/** The channel each directory write notifies with its change's `seq`. */
export const DIRECTORY_CHANNEL = 'trail_directory';

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

const USER_COLUMNS =
  'id, name, display_name, role, created_at, disabled_at' as const;
const TOKEN_COLUMNS =
  'id, user_id, label, sha256, prefix, created_at, revoked_at' as const;

interface UserRow {
  id: string;
  name: string;
  display_name: string;
  role: Role;
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

function userOf(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    displayName: unescapeText(row.display_name),
    role: row.role,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null
  };
}

function tokenOf(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    label: unescapeText(row.label),
    sha256: row.sha256,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null
  };
}

/** Runs a read, a lost database becoming a 503. */
async function read<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  values: unknown[] = []
): Promise<R[]> {
  try {
    return (await pool.query<R>(sql, values)).rows;
  } catch (err) {
    throw unavailable(err);
  }
}

/** See the module comment. */
export class PgDirectory implements TeamDirectory, DirectoryWriter {
  private list: UserRecord[] = [];
  private byId = new Map<string, UserRecord>();
  /** The newest `trail_directory_changes.seq` the users were read after. */
  private seen: string | null = null;
  private readonly reads = new SharedRead(() => this.refresh());

  private constructor(private readonly pool: pg.Pool) {}

  /** Reads the users. */
  static async open(db: Pick<PgDatabase, 'pool'>): Promise<PgDirectory> {
    const directory = new PgDirectory(db.pool);
    await directory.catchUp();
    return directory;
  }

  /** Every user, in creation order (disabled ones included). */
  get users(): readonly UserRecord[] {
    return this.list;
  }

  userById(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  userByName(name: string): UserRecord | undefined {
    return this.list.find(u => u.name === name);
  }

  /**
   * Reads the users again if any server (or the CLI) changed the directory
   * since the last read. Concurrent callers share one check.
   */
  catchUp(): Promise<void> {
    return this.reads.run();
  }

  /**
   * The principal of a personal token, or null when it is unknown,
   * revoked, or its user is disabled: asked of the database each time.
   */
  async authenticate(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) {
      return null;
    }
    const rows = await read<UserRow & { token_id: string }>(
      this.pool,
      `SELECT t.id AS token_id, u.id, u.name, u.display_name, u.role,
              u.created_at, u.disabled_at
       FROM trail_tokens t JOIN trail_users u ON u.id = t.user_id
       WHERE t.sha256 = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [hashToken(token)]
    );
    if (rows.length === 0) {
      return null;
    }
    const row = rows[0];
    return {
      userId: row.id,
      name: row.name,
      displayName: unescapeText(row.display_name),
      role: row.role,
      tokenId: row.token_id
    };
  }

  /** Every token record (never a secret), in creation order. */
  async listTokens(): Promise<readonly TokenRecord[]> {
    const rows = await read<TokenRow>(
      this.pool,
      `SELECT ${TOKEN_COLUMNS} FROM trail_tokens ORDER BY ord`
    );
    return rows.map(tokenOf);
  }

  /** Adds a user; fails when the name is taken or malformed. */
  async addUser(
    name: string,
    options: { role?: Role; displayName?: string } = {}
  ): Promise<UserRecord> {
    checkUserName(name);
    const user = newUser(name, options);
    try {
      await this.write(client =>
        client.query(
          `INSERT INTO trail_users (id, name, display_name, role, created_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            user.id,
            user.name,
            pgText(user.displayName),
            user.role,
            user.createdAt
          ]
        )
      );
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DirectoryError(`a user named "${name}" already exists`);
      }
      throw err;
    }
    return user;
  }

  /** Changes a user's role. */
  async setRole(name: string, role: Role): Promise<UserRecord> {
    return this.changeUser(
      name,
      'UPDATE trail_users SET role = $2 WHERE name = $1',
      [role]
    );
  }

  /**
   * Disables a user: their tokens stop working at once; what they recorded
   * stays, still attributed to them.
   */
  async disableUser(name: string): Promise<UserRecord> {
    return this.changeUser(
      name,
      'UPDATE trail_users SET disabled_at = COALESCE(disabled_at, $2) WHERE name = $1',
      [new Date().toISOString()]
    );
  }

  /** Issues a token; the secret is returned once and never stored. */
  async issueToken(
    name: string,
    label = 'default'
  ): Promise<{ token: string; record: TokenRecord }> {
    let issued: { token: string; record: TokenRecord } | undefined;
    await this.write(async client => {
      const user = await lockedUser(client, name);
      if (user.disabledAt) {
        throw new DirectoryError(`the user "${name}" is disabled`);
      }
      issued = newToken(user.id, label);
      const r = issued.record;
      await client.query(
        `INSERT INTO trail_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
        [r.id, r.userId, pgText(r.label), r.sha256, r.prefix, r.createdAt]
      );
    });
    return issued!;
  }

  /**
   * Revokes tokens by token id, by the token's prefix, or every token of a
   * user (`user:<name>`). Resolves with the records revoked now.
   */
  async revokeTokens(which: string): Promise<TokenRecord[]> {
    let revoked: TokenRecord[] = [];
    await this.write(async client => {
      const tokens = (
        await client.query<TokenRow>(
          `SELECT ${TOKEN_COLUMNS} FROM trail_tokens ORDER BY ord FOR UPDATE`
        )
      ).rows.map(tokenOf);
      const users = (
        await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM trail_users`)
      ).rows.map(userOf);
      const live = tokensNamed(which, tokens, n =>
        users.find(u => u.name === n)
      ).filter(t => !t.revokedAt);
      if (live.length === 0) {
        return;
      }
      const at = new Date().toISOString();
      await client.query(
        'UPDATE trail_tokens SET revoked_at = $2 WHERE id = ANY($1::text[])',
        [live.map(t => t.id), at]
      );
      revoked = live.map(t => ({ ...t, revokedAt: at }));
    });
    return revoked;
  }

  /** Waits for a mirror read under way; the pool is the database's to close. */
  async close(): Promise<void> {
    await this.reads.settled();
  }

  private async changeUser(
    name: string,
    sql: string,
    values: unknown[]
  ): Promise<UserRecord> {
    let changed: UserRecord | undefined;
    await this.write(async client => {
      await lockedUser(client, name);
      await client.query(sql, [name, ...values]);
      changed = await lockedUser(client, name);
    });
    return changed!;
  }

  /**
   * One directory write in a transaction that also records the change
   * (so every server reads the users again), then this server's copy.
   */
  private async write(
    work: (client: pg.PoolClient) => Promise<unknown>
  ): Promise<void> {
    await transaction(this.pool, async client => {
      await work(client);
      await client.query(
        `WITH change AS (
           INSERT INTO trail_directory_changes DEFAULT VALUES RETURNING seq
         )
         SELECT pg_notify($1, seq::text) FROM change`,
        [DIRECTORY_CHANNEL]
      );
    });
    await this.catchUp();
  }

  /** Reads the users again when the directory changed since the last read. */
  private async refresh(): Promise<void> {
    const [{ seq }] = await read<{ seq: string | null }>(
      this.pool,
      'SELECT max(seq)::text AS seq FROM trail_directory_changes'
    );
    const version = seq ?? '0';
    if (version === this.seen) {
      return;
    }
    const rows = await read<UserRow>(
      this.pool,
      `SELECT ${USER_COLUMNS} FROM trail_users ORDER BY ord`
    );
    this.list = rows.map(userOf);
    this.byId = new Map(this.list.map(u => [u.id, u]));
    this.seen = version;
  }
}

/** The user named `name`, locked for the rest of the transaction. */
async function lockedUser(
  client: pg.PoolClient,
  name: string
): Promise<UserRecord> {
  const { rows } = await client.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM trail_users WHERE name = $1 FOR UPDATE`,
    [name]
  );
  if (rows.length === 0) {
    throw new DirectoryError(`there is no user named "${name}"`);
  }
  return userOf(rows[0]);
}

/**
 * The team directory: users, their roles and their personal API tokens, in
 * `<data>/users.json` (lowdb: small, rarely written).
 *
 * Only the admin CLI writes the file; a running server re-reads it when it
 * changes, so a token issued or revoked from a shell takes effect within
 * `reloadIntervalMs` without a restart. Tokens are random 256-bit secrets;
 * only their SHA-256 is stored (a fast hash is enough for secrets of that
 * entropy: there is nothing to brute-force), with a short prefix to tell them
 * apart in listings.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DirectoryWriter } from './directory-writer';
import type { TeamDirectory } from './team-directory';

/** What a user may do: admins read everything and manage the team. */
export type Role = 'admin' | 'member';

/** One person of the team. */
export interface UserRecord {
  id: string;
  /** Login name: lower-case letters, digits, `.`, `_`, `-`. */
  name: string;
  displayName: string;
  role: Role;
  createdAt: string;
  /** Set when the user was removed: their tokens stop working, their history stays. */
  disabledAt: string | null;
}

/** One personal API token (never the token itself). */
export interface TokenRecord {
  id: string;
  userId: string;
  label: string;
  /** SHA-256 (hex) of the token. */
  sha256: string;
  /** The first characters of the secret part, to recognise a token. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The content of users.json. */
export interface DirectoryData {
  formatVersion: 1;
  users: UserRecord[];
  tokens: TokenRecord[];
}

/** Who a request acts as. */
export interface Principal {
  userId: string;
  name: string;
  displayName: string;
  role: Role;
  /** The token used; null for the server's own (owner) token. */
  tokenId: string | null;
}

/** The prefix of every personal token (tells it from other secrets). */
export const TOKEN_PREFIX = 'trl_';

/** The user id of the server's owner, who holds the server's own token. */
export const OWNER_ID = 'owner';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A user-facing error of a directory operation (bad name, unknown user...). */
export class DirectoryError extends Error {}

/** SHA-256 (hex) of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Refuses a malformed user name or the reserved owner name (the rule of
 * every directory: users.json and the database's).
 */
export function checkUserName(name: string): void {
  if (!NAME.test(name) || name === OWNER_ID) {
    throw new DirectoryError(
      `"${name}" is not a valid user name: use 1-64 lower-case letters, digits, ".", "_" or "-"` +
        (name === OWNER_ID ? ` ("${OWNER_ID}" is reserved)` : '')
    );
  }
}

/** A new user record (not stored yet). */
export function newUser(
  name: string,
  options: { role?: Role; displayName?: string }
): UserRecord {
  return {
    id: randomUUID(),
    name,
    displayName: options.displayName?.trim() || name,
    role: options.role ?? 'member',
    createdAt: new Date().toISOString(),
    disabledAt: null
  };
}

/** A new personal token: the secret (shown once) and its record. */
export function newToken(
  userId: string,
  label: string
): { token: string; record: TokenRecord } {
  const secret = randomBytes(32).toString('base64url');
  const token = TOKEN_PREFIX + secret;
  return {
    token,
    record: {
      id: randomUUID(),
      userId,
      label: label.slice(0, 100),
      sha256: hashToken(token),
      prefix: secret.slice(0, 6),
      createdAt: new Date().toISOString(),
      revokedAt: null
    }
  };
}

/**
 * The tokens `which` names: a token id, a token's prefix (with or without
 * `trl_`, at least 4 characters, matching one token) or `user:<name>` for
 * every token of a user. Revoked ones are included (the caller tells
 * "already revoked" apart); none is a DirectoryError.
 */
export function tokensNamed(
  which: string,
  tokens: readonly TokenRecord[],
  userByName: (name: string) => UserRecord | undefined
): TokenRecord[] {
  let matches: TokenRecord[];
  if (which.startsWith('user:')) {
    const name = which.slice(5);
    const user = userByName(name);
    if (!user) {
      throw new DirectoryError(`there is no user named "${name}"`);
    }
    matches = tokens.filter(t => t.userId === user.id);
  } else {
    const bare = which.startsWith(TOKEN_PREFIX)
      ? which.slice(TOKEN_PREFIX.length)
      : which;
    matches = tokens.filter(
      t => t.id === which || (bare.length >= 4 && t.prefix.startsWith(bare))
    );
    if (matches.length > 1 && !matches.every(t => t.id === which)) {
      throw new DirectoryError(
        `"${which}" matches ${matches.length} tokens: give more of the prefix or the token id`
      );
    }
  }
  if (matches.length === 0) {
    throw new DirectoryError(`no token matches "${which}"`);
  }
  return matches;
}

function emptyData(): DirectoryData {
  return { formatVersion: 1, users: [], tokens: [] };
}

type LowDb = {
  data: DirectoryData | null;
  read(): Promise<void>;
  write(): Promise<void>;
};

/**
 * Users and tokens of one data folder.
 */
export class UserDirectory implements TeamDirectory, DirectoryWriter {
  private constructor(
    private readonly db: LowDb,
    readonly path: string,
    private readonly reloadIntervalMs: number
  ) {
    this.index();
  }

  /** Opens (without creating) `<dataDir>/users.json`. */
  static async open(
    dataDir: string,
    options: { reloadIntervalMs?: number } = {}
  ): Promise<UserDirectory> {
    // lowdb is ESM-only: loaded dynamically from this CommonJS module, with
    // the file adapter named explicitly (its presets use memory in tests).
    const { Low } = await import('lowdb');
    const { JSONFile } = await import('lowdb/node');
    const path = join(dataDir, 'users.json');
    const db = new Low<DirectoryData | null>(
      new JSONFile<DirectoryData | null>(path),
      null
    );
    await db.read();
    const directory = new UserDirectory(
      db as LowDb,
      path,
      options.reloadIntervalMs ?? 500
    );
    directory.stamp = directory.fileStamp();
    directory.checkedAt = Date.now();
    return directory;
  }

  /** Every user, in creation order. */
  get users(): readonly UserRecord[] {
    return this.data.users;
  }

  /** Every token record, in creation order. */
  get tokens(): readonly TokenRecord[] {
    return this.data.tokens;
  }

  /** Every token record, in creation order (the admin CLI's reading). */
  async listTokens(): Promise<readonly TokenRecord[]> {
    return this.data.tokens;
  }

  /** Nothing to release: every write is complete when it resolves. */
  async close(): Promise<void> {}

  /**
   * The principal of a personal token, or null when it is unknown, revoked
   * or its user is disabled. Re-reads users.json first when it changed.
   */
  async authenticate(token: string): Promise<Principal | null> {
    await this.refresh();
    if (!token.startsWith(TOKEN_PREFIX)) {
      return null;
    }
    const record = this.byHash.get(hashToken(token));
    if (!record || record.revokedAt) {
      return null;
    }
    const user = this.byId.get(record.userId);
    if (!user || user.disabledAt) {
      return null;
    }
    return {
      userId: user.id,
      name: user.name,
      displayName: user.displayName,
      role: user.role,
      tokenId: record.id
    };
  }

  /** The user with this id (disabled ones included), or undefined. */
  userById(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  /** The user with this login name, or undefined. */
  userByName(name: string): UserRecord | undefined {
    return this.data.users.find(u => u.name === name);
  }

  /** Adds a user; fails when the name is taken or malformed. */
  async addUser(
    name: string,
    options: { role?: Role; displayName?: string } = {}
  ): Promise<UserRecord> {
    await this.db.read();
    checkUserName(name);
    if (this.userByName(name)) {
      throw new DirectoryError(`a user named "${name}" already exists`);
    }
    const user = newUser(name, options);
    this.data.users.push(user);
    await this.save();
    return user;
  }

  /** Changes a user's role. */
  async setRole(name: string, role: Role): Promise<UserRecord> {
    await this.db.read();
    const user = this.requireUser(name);
    user.role = role;
    await this.save();
    return user;
  }

  /**
   * Disables a user: their tokens stop working at once; what they recorded
   * stays, still attributed to them.
   */
  async disableUser(name: string): Promise<UserRecord> {
    await this.db.read();
    const user = this.requireUser(name);
    user.disabledAt ??= new Date().toISOString();
    await this.save();
    return user;
  }

  /**
   * Issues a personal token for a user. The token is returned once and
   * never stored.
   */
  async issueToken(
    name: string,
    label = 'default'
  ): Promise<{ token: string; record: TokenRecord }> {
    await this.db.read();
    const user = this.requireUser(name);
    if (user.disabledAt) {
      throw new DirectoryError(`the user "${name}" is disabled`);
    }
    const { token, record } = newToken(user.id, label);
    this.data.tokens.push(record);
    await this.save();
    return { token, record };
  }

  /**
   * Revokes tokens by token id, by the token's prefix, or every token of a
   * user (`user:<name>`). Returns the records revoked now.
   */
  async revokeTokens(which: string): Promise<TokenRecord[]> {
    await this.db.read();
    const matches = tokensNamed(which, this.data.tokens, name =>
      this.userByName(name)
    );
    const live = matches.filter(t => !t.revokedAt);
    const now = new Date().toISOString();
    for (const t of live) {
      t.revokedAt = now;
    }
    await this.save();
    return live;
  }

  private get data(): DirectoryData {
    this.db.data ??= emptyData();
    return this.db.data;
  }

  private requireUser(name: string): UserRecord {
    const user = this.userByName(name);
    if (!user) {
      throw new DirectoryError(`there is no user named "${name}"`);
    }
    return user;
  }

  private async save(): Promise<void> {
    await this.db.write();
    this.index();
    this.stamp = this.fileStamp();
  }

  private index(): void {
    const data = this.data;
    this.byId = new Map(data.users.map(u => [u.id, u]));
    this.byHash = new Map(data.tokens.map(t => [t.sha256, t]));
  }

  /** Re-reads the file when its size or mtime changed (checked at most every reloadIntervalMs). */
  private async refresh(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < this.reloadIntervalMs) {
      return;
    }
    this.checkedAt = now;
    const stamp = this.fileStamp();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      await this.db.read();
      this.index();
    }
  }

  private fileStamp(): string {
    try {
      const s = statSync(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }

  private byId = new Map<string, UserRecord>();
  private byHash = new Map<string, TokenRecord>();
  private stamp = '';
  private checkedAt = 0;
}

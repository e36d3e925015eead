/**
 * What the admin CLI (admin-cli.ts) changes and reads of a team
 * directory, whichever keeps it: users.json (UserDirectory, directory.ts)
 * or PostgreSQL (PgDirectory, store/postgres/pg-directory.ts). The rules
 * (names, tokens, which tokens a revocation names) are directory.ts's and
 * the same for both; a refusal is a DirectoryError.
 */
import type { Role, TokenRecord, UserRecord } from './directory';

/** See the module comment. */
export interface DirectoryWriter {
  /** Every user, in creation order (disabled ones included). */
  readonly users: readonly UserRecord[];
  userById(id: string): UserRecord | undefined;
  userByName(name: string): UserRecord | undefined;
  /** Every token record (never a secret), in creation order. */
  listTokens(): Promise<readonly TokenRecord[]>;
  /** Adds a user; fails when the name is taken or malformed. */
  addUser(
    name: string,
    options?: { role?: Role; displayName?: string }
  ): Promise<UserRecord>;
  setRole(name: string, role: Role): Promise<UserRecord>;
  /** Disables a user: their tokens stop working, their history stays. */
  disableUser(name: string): Promise<UserRecord>;
  /** Issues a token; the secret is returned once and never stored. */
  issueToken(
    name: string,
    label?: string
  ): Promise<{ token: string; record: TokenRecord }>;
  /** Revokes what `which` names (see tokensNamed); resolves with those revoked now. */
  revokeTokens(which: string): Promise<TokenRecord[]>;
  /** Releases what the directory holds open (a database's connections). */
  close(): Promise<void>;
}

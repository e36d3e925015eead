/**
 * The team's users and their personal tokens, as the server reads them:
 * the contract behind authentication and the people listings.
 * UserDirectory keeps it (users.json, written by the admin CLI); a
 * database backend would keep the same records in its own tables.
 *
 * Lookups by id answer from what the implementation holds in memory
 * (every listing names people), kept current with the records (as
 * UserDirectory re-reads users.json when it changes); authenticating a
 * token may look further first.
 */
import type { Principal, UserRecord } from './directory';

/** See the module comment. */
export interface TeamDirectory {
  /** Every user, in creation order (disabled ones included). */
  readonly users: readonly UserRecord[];
  /** The user with this id (disabled ones included), or undefined. */
  userById(id: string): UserRecord | undefined;
  /**
   * The principal of a personal token, or null when it is unknown,
   * revoked, or its user is disabled.
   */
  authenticate(token: string): Promise<Principal | null>;
}

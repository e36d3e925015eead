/**
 * Who owns each session and who may see it: the contract the access layer
 * holds its facts through. OwnershipStore keeps it (access.log beside the
 * file store, or memory); a database backend would keep the same facts in
 * its own tables.
 *
 * Reads answer from what the implementation holds in memory (the access
 * checks run for every record a listing or search touches), so a backend
 * keeping the facts elsewhere keeps them cached, current with its writes;
 * every write is durable before it resolves.
 */
import type { Alias, AliasTable } from './aliases';
import type { SessionAccess, VisibilityChange } from './ownership';
import type { Visibility } from './policy';

/**
 * The code of the 503 a claim rejects with when a backend shared by
 * several servers finds that another person claimed one of its sessions
 * at the same moment (the first claim wins; nothing of this one is
 * written). The ownership is current again when it rejects, so the caller
 * decides the batch anew (ingest-scope.ts does).
 */
export const ACCESS_CHANGED = 'access_changed';

/** A new session's owner, as a claim asks. */
export interface SessionClaim {
  sessionId: string;
  authorId: string;
  notebookPath: string | null;
  /** Asked by its session.started; else the author's rule, else team. */
  visibility?: Visibility;
}

/** See the module comment. */
export interface SessionOwnership {
  /** Every alias (see aliases.ts). */
  readonly aliases: AliasTable;
  /** The access facts of a session, or undefined when none are stored. */
  session(sessionId: string): SessionAccess | undefined;
  /** Every session id owned by `authorId`. */
  sessionsOf(authorId: string): string[];
  /** Every private session, to its author's id. */
  privateSessions(): ReadonlyMap<string, string>;
  /**
   * Changes whenever a fact (claim, visibility, rule, alias) changes; a
   * backend without one has what is derived from the facts made anew.
   */
  readonly version?: number;
  /** The author's visibility rule for a notebook, if set. */
  rule(authorId: string, notebookPath: string): Visibility | undefined;
  /**
   * Records the owners of new sessions and the new aliases, durably and in
   * one write, before the events they govern are stored; sessions owned
   * already and aliases known already are left as they are.
   */
  claim(claims: SessionClaim[], aliases?: readonly Alias[]): Promise<void>;
  /** Sets a session's visibility. */
  setVisibility(
    sessionId: string,
    visibility: Visibility,
    by: string
  ): Promise<void>;
  /**
   * Sets an author's rule for a notebook and applies it to their sessions
   * of it; resolves with how many sessions changed.
   */
  setNotebookRule(
    authorId: string,
    notebookPath: string,
    visibility: Visibility
  ): Promise<number>;
  /** Sets the notebook path of a session claimed before its path was known. */
  notePath(sessionId: string, notebookPath: string): void;
  /**
   * Calls `listener` with the sessions whose visibility a write changed,
   * once it is durable; returns the function that stops it.
   */
  onVisibilityChange(
    listener: (changes: VisibilityChange[]) => void
  ): () => void;
  /** Finishes pending writes and releases files. */
  close(): Promise<void>;
}

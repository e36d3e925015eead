/**
 * One end of a transfer (export, import, migrate): a whole Trail history
 * (the store's events and blobs, the access facts, the people) behind one
 * interface, whichever backend keeps it, so that every transfer is written
 * once and runs from and to the file store and PostgreSQL alike.
 */
import type { Fact } from '../access/access-log';
import type { TokenRecord, UserRecord } from '../access/directory';
import type { TrailStore } from '../store/types';
import type { ExportedToken } from './export-format';

/** The people of a history: users and their tokens' records. */
export interface People {
  users: UserRecord[];
  /** With their hashes (migration) or without (an export's). */
  tokens: (TokenRecord | ExportedToken)[];
}

/** What adding people changed. */
export interface PeopleAdded {
  users: number;
  tokens: number;
  /** Token records without a hash, left out: they could not authenticate. */
  tokensWithoutHash: number;
}

/** See the module comment. */
export interface HistoryEnd {
  /** `file` or `postgres`. */
  readonly kind: string;
  /** Where it is, for messages (a folder; a database URL without password). */
  readonly where: string;
  /** The events and blobs; `scanEvents` is there. */
  readonly store: TrailStore & Required<Pick<TrailStore, 'scanEvents'>>;
  /** How many sessions and executions are stored. */
  counts(): Promise<{ sessions: number; executions: number }>;
  /** Every access fact, in the order it was stored. */
  facts(): AsyncIterable<Fact>;
  /** Users and tokens (with their hashes). */
  people(): Promise<{ users: UserRecord[]; tokens: TokenRecord[] }>;
  /**
   * Appends these facts, in order, durably, as they are (fact-match.ts
   * says which a copy lacks).
   */
  appendFacts(facts: Fact[]): Promise<void>;
  /**
   * Adds the users and token records this end does not hold (by id); a
   * user name held by another id is refused with an error.
   */
  addPeople(people: People): Promise<PeopleAdded>;
  /**
   * After a bulk copy into this end: what makes it answer well at once
   * (PostgreSQL: fresh planner statistics, so a search of a common word
   * walks the newest rows instead of gathering every match).
   */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

/** A user-facing failure of a transfer (bad input, a refused target). */
export class TransferError extends Error {}

/** Whether a token record carries its hash (can authenticate). */
export function hasHash(
  token: TokenRecord | ExportedToken
): token is TokenRecord {
  return (
    typeof (token as TokenRecord).sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test((token as TokenRecord).sha256)
  );
}

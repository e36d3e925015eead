/**
 * The team layer over the history: who a session belongs to, who may read
 * it, and the checks every route runs. Sessions nobody may read look like
 * sessions that do not exist (404), so ids of private work do not leak.
 */
import type {
  ExecutionRecord,
  Person,
  SessionSummary,
  TrailEvent
} from '../../src/records/schema';
import { AppError } from '../errors';
import type { TrailStore } from '../store/types';
import type { AliasKind, AliasTable } from './aliases';
import { OWNER_ID, type Principal, type UserDirectory } from './directory';
import { authorizeBatch } from './ingest-scope';
import { OwnershipStore, type SessionAccess } from './ownership';
import { canRead } from './policy';

/** Access decisions for one data folder. */
export class TeamAccess {
  private constructor(
    readonly store: TrailStore,
    readonly ownership: OwnershipStore,
    readonly directory: UserDirectory | null,
    readonly owner: Principal
  ) {}

  /**
   * Opens `<dataDir>/access.log` (or keeps access facts in memory when no
   * folder is given).
   */
  static async open(options: {
    dataDir: string | null;
    store: TrailStore;
    directory: UserDirectory | null;
    owner: Principal;
  }): Promise<TeamAccess> {
    const ownership = options.dataDir
      ? await OwnershipStore.open(options.dataDir)
      : OwnershipStore.memory();
    return TeamAccess.create({ ...options, ownership });
  }

  /** Builds the access layer over an open ownership store. */
  static create(options: {
    store: TrailStore;
    ownership: OwnershipStore;
    directory: UserDirectory | null;
    owner: Principal;
  }): TeamAccess {
    return new TeamAccess(
      options.store,
      options.ownership,
      options.directory,
      options.owner
    );
  }

  /** The person behind a user id, as the API shows them. */
  person(userId: string): Person {
    if (userId === OWNER_ID) {
      return {
        id: OWNER_ID,
        name: this.owner.name,
        displayName: this.owner.displayName
      };
    }
    const user = this.directory?.userById(userId);
    return user
      ? { id: user.id, name: user.name, displayName: user.displayName }
      : { id: userId, name: 'unknown', displayName: 'Unknown user' };
  }

  /**
   * The access facts of a stored session, or undefined. A session stored
   * without facts (history recorded before access.log existed, or written to
   * the store directly) belongs to the owner and is visible to the team.
   */
  accessOf(sessionId: string): SessionAccess | undefined {
    const access = this.ownership.session(sessionId);
    if (access) {
      return access;
    }
    const stored = this.store.getSession(sessionId);
    return stored
      ? {
          authorId: OWNER_ID,
          visibility: 'team',
          notebookPath: stored.notebookPath
        }
      : undefined;
  }

  /** Every session id of an author (the owner's unclaimed ones included). */
  sessionsOf(authorId: string): string[] {
    const ids = this.ownership.sessionsOf(authorId);
    if (authorId !== OWNER_ID) {
      return ids;
    }
    const known = new Set(ids);
    let after: { startedAtMs: number; id: string } | undefined;
    for (;;) {
      const page = this.store.listSessions({ limit: 1000, after });
      for (const s of page.items) {
        if (!known.has(s.id) && !this.ownership.session(s.id)) {
          ids.push(s.id);
        }
      }
      if (!page.next) {
        return ids;
      }
      after = page.next;
    }
  }

  /** Every alias of the data folder (see aliases.ts). */
  get aliases(): AliasTable {
    return this.ownership.aliases;
  }

  /**
   * Whether the rules let `principal` read stored session `sessionId`
   * (false when unknown), whatever id it is shown under.
   */
  policyReads(principal: Principal, sessionId: string): boolean {
    const access = this.accessOf(sessionId);
    return access !== undefined && canRead(principal, access);
  }

  /**
   * Whether `principal` may read stored session `sessionId` (false when
   * unknown): the rules let them, and it is the session they see under its
   * public id (see {@link recordFor}).
   */
  canReadSession(principal: Principal, sessionId: string): boolean {
    return (
      this.policyReads(principal, sessionId) &&
      (this.aliases.size === 0 || this.isShown(principal, 'session', sessionId))
    );
  }

  /**
   * The stored id of the record `principal` sees under public id
   * `publicId`: the public id itself unless aliases of it exist (a Map
   * lookup). Then, in this order: the reader's own alias; the original
   * record, if they may read it; the earliest alias they may read. So the
   * author of a private original sees only theirs, and a third person sees
   * the earliest record they may read: once that original turns team,
   * they see it rather than an alias made while it was private (one record
   * per id and reader, the same in every answer).
   */
  recordFor(
    principal: Principal,
    kind: Exclude<AliasKind, 'event'>,
    publicId: string
  ): string {
    const aliases = this.aliases.of(kind, publicId);
    if (!aliases) {
      return publicId;
    }
    const own = aliases.find(a => a.authorId === principal.userId);
    if (own) {
      return own.internalId;
    }
    if (this.isReadable(principal, kind, publicId)) {
      return publicId;
    }
    const first = aliases.find(a =>
      this.isReadable(principal, kind, a.internalId)
    );
    return first?.internalId ?? publicId;
  }

  /** The public id of a stored record's id. */
  publicId(id: string): string {
    return this.aliases.publicId(id);
  }

  /** An execution (record or summary) as the API shows it: public ids. */
  publicExecution<T extends { id: string; sessionId: string }>(record: T): T {
    if (this.aliases.size === 0) {
      return record;
    }
    const id = this.publicId(record.id);
    const sessionId = this.publicId(record.sessionId);
    return id === record.id && sessionId === record.sessionId
      ? record
      : { ...record, id, sessionId };
  }

  /** Whether stored record `id` is the one `principal` sees under its public id. */
  private isShown(
    principal: Principal,
    kind: Exclude<AliasKind, 'event'>,
    id: string
  ): boolean {
    const publicId = this.publicId(id);
    return (
      this.aliases.of(kind, publicId) === undefined ||
      this.recordFor(principal, kind, publicId) === id
    );
  }

  /** Whether `principal` may read stored record `id` (by the rules). */
  private isReadable(
    principal: Principal,
    kind: Exclude<AliasKind, 'event'>,
    id: string
  ): boolean {
    if (kind === 'session') {
      return this.policyReads(principal, id);
    }
    // An execution is read through its session, as that reader sees it.
    const sessionId = this.store.sessionOfExecution(id);
    return sessionId !== undefined && this.canReadSession(principal, sessionId);
  }

  /** A 404 for a session the caller may not read, as for a missing one. */
  assertReadable(
    principal: Principal,
    sessionId: string,
    what: string,
    id: string
  ): void {
    if (!this.canReadSession(principal, sessionId)) {
      throw new AppError(404, 'not_found', `No ${what} has the id "${id}".`);
    }
  }

  /** A stored session's summary with its public id, author and visibility. */
  decorate(summary: SessionSummary): SessionSummary {
    const access = this.accessOf(summary.id);
    return {
      ...summary,
      id: this.publicId(summary.id),
      author: this.person(access?.authorId ?? OWNER_ID),
      visibility: access?.visibility ?? 'team'
    };
  }

  /**
   * Whether the caller may read a stored execution: by its session, and
   * as the record they see under its public id.
   */
  canReadExecution(
    principal: Principal,
    record: Pick<ExecutionRecord, 'id' | 'sessionId'>
  ): boolean {
    return (
      this.canReadSession(principal, record.sessionId) &&
      (this.aliases.size === 0 ||
        this.isShown(principal, 'execution', record.id))
    );
  }

  /**
   * Checks that `principal` may write every event of a batch and claims
   * the new sessions for them (durably) before the events are stored;
   * returns the events to store, in the batch's order (the batch itself
   * when no id of it collides with a record the caller may not read).
   * Throws 403, storing nothing, when one event belongs to another
   * person's session that the caller may read. See authorizeBatch.
   */
  authorizeIngest(
    principal: Principal,
    events: TrailEvent[]
  ): Promise<TrailEvent[]> {
    return authorizeBatch(this, principal, events);
  }
}

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
import type { SessionQuery, TrailStore } from '../store/types';
import type { AliasKind, AliasTable } from './aliases';
import { OWNER_ID, type Principal } from './directory';
import { authorizeBatch } from './ingest-scope';
import { OwnershipStore, type SessionAccess } from './ownership';
import { canRead } from './policy';
import type { SessionOwnership } from './session-ownership';
import type { TeamDirectory } from './team-directory';

/** A batch as stored, as the access bookkeeping follows it. */
export interface StoredEvents {
  /** The events as stored (records under an alias carry its id). */
  stored: readonly TrailEvent[];
  /** The ids of the events stored now (not duplicates). */
  accepted: ReadonlySet<string>;
}

/**
 * Access decisions for one data folder. They are made for every record a
 * listing, a search or the change feed touches, so they answer from
 * memory: the ownership facts, and what the store was asked once when the
 * access layer opened (the sessions stored without facts, the sessions of
 * the executions that aliases name), kept current by following the ingest
 * ({@link noteStored}).
 */
export class TeamAccess {
  /** Resolves once the access layer knows what it needs of the store. */
  readonly ready: Promise<void>;
  /** Sessions stored without access facts: the owner's, team. */
  private readonly implicit = new Map<string, SessionAccess>();
  /** The session of each execution id an alias names (public or internal). */
  private readonly aliasedExecutions = new Map<string, string>();

  private constructor(
    readonly store: TrailStore,
    readonly ownership: SessionOwnership,
    readonly directory: TeamDirectory | null,
    readonly owner: Principal
  ) {
    this.ready = this.load();
    // Awaited by every request (and by open()): a failure reaches them,
    // not the process as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /**
   * Opens `<dataDir>/access.log` (or keeps access facts in memory when no
   * folder is given).
   */
  static async open(options: {
    dataDir: string | null;
    store: TrailStore;
    directory: TeamDirectory | null;
    owner: Principal;
  }): Promise<TeamAccess> {
    const ownership = options.dataDir
      ? await OwnershipStore.open(options.dataDir)
      : OwnershipStore.memory();
    const access = TeamAccess.create({ ...options, ownership });
    await access.ready;
    return access;
  }

  /**
   * Builds the access layer over an open ownership store; it reads what it
   * needs of the store in the background ({@link ready}).
   */
  static create(options: {
    store: TrailStore;
    ownership: SessionOwnership;
    directory: TeamDirectory | null;
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
   * Reads what the access decisions need of the store, once: the sessions
   * stored without access facts (history recorded before access.log
   * existed, or written to the store before the server started), and the
   * sessions of the executions that aliases name. Every session stored
   * later is claimed before it is stored.
   */
  private async load(): Promise<void> {
    let after: SessionQuery['after'];
    do {
      const page = await this.store.listSessions({ limit: 1000, after });
      for (const s of page.items) {
        if (!this.ownership.session(s.id)) {
          this.implicit.set(s.id, {
            authorId: OWNER_ID,
            visibility: 'team',
            notebookPath: s.notebookPath
          });
        }
      }
      after = page.next ?? undefined;
    } while (after);
    for (const alias of this.aliases.all('execution')) {
      for (const id of [alias.publicId, alias.internalId]) {
        const sessionId = await this.store.sessionOfExecution(id);
        if (sessionId !== undefined) {
          this.aliasedExecutions.set(id, sessionId);
        }
      }
    }
  }

  /**
   * Notes the session of an execution id an alias names (the original's,
   * when the alias is made; the alias's own, once it is stored).
   */
  noteAliasedExecution(executionId: string, sessionId: string): void {
    this.aliasedExecutions.set(executionId, sessionId);
  }

  /**
   * The access bookkeeping that follows a stored batch: where the
   * executions stored under an alias live, and the sessions stored without
   * access facts (written to the database directly, as `trail-server
   * import` does while servers run), which are the owner's and the team's
   * as they would be after a restart.
   */
  noteStored(batch: StoredEvents): void {
    for (const event of batch.stored) {
      if (
        event.kind === 'session.started' &&
        batch.accepted.has(event.id) &&
        !this.ownership.session(event.session.id) &&
        !this.implicit.has(event.session.id)
      ) {
        this.implicit.set(event.session.id, {
          authorId: OWNER_ID,
          visibility: 'team',
          notebookPath: event.session.notebookPath
        });
      }
    }
    if (this.aliases.size === 0) {
      return;
    }
    for (const event of batch.stored) {
      if (
        event.kind === 'execution.completed' &&
        batch.accepted.has(event.id) &&
        this.aliases.has(event.execution.id)
      ) {
        this.noteAliasedExecution(
          event.execution.id,
          event.execution.sessionId
        );
      }
    }
  }

  /**
   * The access facts of a stored session, or undefined. A session stored
   * without facts (history recorded before access.log existed, or written to
   * the store directly) belongs to the owner and is visible to the team.
   */
  accessOf(sessionId: string): SessionAccess | undefined {
    return this.ownership.session(sessionId) ?? this.implicit.get(sessionId);
  }

  /** Every session id of an author (the owner's unclaimed ones included). */
  sessionsOf(authorId: string): string[] {
    const ids = this.ownership.sessionsOf(authorId);
    if (authorId === OWNER_ID) {
      for (const id of this.implicit.keys()) {
        if (!this.ownership.session(id)) {
          ids.push(id);
        }
      }
    }
    return ids;
  }

  /**
   * The filter of the store's session listing that keeps what `principal`
   * may read (of `authorId` when given): data the store applies before it
   * cuts a page, never a callback.
   */
  sessionFilter(
    principal: Principal,
    authorId?: string
  ): Pick<SessionQuery, 'ids' | 'excludeIds'> {
    const excludeIds = this.unreadableBy(principal);
    return {
      ...(authorId === undefined
        ? {}
        : { ids: new Set(this.sessionsOf(authorId)) }),
      ...(excludeIds.size > 0 ? { excludeIds } : {})
    };
  }

  /**
   * {@link unreadableBy}, the same set object while no access fact
   * changes (never to be modified): a run query's cached lists are found
   * again by it instead of by its thousands of ids.
   */
  unreadableSetOf(principal: Principal): ReadonlySet<string> {
    const version = this.ownership.version;
    if (version === undefined) {
      return this.unreadableBy(principal);
    }
    const kept = this.unreadableKept.get(principal.userId);
    if (kept?.version === version) {
      return kept.ids;
    }
    const ids = this.unreadableBy(principal);
    this.unreadableKept.set(principal.userId, { version, ids });
    return ids;
  }
  private readonly unreadableKept = new Map<
    string,
    { version: number; ids: ReadonlySet<string> }
  >();

  /**
   * Every stored session `principal` may not read: others' private ones,
   * and the records they do not see under a public id that several hold.
   */
  unreadableBy(principal: Principal): Set<string> {
    const ids = new Set<string>();
    for (const [sessionId, authorId] of this.ownership.privateSessions()) {
      if (authorId !== principal.userId) {
        ids.add(sessionId);
      }
    }
    for (const [publicId, aliases] of this.aliases.byPublicId('session')) {
      const shown = this.recordFor(principal, 'session', publicId);
      for (const id of [publicId, ...aliases.map(a => a.internalId)]) {
        if (id !== shown) {
          ids.add(id);
        }
      }
    }
    return ids;
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
    const sessionId = this.aliasedExecutions.get(id);
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

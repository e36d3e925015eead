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
import { OWNER_ID, type Principal, type UserDirectory } from './directory';
import { OwnershipStore, type SessionAccess } from './ownership';
import { canAppend, canRead, type Visibility } from './policy';

/** Where an event belongs: its session, and the notebook when it says. */
function sessionOfEvent(event: TrailEvent): {
  sessionId: string;
  notebookPath: string | null;
  visibility?: Visibility;
} {
  switch (event.kind) {
    case 'session.started':
      return {
        sessionId: event.session.id,
        notebookPath: event.session.notebookPath,
        visibility: event.session.visibility
      };
    case 'execution.completed':
      return {
        sessionId: event.execution.sessionId,
        notebookPath: event.execution.notebookPath
      };
    default:
      return { sessionId: event.sessionId, notebookPath: null };
  }
}

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

  /** Whether `principal` may read session `sessionId` (false when unknown). */
  canReadSession(principal: Principal, sessionId: string): boolean {
    const access = this.accessOf(sessionId);
    return access !== undefined && canRead(principal, access);
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

  /** A session summary with its author and visibility. */
  decorate(summary: SessionSummary): SessionSummary {
    const access = this.accessOf(summary.id);
    return {
      ...summary,
      author: this.person(access?.authorId ?? OWNER_ID),
      visibility: access?.visibility ?? 'team'
    };
  }

  /** Whether the caller may read the execution (by its session). */
  canReadExecution(
    principal: Principal,
    record: Pick<ExecutionRecord, 'sessionId'>
  ): boolean {
    return this.canReadSession(principal, record.sessionId);
  }

  /**
   * Checks that `principal` may write every event of a batch and claims
   * the new sessions for them (durably) before the events are stored.
   * Throws 403, storing nothing, when one event belongs to another
   * person's session that the caller may read.
   *
   * Returns the ids of the events that name a record the caller may not
   * read: an event of someone's private session, or an execution whose id
   * one of them holds. They are not stored (records are immutable, the
   * first one wins, and nobody writes into another's session) and are
   * answered as accepted, as they would be were the id free: the answer
   * does not tell a private record from a missing one.
   */
  async authorizeIngest(
    principal: Principal,
    events: TrailEvent[]
  ): Promise<Set<string>> {
    const claims = new Map<
      string,
      {
        sessionId: string;
        authorId: string;
        notebookPath: string | null;
        visibility?: Visibility;
      }
    >();
    const requested = new Map<string, Visibility>();
    const hidden = new Set<string>();
    for (const [i, event] of events.entries()) {
      const { sessionId, notebookPath, visibility } = sessionOfEvent(event);
      const access = this.accessOf(sessionId);
      if (access && !canRead(principal, access)) {
        hidden.add(event.id);
        continue;
      }
      if (
        event.kind === 'execution.completed' &&
        (await this.isHiddenExecution(principal, event.execution.id))
      ) {
        hidden.add(event.id);
        continue;
      }
      if (access) {
        if (!canAppend(principal, access)) {
          throw new AppError(
            403,
            'forbidden',
            `Event ${i} belongs to session "${sessionId}", which another person recorded; nothing was stored.`,
            [
              {
                path: `/events/${i}`,
                message: 'belongs to another person’s session'
              }
            ]
          );
        }
        if (access.notebookPath === null && notebookPath !== null) {
          this.ownership.notePath(sessionId, notebookPath);
        }
        if (
          visibility &&
          event.kind === 'session.started' &&
          access.visibility !== visibility
        ) {
          requested.set(sessionId, visibility);
        }
        continue;
      }
      const claim = claims.get(sessionId);
      if (!claim) {
        claims.set(sessionId, {
          sessionId,
          authorId: principal.userId,
          notebookPath,
          visibility
        });
      } else {
        claim.notebookPath ??= notebookPath;
        claim.visibility ??= visibility;
      }
    }
    await this.ownership.claim([...claims.values()]);
    for (const [sessionId, visibility] of requested) {
      // The session.started of a session whose executions came first.
      await this.ownership.setVisibility(
        sessionId,
        visibility,
        principal.userId
      );
    }
    return hidden;
  }

  /** Whether execution `id` is stored in a session the caller may not read. */
  private async isHiddenExecution(
    principal: Principal,
    id: string
  ): Promise<boolean> {
    // Unknown ids (nearly every id ingested) are answered from the index.
    const stored = await this.store.getExecution(id);
    return stored !== null && !this.canReadSession(principal, stored.sessionId);
  }
}

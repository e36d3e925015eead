/**
 * Who may write what in a batch, and under which ids it is stored.
 *
 * A person writes their own sessions only: an event of another person's
 * session they may read is refused (403). An event that names a record
 * the writer may not read (a private session of someone else, an
 * execution or event id such a session holds, or such an execution as the
 * target of an annotation) is neither refused nor dropped, either of which
 * would tell the id from a free one: it is stored as the writer's own,
 * under an alias (see aliases.ts), and reads back under the public id as
 * it would had the id been free.
 */
import type { TrailEvent } from '../../src/records/schema';
import { AppError } from '../errors';
import { aliasId, type Alias, type AliasKind } from './aliases';
import type { Principal } from './directory';
import { canAppend, canRead, type Visibility } from './policy';
import { ACCESS_CHANGED } from './session-ownership';
import type { TeamAccess } from './team';

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

/** The execution an event carries or annotates, if any. */
function executionOfEvent(event: TrailEvent): string | undefined {
  switch (event.kind) {
    case 'execution.completed':
      return event.execution.id;
    case 'execution.annotated':
      return event.executionId;
    default:
      return undefined;
  }
}

/**
 * Which stored session holds each event's id and each execution id the
 * events name (undefined: none), asked of the store for the whole batch
 * at once, before any decision.
 */
async function heldIds(
  store: TeamAccess['store'],
  events: TrailEvent[]
): Promise<{
  eventSessions: (string | undefined)[];
  executionSessions: (string | undefined)[];
}> {
  const [eventSessions, executionSessions] = await Promise.all([
    Promise.all(events.map(event => store.sessionOfEvent(event.id))),
    Promise.all(
      events.map(event => {
        const id = executionOfEvent(event);
        return id === undefined ? undefined : store.sessionOfExecution(id);
      })
    )
  ]);
  return { eventSessions, executionSessions };
}

/** The ids an event is stored under. */
interface StoredIds {
  eventId: string;
  sessionId: string;
  /** The execution it carries or annotates, if any. */
  executionId?: string;
}

/** `event` with the ids it is stored under (itself when they are its own). */
function withIds(event: TrailEvent, ids: StoredIds): TrailEvent {
  const { eventId, sessionId, executionId } = ids;
  switch (event.kind) {
    case 'session.started':
      return eventId === event.id && sessionId === event.session.id
        ? event
        : {
            ...event,
            id: eventId,
            session: { ...event.session, id: sessionId }
          };
    case 'execution.completed':
      return eventId === event.id &&
        sessionId === event.execution.sessionId &&
        executionId === event.execution.id
        ? event
        : {
            ...event,
            id: eventId,
            execution: { ...event.execution, id: executionId!, sessionId }
          };
    case 'execution.annotated':
      return eventId === event.id &&
        sessionId === event.sessionId &&
        executionId === event.executionId
        ? event
        : { ...event, id: eventId, sessionId, executionId: executionId! };
    default:
      return eventId === event.id && sessionId === event.sessionId
        ? event
        : { ...event, id: eventId, sessionId };
  }
}

/** The ids of one writer's batch, resolved as they write them. */
class WriterIds {
  /** Aliases this batch makes, by internal id. */
  readonly made = new Map<string, Alias>();

  constructor(
    private readonly access: TeamAccess,
    private readonly principal: Principal
  ) {}

  /**
   * The id the writer's record named `publicId` is stored under: their
   * own alias of it if they have one; else an alias (made now) when
   * `hidden()` says a record they may not read holds the id; else the id
   * itself (free, theirs, or readable: then the store answers a duplicate,
   * as for any id they could see).
   */
  resolve(kind: AliasKind, publicId: string, hidden: () => boolean): string {
    const own = this.access.aliases.own(kind, publicId, this.principal.userId);
    if (own) {
      return own.internalId;
    }
    if (!hidden()) {
      return publicId;
    }
    const internalId = aliasId(kind, publicId, this.principal.userId);
    this.made.set(internalId, {
      kind,
      publicId,
      authorId: this.principal.userId,
      internalId
    });
    return internalId;
  }

  /** Whether the writer may not read stored session `sessionId`, if any. */
  isHidden(sessionId: string | undefined): boolean {
    if (sessionId === undefined) {
      return false;
    }
    const owned = this.access.accessOf(sessionId);
    // A session without access facts (stored before access.log, by the
    // owner) is a team one.
    return owned !== undefined && !canRead(this.principal, owned);
  }
}

/**
 * Checks that `principal` may write every event of a batch, claims the new
 * sessions for them and writes the new aliases (durably, in one write of
 * access.log) before the events are stored. Returns the events to store in
 * the batch's order: the batch itself when no id collides with a record
 * the caller may not read, else copies of the colliding events under their
 * aliases. Throws 403, storing nothing, when one event belongs to another
 * person's session that the caller may read.
 */
export async function authorizeBatch(
  access: TeamAccess,
  principal: Principal,
  events: TrailEvent[]
): Promise<TrailEvent[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await authorizeOnce(access, principal, events);
    } catch (err) {
      // Another server claimed a session of the batch for someone else at
      // the same moment (see ACCESS_CHANGED): decided again against the
      // owner now known, as it would have been had the claims come in turn.
      if (
        !(err instanceof AppError) ||
        err.code !== ACCESS_CHANGED ||
        attempt >= DECIDE_AGAIN
      ) {
        throw err;
      }
    }
  }
}

/** How many times a batch is decided before access_changed is answered. */
const DECIDE_AGAIN = 3;

async function authorizeOnce(
  access: TeamAccess,
  principal: Principal,
  events: TrailEvent[]
): Promise<TrailEvent[]> {
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
  const ids = new WriterIds(access, principal);
  const { eventSessions, executionSessions } = await heldIds(
    access.store,
    events
  );
  let stored: TrailEvent[] = events;
  for (const [i, event] of events.entries()) {
    const named = sessionOfEvent(event);
    const { notebookPath, visibility } = named;
    const namedAccess = access.accessOf(named.sessionId);
    const sessionId = ids.resolve(
      'session',
      named.sessionId,
      () => namedAccess !== undefined && !canRead(principal, namedAccess)
    );
    const eventId = ids.resolve('event', event.id, () =>
      ids.isHidden(eventSessions[i])
    );
    let executionId: string | undefined;
    const id = executionOfEvent(event);
    if (id !== undefined) {
      const holder = executionSessions[i];
      executionId = ids.resolve('execution', id, () => ids.isHidden(holder));
      if (executionId !== id && holder !== undefined) {
        // Reads decide which record a reader sees by its session.
        access.noteAliasedExecution(id, holder);
      }
    }
    const copy = withIds(event, { eventId, sessionId, executionId });
    if (copy !== event) {
      if (stored === events) {
        stored = [...events];
      }
      stored[i] = copy;
    }
    const owned =
      sessionId === named.sessionId ? namedAccess : access.accessOf(sessionId);
    if (owned) {
      if (!canAppend(principal, owned)) {
        throw new AppError(
          403,
          'forbidden',
          `Event ${i} belongs to session "${named.sessionId}", which another person recorded; nothing was stored.`,
          [
            {
              path: `/events/${i}`,
              message: 'belongs to another person’s session'
            }
          ]
        );
      }
      if (owned.notebookPath === null && notebookPath !== null) {
        access.ownership.notePath(sessionId, notebookPath);
      }
      if (
        visibility &&
        event.kind === 'session.started' &&
        owned.visibility !== visibility
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
  await access.ownership.claim([...claims.values()], [...ids.made.values()]);
  for (const [sessionId, visibility] of requested) {
    // The session.started of a session whose executions came first.
    await access.ownership.setVisibility(
      sessionId,
      visibility,
      principal.userId
    );
  }
  return stored;
}

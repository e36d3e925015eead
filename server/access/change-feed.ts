/**
 * The change feed behind `GET /changes`: what was stored since a cursor,
 * filtered to what the caller may read, answered at once or held open
 * (a long poll) until something arrives or the wait ends.
 *
 * A visibility change reaches everyone who could read the session before
 * it or can after it (kind `visibility`, naming only the session and its
 * notebook, which they could read): their views drop or show the session.
 *
 * A position in the feed is a pair: how far the stored events go, and how
 * far the visibility changes go. On its own (the file store: one process)
 * the feed numbers both as they arrive. Servers that share a database
 * number them as the database does (the event's `n` in trail_events, the
 * access fact's `seq`), in that order on every server, so a cursor one
 * server gave names the same place on another.
 *
 * Cursors are opaque: a position sealed with AES-GCM (a fresh nonce each
 * time) under a key made at start or shared by the servers of one
 * database, so they tell a caller nothing, not even how many changes
 * (others' private ones among them) were stored in between, and cannot be
 * forged. The feed keeps the latest changes in memory only. A cursor from
 * before a restart, one that does not open, or one too old for the buffer
 * gets the current cursor back and no changes: the client reloads what it
 * shows.
 */
import type { HistoryChanges } from '../../src/records/schema';
import { CursorSeal } from '../sealed-cursor';
import type { StoredBatch } from '../services/ingest';
import type { Principal } from './directory';
import type { VisibilityChange } from './ownership';
import { canRead } from './policy';
import type { TeamAccess } from './team';

type Change = HistoryChanges['changes'][number];

/**
 * A place in the feed: the last stored event (`e`) and the last visibility
 * change (`v`) before it.
 */
export interface FeedPosition {
  e: number;
  v: number;
}

/** Which of the two numberings a change is placed by. */
type Stream = keyof FeedPosition;

interface Buffered {
  stream: Stream;
  /** Its number in its stream. */
  pos: number;
  change: Omit<Change, 'author'>;
  /** For a visibility change: who it concerns. */
  visibility?: VisibilityChange;
}

interface Waiter {
  principal: Principal;
  after: FeedPosition;
  resolve(answer: HistoryChanges): void;
  timer: NodeJS.Timeout;
}

/**
 * What storing a batch changed, in the batch's order: its events stored
 * now, by their stored ids (the answers show public ids). An annotation
 * names no notebook: `notebookOf` tells its session's.
 */
export function changesOf(
  batch: Pick<StoredBatch, 'stored' | 'accepted'>,
  notebookOf: (sessionId: string) => string
): Omit<Change, 'author'>[] {
  const changes: Omit<Change, 'author'>[] = [];
  for (const event of batch.stored) {
    if (!batch.accepted.has(event.id)) {
      continue;
    }
    switch (event.kind) {
      case 'session.started':
        changes.push({
          kind: 'session',
          sessionId: event.session.id,
          notebookPath: event.session.notebookPath
        });
        break;
      case 'execution.completed':
        changes.push({
          kind: 'execution',
          sessionId: event.execution.sessionId,
          executionId: event.execution.id,
          notebookPath: event.execution.notebookPath
        });
        break;
      case 'execution.annotated':
        changes.push({
          kind: 'annotation',
          sessionId: event.sessionId,
          executionId: event.executionId,
          notebookPath: notebookOf(event.sessionId)
        });
        break;
      default:
        break;
    }
  }
  return changes;
}

/** How many changes are kept for clients that poll behind. */
const BUFFER = 10_000;

/** Most changes one answer carries. */
const MAX_CHANGES = 500;

export class ChangeFeed {
  /**
   * The feed numbers the changes itself ({@link push}) unless a database
   * numbers them ({@link startAt}, {@link pushNumbered}).
   */
  constructor(
    private readonly access: TeamAccess,
    cursorKey?: Buffer
  ) {
    this.cursors = new CursorSeal(cursorKey);
    this.unfollow = access.ownership.onVisibilityChange(changes =>
      this.pushVisibility(changes)
    );
  }

  /** The cursor of "now". */
  get cursor(): string {
    return this.seal(this.head);
  }

  /** How many polls are waiting for a change. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** The place of "now" (the last event and visibility change held). */
  get position(): FeedPosition {
    return { ...this.head };
  }

  /**
   * Starts the feed at `at` (a database's last event `n` and access fact
   * `seq`, read when this server started following them): cursors of
   * earlier places are too old for it.
   */
  startAt(at: FeedPosition): void {
    for (const stream of ['e', 'v'] as const) {
      this.head[stream] = Math.max(this.head[stream], at[stream]);
      this.floor[stream] = Math.max(this.floor[stream], at[stream]);
    }
  }

  /**
   * Records stored changes (in storage order), numbering them on from the
   * last, and wakes the waiting polls.
   */
  push(changes: Omit<Change, 'author'>[]): void {
    this.store(
      changes.map(change => ({ stream: 'e', pos: ++this.head.e, change }))
    );
  }

  /** Records what a stored batch changed (the ingest's follower). */
  pushStored(batch: StoredBatch): void {
    this.push(
      changesOf(batch, id => this.access.accessOf(id)?.notebookPath ?? '')
    );
  }

  /**
   * Records what the events stored up to `n` (a database's numbering) changed:
   * `events`, each with its own `n`, in increasing order, and none between
   * the last one recorded and `n` left out. Moves "now" to `n` even when
   * nothing changed a reader could see.
   */
  pushNumbered(
    events: readonly { n: number; changes: Omit<Change, 'author'>[] }[],
    n: number
  ): void {
    const entries: Buffered[] = [];
    for (const event of events) {
      if (event.n <= this.head.e) {
        continue; // held already
      }
      for (const change of event.changes) {
        entries.push({ stream: 'e', pos: event.n, change });
      }
    }
    this.head.e = Math.max(this.head.e, n);
    this.store(entries);
  }

  /**
   * Records visibility changes (sessions that changed) and wakes polls. A
   * change that carries its access fact's number is placed by it; one
   * without is numbered on from the last.
   */
  pushVisibility(changes: VisibilityChange[]): void {
    const entries: Buffered[] = [];
    for (const visibility of changes) {
      const pos = visibility.seq ?? this.head.v + 1;
      if (visibility.seq !== undefined && this.held(visibility.seq)) {
        continue;
      }
      this.head.v = Math.max(this.head.v, pos);
      entries.push({
        stream: 'v',
        pos,
        change: {
          kind: 'visibility',
          sessionId: visibility.sessionId,
          notebookPath: visibility.notebookPath
        },
        visibility
      });
    }
    this.store(entries);
  }

  /** Whether the visibility change numbered `seq` is in the buffer. */
  private held(seq: number): boolean {
    return (
      seq <= this.head.v &&
      this.buffer.some(b => b.stream === 'v' && b.pos === seq)
    );
  }

  private store(entries: Buffered[]): void {
    if (entries.length === 0) {
      return;
    }
    for (const entry of entries) {
      this.insert(entry);
    }
    if (this.buffer.length > BUFFER) {
      for (const dropped of this.buffer.splice(
        0,
        this.buffer.length - BUFFER
      )) {
        this.floor[dropped.stream] = Math.max(
          this.floor[dropped.stream],
          dropped.pos
        );
      }
    }
    for (const waiter of [...this.waiters]) {
      const answer = this.answer(waiter.principal, waiter.after);
      if (answer.changes.length > 0) {
        this.finish(waiter, answer);
      }
    }
  }

  /**
   * Appends an entry, or, when its stream holds a later one already (an
   * access fact numbered before one this server wrote, arriving after it),
   * puts it before that one: in the buffer each stream stays in order.
   */
  private insert(entry: Buffered): void {
    let at = this.buffer.length;
    // From the end: stored events arrive in order, so this stops at once.
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      const b = this.buffer[i];
      if (b.stream !== entry.stream) {
        continue;
      }
      if (b.pos <= entry.pos) {
        break;
      }
      at = i;
    }
    this.buffer.splice(at, 0, entry);
  }

  /**
   * What the caller may read after `after`; waits up to `waitMs` when
   * there is nothing yet.
   */
  poll(
    principal: Principal,
    after: string | undefined,
    waitMs: number
  ): Promise<HistoryChanges> {
    const from = this.parse(after);
    if (from === null) {
      return Promise.resolve({ cursor: this.cursor, changes: [] });
    }
    const now = this.answer(principal, from);
    if (now.changes.length > 0 || waitMs <= 0) {
      return Promise.resolve(now);
    }
    return new Promise(resolve => {
      const waiter: Waiter = {
        principal,
        after: from,
        resolve,
        timer: setTimeout(
          () => this.finish(waiter, { cursor: this.cursor, changes: [] }),
          waitMs
        )
      };
      this.waiters.add(waiter);
    });
  }

  /** Answers every waiting poll now (at shutdown). */
  close(): void {
    this.unfollow();
    for (const waiter of [...this.waiters]) {
      this.finish(waiter, { cursor: this.cursor, changes: [] });
    }
  }

  private finish(waiter: Waiter, answer: HistoryChanges): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    waiter.resolve(answer);
  }

  /** The place a cursor stands for, or null for "start from now". */
  private parse(cursor: string | undefined): FeedPosition | null {
    if (!cursor) {
      return null;
    }
    const at = this.open(cursor);
    if (at === null) {
      return null;
    }
    const within = (stream: Stream) =>
      at[stream] >= this.floor[stream] && at[stream] <= this.head[stream];
    return within('e') && within('v') ? at : null;
  }

  private answer(principal: Principal, after: FeedPosition): HistoryChanges {
    const changes: Change[] = [];
    const cursor = { ...after };
    let full = false;
    for (const { stream, pos, change, visibility } of this.buffer) {
      if (pos <= after[stream]) {
        continue;
      }
      // One access fact can change several sessions (a notebook rule): its
      // changes share a number, so an answer holds all of them or none.
      if (changes.length >= MAX_CHANGES && pos !== cursor[stream]) {
        full = true;
        break;
      }
      cursor[stream] = Math.max(cursor[stream], pos);
      if (visibility) {
        const { authorId, from, to } = visibility;
        // By the rules alone: whoever sees the session under its id reloads
        // it, and one who sees another record under that id gets it again.
        if (
          canRead(principal, { authorId, visibility: from }) ||
          canRead(principal, { authorId, visibility: to })
        ) {
          changes.push({
            ...change,
            sessionId: this.access.publicId(change.sessionId),
            author: this.access.person(authorId)
          });
        }
        continue;
      }
      const access = this.access.accessOf(change.sessionId);
      const readable =
        change.kind === 'execution'
          ? this.access.canReadExecution(principal, {
              id: change.executionId!,
              sessionId: change.sessionId
            })
          : this.access.canReadSession(principal, change.sessionId);
      if (access && readable) {
        changes.push({
          ...change,
          ...this.publicIds(change),
          author: this.access.person(access.authorId)
        });
      }
    }
    return { cursor: this.seal(full ? cursor : this.head), changes };
  }

  /** The public ids of what a stored change names. */
  private publicIds(
    change: Omit<Change, 'author'>
  ): Pick<Change, 'sessionId' | 'executionId'> {
    const sessionId = this.access.publicId(change.sessionId);
    return change.executionId === undefined
      ? { sessionId }
      : { sessionId, executionId: this.access.publicId(change.executionId) };
  }

  /** A cursor for a place in the feed. */
  private seal(at: FeedPosition): string {
    return this.cursors.seal([at.e, at.v]);
  }

  /** The place a cursor of this feed seals, or null for any other text. */
  private open(cursor: string): FeedPosition | null {
    const at = this.cursors.open(cursor);
    const ok = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
    return Array.isArray(at) && at.length === 2 && ok(at[0]) && ok(at[1])
      ? { e: at[0], v: at[1] }
      : null;
  }

  /** See {@link CursorSeal}: by default, cursors of an earlier run do not open. */
  private readonly cursors: CursorSeal;
  private readonly unfollow: () => void;
  /** The last event and visibility change held. */
  private readonly head: FeedPosition = { e: 0, v: 0 };
  /** Below (and at) these, changes may have left the buffer. */
  private readonly floor: FeedPosition = { e: 0, v: 0 };
  private buffer: Buffered[] = [];
  private waiters = new Set<Waiter>();
}

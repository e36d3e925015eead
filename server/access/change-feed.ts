/**
 * The change feed behind `GET /changes`: what was stored since a cursor,
 * filtered to what the caller may read, answered at once or held open
 * (a long poll) until something arrives or the wait ends.
 *
 * A visibility change reaches everyone who could read the session before
 * it or can after it (kind `visibility`, naming only the session and its
 * notebook, which they could read): their views drop or show the session.
 *
 * Cursors are opaque: a position in the feed sealed with AES-GCM under a
 * key made at start (a fresh nonce each time), so they tell a caller
 * nothing, not even how many changes (others' private ones among them)
 * were stored in between, and cannot be forged. The feed keeps the latest
 * changes in memory only. A cursor from before a restart, one that does
 * not open, or one too old for the buffer gets the current cursor back and
 * no changes: the client reloads what it shows.
 */
import type { HistoryChanges } from '../../src/records/schema';
import { CursorSeal } from '../sealed-cursor';
import type { StoredBatch } from '../services/ingest';
import type { Principal } from './directory';
import type { VisibilityChange } from './ownership';
import { canRead } from './policy';
import type { TeamAccess } from './team';

type Change = HistoryChanges['changes'][number];

interface Buffered {
  seq: number;
  change: Omit<Change, 'author'>;
  /** For a visibility change: who it concerns. */
  visibility?: VisibilityChange;
}

interface Waiter {
  principal: Principal;
  after: number;
  resolve(answer: HistoryChanges): void;
  timer: NodeJS.Timeout;
}

/**
 * What storing a batch changed, in the batch's order: its events stored
 * now, by their stored ids (the answers show public ids). An annotation
 * names no notebook: `notebookOf` tells its session's.
 */
export function changesOf(
  batch: StoredBatch,
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
    return this.seal(this.seq);
  }

  /** Records stored changes (in storage order) and wakes the waiting polls. */
  push(changes: Omit<Change, 'author'>[]): void {
    this.store(changes.map(change => ({ seq: 0, change })));
  }

  /** Records what a stored batch changed (the ingest's follower). */
  pushStored(batch: StoredBatch): void {
    this.push(
      changesOf(batch, id => this.access.accessOf(id)?.notebookPath ?? '')
    );
  }

  /** Records visibility changes (sessions that changed) and wakes polls. */
  pushVisibility(changes: VisibilityChange[]): void {
    this.store(
      changes.map(visibility => ({
        seq: 0,
        change: {
          kind: 'visibility',
          sessionId: visibility.sessionId,
          notebookPath: visibility.notebookPath
        },
        visibility
      }))
    );
  }

  private store(entries: Buffered[]): void {
    if (entries.length === 0) {
      return;
    }
    for (const entry of entries) {
      entry.seq = ++this.seq;
      this.buffer.push(entry);
    }
    if (this.buffer.length > BUFFER) {
      this.buffer.splice(0, this.buffer.length - BUFFER);
    }
    for (const waiter of [...this.waiters]) {
      const answer = this.answer(waiter.principal, waiter.after);
      if (answer.changes.length > 0) {
        this.finish(waiter, answer);
      }
    }
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

  /** The sequence number a cursor stands for, or null for "start from now". */
  private parse(cursor: string | undefined): number | null {
    if (!cursor) {
      return null;
    }
    const seq = this.open(cursor);
    if (seq === null) {
      return null;
    }
    const oldest = this.buffer.length ? this.buffer[0].seq - 1 : this.seq;
    return seq > this.seq || seq < oldest ? null : seq;
  }

  private answer(principal: Principal, after: number): HistoryChanges {
    const changes: Change[] = [];
    let cursor = after;
    for (const { seq, change, visibility } of this.buffer) {
      if (seq <= after) {
        continue;
      }
      if (changes.length >= MAX_CHANGES) {
        break;
      }
      cursor = seq;
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
    if (changes.length < MAX_CHANGES) {
      cursor = this.seq;
    }
    return { cursor: this.seal(cursor), changes };
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

  /** A cursor for position `seq`. */
  private seal(seq: number): string {
    return this.cursors.seal(seq);
  }

  /** The position a cursor of this feed seals, or null for any other text. */
  private open(cursor: string): number | null {
    const seq = this.cursors.open(cursor);
    return Number.isSafeInteger(seq) && (seq as number) >= 0
      ? (seq as number)
      : null;
  }

  /** See {@link CursorSeal}: by default, cursors of an earlier run do not open. */
  private readonly cursors: CursorSeal;
  private readonly unfollow: () => void;
  private seq = 0;
  private buffer: Buffered[] = [];
  private waiters = new Set<Waiter>();
}

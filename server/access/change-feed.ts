/**
 * The change feed behind `GET /changes`: what was stored since a cursor,
 * filtered to what the caller may read, answered at once or held open
 * (a long poll) until something arrives or the wait ends.
 *
 * Cursors are `<boot id>.<sequence>`; the feed keeps the latest changes in
 * memory only. A cursor from before a restart, or one too old for the
 * buffer, gets the current cursor back and no changes: a client whose
 * cursor changed boot reloads what it shows.
 */
import { randomBytes } from 'node:crypto';
import type { HistoryChanges } from '../../src/_schema/records';
import type { Principal } from './directory';
import type { TeamAccess } from './team';

type Change = HistoryChanges['changes'][number];

interface Waiter {
  principal: Principal;
  after: number;
  resolve(answer: HistoryChanges): void;
  timer: NodeJS.Timeout;
}

/** How many changes are kept for clients that poll behind. */
const BUFFER = 10_000;

/** Most changes one answer carries. */
const MAX_CHANGES = 500;

export class ChangeFeed {
  constructor(private readonly access: TeamAccess) {}

  /** The cursor of "now". */
  get cursor(): string {
    return `${this.boot}.${this.seq}`;
  }

  /** Records stored changes (in storage order) and wakes the waiting polls. */
  push(changes: Omit<Change, 'author'>[]): void {
    for (const change of changes) {
      this.seq++;
      this.buffer.push({ seq: this.seq, change });
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
    const m = /^([0-9a-f]+)\.(\d+)$/.exec(cursor);
    if (!m || m[1] !== this.boot) {
      return null;
    }
    const seq = Number(m[2]);
    const oldest = this.buffer.length ? this.buffer[0].seq - 1 : this.seq;
    return seq > this.seq || seq < oldest ? null : seq;
  }

  private answer(principal: Principal, after: number): HistoryChanges {
    const changes: Change[] = [];
    let cursor = after;
    for (const { seq, change } of this.buffer) {
      if (seq <= after) {
        continue;
      }
      if (changes.length >= MAX_CHANGES) {
        break;
      }
      cursor = seq;
      const access = this.access.accessOf(change.sessionId);
      if (access && this.access.canReadSession(principal, change.sessionId)) {
        changes.push({
          ...change,
          author: this.access.person(access.authorId)
        });
      }
    }
    if (changes.length < MAX_CHANGES) {
      cursor = this.seq;
    }
    return { cursor: `${this.boot}.${cursor}`, changes };
  }

  private boot = randomBytes(4).toString('hex');
  private seq = 0;
  private buffer: { seq: number; change: Omit<Change, 'author'> }[] = [];
  private waiters = new Set<Waiter>();
}

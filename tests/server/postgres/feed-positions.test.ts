/**
 * The change feed's positions as servers on one database number them
 * (the event's n, the access fact's seq), without a database: two feeds
 * with one key open each other's cursors at the same place; a cursor from
 * before a feed's start is answered with "now"; an answer cut at its
 * size limit goes on where it stopped, in both numberings; a visibility
 * change that arrives after a later one is still answered to the cursors
 * before it; and the numbering of one process (the file store) is as
 * before.
 */
import { randomBytes } from 'node:crypto';
import { ChangeFeed } from '../../../server/access/change-feed';
import type { Principal } from '../../../server/access/directory';
import { OwnershipStore } from '../../../server/access/ownership';
import { TeamAccess } from '../../../server/access/team';
import { MemoryStore } from '../../../server/store/memory-store';

const OWNER: Principal = {
  userId: 'owner',
  name: 'owner',
  displayName: 'Owner',
  role: 'admin',
  tokenId: null
};
const bob: Principal = { ...OWNER, userId: 'bob', name: 'bob', role: 'member' };

async function access(): Promise<TeamAccess> {
  const ownership = OwnershipStore.memory();
  await ownership.claim([
    { sessionId: 's-team', authorId: 'alice', notebookPath: 'a.ipynb' },
    {
      sessionId: 's-private',
      authorId: 'alice',
      notebookPath: 'p.ipynb',
      visibility: 'private'
    }
  ]);
  const team = TeamAccess.create({
    store: new MemoryStore(),
    ownership,
    directory: null,
    owner: OWNER
  });
  await team.ready;
  return team;
}

const session = (sessionId: string) => ({
  kind: 'session' as const,
  sessionId,
  notebookPath: 'a.ipynb'
});

const visibility = (seq: number) => ({
  sessionId: 's-team',
  notebookPath: 'a.ipynb',
  authorId: 'alice',
  from: 'team' as const,
  to: 'private' as const,
  seq
});

describe('change feed positions numbered by the database', () => {
  const key = randomBytes(32);

  it("opens another server's cursor at the same place", async () => {
    const team = await access();
    const a = new ChangeFeed(team, key);
    const b = new ChangeFeed(team, key);
    a.startAt({ e: 10, v: 2 });
    b.startAt({ e: 10, v: 2 });
    const before = a.cursor;
    a.pushNumbered([{ n: 11, changes: [session('s-team')] }], 11);
    b.pushNumbered([{ n: 11, changes: [session('s-team')] }], 11);
    b.pushNumbered([{ n: 12, changes: [session('s-private')] }], 13);
    const onB = await b.poll(bob, before, 0);
    expect(onB.changes.map(c => c.sessionId)).toEqual(['s-team']);
    expect(b.position).toEqual({ e: 13, v: 2 });
    // A has not read 12 and 13 yet: B's cursor is ahead of it, so A
    // answers "now"; once it has, the cursor opens.
    expect((await a.poll(bob, onB.cursor, 0)).cursor).not.toBe(onB.cursor);
    a.pushNumbered([{ n: 12, changes: [session('s-private')] }], 13);
    const again = await a.poll(bob, onB.cursor, 0);
    expect(again.changes).toEqual([]);
    a.pushNumbered([{ n: 14, changes: [session('s-team')] }], 14);
    expect((await a.poll(bob, onB.cursor, 0)).changes).toHaveLength(1);
    a.close();
    b.close();
  });

  it('answers a cursor from before its start with now and no changes', async () => {
    const team = await access();
    const old = new ChangeFeed(team, key);
    old.startAt({ e: 5, v: 0 });
    const cursor = old.cursor;
    const late = new ChangeFeed(team, key);
    late.startAt({ e: 20, v: 0 });
    late.pushNumbered([{ n: 21, changes: [session('s-team')] }], 21);
    const res = await late.poll(bob, cursor, 0);
    expect(res.changes).toEqual([]);
    expect((await late.poll(bob, res.cursor, 0)).changes).toEqual([]);
    old.close();
    late.close();
  });

  it('goes on where an answer cut at its limit stopped, in both numberings', async () => {
    const team = await access();
    const feed = new ChangeFeed(team, key);
    feed.startAt({ e: 0, v: 7 });
    const start = feed.cursor;
    const events = Array.from({ length: 300 }, (_, i) => ({
      n: i + 1,
      changes: [session('s-team')]
    }));
    feed.pushNumbered(events.slice(0, 300), 300);
    feed.pushVisibility([visibility(8)]);
    feed.pushNumbered(
      Array.from({ length: 300 }, (_, i) => ({
        n: 301 + i,
        changes: [session('s-team')]
      })),
      600
    );
    const first = await feed.poll(OWNER, start, 0);
    expect(first.changes).toHaveLength(500);
    expect(first.changes[300].kind).toBe('visibility');
    const rest = await feed.poll(OWNER, first.cursor, 0);
    expect(rest.changes).toHaveLength(101);
    expect(rest.changes.every(c => c.kind === 'session')).toBe(true);
    expect((await feed.poll(OWNER, rest.cursor, 0)).changes).toEqual([]);
    feed.close();
  });

  it('answers all the changes of one access fact together, past the limit', async () => {
    const team = await access();
    const feed = new ChangeFeed(team, key);
    feed.startAt({ e: 0, v: 8 });
    const start = feed.cursor;
    feed.pushNumbered(
      Array.from({ length: 499 }, (_, i) => ({
        n: i + 1,
        changes: [session('s-team')]
      })),
      499
    );
    // A notebook rule: one fact, three sessions.
    feed.pushVisibility([visibility(9), visibility(9), visibility(9)]);
    feed.pushNumbered([{ n: 500, changes: [session('s-team')] }], 500);
    const first = await feed.poll(OWNER, start, 0);
    expect(first.changes).toHaveLength(502);
    const rest = await feed.poll(OWNER, first.cursor, 0);
    expect(rest.changes.map(c => c.kind)).toEqual(['session']);
    feed.close();
  });

  it('answers a visibility change that arrives after a later one to the cursors before it', async () => {
    const team = await access();
    const feed = new ChangeFeed(team, key);
    feed.startAt({ e: 0, v: 3 });
    const start = feed.cursor;
    feed.pushVisibility([visibility(5)]);
    feed.pushVisibility([visibility(4)]);
    feed.pushVisibility([visibility(5)]); // heard twice: once
    const res = await feed.poll(bob, start, 0);
    expect(res.changes.map(c => c.kind)).toEqual(['visibility', 'visibility']);
    expect(feed.position).toEqual({ e: 0, v: 5 });
    feed.close();
  });

  it('numbers changes itself for one process, and wakes a waiting poll', async () => {
    const team = await access();
    const feed = new ChangeFeed(team);
    const start = feed.cursor;
    const waiting = feed.poll(bob, start, 5000);
    feed.push([session('s-private'), session('s-team')]);
    const res = await waiting;
    expect(res.changes.map(c => c.sessionId)).toEqual(['s-team']);
    expect(feed.position).toEqual({ e: 2, v: 0 });
    // Another run's key: the cursor does not open.
    const other = new ChangeFeed(team);
    expect((await other.poll(bob, res.cursor, 0)).cursor).not.toBe(res.cursor);
    feed.close();
    other.close();
  });
});

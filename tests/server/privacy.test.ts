/**
 * A private record, to anyone but its author, is indistinguishable from one
 * that does not exist: in listings and their cursors, in ingest answers, in
 * the change feed's cursor. And a visibility change reaches the teammates
 * who could read the session before or can after. Through the API of a
 * real server process.
 */
import { buildServer } from './support/process';
import { executionEvent, newId, sessionEvent } from './support/records';
import { removeTempDirs } from './support/server';
import {
  OWNER_TOKEN,
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

const NB = 'nb/a.ipynb';

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;
let carol: ProcessMember;
const teamOld = sessionEvent({
  notebookPath: NB,
  startedAt: '2026-03-01T10:00:00.000Z'
});
const hidden = sessionEvent({
  notebookPath: NB,
  startedAt: '2026-03-01T10:30:00.000Z',
  visibility: 'private'
});
const teamNew = sessionEvent({
  notebookPath: NB,
  startedAt: '2026-03-01T11:00:00.000Z'
});
const oldRun = executionEvent(teamOld.session.id, 1, {
  notebookPath: NB,
  cellId: 'cell-shared',
  startedAt: '2026-03-01T10:01:00.000Z',
  endedAt: '2026-03-01T10:01:01.000Z'
});
const hiddenRun = executionEvent(hidden.session.id, 1, {
  notebookPath: NB,
  cellId: 'cell-shared',
  code: 'private_marker = 1',
  startedAt: '2026-03-01T10:31:00.000Z',
  endedAt: '2026-03-01T10:31:01.000Z'
});

const get = (who: ProcessMember, path: string) =>
  team.call(who.token, 'GET', path);
const post = (who: ProcessMember, events: unknown[]) =>
  team.call(who.token, 'POST', '/events', { events });

/** What a cursor carries, as text (the cursors here are base64url). */
const opened = (cursor: string) =>
  Buffer.from(cursor, 'base64url').toString('latin1');
const cursorOf = (parts: unknown[]) =>
  Buffer.from(JSON.stringify(parts)).toString('base64url');

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess({
    alice: 'member',
    bob: 'member',
    carol: 'admin'
  });
  ({ alice, bob, carol } = team.people);
  const res = await post(alice, [teamOld, hidden, teamNew, oldRun, hiddenRun]);
  expect(res.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

describe('listings and their cursors', () => {
  it('pages sessions with cursors that name only sessions the caller was shown', async () => {
    const first = await get(bob, `/sessions?notebook=${NB}&limit=1`);
    expect(first.body.items.map((s: any) => s.id)).toEqual([
      teamNew.session.id
    ]);
    expect(opened(first.body.nextCursor)).not.toContain(hidden.session.id);
    const second = await get(
      bob,
      `/sessions?notebook=${NB}&limit=1&cursor=${first.body.nextCursor}`
    );
    expect(second.body).toEqual({
      items: [expect.objectContaining({ id: teamOld.session.id })],
      nextCursor: null
    });
  });

  it("filters a cell's runs before paging: no empty page, no cursor naming a private run", async () => {
    const path = `/cells/executions?notebook=${NB}&cellId=cell-shared&limit=1`;
    const page = await get(bob, path);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [expect.objectContaining({ id: oldRun.execution.id })],
      nextCursor: null
    });
    const mine = await get(alice, path);
    expect(mine.body.items.map((x: any) => x.id)).toEqual([
      hiddenRun.execution.id
    ]);
    expect(opened(mine.body.nextCursor)).toContain(hiddenRun.execution.id);
  });

  it('answers a cursor naming a private run as one naming no run', async () => {
    const path = `/cells/executions?notebook=${NB}&cellId=cell-shared`;
    const unknown = newId('exe');
    for (const kind of ['c', 'tc']) {
      const toPrivate = await get(
        bob,
        `${path}&cursor=${cursorOf([kind, hiddenRun.execution.id])}`
      );
      const toNothing = await get(
        bob,
        `${path}&cursor=${cursorOf([kind, unknown])}`
      );
      expect(toPrivate.status).toBe(400);
      expect(toPrivate).toEqual(toNothing);
    }
    // Its author pages on from it.
    const own = await get(
      alice,
      `${path}&cursor=${cursorOf(['tc', hiddenRun.execution.id])}`
    );
    expect(own.status).toBe(200);
    expect(own.body.items.map((x: any) => x.id)).toEqual([oldRun.execution.id]);
  });
});

describe('ingest', () => {
  it('answers an execution id a private run holds as a fresh one, storing nothing over it', async () => {
    const mine = sessionEvent({ notebookPath: 'bob.ipynb' });
    const colliding = executionEvent(mine.session.id, 1, {
      id: hiddenRun.execution.id,
      notebookPath: 'bob.ipynb',
      code: 'overwritten = True'
    });
    const res = await post(bob, [mine, colliding]);
    const fresh = sessionEvent({ notebookPath: 'bob.ipynb' });
    const control = await post(bob, [
      fresh,
      executionEvent(fresh.session.id, 1, { notebookPath: 'bob.ipynb' })
    ]);
    expect(res.status).toBe(control.status);
    expect(res.body).toEqual({
      accepted: [mine.id, colliding.id],
      duplicates: []
    });
    expect(control.body.duplicates).toEqual([]);
    const kept = await get(alice, `/executions/${hiddenRun.execution.id}`);
    expect(kept.body.code).toBe('private_marker = 1');
    expect(kept.body.sessionId).toBe(hidden.session.id);
  });

  it("answers events into someone's private session as into an unknown one, storing nothing in it", async () => {
    const intoPrivate = [
      sessionEvent({ id: hidden.session.id, notebookPath: 'other.ipynb' }),
      executionEvent(hidden.session.id, 2, { notebookPath: 'other.ipynb' })
    ];
    const unknownId = newId('ses');
    const intoUnknown = [
      sessionEvent({ id: unknownId, notebookPath: 'other.ipynb' }),
      executionEvent(unknownId, 2, { notebookPath: 'other.ipynb' })
    ];
    const a = await post(bob, intoPrivate);
    const b = await post(bob, intoUnknown);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body).toEqual({
      accepted: intoPrivate.map(e => e.id),
      duplicates: []
    });
    expect(b.body).toEqual({
      accepted: intoUnknown.map(e => e.id),
      duplicates: []
    });
    const session = await get(alice, `/sessions/${hidden.session.id}`);
    expect(session.body).toMatchObject({
      notebookPath: NB,
      executionCount: 1,
      author: { id: alice.id }
    });
    // A team session is readable: writing into it is refused openly.
    const refused = await post(bob, [
      executionEvent(teamOld.session.id, 9, { notebookPath: NB })
    ]);
    expect(refused.status).toBe(403);
  });
});

describe('GET /search', () => {
  const SNB = 'search/needle.ipynb';
  const shared = sessionEvent({ notebookPath: SNB });
  const secret = sessionEvent({ notebookPath: SNB, visibility: 'private' });
  const run = (sessionId: string, seq: number) =>
    executionEvent(sessionId, seq, {
      notebookPath: SNB,
      code: `needle_q = ${seq}`
    });
  const older = run(shared.session.id, 1);
  const privateRuns = [2, 3, 4].map(seq => run(secret.session.id, seq));
  const newer = run(shared.session.id, 5);
  const search = (who: ProcessMember, query: string) =>
    get(who, `/search?q=needle_q&notebook=${SNB}${query}`);
  const ids = (res: { body: any }) =>
    res.body.items.map((hit: any) => hit.execution.id);

  beforeAll(async () => {
    // Indexed in this order: the private runs lie between the team runs.
    for (const events of [[shared, secret, older], privateRuns, [newer]]) {
      expect((await post(alice, events)).status).toBe(200);
    }
  });

  it('filters hits before paging: a cursor only when a readable hit follows', async () => {
    const first = await search(bob, '&limit=1');
    expect(ids(first)).toEqual([newer.execution.id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await search(
      bob,
      `&limit=1&cursor=${first.body.nextCursor}`
    );
    expect(second.status).toBe(200);
    expect(ids(second)).toEqual([older.execution.id]);
    // Only private hits follow: no cursor, no empty page past them.
    expect(second.body.nextCursor).toBeNull();
    const whole = await search(bob, '&limit=2');
    expect(ids(whole)).toEqual([newer.execution.id, older.execution.id]);
    expect(whole.body.nextCursor).toBeNull();
  });

  it('takes only cursors it gave the caller: a position of a private hit is answered as one of nothing', async () => {
    // Alice's page ends on her private run: its cursor names it.
    const hers = await search(alice, '&limit=2');
    expect(ids(hers)).toEqual([
      newer.execution.id,
      privateRuns[2].execution.id
    ]);
    const own = await search(alice, `&limit=2&cursor=${hers.body.nextCursor}`);
    expect(ids(own)).toEqual([
      privateRuns[1].execution.id,
      privateRuns[0].execution.id
    ]);
    const toNothing = await search(bob, `&cursor=${cursorOf(['sr', 0, 1e9])}`);
    expect(toNothing.status).toBe(400);
    // Neither Alice's cursor nor positions Bob makes up (which would tell
    // him how many executions were indexed between two he can read).
    for (const cursor of [
      hers.body.nextCursor,
      cursorOf(['sr', 0, 3]),
      cursorOf(['sr', 0, 1])
    ]) {
      expect(await search(bob, `&cursor=${cursor}`)).toEqual(toNothing);
    }
  });
});

describe('GET /users', () => {
  it("does not list the owner to others for a private session of the owner's", async () => {
    const ownerId = 'owner';
    const listed = async (who: ProcessMember) =>
      (await get(who, '/users')).body.items.map((u: any) => u.id);
    expect(await listed(bob)).not.toContain(ownerId);
    const res = await team.call(OWNER_TOKEN, 'POST', '/events', {
      events: [
        sessionEvent({ notebookPath: 'own.ipynb', visibility: 'private' })
      ]
    });
    expect(res.status).toBe(200);
    expect(await listed(bob)).not.toContain(ownerId);
    const own = await team.call(OWNER_TOKEN, 'GET', '/users');
    expect(own.body.items).toContainEqual(
      expect.objectContaining({ id: ownerId, sessionCount: 1 })
    );
  });
});

describe('GET /changes', () => {
  it('gives cursors that say nothing of what the caller may not read', async () => {
    const c0 = (await get(bob, '/changes')).body.cursor;
    const again = (await get(bob, '/changes')).body.cursor;
    // The same place answers differently each time: cursors compare to nothing.
    expect(again).not.toBe(c0);
    for (let i = 0; i < 3; i++) {
      await post(alice, [
        sessionEvent({ notebookPath: 'quiet.ipynb', visibility: 'private' })
      ]);
    }
    for (const cursor of [c0, again]) {
      const res = await get(bob, `/changes?after=${cursor}`);
      expect(res.body.changes).toEqual([]);
    }
    // A cursor still follows: Bob's next readable change comes after it.
    const c1 = (await get(bob, `/changes?after=${c0}`)).body.cursor;
    const shown = sessionEvent({ notebookPath: 'loud.ipynb' });
    await post(alice, [shown]);
    const next = await get(bob, `/changes?after=${c1}`);
    expect(next.body.changes.map((c: any) => c.sessionId)).toEqual([
      shown.session.id
    ]);
  });

  it("tells teammates when a session's visibility changes, waking their polls", async () => {
    const follow = async (change: () => Promise<{ status: number }>) => {
      const cursor = (await get(bob, '/changes')).body.cursor;
      const poll = get(bob, `/changes?after=${cursor}&wait=15000`);
      await new Promise(r => setTimeout(r, 200));
      const asked = Date.now();
      expect((await change()).status).toBe(200);
      const res = await poll;
      expect(Date.now() - asked).toBeLessThan(5000);
      return res.body.changes;
    };
    const visibility = (sessionId: string, notebookPath = NB) => ({
      kind: 'visibility',
      sessionId,
      notebookPath,
      author: { id: alice.id, name: 'alice', displayName: 'alice' }
    });
    const patch = (who: ProcessMember, id: string, to: string) =>
      team.call(who.token, 'PATCH', `/sessions/${id}`, { visibility: to });

    expect(
      await follow(() => patch(alice, teamNew.session.id, 'private'))
    ).toEqual([visibility(teamNew.session.id)]);
    expect(
      await follow(() => patch(alice, teamNew.session.id, 'team'))
    ).toEqual([visibility(teamNew.session.id)]);
    // An admin hiding it, and a whole notebook made private.
    expect(
      await follow(() => patch(carol, teamNew.session.id, 'private'))
    ).toEqual([visibility(teamNew.session.id)]);
    expect(
      await follow(() =>
        team.call(alice.token, 'PUT', '/notebooks/visibility', {
          notebookPath: NB,
          visibility: 'private'
        })
      )
    ).toEqual([visibility(teamOld.session.id)]);
    // Back to team: the sessions hidden until now are shown (the private
    // one among them, now readable).
    const shown = await follow(() =>
      team.call(alice.token, 'PUT', '/notebooks/visibility', {
        notebookPath: NB,
        visibility: 'team'
      })
    );
    expect(shown.map((c: any) => c.sessionId).sort()).toEqual(
      [teamOld.session.id, hidden.session.id, teamNew.session.id].sort()
    );
    // A private session that stays private is not mentioned to others.
    const stays = sessionEvent({
      notebookPath: 'secret.ipynb',
      visibility: 'private'
    });
    await post(alice, [stays]);
    const quiet = await get(bob, '/changes');
    await patch(alice, stays.session.id, 'private');
    const none = await get(bob, `/changes?after=${quiet.body.cursor}`);
    expect(none.body.changes).toEqual([]);
  });
});

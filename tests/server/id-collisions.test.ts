/**
 * An id held by someone's private record is, to everyone else, a free id
 * (issue #11): whoever writes a record under it gets their own record,
 * stored and read back under that id exactly as if it had been free, and
 * it survives a restart. Through the API of a real server process.
 */
import {
  buildServer,
  startServer,
  type RunningServer
} from './support/process';
import {
  annotationEvent,
  executionEvent,
  newId,
  sessionEvent
} from './support/records';
import { removeTempDirs } from './support/server';
import {
  OWNER_TOKEN,
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

const ALICE_NB = 'alice/private.ipynb';
const BOB_NB = 'bob/mine.ipynb';

let team: TeamProcess;
let server: RunningServer;
let alice: ProcessMember;
let bob: ProcessMember;
let carol: ProcessMember;

// Alice's private session, its run, and the ids others come to know.
const secret = sessionEvent({
  notebookPath: ALICE_NB,
  startedAt: '2026-03-01T09:00:00.000Z',
  visibility: 'private'
});
const secretRun = executionEvent(secret.session.id, 1, {
  notebookPath: ALICE_NB,
  cellId: 'cell-a',
  code: 'alice_secret = 1'
});

const call = async (
  who: ProcessMember,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; body: any }> => {
  const res = await server.call(who.token, method, path, body);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
const get = (who: ProcessMember, path: string) => call(who, 'GET', path);
const post = (who: ProcessMember, events: unknown[]) =>
  call(who, 'POST', '/events', { events });

/** An internal id (`<public id>.<16 hex>`) anywhere in an answer. */
const INTERNAL = /[A-Za-z0-9_-]{8,64}\.[0-9a-f]{16}/;
const noInternalIds = (res: { body: unknown }) =>
  expect(JSON.stringify(res.body)).not.toMatch(INTERNAL);

/** Bob's record under Alice's session id: a session.started, a run, its annotation. */
const intoSecret = sessionEvent({
  id: secret.session.id,
  notebookPath: BOB_NB,
  startedAt: '2026-03-02T09:00:00.000Z'
});
const bobRun = executionEvent(secret.session.id, 1, {
  notebookPath: BOB_NB,
  cellId: 'cell-b',
  code: 'bob_wrote_here = 1'
});
const bobNote = annotationEvent(bobRun.execution, {
  tags: ['bob-note']
});

// Bob's own session with a run under the id of Alice's private run.
const bobOwn = sessionEvent({
  notebookPath: BOB_NB,
  startedAt: '2026-03-02T10:00:00.000Z'
});
const bobTwin = executionEvent(bobOwn.session.id, 1, {
  id: secretRun.execution.id,
  notebookPath: BOB_NB,
  cellId: 'cell-twin',
  code: 'bob_twin = 2'
});

// Bob's session whose events carry the event ids of Alice's events.
const bobEcho = sessionEvent({
  notebookPath: BOB_NB,
  startedAt: '2026-03-02T11:00:00.000Z'
});
bobEcho.id = secret.id;
const bobEchoRun = executionEvent(bobEcho.session.id, 1, {
  notebookPath: BOB_NB,
  code: 'bob_echo = 3'
});
bobEchoRun.id = secretRun.id;

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess({
    alice: 'member',
    bob: 'member',
    carol: 'member'
  });
  server = team.server;
  ({ alice, bob, carol } = team.people);
  expect((await post(alice, [secret, secretRun])).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await removeTempDirs();
});

describe('a session id held by a private session', () => {
  it('is accepted and stored as the writer’s own, as a free id would be', async () => {
    const free = sessionEvent({ notebookPath: BOB_NB });
    const freeRun = executionEvent(free.session.id, 1, {
      notebookPath: BOB_NB
    });
    const control = await post(bob, [
      free,
      freeRun,
      annotationEvent(freeRun.execution, { tags: ['x'] })
    ]);
    const res = await post(bob, [intoSecret, bobRun, bobNote]);
    expect(res.status).toBe(control.status);
    expect(res.body).toEqual({
      accepted: [intoSecret.id, bobRun.id, bobNote.id],
      duplicates: []
    });
    expect(control.body.duplicates).toEqual([]);
  });

  it('reads back 200 with the writer’s content, everywhere and under its id', async () => {
    const session = await get(bob, `/sessions/${secret.session.id}`);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      id: secret.session.id,
      notebookPath: BOB_NB,
      executionCount: 1,
      author: { id: bob.id }
    });
    const runs = await get(bob, `/sessions/${secret.session.id}/executions`);
    expect(runs.body.items).toEqual([
      expect.objectContaining({
        id: bobRun.execution.id,
        sessionId: secret.session.id,
        code: 'bob_wrote_here = 1'
      })
    ]);
    const run = await get(bob, `/executions/${bobRun.execution.id}`);
    expect(run.status).toBe(200);
    expect(run.body.sessionId).toBe(secret.session.id);
    expect(run.body.capture).toMatchObject({ tags: ['bob-note'] });
    const listed = await get(bob, `/sessions?author=${bob.id}`);
    expect(listed.body.items.map((s: any) => s.id)).toContain(
      secret.session.id
    );
    const all = await get(bob, `/sessions?notebook=${BOB_NB}`);
    expect(
      all.body.items.filter((s: any) => s.id === secret.session.id)
    ).toHaveLength(1);
    const found = await get(bob, '/search?q=bob_wrote_here');
    expect(found.body.items.map((h: any) => h.execution)).toEqual([
      expect.objectContaining({
        id: bobRun.execution.id,
        sessionId: secret.session.id
      })
    ]);
    const cell = await get(
      bob,
      `/cells/executions?notebook=${BOB_NB}&cellId=cell-b`
    );
    expect(cell.body.items.map((x: any) => x.sessionId)).toEqual([
      secret.session.id
    ]);
    for (const res of [session, runs, run, listed, all, found, cell]) {
      noInternalIds(res);
    }
  });

  it('reaches the change feed under its id', async () => {
    const cursor = (await get(bob, '/changes')).body.cursor;
    const more = executionEvent(secret.session.id, 2, {
      notebookPath: BOB_NB,
      cellId: 'cell-b',
      code: 'bob_more = 2'
    });
    expect((await post(bob, [more])).body.accepted).toEqual([more.id]);
    const changes = await get(bob, `/changes?after=${cursor}`);
    expect(changes.body.changes).toEqual([
      expect.objectContaining({
        kind: 'execution',
        sessionId: secret.session.id,
        executionId: more.execution.id
      })
    ]);
    // The run before it in its cell is Bob's.
    const previous = await get(
      bob,
      `/executions/${more.execution.id}/previous`
    );
    expect(previous.body.execution).toMatchObject({
      id: bobRun.execution.id,
      sessionId: secret.session.id
    });
    noInternalIds(previous);
  });

  it('leaves the author seeing only hers, and shows a third person the one they may read', async () => {
    const hers = await get(alice, `/sessions/${secret.session.id}`);
    expect(hers.body).toMatchObject({
      notebookPath: ALICE_NB,
      executionCount: 1,
      author: { id: alice.id },
      visibility: 'private'
    });
    const herRuns = await get(
      alice,
      `/sessions/${secret.session.id}/executions`
    );
    expect(herRuns.body.items.map((x: any) => x.id)).toEqual([
      secretRun.execution.id
    ]);
    const theirs = await get(carol, `/sessions/${secret.session.id}`);
    expect(theirs.body).toMatchObject({
      notebookPath: BOB_NB,
      author: { id: bob.id }
    });
    const carolSees = await get(carol, `/sessions?notebook=${ALICE_NB}`);
    expect(carolSees.body.items).toEqual([]);
    noInternalIds(theirs);
  });

  it('answers a resend as duplicates', async () => {
    const again = await post(bob, [intoSecret, bobRun, bobNote]);
    expect(again.body).toEqual({
      accepted: [],
      duplicates: [intoSecret.id, bobRun.id, bobNote.id]
    });
  });
});

describe('an execution id held by a private run', () => {
  it('stores the writer’s run under it, readable by them and their team', async () => {
    const res = await post(bob, [bobOwn, bobTwin]);
    expect(res.body).toEqual({
      accepted: [bobOwn.id, bobTwin.id],
      duplicates: []
    });
    const mine = await get(bob, `/executions/${secretRun.execution.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      id: secretRun.execution.id,
      sessionId: bobOwn.session.id,
      code: 'bob_twin = 2'
    });
    const listed = await get(bob, `/sessions/${bobOwn.session.id}/executions`);
    expect(listed.body.items.map((x: any) => x.id)).toEqual([
      secretRun.execution.id
    ]);
    const hers = await get(alice, `/executions/${secretRun.execution.id}`);
    expect(hers.body).toMatchObject({
      sessionId: secret.session.id,
      code: 'alice_secret = 1'
    });
    const carols = await get(carol, `/executions/${secretRun.execution.id}`);
    expect(carols.body.code).toBe('bob_twin = 2');
    for (const r of [mine, listed, carols]) {
      noInternalIds(r);
    }
    const again = await post(bob, [bobOwn, bobTwin]);
    expect(again.body.duplicates).toEqual([bobOwn.id, bobTwin.id]);
  });
});

describe('an event id held by a private event', () => {
  it('stores the writer’s event rather than answering a duplicate', async () => {
    const res = await post(bob, [bobEcho, bobEchoRun]);
    expect(res.body).toEqual({
      accepted: [bobEcho.id, bobEchoRun.id],
      duplicates: []
    });
    const session = await get(bob, `/sessions/${bobEcho.session.id}`);
    expect(session.status).toBe(200);
    expect(session.body.executionCount).toBe(1);
    const again = await post(bob, [bobEcho, bobEchoRun]);
    expect(again.body).toEqual({
      accepted: [],
      duplicates: [bobEcho.id, bobEchoRun.id]
    });
    // Alice's own resend of her events is still hers: duplicates.
    const hers = await post(alice, [secret, secretRun]);
    expect(hers.body.duplicates).toEqual([secret.id, secretRun.id]);
  });
});

describe('after a restart', () => {
  beforeAll(async () => {
    await server.stop();
    server = await startServer(team.dir, OWNER_TOKEN);
  });

  it('keeps every record where it was (the aliases are replayed)', async () => {
    const bobs = await get(bob, `/sessions/${secret.session.id}`);
    expect(bobs.body).toMatchObject({
      notebookPath: BOB_NB,
      executionCount: 2,
      author: { id: bob.id }
    });
    const hers = await get(alice, `/sessions/${secret.session.id}`);
    expect(hers.body).toMatchObject({
      notebookPath: ALICE_NB,
      executionCount: 1
    });
    expect(
      (await get(carol, `/sessions/${secret.session.id}`)).body.author.id
    ).toBe(bob.id);
    expect(
      (await get(bob, `/executions/${secretRun.execution.id}`)).body.code
    ).toBe('bob_twin = 2');
    // Resends stay duplicates; new writes go on into the writer's own.
    const again = await post(bob, [intoSecret, bobRun, bobTwin, bobEchoRun]);
    expect(again.body.accepted).toEqual([]);
    const third = executionEvent(secret.session.id, 3, {
      notebookPath: BOB_NB
    });
    expect((await post(bob, [third])).body.accepted).toEqual([third.id]);
    expect(
      (await get(bob, `/sessions/${secret.session.id}`)).body.executionCount
    ).toBe(3);
    expect(
      (await get(alice, `/sessions/${secret.session.id}`)).body.executionCount
    ).toBe(1);
    // The new run was searched for from the stored history too.
    const found = await get(bob, '/search?q=bob_twin');
    expect(found.body.items.map((h: any) => h.execution.id)).toEqual([
      secretRun.execution.id
    ]);
    noInternalIds(found);
  });

  it('shows a third person the earliest record they may read once the original turns team', async () => {
    const patched = await call(
      alice,
      'PATCH',
      `/sessions/${secret.session.id}`,
      { visibility: 'team' }
    );
    expect(patched.body).toMatchObject({
      notebookPath: ALICE_NB,
      visibility: 'team'
    });
    expect(
      (await get(carol, `/sessions/${secret.session.id}`)).body.author.id
    ).toBe(alice.id);
    expect(
      (await get(bob, `/sessions/${secret.session.id}`)).body.author.id
    ).toBe(bob.id);
    const listed = await get(carol, `/sessions?notebook=${BOB_NB}`);
    expect(listed.body.items.map((s: any) => s.id)).not.toContain(
      secret.session.id
    );
  });
});

it('keeps ids never collided with on the fast path', async () => {
  const id = newId('ses');
  const s = sessionEvent({ id, notebookPath: BOB_NB });
  expect((await post(carol, [s])).body.accepted).toEqual([s.id]);
  expect((await get(carol, `/sessions/${id}`)).body.id).toBe(id);
});

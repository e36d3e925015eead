/**
 * The change feed with two servers on one PostgreSQL database: a change
 * stored through one reaches a poll held open by the other within a
 * second; a cursor one server gave opens on the other (the positions are
 * the database's: event n and access fact seq, the key is shared); what a
 * person may not read never reaches them, whichever server they ask; and
 * visibility changes made through one server wake polls on the other.
 */
import request from 'supertest';
import { APPEND_LOCK } from '../../../server/store/postgres/pg-store';
import { sessionEvent, executionEvent } from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';
import { addMember, openServer, type TestServer } from './feed-servers';

jest.setTimeout(60_000);

let a: TestServer;
let b: TestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

beforeAll(async () => {
  const url = await testDatabase();
  a = await openServer(url);
  b = await openServer(url);
  alice = await addMember(a, 'alice');
  bob = await addMember(b, 'bob');
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await stopStarted();
});

const get = (server: TestServer, token: string, path: string) =>
  request(server.app)
    .get(`/api/v1${path}`)
    .set('Authorization', `Bearer ${token}`);

/**
 * A long poll sent now (a supertest request is sent once awaited), and
 * whether it was answered yet.
 */
function waitFor(
  server: TestServer,
  token: string,
  path: string
): { answer: Promise<request.Response>; answered: () => boolean } {
  let answered = false;
  const answer = get(server, token, path).then(res => {
    answered = true;
    return res;
  });
  return { answer, answered: () => answered };
}

const post = (server: TestServer, token: string, events: unknown[]) =>
  request(server.app)
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${token}`)
    .send({ events })
    .expect(200);

/** The cursor of "now" on `server` for `token`. */
async function now(server: TestServer, token: string): Promise<string> {
  const res = await get(server, token, '/changes').expect(200);
  expect(res.body.changes).toEqual([]);
  return res.body.cursor;
}

const sessionsOf = (changes: any[]) =>
  changes.map(c => `${c.kind}:${c.sessionId}`);

describe('the change feed across servers', () => {
  it('wakes a poll on one server with a change stored through the other, within a second', async () => {
    const cursor = await now(b, alice.token);
    const poll = waitFor(b, alice.token, `/changes?after=${cursor}&wait=15000`);
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(poll.answered()).toBe(false);
    const s = sessionEvent({ notebookPath: 'shared/eda.ipynb' });
    const stored = Date.now();
    await post(a, alice.token, [s]);
    const res = await poll.answer;
    expect(res.status).toBe(200);
    expect(Date.now() - stored).toBeLessThan(1000);
    expect(res.body.changes).toEqual([
      {
        kind: 'session',
        sessionId: s.session.id,
        notebookPath: 'shared/eda.ipynb',
        author: { id: alice.id, name: 'alice', displayName: 'alice' }
      }
    ]);
  });

  it('opens a cursor of one server on the other, at the same place', async () => {
    const fromA = await now(a, bob.token);
    const s = sessionEvent();
    const x = executionEvent(s.session.id, 1);
    await post(a, alice.token, [s, x]);
    // B has not been asked by bob since: the cursor is A's, not a reset.
    const onB = await get(b, bob.token, `/changes?after=${fromA}`).expect(200);
    expect(sessionsOf(onB.body.changes)).toEqual([
      `session:${s.session.id}`,
      `execution:${s.session.id}`
    ]);
    // B's cursor after them, read on A: nothing new, nothing again.
    const back = await get(a, bob.token, `/changes?after=${onB.body.cursor}`);
    expect(back.body.changes).toEqual([]);
    // And what A stores next, read on B with A's cursor.
    const y = executionEvent(s.session.id, 2);
    await post(b, alice.token, [y]);
    const next = await get(a, bob.token, `/changes?after=${back.body.cursor}`);
    expect(next.body.changes.map((c: any) => c.executionId)).toEqual([
      y.execution.id
    ]);
  });

  it('keeps the storage order of batches stored through either server', async () => {
    const cursor = await now(a, bob.token);
    const sessions = [sessionEvent(), sessionEvent(), sessionEvent()];
    await post(a, alice.token, [sessions[0]]);
    await post(b, bob.token, [sessions[1]]);
    await post(a, alice.token, [sessions[2]]);
    for (const server of [a, b]) {
      const res = await get(server, bob.token, `/changes?after=${cursor}`);
      expect(sessionsOf(res.body.changes)).toEqual(
        sessions.map(s => `session:${s.session.id}`)
      );
    }
  });

  it("never hands bob's private session to alice, on either server", async () => {
    const forAlice = await now(b, alice.token);
    const forBob = await now(b, bob.token);
    const secret = sessionEvent({
      notebookPath: 'bob/secret.ipynb',
      visibility: 'private'
    });
    const open = sessionEvent({ notebookPath: 'bob/open.ipynb' });
    // Alice waits on B while bob stores through A.
    const poll = waitFor(
      b,
      alice.token,
      `/changes?after=${forAlice}&wait=15000`
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(poll.answered()).toBe(false);
    await post(a, bob.token, [secret, executionEvent(secret.session.id, 1)]);
    await post(a, bob.token, [open]);
    const seen = (await poll.answer).body.changes;
    expect(sessionsOf(seen)).toEqual([`session:${open.session.id}`]);
    const later = await get(a, alice.token, `/changes?after=${forAlice}`);
    expect(sessionsOf(later.body.changes)).toEqual([
      `session:${open.session.id}`
    ]);
    // Bob sees his own on the server he did not store it through.
    const own = await get(b, bob.token, `/changes?after=${forBob}`);
    expect(sessionsOf(own.body.changes)).toEqual([
      `session:${secret.session.id}`,
      `execution:${secret.session.id}`,
      `session:${open.session.id}`
    ]);
    // And alice cannot find it by searching either.
    const search = await get(b, alice.token, '/search?q=step').expect(200);
    expect(
      search.body.items.filter(
        (h: any) => h.execution.sessionId === secret.session.id
      )
    ).toEqual([]);
  });

  it('wakes a poll on the other server when a session is made private or shown', async () => {
    const s = sessionEvent({ notebookPath: 'alice/vis.ipynb' });
    await post(a, alice.token, [s]);
    const follow = async (to: 'private' | 'team') => {
      const cursor = await now(b, bob.token);
      const poll = waitFor(b, bob.token, `/changes?after=${cursor}&wait=15000`);
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(poll.answered()).toBe(false);
      const asked = Date.now();
      await request(a.app)
        .patch(`/api/v1/sessions/${s.session.id}`)
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ visibility: to })
        .expect(200);
      const res = await poll.answer;
      expect(res.status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(1000);
      return res.body.changes;
    };
    const change = {
      kind: 'visibility',
      sessionId: s.session.id,
      notebookPath: 'alice/vis.ipynb',
      author: { id: alice.id, name: 'alice', displayName: 'alice' }
    };
    expect(await follow('private')).toEqual([change]);
    // Hidden now: what alice stores in it no longer reaches bob.
    const cursor = await now(b, bob.token);
    await post(a, alice.token, [executionEvent(s.session.id, 1)]);
    const quiet = await get(b, bob.token, `/changes?after=${cursor}`);
    expect(quiet.body.changes).toEqual([]);
    expect(await follow('team')).toEqual([change]);
  });

  it('answers a cursor it cannot open with the cursor of now and no changes', async () => {
    const cursor = await now(a, bob.token);
    for (const bad of ['abc', `${cursor.slice(0, -4)}AAAA`]) {
      const res = await get(b, bob.token, `/changes?after=${bad}`).expect(200);
      expect(res.body.changes).toEqual([]);
      expect(res.body.cursor).not.toBe(bad);
    }
  });

  it('reads on every few seconds while polls wait, should a NOTIFY be lost', async () => {
    const s = sessionEvent({ notebookPath: 'quiet.ipynb' });
    await a.ownership.claim([
      {
        sessionId: s.session.id,
        authorId: alice.id,
        notebookPath: 'quiet.ipynb'
      }
    ]);
    const cursor = await now(b, bob.token);
    const poll = waitFor(b, bob.token, `/changes?after=${cursor}&wait=15000`);
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(poll.answered()).toBe(false);
    // Stored as an append stores it, but without its NOTIFY.
    const stored = Date.now();
    const client = await a.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      await client.query(
        `INSERT INTO trail_events (id, kind, session_id, body)
         VALUES ($1, $2, $3, $4)`,
        [s.id, s.kind, s.session.id, JSON.stringify(s)]
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const res = await poll.answer;
    expect(res.status).toBe(200);
    expect(Date.now() - stored).toBeLessThan(3500);
    expect(sessionsOf(res.body.changes)).toEqual([`session:${s.session.id}`]);
  });
});

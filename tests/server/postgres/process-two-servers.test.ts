/**
 * Two real `trail-server` processes on one PostgreSQL database and one S3
 * bucket (moto) serve one team: what one acknowledges the other reads at
 * once (sessions, executions, blob content), a change poll held by one
 * wakes for an ingest through the other, people, tokens and privacy
 * changed through one (or the admin CLI) count on the other at once,
 * health reports both backends without addresses, and SIGTERM answers
 * open polls and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { RunningServer } from '../support/process';
import { buildServer, CLI, exitOf } from '../support/process';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';
import { get, post, startOn, TOKEN, type Place } from './process-support';

jest.setTimeout(60_000);

let place: Place;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  buildServer();
  const [database, bucket] = await Promise.all([testDatabase(), testBucket()]);
  place = { database, blobs: bucket.url, env: bucket.env };
  // Started together: the schema migration runs under an advisory lock.
  [a, b] = await Promise.all([startOn(place), startOn(place)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a, b].map(s => s?.stop().catch(() => undefined)));
  await stopStarted();
});

describe('two servers on one database and bucket', () => {
  it('reads through B what A acknowledged, blobs included, at once', async () => {
    const session = sessionEvent();
    const sid = session.session.id;
    const png = bigPng(`two-servers-${Math.random()}`);
    const plain = executionEvent(sid, 1);
    const withImage = executionEvent(sid, 2, {
      outputs: [imageOutput(png)]
    });
    const result = await post(a, [session, plain, withImage]);
    expect(result.accepted).toHaveLength(3);

    const readSession = await get(b, `/sessions/${sid}`);
    expect(readSession.status).toBe(200);
    expect(readSession.body.id ?? readSession.body.session?.id).toBe(sid);

    const readPlain = await get(b, `/executions/${plain.execution.id}`);
    expect(readPlain.status).toBe(200);
    expect(readPlain.body).toEqual(plain.execution);

    const readImage = await get(b, `/executions/${withImage.execution.id}`);
    expect(readImage.status).toBe(200);
    const ref = readImage.body.outputs[0].data['image/png'];
    expect(ref.$blob).toMatch(/^[0-9a-f]{64}$/);
    const blob = await b.call(TOKEN, 'GET', `/blobs/${ref.$blob}`);
    expect(blob.status).toBe(200);
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.$blob);

    // The same events through B are duplicates: one history.
    const again = await post(b, [session, plain, withImage]);
    expect(again.accepted).toEqual([]);
    expect(again.duplicates).toHaveLength(3);
  });

  it('wakes a change poll held by B for an ingest through A', async () => {
    const head = await get(b, '/changes');
    expect(head.status).toBe(200);
    const cursor = head.body.cursor as string;
    const started = Date.now();
    const poll = get(
      b,
      `/changes?after=${encodeURIComponent(cursor)}&wait=20000`
    );
    // Let the poll reach B and wait there.
    await new Promise(r => setTimeout(r, 300));
    const session = sessionEvent();
    await post(a, [session, executionEvent(session.session.id, 1)]);
    const answer = await poll;
    const waited = Date.now() - started;
    expect(answer.status).toBe(200);
    expect(waited).toBeLessThan(10_000);
    expect(JSON.stringify(answer.body.changes)).toContain(session.session.id);

    // A cursor made by B opens on A (one key, global positions).
    const onA = await get(
      a,
      `/changes?after=${encodeURIComponent(answer.body.cursor)}`
    );
    expect(onA.status).toBe(200);
  });

  it('shares people, tokens and privacy: what one server is told counts on the other at once', async () => {
    const admin = (...args: string[]) => {
      const result = spawnSync(
        process.execPath,
        [CLI, ...args, '--database', place.database, '--json'],
        { env: { PATH: process.env.PATH }, encoding: 'utf8' }
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout);
    };
    const suffix = Math.random().toString(36).slice(2, 8);
    const ada = `ada${suffix}`;
    const bob = `bob${suffix}`;
    admin('users', 'add', ada);
    admin('users', 'add', bob);
    const adaToken = admin('tokens', 'issue', ada).token as string;
    const bobToken = admin('tokens', 'issue', bob).token as string;

    // Ada's private session, stored through A, is nobody's on B to Bob.
    const secret = sessionEvent({ visibility: 'private' });
    const shared = sessionEvent();
    const res = await a.call(adaToken, 'POST', '/events', {
      events: [secret, shared]
    });
    expect(res.status).toBe(200);
    const asBob = (server: RunningServer, path: string) =>
      server.call(bobToken, 'GET', path);
    expect((await asBob(b, `/sessions/${secret.session.id}`)).status).toBe(404);
    expect((await asBob(b, `/sessions/${shared.session.id}`)).status).toBe(200);
    expect(
      (await b.call(adaToken, 'GET', `/sessions/${secret.session.id}`)).status
    ).toBe(200);

    // Turned private through B: at once hidden from Bob on A.
    const patched = await b.call(
      adaToken,
      'PATCH',
      `/sessions/${shared.session.id}`,
      { visibility: 'private' }
    );
    expect(patched.status).toBe(200);
    expect((await asBob(a, `/sessions/${shared.session.id}`)).status).toBe(404);

    // A revoked token stops working on both servers at once.
    admin('tokens', 'revoke', `user:${bob}`);
    expect((await asBob(a, '/sessions')).status).toBe(401);
    expect((await asBob(b, '/sessions')).status).toBe(401);
  });

  it('reports both backends in health, without addresses or credentials', async () => {
    for (const server of [a, b]) {
      const res = await fetch(`${server.line.url}/api/v1/health`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({
        status: 'ok',
        database: { ok: true },
        blobs: { kind: 's3', ok: true }
      });
      const text = JSON.stringify(body);
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(new URL(place.database).port);
    }
  });

  it('answers an open poll on SIGTERM and exits 0; the other server goes on', async () => {
    const third = await startOn(place);
    const head = await get(third, '/changes');
    const poll = get(
      third,
      `/changes?after=${encodeURIComponent(head.body.cursor)}&wait=20000`
    );
    await new Promise(r => setTimeout(r, 300));
    const started = Date.now();
    third.child.kill('SIGTERM');
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect(answer.body.changes).toEqual([]);
    expect(await exitOf(third.child)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(third.stderr()).toContain('SIGTERM');
    // Its follower and access mirror stopped (their reads ended) before
    // the pool closed: no read failed on a closed pool.
    expect(third.stderr()).not.toContain('Cannot use a pool');
    expect(third.stderr()).not.toMatch(/following: .* failed/);

    const session = sessionEvent();
    expect((await post(a, [session])).accepted).toHaveLength(1);
    expect((await get(b, `/sessions/${session.session.id}`)).status).toBe(200);
  });

  it('stops on SIGTERM while another server stores: its reads end before its pool closes', async () => {
    const fourth = await startOn(place);
    // Another server goes on storing: the fourth's follower reads what
    // it is told of (and the access facts) while it stops.
    let storing = true;
    const stores = Promise.all(
      [a, b, a, b].map(async server => {
        while (storing) {
          await post(server, [sessionEvent()]);
        }
      })
    );
    try {
      await new Promise(r => setTimeout(r, 300));
      fourth.child.kill('SIGTERM');
      expect(await exitOf(fourth.child)).toBe(0);
    } finally {
      storing = false;
      await stores;
    }
    expect(fourth.stderr()).toContain('SIGTERM');
    expect(fourth.stderr()).not.toContain('Cannot use a pool');
    expect(fourth.stderr()).not.toMatch(/following: .* failed/);
  });
});

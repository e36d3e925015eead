/**
 * Search and the change feed when the database goes away under two
 * servers: a poll already waiting ends as polls end (no changes, the
 * cursor it had), new searches and polls are refused with a 503
 * `database_unavailable` (nothing answered from a stale memory), and the
 * followers' failed reads in the background are logged, never thrown.
 */
import request from 'supertest';
import { sessionEvent } from '../support/records';
import { createDatabase, startPostgres } from '../support/postgres';
import type { TestPostgres } from '../support/postgres';
import { addMember, openServer, type TestServer } from './feed-servers';

jest.setTimeout(60_000);

let cluster: TestPostgres;
let a: TestServer;
let b: TestServer;
let alice: { id: string; token: string };

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await createDatabase(cluster.url);
  a = await openServer(url);
  b = await openServer(url);
  alice = await addMember(a, 'alice');
});

afterAll(async () => {
  await a?.close().catch(() => undefined);
  await b?.close().catch(() => undefined);
  await cluster?.stop();
});

const get = (server: TestServer, path: string) =>
  request(server.app)
    .get(`/api/v1${path}`)
    .set('Authorization', `Bearer ${alice.token}`);

it('refuses searches and polls with a 503 while the database is down', async () => {
  const s = sessionEvent();
  await request(a.app)
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${alice.token}`)
    .send({ events: [s] })
    .expect(200);
  expect((await get(b, '/search?q=step').expect(200)).body.items).toEqual([]);
  const cursor = (await get(b, '/changes').expect(200)).body.cursor;
  // Sent now (a supertest request is sent once awaited).
  const waiting = get(b, `/changes?after=${cursor}&wait=3000`).then(r => r);
  await new Promise(resolve => setTimeout(resolve, 200));

  await cluster.stop();

  const ended = await waiting;
  expect(ended.status).toBe(200);
  expect(ended.body.changes).toEqual([]);
  for (const server of [a, b]) {
    for (const path of ['/search?q=step', `/changes?after=${cursor}`]) {
      const res = await get(server, path);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('database_unavailable');
    }
  }
});

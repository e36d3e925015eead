/**
 * A history imported into a database that servers are serving shows up on
 * them at once, without a restart: sessions written without access facts
 * (as `trail-server import` writes a history recorded before ownership
 * existed) are the owner's and the team's, as a restart would make them.
 * And an export of a database in use holds the people added while it ran.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { exportHistory } from '../../../server/transfer/export';
import { importHistory } from '../../../server/transfer/import';
import { openPostgresEnd } from '../../../server/transfer/pg-end';
import { stopStarted, testDatabase } from '../support/postgres';
import { executionEvent, sessionEvent } from '../support/records';
import { addMember, openServer, type TestServer } from './feed-servers';

jest.setTimeout(60_000);

let server: TestServer | undefined;

afterAll(async () => {
  await server?.close();
  await stopStarted();
});

it("shows sessions stored without facts to the team at once, as the owner's", async () => {
  const url = await testDatabase();
  server = await openServer(url);
  const bob = await addMember(server, 'bob');
  const get = (path: string) =>
    request(server!.app)
      .get(`/api/v1${path}`)
      .set('Authorization', `Bearer ${bob.token}`)
      .expect(200);
  // Seen once, so the server has followed the (empty) history.
  expect((await get('/sessions')).body.items).toEqual([]);

  const session = sessionEvent({ notebookPath: 'old/laptop.ipynb' });
  const x = executionEvent(session.session.id, 1, {
    notebookPath: 'old/laptop.ipynb',
    code: 'print("imported_marker")'
  });
  const end = await openPostgresEnd(url);
  try {
    await end.store.append([session, x]);
  } finally {
    await end.close();
  }

  let items: any[] = [];
  for (let i = 0; i < 50 && items.length === 0; i++) {
    items = (await get('/sessions')).body.items;
    if (items.length === 0) {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  expect(items.map(s => s.id)).toEqual([session.session.id]);
  const found = await get('/search?q=imported_marker');
  expect(found.body.items.map((h: any) => h.execution.id)).toEqual([
    x.execution.id
  ]);
  expect(found.body.items[0].author.id).toBe('owner');
});

it('exports the people added while it ran, before the facts that name them', async () => {
  const url = await testDatabase();
  const live = await openServer(url);
  const dir = await mkdtemp(join(tmpdir(), 'trail-export-live-'));
  const source = await openPostgresEnd(url);
  const target = await openPostgresEnd(await testDatabase());
  try {
    const post = (token: string, events: unknown[]) =>
      request(live.app)
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${token}`)
        .send({ events })
        .expect(200);
    const alice = await addMember(live, 'alice');
    const first = sessionEvent({ notebookPath: 'alice.ipynb' });
    await post(alice.token, [first]);
    // While the export reads the events, a newcomer records a session.
    const late = sessionEvent({ notebookPath: 'late.ipynb' });
    let lateId = '';
    const store = source.store as { scanEvents: (...a: any[]) => any };
    const scan = store.scanEvents.bind(store);
    store.scanEvents = async (...args: any[]) => {
      const newcomer = await addMember(live, 'newcomer');
      lateId = newcomer.id;
      await post(newcomer.token, [late]);
      return scan(...args);
    };
    const file = join(dir, 'live.jsonl.gz');
    const exported = await exportHistory(source, file);
    expect(exported.counts.user).toBe(2);

    await importHistory(file, target);
    const people = await target.people();
    expect(people.users.map(u => [u.name, u.id])).toEqual([
      ['alice', alice.id],
      ['newcomer', lateId]
    ]);
    const facts = [];
    for await (const fact of target.facts()) {
      facts.push(fact);
    }
    expect(JSON.stringify(facts)).toContain(lateId);
  } finally {
    await source.close();
    await target.close();
    await live.close();
    await rm(dir, { recursive: true, force: true });
  }
});

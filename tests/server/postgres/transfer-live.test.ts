/**
 * A history imported into a database that servers are serving shows up on
 * them at once, without a restart: sessions written without access facts
 * (as `trail-server import` writes a history recorded before ownership
 * existed) are the owner's and the team's, as a restart would make them.
 */
import request from 'supertest';
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

/**
 * A PostgreSQL server stops in order: its follower and its access mirrors
 * wait for the reads they have under way before the pool closes, so a
 * SIGTERM while other servers store logs no "Cannot use a pool after
 * calling end on the pool" (a read's next query on the ended pool).
 */
import { sessionEvent } from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';
import { openServer, type TestServer } from './feed-servers';

jest.setTimeout(60_000);

let url: string;
let a: TestServer;

beforeAll(async () => {
  url = await testDatabase();
  a = await openServer(url);
});

afterAll(async () => {
  await a?.close();
  await stopStarted();
});

test('a follower read under way ends before the pool closes', async () => {
  const b = await openServer(url);
  // What b's follower has to read: other servers' sessions and claims.
  for (let i = 0; i < 5; i++) {
    await a.store.append(Array.from({ length: 200 }, () => sessionEvent()));
  }
  const reads = [b.follower.catchUp(), b.ownership.catchUp()];
  const outcomes = Promise.allSettled(reads);
  await b.close();
  for (const outcome of await outcomes) {
    expect(outcome).toEqual({ status: 'fulfilled', value: undefined });
  }
});

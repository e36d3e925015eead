/**
 * Two servers appending to one database at once: what each reads equals
 * what one memory store holding the same events answers (sessions, their
 * executions, steps and cell histories), the event numbers commit in
 * increasing order (what a follower reading `n > last` relies on), and
 * every append is heard on `trail_events` by a listener of the other.
 */
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import {
  PgStore,
  storedRangeOf
} from '../../../server/store/postgres/pg-store';
import { MemoryStore } from '../../../server/store/memory-store';
import type { StoredEvent, TrailStore } from '../../../server/store/types';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';

const opened: PgDatabase[] = [];
const quiet = { warn: () => undefined };

afterAll(async () => {
  await Promise.all(opened.map(db => db.close()));
  await stopStarted();
});

function connect(url: string): PgDatabase {
  const db = openDatabase(url, { log: quiet, poolSize: 4 });
  opened.push(db);
  return db;
}

/** Everything a reader may ask of the sessions `ids`, for comparison. */
async function view(store: TrailStore, ids: string[]) {
  const sessions = await store.listSessions({ limit: 1000 });
  const perSession = await Promise.all(
    ids.map(async id => ({
      summary: await store.getSession(id),
      executions: await store.listExecutions(id, { limit: 1000 }),
      steps: await store.listSteps(id)
    }))
  );
  const cells = await Promise.all(
    [1, 2, 3].map(c =>
      store.listCellExecutions({
        notebook: 'analysis/report.ipynb',
        cellId: `cell-${c}`,
        limit: 1000
      })
    )
  );
  return { sessions, perSession, cells };
}

describe('two servers on one database', () => {
  it('answer as one store holding every event, whichever server took it', async () => {
    const url = await testDatabase();
    const first = connect(url);
    await first.migrate();
    const second = connect(url);
    const stores = [await PgStore.open(first), await PgStore.open(second)];

    const heard: number[] = [];
    const stop = await second.listen('trail_events', payload => {
      if (payload !== null) {
        heard.push(Number(payload));
      }
    });

    // Three sessions; their events spread over both servers in small
    // batches, out of order (executions before their session's record,
    // annotations before their execution), sent at the same time.
    const sessions = [0, 1, 2].map(i =>
      sessionEvent({ startedAt: `2026-03-0${i + 1}T10:00:00.000Z` })
    );
    const events: StoredEvent[] = [];
    for (const s of sessions) {
      for (let q = 12; q >= 1; q--) {
        const x = executionEvent(s.session.id, q, {
          cellId: `cell-${(q % 3) + 1}`
        });
        if (q % 4 === 0) {
          events.push(annotationEvent(x.execution, { tags: [`t${q}`] }));
        }
        events.push(x);
      }
      events.push(s);
    }
    const batches: StoredEvent[][] = [];
    for (let i = 0; i < events.length; i += 3) {
      batches.push(events.slice(i, i + 3));
    }
    const results = await Promise.all(
      batches.map((batch, i) => stores[i % 2].append(batch))
    );
    expect(results.flatMap(r => r.duplicates)).toEqual([]);

    const reference = new MemoryStore();
    for (const batch of batches) {
      await reference.append(batch);
    }
    const ids = sessions.map(s => s.session.id);
    const expected = await view(reference, ids);
    expect(await view(stores[0], ids)).toEqual(expected);
    expect(await view(stores[1], ids)).toEqual(expected);

    // Numbers: every append's range is its own, and together they are
    // 1..count with no gap; the listener hears the last of them.
    const ranges = results
      .map(r => storedRangeOf(r)!)
      .sort((a, b) => a.firstN - b.firstN);
    let next = ranges[0].firstN;
    for (const range of ranges) {
      expect(range.firstN).toBe(next);
      next = range.lastN + 1;
    }
    expect(next - ranges[0].firstN).toBe(events.length);
    const until = Date.now() + 10_000;
    while (!heard.includes(next - 1) && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    expect(heard).toContain(next - 1);
    // Notifications arrive in commit order: each higher than the last.
    expect([...heard].sort((a, b) => a - b)).toEqual(heard);
    await stop();
  });
});

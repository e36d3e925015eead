/**
 * The store contract, sessions: their summaries, and the listing newest
 * first with its filters (notebook, ids, excluded ids) applied before a
 * page is cut.
 */
import type { SessionQuery, TrailStore } from '../../../server/store/types';
import {
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, idsOf, type MakeStore } from './harness';

/** Every page of a session listing, `limit` at a time, following `next`. */
async function walk(
  store: TrailStore,
  query: Omit<SessionQuery, 'limit' | 'after'>,
  limit: number
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: SessionQuery['after'];
  do {
    const page = await store.listSessions({ ...query, limit, after });
    pages.push(idsOf(page));
    after = page.next ?? undefined;
  } while (after && pages.length < 100);
  return pages;
}

/** Eleven sessions, two a minute, of notebooks a and b, sent shuffled. */
function elevenSessions() {
  return Array.from({ length: 11 }, (_, i) =>
    sessionEvent({
      notebookPath: i % 3 === 0 ? 'a.ipynb' : 'b.ipynb',
      startedAt: new Date(
        Date.UTC(2026, 2, 1, 10, Math.floor(i / 2))
      ).toISOString()
    })
  );
}

/** Newest first by start, then id: the listing's order. */
function newestFirst(events: ReturnType<typeof elevenSessions>): string[] {
  return events
    .map(e => e.session)
    .sort(
      (a, b) =>
        Date.parse(b.startedAt) - Date.parse(a.startedAt) ||
        (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
    )
    .map(s => s.id);
}

/** See the module comment. */
export function describeSessions(make: MakeStore): void {
  describe('sessions', () => {
    const stores = contractStores(make);

    it('summarizes a session: its record, execution count and last end', async () => {
      const c = await stores.open();
      const s = sessionEvent({ notebookPath: 'nb.ipynb' });
      const xs = [2, 1, 3].map(seq => executionEvent(s.session.id, seq));
      await c.append([s, ...xs]);
      await c.live(async store => {
        await expect(store.getSession('ses-unknown')).resolves.toBeNull();
        await expect(store.getSession(s.session.id)).resolves.toEqual({
          id: s.session.id,
          notebookPath: 'nb.ipynb',
          startedAt: s.session.startedAt,
          kernel: s.session.kernel,
          executionCount: 3,
          lastExecutionAt: xs[2].execution.endedAt
        });
      });
    });

    it('knows a session from its executions until its record arrives', async () => {
      const c = await stores.open();
      const s = sessionEvent({
        notebookPath: 'declared.ipynb',
        startedAt: '2026-03-01T09:00:00.000Z'
      });
      const sid = s.session.id;
      await c.append([
        executionEvent(sid, 3, { notebookPath: 'later.ipynb' }),
        executionEvent(sid, 2, { notebookPath: 'derived.ipynb' })
      ]);
      await c.live(async store => {
        const derived = await store.getSession(sid);
        expect(derived).toMatchObject({
          notebookPath: 'derived.ipynb',
          // The earliest execution's start.
          startedAt: '2026-03-01T10:00:02.000Z',
          kernel: null,
          executionCount: 2
        });
        expect(idsOf(await store.listSessions({ limit: 5 }))).toEqual([sid]);
      });
      await c.append([s]);
      await c.live(async store => {
        await expect(store.getSession(sid)).resolves.toMatchObject({
          notebookPath: 'declared.ipynb',
          startedAt: '2026-03-01T09:00:00.000Z',
          executionCount: 2
        });
      });
    });

    it('lists a session known only by its environment once it has a record', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const env = environmentEvent(s.session.id, 1);
      await c.append([env]);
      await c.live(async store => {
        await expect(store.getSession(s.session.id)).resolves.toBeNull();
        expect(idsOf(await store.listSessions({ limit: 5 }))).toEqual([]);
      });
      await c.append([s]);
      await c.live(async store => {
        const session = await store.getSession(s.session.id);
        expect(session?.environments).toEqual([
          {
            id: expect.stringMatching(/^[0-9a-f]{64}$/),
            fromSeq: 1,
            capturedAt: env.environment.capturedAt
          }
        ]);
      });
    });

    it('lists sessions newest first by start as an instant, then id, each once on every page size', async () => {
      const c = await stores.open();
      const sessions = elevenSessions();
      // The same instant as the first two, written with an offset.
      const offset = sessionEvent({ startedAt: '2026-03-01T11:00:00+01:00' });
      await c.append([...sessions, offset].sort(() => Math.random() - 0.5));
      const expected = newestFirst([...sessions, offset]);
      await c.live(async store => {
        for (const limit of [1, 2, 3, 5, 12, 13]) {
          const pages = await walk(store, {}, limit);
          expect(pages.flat()).toEqual(expected);
          // A page is full but the last; the last one is not empty.
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
          expect(pages[pages.length - 1].length).toBeGreaterThan(0);
        }
      });
    });

    it('keeps a key valid while sessions arrive before and after it', async () => {
      const c = await stores.open();
      const sessions = elevenSessions();
      await c.append(sessions);
      const first = await c.store.listSessions({ limit: 4 });
      const newer = sessionEvent({ startedAt: '2026-03-02T00:00:00.000Z' });
      const older = sessionEvent({ startedAt: '2026-02-01T00:00:00.000Z' });
      await c.append([newer, older]);
      const rest = await walk(c.store, {}, 3);
      let after = first.next!;
      const pages = [];
      for (;;) {
        const page = await c.store.listSessions({ limit: 3, after });
        pages.push(...idsOf(page));
        if (!page.next) {
          break;
        }
        after = page.next;
      }
      expect([...idsOf(first), ...pages]).toEqual(
        newestFirst([...sessions, older])
      );
      expect(rest.flat()[0]).toBe(newer.session.id);
    });

    it('filters by notebook before cutting a page', async () => {
      const c = await stores.open();
      const sessions = elevenSessions();
      await c.append(sessions);
      const ofA = newestFirst(
        sessions.filter(s => s.session.notebookPath === 'a.ipynb')
      );
      await c.live(async store => {
        for (const limit of [1, 2, 4]) {
          const pages = await walk(store, { notebook: 'a.ipynb' }, limit);
          expect(pages.flat()).toEqual(ofA);
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
        }
        expect(
          idsOf(await store.listSessions({ notebook: 'none', limit: 3 }))
        ).toEqual([]);
      });
    });

    it('lists only the given ids, ignoring unknown ones', async () => {
      const c = await stores.open();
      const sessions = elevenSessions();
      await c.append(sessions);
      const chosen = [sessions[0], sessions[3], sessions[4], sessions[9]];
      const ids = new Set([...chosen.map(s => s.session.id), 'ses-not-stored']);
      await c.live(async store => {
        for (const limit of [1, 2, 3, 4, 5]) {
          const pages = await walk(store, { ids }, limit);
          expect(pages.flat()).toEqual(newestFirst(chosen));
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
        }
        const ofA = chosen.filter(s => s.session.notebookPath === 'a.ipynb');
        expect(
          (await walk(store, { ids, notebook: 'a.ipynb' }, 1)).flat()
        ).toEqual(newestFirst(ofA));
        expect(
          idsOf(await store.listSessions({ ids: new Set(), limit: 3 }))
        ).toEqual([]);
      });
    });

    it('leaves out excluded ids before cutting a page: the key never names one', async () => {
      const c = await stores.open();
      const sessions = elevenSessions();
      await c.append(sessions);
      const order = newestFirst(sessions);
      // Every other session, and the oldest: a page ending just before
      // excluded ones says there is no more.
      const excludeIds = new Set(
        order.filter((_, i) => i % 2 === 1 || i === order.length - 1)
      );
      const kept = order.filter(id => !excludeIds.has(id));
      await c.live(async store => {
        for (const limit of [1, 2, kept.length]) {
          let after: SessionQuery['after'];
          const pages: string[][] = [];
          do {
            const page = await store.listSessions({ excludeIds, limit, after });
            pages.push(idsOf(page));
            if (page.next) {
              expect(excludeIds.has(page.next.id)).toBe(false);
              expect(page.next.id).toBe(page.items[page.items.length - 1].id);
            }
            after = page.next ?? undefined;
          } while (after);
          expect(pages.flat()).toEqual(kept);
          // Full pages, and no empty one at the end (excluded sessions
          // after the last kept one do not make a next key).
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
          expect(pages[pages.length - 1].length).toBeGreaterThan(0);
        }
        const both = await walk(
          store,
          { ids: new Set(order.slice(0, 4)), excludeIds },
          1
        );
        expect(both.flat()).toEqual(
          order.slice(0, 4).filter(id => kept.includes(id))
        );
      });
    });

    it('tells the sessions whose lineage names a session, and shows their lineage (#13)', async () => {
      const c = await stores.open();
      const source = sessionEvent();
      const sid = source.session.id;
      const lineage = { kind: 'replay' as const, sessionId: sid, step: 2 };
      const replays = [1, 2].map(() => sessionEvent({ lineage }));
      const fork = sessionEvent({
        lineage: {
          kind: 'fork',
          sessionId: sid,
          step: 1,
          executionId: 'exe-00000001'
        }
      });
      const other = sessionEvent({
        lineage: { kind: 'replay', sessionId: 'ses-another-one', step: 1 }
      });
      await c.append([source, ...replays, fork, other]);
      await c.live(async store => {
        expect((await store.replaysOf(sid)).sort()).toEqual(
          [...replays, fork].map(r => r.session.id).sort()
        );
        await expect(store.replaysOf(replays[0].session.id)).resolves.toEqual(
          []
        );
        await expect(store.replaysOf('ses-never-stored')).resolves.toEqual([]);
        const summary = await store.getSession(fork.session.id);
        expect(summary?.lineage).toEqual(fork.session.lineage);
        expect(await store.getSession(sid)).not.toHaveProperty('lineage');
      });
    });
  });
}

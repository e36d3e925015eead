/**
 * The store contract, cells: one cell's executions across sessions newest
 * first, and the run of the same cell just before an execution.
 */
import type { TrailStore } from '../../../server/store/types';
import { executionEvent, sessionEvent } from '../support/records';
import { contractStores, idsOf, type MakeStore } from './harness';

async function walkCell(
  store: TrailStore,
  notebook: string,
  cellId: string,
  limit: number
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await store.listCellExecutions({
      notebook,
      cellId,
      limit,
      after
    });
    pages.push(idsOf(page));
    after = page!.next ?? undefined;
  } while (after && pages.length < 100);
  return pages;
}

/** Runs of cell `c1` of nb.ipynb in two sessions, one a minute, interleaved. */
function twoSessionsOfOneCell() {
  const s1 = sessionEvent({ notebookPath: 'nb.ipynb' });
  const s2 = sessionEvent({ notebookPath: 'nb.ipynb' });
  const runs = Array.from({ length: 7 }, (_, i) =>
    executionEvent(i % 2 ? s2.session.id : s1.session.id, i + 1, {
      notebookPath: 'nb.ipynb',
      cellId: 'c1',
      startedAt: new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString()
    })
  );
  return { sessions: [s1, s2], runs };
}

/** See the module comment. */
export function describeCells(make: MakeStore): void {
  describe('cells', () => {
    const stores = contractStores(make);

    it('lists a cell’s runs across sessions newest first, each once on every page size', async () => {
      const c = await stores.open();
      const { sessions, runs } = twoSessionsOfOneCell();
      // Same cell id in another notebook, another cell of this notebook.
      const other = executionEvent(sessions[0].session.id, 20, {
        notebookPath: 'other.ipynb',
        cellId: 'c1'
      });
      const sibling = executionEvent(sessions[0].session.id, 21, {
        notebookPath: 'nb.ipynb',
        cellId: 'c2'
      });
      await c.append([...sessions, ...[...runs].reverse(), other, sibling]);
      const expected = runs.map(x => x.execution.id).reverse();
      await c.live(async store => {
        for (const limit of [1, 2, 7, 10]) {
          const pages = await walkCell(store, 'nb.ipynb', 'c1', limit);
          expect(pages.flat()).toEqual(expected);
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
        }
        expect((await walkCell(store, 'other.ipynb', 'c1', 5)).flat()).toEqual([
          other.execution.id
        ]);
        await expect(
          store.listCellExecutions({
            notebook: 'nb.ipynb',
            cellId: 'never',
            limit: 5
          })
        ).resolves.toEqual({ items: [], next: null });
      });
    });

    it('leaves out runs of excluded sessions before cutting a page', async () => {
      const c = await stores.open();
      const { sessions, runs } = twoSessionsOfOneCell();
      await c.append([...sessions, ...runs]);
      const excluded = sessions[0].session.id;
      const kept = runs
        .filter(x => x.execution.sessionId !== excluded)
        .map(x => x.execution.id)
        .reverse();
      await c.live(async store => {
        for (const limit of [1, 2, kept.length]) {
          const pages: string[][] = [];
          let after: string | undefined;
          do {
            const page = await store.listCellExecutions({
              notebook: 'nb.ipynb',
              cellId: 'c1',
              excludeSessionIds: new Set([excluded]),
              limit,
              after
            });
            pages.push(idsOf(page));
            after = page!.next ?? undefined;
          } while (after);
          expect(pages.flat()).toEqual(kept);
          // Full pages, and no empty one past the last kept run (the
          // oldest run is of the excluded session).
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
          expect(pages[pages.length - 1].length).toBeGreaterThan(0);
        }
      });
    });

    it('refuses to continue after a run of another cell, or an unknown id', async () => {
      const c = await stores.open();
      const { sessions, runs } = twoSessionsOfOneCell();
      const sibling = executionEvent(sessions[0].session.id, 21, {
        notebookPath: 'nb.ipynb',
        cellId: 'c2'
      });
      await c.append([...sessions, ...runs, sibling]);
      await c.live(async store => {
        for (const after of [sibling.execution.id, 'exe-unknown']) {
          await expect(
            store.listCellExecutions({
              notebook: 'nb.ipynb',
              cellId: 'c1',
              limit: 5,
              after
            })
          ).resolves.toBeNull();
        }
      });
    });

    it('answers the run of the same cell that started just before, in any session', async () => {
      const c = await stores.open();
      const { sessions, runs } = twoSessionsOfOneCell();
      const loose = executionEvent(sessions[0].session.id, 30, {
        cellId: null
      });
      await c.append([...sessions, ...[...runs].reverse(), loose]);
      await c.live(async store => {
        await expect(
          store.previousExecution('exe-unknown')
        ).resolves.toBeNull();
        await expect(
          store.previousExecution(runs[0].execution.id)
        ).resolves.toEqual({ execution: null });
        await expect(
          store.previousExecution(loose.execution.id)
        ).resolves.toEqual({ execution: null });
        for (let i = 1; i < runs.length; i++) {
          const previous = await store.previousExecution(runs[i].execution.id);
          expect(previous?.execution?.id).toBe(runs[i - 1].execution.id);
          // A summary, as the listings give.
          expect(previous?.execution).not.toHaveProperty('outputs');
          expect(previous?.execution?.outputCount).toBe(2);
        }
      });
    });
  });
}

/**
 * The store contract, executions: a session's executions by seq, one
 * record with its annotations merged, and every execution in storage
 * order for the background work that reads them all.
 */
import type { ExecutionKey, TrailStore } from '../../../server/store/types';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, idsOf, type MakeStore } from './harness';

async function walkExecutions(
  store: TrailStore,
  sessionId: string,
  limit: number
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: ExecutionKey | undefined;
  do {
    const page = await store.listExecutions(sessionId, { limit, after });
    pages.push(idsOf(page));
    after = page!.next ?? undefined;
  } while (after && pages.length < 100);
  return pages;
}

/** See the module comment. */
export function describeExecutions(make: MakeStore): void {
  describe('executions', () => {
    const stores = contractStores(make);

    it('lists a session’s executions by seq, then id, each once on every page size', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const sid = s.session.id;
      const xs = Array.from({ length: 13 }, (_, i) =>
        executionEvent(sid, i + 1)
      );
      // Two executions with one seq (a kernel restarted): ordered by id.
      const twin = executionEvent(sid, 5);
      const all = [...xs, twin];
      const reversed = [...all].reverse();
      await c.append([s]);
      for (let i = 0; i < reversed.length; i += 4) {
        await c.append(reversed.slice(i, i + 4));
      }
      const expected = all
        .map(x => x.execution)
        .sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1))
        .map(x => x.id);
      await c.live(async store => {
        await expect(
          store.listExecutions('ses-unknown', { limit: 5 })
        ).resolves.toBeNull();
        for (const limit of [1, 3, 14, 20]) {
          const pages = await walkExecutions(store, sid, limit);
          expect(pages.flat()).toEqual(expected);
          expect(pages.slice(0, -1).every(p => p.length === limit)).toBe(true);
        }
      });
    });

    it('lists summaries: no outputs, their count and types, the merged capture', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const x = executionEvent(s.session.id, 1);
      const a = annotationEvent(x.execution, { tags: ['best'] });
      await c.append([s, x, a]);
      await c.live(async store => {
        const page = await store.listExecutions(s.session.id, { limit: 5 });
        const { outputs, ...rest } = x.execution;
        expect(page?.items).toEqual([
          {
            ...rest,
            capture: { tags: ['best'] },
            outputCount: outputs.length,
            outputTypes: ['stream', 'execute_result']
          }
        ]);
        expect(page?.next).toBeNull();
      });
    });

    it('answers one execution with its outputs and annotations, early or late', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const x = executionEvent(s.session.id, 1, {
        capture: { params: { lr: 0.1 } }
      });
      const early = annotationEvent(x.execution, { params: { epochs: 3 } });
      const late = annotationEvent(x.execution, { tags: ['late'] });
      // An annotation naming another session does not describe it.
      const stray = annotationEvent(
        { id: x.execution.id, sessionId: 'ses-other' },
        { tags: ['stray'] }
      );
      await c.append([s, early]);
      await c.append([x, stray]);
      await c.append([late]);
      await c.live(async store => {
        await expect(store.getExecution('exe-unknown')).resolves.toBeNull();
        await expect(store.getExecution(x.execution.id)).resolves.toEqual({
          ...x.execution,
          capture: { params: { lr: 0.1, epochs: 3 }, tags: ['late'] }
        });
      });
    });

    it('gives every stored execution once, in storage order, to a scan', async () => {
      const c = await stores.open();
      if (!c.store.scanExecutions) {
        return; // optional: background work falls back to the listings
      }
      const s = sessionEvent();
      const xs = [3, 1, 2].map(seq => executionEvent(s.session.id, seq));
      await c.append([s, xs[0]]);
      await c.append([xs[1], xs[2], xs[1]]);
      await c.live(async store => {
        const seen: string[] = [];
        await store.scanExecutions!(record => seen.push(record.id));
        expect(seen).toEqual(xs.map(x => x.execution.id));
        // Told to stop before it starts, it reads nothing.
        const none: string[] = [];
        await store.scanExecutions!(
          record => none.push(record.id),
          () => true
        );
        expect(none).toEqual([]);
      });
    });
  });
}

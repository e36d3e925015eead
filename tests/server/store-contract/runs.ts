/**
 * The store contract, runs (#16): a session summarised by its executions'
 * captures and its annotations, kept current as events arrive and the same
 * after a restart; the run query's filter, notebook, dates and excluded
 * sessions applied before a page is cut and counted in `total`; the sort
 * over params and metrics of mixed types with missing values last; paging
 * after a key; the names.
 */
import type { RunSummary } from '../../../src/client/api-schema';
import type { ExecutionCapture } from '../../../src/records/schema';
import { parseFilter, parseSort } from '../../../src/records/runs/filter';
import type {
  RunKey,
  RunOwners,
  RunQuery,
  TrailStore
} from '../../../server/store/types';
import {
  annotationEvent,
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, type MakeStore } from './harness';

/** Every page of a run query, `limit` at a time, following `next`. */
async function walk(
  store: TrailStore,
  query: Omit<RunQuery, 'limit' | 'after'>,
  limit: number
): Promise<{ pages: string[][]; totals: number[] }> {
  const pages: string[][] = [];
  const totals: number[] = [];
  let after: RunKey | undefined;
  do {
    const page = await store.queryRuns({ ...query, limit, after });
    pages.push(page.items.map(r => r.id));
    totals.push(page.total);
    after = page.next ?? undefined;
  } while (after && pages.length < 100);
  return { pages, totals };
}

/** A session of `n` executions whose captures are `captures` (by seq). */
function run(
  session: Parameters<typeof sessionEvent>[0],
  captures: (ExecutionCapture | undefined)[],
  status: 'ok' | 'error' = 'ok'
) {
  const s = sessionEvent(session);
  const xs = captures.map((capture, i) =>
    executionEvent(s.session.id, i + 1, {
      capture,
      status: i === captures.length - 1 ? status : 'ok'
    })
  );
  return { s, xs, id: s.session.id, events: [s, ...xs] };
}

const at = (minute: number) =>
  new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

/** See the module comment. */
export function describeRuns(make: MakeStore): void {
  describe('runs', () => {
    const stores = contractStores(make);

    it('summarizes a session from its captures and annotations, live and after a restart', async () => {
      const c = await stores.open();
      const a = run({ notebookPath: 'train.ipynb', startedAt: at(0) }, [
        {
          params: { lr: 0.1, model: 'rf' },
          metrics: [
            { name: 'loss', value: 0.9, step: 1, at: at(1) },
            { name: 'loss', value: 0.5, step: 2, at: at(1) }
          ],
          tags: ['baseline'],
          files: [
            {
              path: 'data.csv',
              access: 'read',
              kind: 'file',
              sha256: 'a'.repeat(64)
            }
          ]
        },
        {
          params: { lr: 0.01 },
          metrics: [{ name: 'loss', value: 0.7, step: 3, at: at(2) }],
          tags: ['final']
        }
      ]);
      const env = environmentEvent(a.id, 1);
      await c.append([...a.events, env]);
      // A param logged after the fact (an annotation of the first execution).
      await c.append([
        annotationEvent(a.xs[0].execution, { params: { seed: 7 } })
      ]);
      const empty = sessionEvent({ startedAt: at(5) });
      await c.append([empty]);
      await c.live(async store => {
        const got = await store.getRun(a.id);
        expect(got).toMatchObject({
          id: a.id,
          kind: 'notebook',
          notebookPath: 'train.ipynb',
          startedAt: at(0),
          executionCount: 2,
          status: 'ok',
          params: { lr: 0.01, model: 'rf', seed: 7 },
          metrics: {
            loss: { last: 0.7, min: 0.5, max: 0.9, count: 3, lastStep: 3 }
          },
          tags: ['baseline', 'final'],
          inputs: [{ path: 'data.csv', sha256: 'a'.repeat(64) }]
        });
        expect(got!.environmentId).toMatch(/^[0-9a-f]{64}$/);
        expect(got!.endedAt).toBe(a.xs[1].execution.endedAt);
        await expect(store.getRun(empty.session.id)).resolves.toMatchObject({
          status: 'empty',
          executionCount: 0,
          params: {},
          metrics: {}
        });
        await expect(store.getRun('ses-unknown-run')).resolves.toBeNull();
      });
    });

    it('keeps params and metrics in the order they were logged, live and after a restart', async () => {
      // Not alphabetical, nor shortest first (how jsonb would keep them).
      const c = await stores.open();
      const a = run({ startedAt: at(0) }, [
        {
          params: { n_estimators: 200, lr: 0.05, model: 'rf' },
          metrics: [
            { name: 'val_loss', value: 0.4, at: at(1) },
            { name: 'acc', value: 0.8, at: at(1) }
          ]
        },
        { params: { zeta: 1, a: 2 } }
      ]);
      await c.append(a.events);
      await c.append([
        annotationEvent(a.xs[0].execution, { params: { batch_size: 64 } })
      ]);
      await c.live(async store => {
        const got = await store.getRun(a.id);
        // In arrival order: the annotation came after both executions.
        expect(Object.keys(got!.params)).toEqual([
          'n_estimators',
          'lr',
          'model',
          'zeta',
          'a',
          'batch_size'
        ]);
        expect(Object.keys(got!.metrics)).toEqual(['val_loss', 'acc']);
        const record = await store.getExecution(a.xs[0].execution.id);
        expect(Object.keys(record!.capture!.params!)).toEqual([
          'n_estimators',
          'lr',
          'model',
          'batch_size'
        ]);
      });
    });

    it('keeps a run current as executions and annotations arrive, an annotation before its execution too', async () => {
      const c = await stores.open();
      const a = run({ startedAt: at(0) }, [{ params: { k: 1 } }]);
      await c.append(a.events);
      expect((await c.store.getRun(a.id))!.params).toEqual({ k: 1 });
      const second = executionEvent(a.id, 2, {
        status: 'error',
        capture: { metrics: [{ name: 'acc', value: 0.8, at: at(3) }] }
      });
      // The annotation arrives first, naming the execution not yet stored.
      await c.append([
        annotationEvent(second.execution, { params: { late: 'yes' } })
      ]);
      await c.append([second]);
      await c.live(async store => {
        const got = (await store.getRun(a.id))!;
        expect(got.params).toEqual({ k: 1, late: 'yes' });
        expect(got.metrics.acc).toMatchObject({ last: 0.8, count: 1 });
        expect(got.status).toBe('failed');
        const page = await store.queryRuns({
          sort: parseSort('-started'),
          filter: parseFilter('metrics.acc > 0.5'),
          limit: 10
        });
        expect(page.items.map(r => r.id)).toEqual([a.id]);
      });
    });

    it('sorts params and metrics of mixed types, missing last both ways, and pages after a key', async () => {
      const c = await stores.open();
      // score: numbers, a string, missing; ties broken by start then id.
      const values: (number | string | undefined)[] = [
        3,
        'high',
        undefined,
        1,
        10,
        undefined,
        3,
        'alpha',
        2.5
      ];
      const runs = values.map((v, i) =>
        run({ startedAt: at(i) }, [
          {
            params: v === undefined ? { other: i } : { score: v },
            metrics:
              typeof v === 'number'
                ? [{ name: 'acc', value: v / 10, at: at(i) }]
                : []
          }
        ])
      );
      await c.append(runs.flatMap(r => r.events));
      const idOf = (i: number) => runs[i].id;
      // Numbers ascending (ties: newer first), then strings, then missing
      // (newer first); descending reverses all but the missing ones.
      const ascending = [3, 8, 6, 0, 4, 7, 1, 5, 2].map(idOf);
      const descending = [1, 7, 4, 6, 0, 8, 3, 5, 2].map(idOf);
      await c.live(async store => {
        const up = await walk(store, { sort: parseSort('params.score') }, 2);
        expect(up.pages.flat()).toEqual(ascending);
        expect(
          up.pages.every(p => p.length === 2 || p === up.pages.at(-1))
        ).toBe(true);
        expect(new Set(up.totals)).toEqual(new Set([9]));
        const down = await walk(store, { sort: parseSort('-params.score') }, 4);
        expect(down.pages.flat()).toEqual(descending);
        // A metric: runs without it last, whichever way.
        const acc = await walk(store, { sort: parseSort('-metrics.acc') }, 3);
        expect(acc.pages.flat().slice(0, 5)).toEqual([4, 6, 0, 8, 3].map(idOf));
        expect(new Set(acc.pages.flat().slice(5))).toEqual(
          new Set([1, 2, 5, 7].map(idOf))
        );
      });
    });

    it('continues after a key when runs come and change between pages', async () => {
      const c = await stores.open();
      const runs = [5, 4, 3, 2, 1].map((v, i) =>
        run({ startedAt: at(i) }, [{ params: { p: v } }])
      );
      await c.append(runs.flatMap(r => r.events));
      const sort = parseSort('params.p');
      const first = await c.store.queryRuns({ sort, limit: 2 });
      expect(first.items.map(r => r.params.p)).toEqual([1, 2]);
      // A run sorting before the cut arrives: the next page is not shifted.
      const early = run({ startedAt: at(9) }, [{ params: { p: 0 } }]);
      await c.append(early.events);
      const second = await c.store.queryRuns({
        sort,
        limit: 2,
        after: first.next!
      });
      expect(second.items.map(r => r.params.p)).toEqual([3, 4]);
      expect(second.total).toBe(6);
    });

    it('answers a first page asked again right as runs come and change, and per excluded set', async () => {
      const c = await stores.open();
      const runs = [0.5, 0.9, 0.7, 0.3, 0.8, 0.6].map((v, i) =>
        run({ startedAt: at(i) }, [
          { metrics: [{ name: 'acc', value: v, at: at(i) }] }
        ])
      );
      await c.append(runs.flatMap(r => r.events));
      const sort = parseSort('-metrics.acc');
      const first = async (excludeIds?: ReadonlySet<string>) =>
        (await c.store.queryRuns({ sort, limit: 3, excludeIds })).items.map(
          r => r.metrics.acc.last
        );
      expect(await first()).toEqual([0.9, 0.8, 0.7]);
      expect(await first()).toEqual([0.9, 0.8, 0.7]);
      // A new run sorting into the first page, one outside it.
      const fresh = run({ startedAt: at(10) }, [
        { metrics: [{ name: 'acc', value: 0.85, at: at(10) }] }
      ]);
      const low = run({ startedAt: at(11) }, [
        { metrics: [{ name: 'acc', value: 0.1, at: at(11) }] }
      ]);
      await c.append([...fresh.events, ...low.events]);
      expect(await first()).toEqual([0.9, 0.85, 0.8]);
      // A run outside the page moves into it; then one on it moves out.
      await c.append([
        annotationEvent(runs[3].xs[0].execution, {
          metrics: [{ name: 'acc', value: 0.95, at: at(20) }]
        })
      ]);
      expect(await first()).toEqual([0.95, 0.9, 0.85]);
      await c.append([
        annotationEvent(runs[1].xs[0].execution, {
          metrics: [{ name: 'acc', value: 0.2, at: at(21) }]
        })
      ]);
      expect(await first()).toEqual([0.95, 0.85, 0.8]);
      // Excluded sets: the same ids in another set, and other ids.
      const top = runs[3].id;
      expect(await first(new Set([top]))).toEqual([0.85, 0.8, 0.7]);
      expect(await first(new Set([top]))).toEqual([0.85, 0.8, 0.7]);
      expect(await first(new Set([fresh.id]))).toEqual([0.95, 0.8, 0.7]);
      expect(await first(new Set())).toEqual([0.95, 0.85, 0.8]);
      // A later page after the cached first one.
      const page = await c.store.queryRuns({ sort, limit: 3 });
      const rest = await c.store.queryRuns({
        sort,
        limit: 3,
        after: page.next!
      });
      expect(rest.items.map(r => r.metrics.acc.last)).toEqual([0.7, 0.6, 0.5]);
      expect(await first()).toEqual([0.95, 0.85, 0.8]);
    });

    it('applies the filter, notebook, dates and excluded sessions before a page is cut and in total', async () => {
      const c = await stores.open();
      const runs = Array.from({ length: 8 }, (_, i) =>
        run(
          {
            startedAt: at(i),
            notebookPath: i % 2 === 0 ? 'a.ipynb' : 'b.ipynb'
          },
          [
            {
              params: { model: i < 4 ? 'rf' : 'svm' },
              metrics: [{ name: 'accuracy', value: 0.5 + i / 20, at: at(i) }],
              tags: i % 3 === 0 ? ['baseline'] : []
            }
          ]
        )
      );
      await c.append(runs.flatMap(r => r.events));
      const idOf = (i: number) => runs[i].id;
      const sort = parseSort('-started');
      await c.live(async store => {
        const filtered = await walk(
          store,
          {
            sort,
            filter: parseFilter(
              'metrics.accuracy > 0.6 and params.model = "rf"'
            )
          },
          1
        );
        expect(filtered.pages.flat()).toEqual([3].map(idOf));
        const excluded = await walk(
          store,
          {
            sort,
            filter: parseFilter('tag = "baseline" or metrics.accuracy >= 0.8'),
            excludeIds: new Set([idOf(6)])
          },
          1
        );
        // 0, 3, 6 baseline; 6, 7 >= 0.8; 6 excluded.
        expect(excluded.pages.flat()).toEqual([7, 3, 0].map(idOf));
        expect(excluded.totals).toEqual([3, 3, 3]);
        const notebook = await store.queryRuns({
          sort,
          notebook: 'b.ipynb',
          from: Date.parse(at(2)),
          to: Date.parse(at(7)),
          limit: 10
        });
        expect(notebook.items.map(r => r.id)).toEqual([5, 3].map(idOf));
        expect(notebook.total).toBe(2);
        expect(notebook.next).toBeNull();
      });
    });

    it('filters and sorts by author with the owners lent to the query', async () => {
      const c = await stores.open();
      const runs = [0, 1, 2].map(i => run({ startedAt: at(i) }, [{}]));
      await c.append(runs.flatMap(r => r.events));
      const people = ['bob', 'alice', 'bob'];
      const owners: RunOwners = {
        of: id => {
          const i = runs.findIndex(r => r.id === id);
          const name = people[i];
          return {
            author: { id: name, name, displayName: name.toUpperCase() },
            visibility: i === 2 ? 'private' : 'team'
          };
        }
      };
      const page = await c.store.queryRuns({
        sort: parseSort('author'),
        filter: parseFilter('author = "BOB"'),
        owners,
        limit: 10
      });
      expect(page.items.map(r => r.id)).toEqual([runs[2].id, runs[0].id]);
      expect(page.items[0]).toMatchObject({
        author: { name: 'bob' },
        visibility: 'private'
      });
      const names = await c.store.runNames(new Set([runs[1].id]), owners);
      expect(names.authors).toEqual(['bob']);
    });

    it('names params and metrics with how many runs have each, leaving out excluded runs', async () => {
      const c = await stores.open();
      const a = run({ startedAt: at(0) }, [
        {
          params: { lr: 1, depth: 3 },
          metrics: [{ name: 'acc', value: 1, at: at(0) }],
          tags: ['x']
        }
      ]);
      const b = run({ startedAt: at(1) }, [{ params: { lr: 2 }, tags: ['y'] }]);
      const hidden = run({ startedAt: at(2) }, [
        {
          params: { secret: 1 },
          metrics: [{ name: 'hidden', value: 1, at: at(0) }],
          tags: ['private-tag']
        }
      ]);
      await c.append([...a.events, ...b.events, ...hidden.events]);
      await c.live(async store => {
        const names = await store.runNames(new Set([hidden.id]));
        expect(names).toEqual({
          params: [
            { name: 'depth', count: 1 },
            { name: 'lr', count: 2 }
          ],
          metrics: [{ name: 'acc', count: 1 }],
          tags: ['x', 'y'],
          authors: []
        });
      });
    });

    it('gives copies: changing an answer changes nothing stored', async () => {
      const c = await stores.open();
      const a = run({ startedAt: at(0) }, [{ params: { lr: 1 } }]);
      await c.append(a.events);
      const got = (await c.store.getRun(a.id)) as RunSummary;
      got.params.lr = 99;
      const page = await c.store.queryRuns({
        sort: parseSort('-started'),
        limit: 5
      });
      page.items[0].params.lr = 98;
      expect((await c.store.getRun(a.id))!.params.lr).toBe(1);
    });
  });
}

/**
 * The store contract, writes: new events are stored, a duplicate changes
 * nothing, and what is stored is the store's own copy.
 */
import {
  annotationEvent,
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, type MakeStore } from './harness';

/** See the module comment. */
export function describeAppend(make: MakeStore): void {
  describe('append', () => {
    const stores = contractStores(make);

    it('stores new events and answers their ids as accepted, in batch order', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const x1 = executionEvent(s.session.id, 1);
      const x2 = executionEvent(s.session.id, 2);
      const env = environmentEvent(s.session.id, 1);
      const a = annotationEvent(x1.execution, { params: { lr: 0.1 } });
      await expect(c.append([s, x2, x1, env, a])).resolves.toEqual({
        accepted: [s.id, x2.id, x1.id, env.id, a.id],
        duplicates: []
      });
      await c.live(async store => {
        for (const e of [s, x1, x2, env, a]) {
          await expect(store.hasEvent(e.id)).resolves.toBe(true);
        }
        await expect(store.hasEvent('evt-never-sent')).resolves.toBe(false);
        const session = await store.getSession(s.session.id);
        expect(session?.executionCount).toBe(2);
      });
    });

    it('answers a batch sent again as duplicates, and changes nothing', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const xs = [1, 2, 3].map(seq => executionEvent(s.session.id, seq));
      const a = annotationEvent(xs[0].execution, { params: { k: 1 } });
      const env = environmentEvent(s.session.id, 1);
      const batch = [s, ...xs, a, env];
      await c.append(batch);
      const before = await c.store.getSession(s.session.id);
      const record = await c.store.getExecution(xs[0].execution.id);
      await expect(c.append(batch)).resolves.toEqual({
        accepted: [],
        duplicates: batch.map(e => e.id)
      });
      await c.live(async store => {
        await expect(store.getSession(s.session.id)).resolves.toEqual(before);
        await expect(store.getExecution(xs[0].execution.id)).resolves.toEqual(
          record
        );
        const page = await store.listExecutions(s.session.id, { limit: 10 });
        expect(page?.items).toHaveLength(3);
      });
    });

    it('takes the first of an event id sent twice in one batch', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const x = executionEvent(s.session.id, 1);
      const again = { ...x, execution: { ...x.execution, code: 'other' } };
      await expect(c.append([s, x, again])).resolves.toEqual({
        accepted: [s.id, x.id],
        duplicates: [x.id]
      });
      await c.live(async store => {
        const stored = await store.getExecution(x.execution.id);
        expect(stored?.code).toBe(x.execution.code);
      });
    });

    it('keeps the first record of a session or execution id, whatever the event id', async () => {
      const c = await stores.open();
      const s = sessionEvent({ notebookPath: 'first.ipynb' });
      const x = executionEvent(s.session.id, 1, { code: 'first' });
      await c.append([s, x]);
      const s2 = sessionEvent({ ...s.session, notebookPath: 'second.ipynb' });
      const x2 = executionEvent(s.session.id, 1, {
        id: x.execution.id,
        code: 'second'
      });
      // Also when both copies arrive in one batch.
      const y = executionEvent(s.session.id, 2, { code: 'first y' });
      const y2 = executionEvent(s.session.id, 2, {
        id: y.execution.id,
        code: 'second y'
      });
      await expect(c.append([s2, x2, y, y2])).resolves.toEqual({
        accepted: [y.id],
        duplicates: [s2.id, x2.id, y2.id]
      });
      await c.live(async store => {
        const session = await store.getSession(s.session.id);
        expect(session?.notebookPath).toBe('first.ipynb');
        expect(session?.executionCount).toBe(2);
        expect((await store.getExecution(x.execution.id))?.code).toBe('first');
        expect((await store.getExecution(y.execution.id))?.code).toBe(
          'first y'
        );
        await expect(store.hasEvent(x2.id)).resolves.toBe(false);
      });
    });

    it('counts annotations and environment captures by their event id only', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const x = executionEvent(s.session.id, 1);
      const a1 = annotationEvent(x.execution, { params: { a: 1 } });
      const a2 = annotationEvent(x.execution, { params: { b: 2 } });
      const e1 = environmentEvent(s.session.id, 1);
      const e2 = environmentEvent(s.session.id, 1);
      await expect(c.append([s, x, a1, a2, e1, e2])).resolves.toEqual({
        accepted: [s.id, x.id, a1.id, a2.id, e1.id, e2.id],
        duplicates: []
      });
      await c.live(async store => {
        const record = await store.getExecution(x.execution.id);
        expect(record?.capture?.params).toEqual({ a: 1, b: 2 });
      });
    });

    it('stores its own copy: the caller changing its objects later changes nothing', async () => {
      const c = await stores.open();
      const s = sessionEvent({ notebookPath: 'kept.ipynb' });
      const x = executionEvent(s.session.id, 1, { code: 'kept' });
      await c.append([s, x]);
      s.session.notebookPath = 'changed.ipynb';
      x.execution.code = 'changed';
      x.execution.outputs.length = 0;
      await c.live(async store => {
        expect((await store.getSession(s.session.id))?.notebookPath).toBe(
          'kept.ipynb'
        );
        const record = await store.getExecution(x.execution.id);
        expect(record?.code).toBe('kept');
        expect(record?.outputs).toHaveLength(2);
        // Nor does changing what a read answered.
        record!.code = 'changed by a reader';
        expect((await store.getExecution(x.execution.id))?.code).toBe('kept');
      });
    });

    it('answers an empty batch with nothing', async () => {
      const c = await stores.open();
      await expect(c.append([])).resolves.toEqual({
        accepted: [],
        duplicates: []
      });
    });
  });
}

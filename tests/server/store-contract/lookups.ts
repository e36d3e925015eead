/**
 * The store contract, lookups by id: which session holds a stored event
 * or execution, answered from what the store indexes (asked on every
 * ingest, so never by reading a record).
 */
import {
  annotationEvent,
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, type MakeStore } from './harness';

/** See the module comment. */
export function describeLookups(make: MakeStore): void {
  describe('lookups by id', () => {
    const stores = contractStores(make);

    it('names the session of every stored event and execution, and nothing else', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const sid = s.session.id;
      const x = executionEvent(sid, 1);
      const other = sessionEvent();
      // Events that name their session without its record being stored.
      const a = annotationEvent(
        { id: 'exe-elsewhere', sessionId: other.session.id },
        { tags: ['t'] }
      );
      const env = environmentEvent(other.session.id, 1);
      await c.append([s, x, a, env]);
      await c.live(async store => {
        await expect(store.sessionOfEvent(s.id)).resolves.toBe(sid);
        await expect(store.sessionOfEvent(x.id)).resolves.toBe(sid);
        await expect(store.sessionOfEvent(a.id)).resolves.toBe(
          other.session.id
        );
        await expect(store.sessionOfEvent(env.id)).resolves.toBe(
          other.session.id
        );
        await expect(store.sessionOfEvent('evt-unknown')).resolves.toBe(
          undefined
        );
        await expect(store.sessionOfExecution(x.execution.id)).resolves.toBe(
          sid
        );
        await expect(store.sessionOfExecution('exe-elsewhere')).resolves.toBe(
          undefined
        );
        // An event id is not an execution id, nor the other way round.
        await expect(store.sessionOfExecution(x.id)).resolves.toBe(undefined);
        await expect(store.sessionOfEvent(x.execution.id)).resolves.toBe(
          undefined
        );
      });
    });
  });
}

/**
 * The store contract, content-addressed data: environment snapshots and
 * the blobs that records cite.
 */
import { createHash } from 'node:crypto';
import {
  environment,
  environmentEvent,
  sessionEvent
} from '../support/records';
import { contractStores, storedForm, type MakeStore } from './harness';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** See the module comment. */
export function describeEnvironmentsAndBlobs(make: MakeStore): void {
  describe('environments and blobs', () => {
    const stores = contractStores(make);

    it('answers a snapshot with the time of its earliest capture', async () => {
      const c = await stores.open();
      const s1 = sessionEvent();
      const s2 = sessionEvent();
      const later = environmentEvent(
        s1.session.id,
        1,
        environment({ capturedAt: '2026-03-01T12:00:00.000Z' })
      );
      const earlier = environmentEvent(
        s2.session.id,
        1,
        environment({ capturedAt: '2026-03-01T08:00:00.000Z' })
      );
      const changed = environmentEvent(
        s1.session.id,
        4,
        environment({ packages: [{ name: 'numpy', version: '2.2.0' }] })
      );
      await c.append([s1, s2, later]);
      await c.append([earlier, changed]);
      const id = storedForm(later, new Map());
      const changedId = storedForm(changed, new Map());
      await c.live(async store => {
        await expect(store.getEnvironment('0'.repeat(64))).resolves.toBeNull();
        const { capturedAt: _, ...content } = later.environment;
        await expect(
          store.getEnvironment((id as { environmentId: string }).environmentId)
        ).resolves.toEqual({
          ...content,
          capturedAt: '2026-03-01T08:00:00.000Z'
        });
        const session = await store.getSession(s1.session.id);
        expect(session?.environments?.map(v => [v.id, v.fromSeq])).toEqual([
          [(id as { environmentId: string }).environmentId, 1],
          [(changedId as { environmentId: string }).environmentId, 4]
        ]);
      });
    });

    it('stores the blobs a batch cites, once per content', async () => {
      const c = await stores.open();
      const one = Buffer.from('x'.repeat(5000));
      const two = Buffer.from('y'.repeat(5000));
      const s = sessionEvent();
      await c.store.append([s], new Map([[sha256(one), one]]));
      await c.store.append(
        [sessionEvent()],
        new Map([
          [sha256(one), one],
          [sha256(two), two]
        ])
      );
      await c.live(async store => {
        await expect(store.blobs.get(sha256(one))).resolves.toEqual(one);
        await expect(store.blobs.get(sha256(two))).resolves.toEqual(two);
        await expect(store.blobs.get('f'.repeat(64))).resolves.toBeNull();
      });
    });
  });
}

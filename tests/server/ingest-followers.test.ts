/**
 * What follows an ingest observes the ingest service's `stored` signal:
 * the answer is handed back first, the followers run before any later
 * request, and a batch of duplicates announces nothing. Through the API,
 * a request sent right after an answer finds what the batch stored in the
 * search index and the change feed.
 */
import request from 'supertest';
import { createApp } from '../../server/app';
import type { Principal } from '../../server/access/directory';
import { loadRecordSchemas } from '../../server/schemas';
import {
  IngestService,
  storedExecutions,
  type StoredBatch
} from '../../server/services/ingest';
import { MemoryStore } from '../../server/store/memory-store';
import { RecordValidator } from '../../server/validation';
import { executionEvent, sessionEvent } from './support/records';
import { TOKEN } from './support/server';

const alice: Principal = {
  userId: 'alice',
  name: 'alice',
  displayName: 'Alice',
  role: 'member',
  tokenId: null
};

function service(): { ingest: IngestService; store: MemoryStore } {
  const store = new MemoryStore();
  const ingest = new IngestService(
    store,
    new RecordValidator(loadRecordSchemas()),
    { authorizeIngest: async (_principal, events) => events }
  );
  return { ingest, store };
}

describe('the stored signal of the ingest service', () => {
  it('goes out after the answer is handed back and before any later I/O', async () => {
    const { ingest } = service();
    const order: string[] = [];
    const seen: StoredBatch[] = [];
    ingest.stored.connect(batch => {
      order.push('followers');
      seen.push(batch);
    });
    const s = sessionEvent();
    const x = executionEvent(s.session.id, 1);
    const later = new Promise<void>(resolve =>
      setImmediate(() => {
        order.push('later I/O');
        resolve();
      })
    );
    await ingest
      .ingest(alice, { events: [s, x] })
      .then(() => order.push('answer'));
    await later;
    expect(order).toEqual(['answer', 'followers', 'later I/O']);
    expect(seen).toHaveLength(1);
    expect(seen[0].principal).toBe(alice);
    expect([...seen[0].accepted]).toEqual([s.id, x.id]);
    expect(storedExecutions(seen[0]).map(r => r.id)).toEqual([x.execution.id]);
  });

  it('announces nothing for a batch of duplicates', async () => {
    const { ingest } = service();
    const s = sessionEvent();
    await ingest.ingest(alice, { events: [s] });
    await new Promise(resolve => setImmediate(resolve));
    const seen: StoredBatch[] = [];
    ingest.stored.connect(batch => seen.push(batch));
    await ingest.ingest(alice, { events: [s] });
    await new Promise(resolve => setImmediate(resolve));
    expect(seen).toEqual([]);
  });
});

describe('through the API', () => {
  it('a request sent right after the answer finds the batch in search and in the change feed', async () => {
    const app = createApp({ store: new MemoryStore(), token: TOKEN });
    const call = (path: string) =>
      request(app)
        .get(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`);
    const { cursor } = (await call('/changes').expect(200)).body;
    const s = sessionEvent();
    const x = executionEvent(s.session.id, 1, {
      code: 'signal_follower_probe = 1'
    });
    await request(app)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({ events: [s, x] })
      .expect(200);
    const search = await call('/search?q=signal_follower_probe').expect(200);
    expect(search.body.items.map((h: any) => h.execution.id)).toEqual([
      x.execution.id
    ]);
    const changes = await call(`/changes?after=${cursor}`).expect(200);
    expect(changes.body.changes.map((c: any) => c.kind)).toEqual([
      'session',
      'execution'
    ]);
  });
});

/**
 * Execution captures: execution.annotated events merge into their
 * execution's capture when it is read, in arrival order, whether they
 * arrive before or after the execution, and across restarts. The merge
 * rule itself is tested with the records floor (tests/records).
 */
import request from 'supertest';
import type { ExecutionCapture } from '../../src/records/schema';
import { createApp } from '../../server/app';
import { MemoryStore } from '../../server/store/memory-store';
import { pendingRead, SHA_A } from '../records/capture-fixture';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import { openFileApp, removeTempDirs, tempDir, TOKEN } from './support/server';

afterAll(removeTempDirs);

interface Harness {
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  const store = new MemoryStore();
  const app = createApp({ store, token: TOKEN });
  return {
    get: path =>
      request(app)
        .get(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`),
    post: (path, body) =>
      request(app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`)
        .send(body as object),
    close: () => store.close()
  };
}

describe.each([
  ['file store', async (): Promise<Harness> => openFileApp()],
  ['memory store', memoryHarness]
])('%s', (_name, make) => {
  let h: Harness;

  beforeEach(async () => {
    h = await make();
  });

  afterEach(() => h.close());

  it('merges annotations into GET /executions/:id and the session listing', async () => {
    const session = sessionEvent();
    const e = executionEvent(session.session.id, 1, {
      capture: { files: [pendingRead], params: { lr: 0.1 } }
    });
    const late = annotationEvent(e.execution, {
      files: [
        {
          path: 'data/train.csv',
          access: 'read',
          kind: 'file',
          sha256: SHA_A,
          hashPending: false
        }
      ]
    });
    await h.post('/events', { events: [session, e] }).expect(200);
    await h.post('/events', { events: [late] }).expect(200);
    const expected: ExecutionCapture = {
      files: [{ ...pendingRead, sha256: SHA_A, hashPending: false }],
      params: { lr: 0.1 }
    };
    const full = await h.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body.capture).toEqual(expected);
    expect(full.body.outputs).toEqual(e.execution.outputs);
    const page = await h
      .get(`/sessions/${session.session.id}/executions`)
      .expect(200);
    expect(page.body.items[0].capture).toEqual(expected);
  });

  it('keeps a param named __proto__ through ingest, merge and read back', async () => {
    // Parsed, not written as a literal: `{ __proto__: ... }` in code sets
    // the prototype instead of making a property.
    const params = JSON.parse('{"__proto__": "a", "lr": 0.1}');
    const session = sessionEvent();
    const e = executionEvent(session.session.id, 1, { capture: { params } });
    const late = annotationEvent(e.execution, {
      params: JSON.parse('{"__proto__": "b", "seed": 7}')
    });
    await h.post('/events', { events: [session, e, late] }).expect(200);
    for (const path of [
      `/executions/${e.execution.id}`,
      `/sessions/${session.session.id}/executions`
    ]) {
      const res = await h.get(path).expect(200);
      const capture = res.body.capture ?? res.body.items[0].capture;
      expect(Object.keys(capture.params)).toEqual(['__proto__', 'lr', 'seed']);
      expect(JSON.stringify(capture.params)).toBe(
        '{"__proto__":"b","lr":0.1,"seed":7}'
      );
      expect(Object.getPrototypeOf(capture.params)).toBe(Object.prototype);
    }
  });

  it('keeps an annotation that arrives before its execution', async () => {
    const e = executionEvent('ses-early-00001', 1);
    const first = annotationEvent(e.execution, { tags: ['early'] });
    const second = annotationEvent(e.execution, { tags: ['later'] });
    await h.post('/events', { events: [first] }).expect(200);
    await h.get(`/executions/${e.execution.id}`).expect(404);
    // The annotation alone makes no session.
    await h.get('/sessions/ses-early-00001').expect(404);
    await h.post('/events', { events: [e] }).expect(200);
    await h.post('/events', { events: [second] }).expect(200);
    const full = await h.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body.capture).toEqual({ tags: ['early', 'later'] });
  });

  it('stores an annotation once: a repeated batch changes nothing', async () => {
    const e = executionEvent('ses-idem-000001', 1);
    const a = annotationEvent(e.execution, {
      metrics: [{ name: 'acc', value: 0.9, at: '2026-03-01T10:00:02.000Z' }]
    });
    await h.post('/events', { events: [e, a] }).expect(200);
    const again = await h.post('/events', { events: [a] }).expect(200);
    expect(again.body).toEqual({ accepted: [], duplicates: [a.id] });
    const full = await h.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body.capture.metrics).toHaveLength(1);
  });

  it('ignores an annotation whose session is not the execution’s', async () => {
    const e = executionEvent('ses-right-00001', 1);
    const stray = annotationEvent(
      { id: e.execution.id, sessionId: 'ses-wrong-00001' },
      { tags: ['stray'] }
    );
    await h.post('/events', { events: [e, stray] }).expect(200);
    const full = await h.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body).toEqual(e.execution);
  });
});

describe('after a restart', () => {
  it('merges annotations read back from the log, early and late ones', async () => {
    const dir = await tempDir();
    const e = executionEvent('ses-restart-0001', 1, {
      capture: { params: { seed: 1 } }
    });
    const early = annotationEvent(e.execution, { params: { seed: 2 } });
    const late = annotationEvent(e.execution, { tags: ['done'] });

    const a = await openFileApp(dir);
    await a.post('/events', { events: [early] }).expect(200);
    await a.close();
    // The execution arrives after a restart that indexed its annotation.
    const b = await openFileApp(dir);
    await b.post('/events', { events: [e] }).expect(200);
    await b.post('/events', { events: [late] }).expect(200);
    await b.close();

    const c = await openFileApp(dir);
    const full = await c.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body.capture).toEqual({ params: { seed: 2 }, tags: ['done'] });
    const again = await c
      .post('/events', { events: [early, late] })
      .expect(200);
    expect(again.body.duplicates).toEqual([early.id, late.id]);
    await c.close();
  });
});

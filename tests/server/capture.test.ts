/**
 * Execution captures: execution.annotated events merge into their
 * execution's capture when it is read, in arrival order, whether they
 * arrive before or after the execution, and across restarts.
 */
import request from 'supertest';
import type { ExecutionCapture, FileAccess } from '../../src/records/schema';
import { createApp } from '../../server/app';
import { mergeCaptures } from '../../server/store/capture-merge';
import { MemoryStore } from '../../server/store/memory-store';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import { openFileApp, removeTempDirs, tempDir, TOKEN } from './support/server';

afterAll(removeTempDirs);

const SHA_A = 'a'.repeat(64);

const pendingRead: FileAccess = {
  path: 'data/train.csv',
  access: 'read',
  kind: 'file',
  role: 'train',
  size: 1024,
  mtime: '2026-03-01T09:00:00.000Z',
  sha256: null,
  hashPending: true
};

describe('mergeCaptures', () => {
  it('merges files by (path, access), later non-null values winning', () => {
    const merged = mergeCaptures([
      {
        files: [
          pendingRead,
          { path: 'data/train.csv', access: 'write', kind: 'file' }
        ]
      },
      {
        files: [
          {
            path: 'data/train.csv',
            access: 'read',
            kind: 'file',
            size: null,
            sha256: SHA_A,
            hashPending: false
          },
          { path: 'out/model.pkl', access: 'write', kind: 'file' }
        ]
      }
    ]);
    expect(merged!.files).toEqual([
      { ...pendingRead, sha256: SHA_A, hashPending: false },
      { path: 'data/train.csv', access: 'write', kind: 'file' },
      { path: 'out/model.pkl', access: 'write', kind: 'file' }
    ]);
  });

  it('ends a pending hash when the final capture reports it without the flag', () => {
    // What the kernel helper sends when a background hash is done: the
    // entry with its hash (or error) and no hashPending at all.
    const merged = mergeCaptures([
      { files: [pendingRead, { ...pendingRead, path: 'big/broken.bin' }] },
      {
        files: [
          {
            path: 'data/train.csv',
            access: 'read',
            kind: 'file',
            sha256: SHA_A
          },
          {
            path: 'big/broken.bin',
            access: 'read',
            kind: 'file',
            sha256: null,
            hashError: 'PermissionError: denied'
          }
        ]
      }
    ]);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { hashPending, ...settled } = pendingRead;
    expect(merged!.files![0]).toEqual({ ...settled, sha256: SHA_A });
    expect(merged!.files![1].hashPending).toBeUndefined();
    expect(merged!.files![1].hashError).toBe('PermissionError: denied');
    // A capture that is itself still pending keeps the flag.
    const still = mergeCaptures([
      { files: [pendingRead] },
      { files: [{ ...pendingRead, size: 12 }] }
    ]);
    expect(still!.files![0].hashPending).toBe(true);
  });

  it('lets the later param win, appends metrics, keeps tags as a set', () => {
    const at = '2026-03-01T10:00:01.000Z';
    const merged = mergeCaptures([
      {
        params: { lr: 0.1, epochs: 3 },
        metrics: [{ name: 'loss', value: 0.9, step: 1, at }],
        tags: ['baseline', 'gpu']
      },
      undefined,
      {
        params: { lr: 0.05, note: null },
        metrics: [{ name: 'loss', value: null, step: 2, at }],
        tags: ['gpu', 'final']
      }
    ]);
    expect(merged).toEqual({
      params: { lr: 0.05, epochs: 3, note: null },
      metrics: [
        { name: 'loss', value: 0.9, step: 1, at },
        { name: 'loss', value: null, step: 2, at }
      ],
      tags: ['baseline', 'gpu', 'final']
    });
    // Field order follows the schema; nothing absent is invented.
    expect(
      Object.keys(mergeCaptures([{ tags: ['a'] }, { files: [] }])!)
    ).toEqual(['files', 'tags']);
    expect(mergeCaptures([undefined, undefined])).toBeUndefined();
  });

  it('keeps a param named __proto__ as a param', () => {
    const merged = mergeCaptures([
      { params: JSON.parse('{"__proto__": "a"}') },
      { params: { other: 1 } }
    ]);
    expect(JSON.stringify(merged)).toBe(
      '{"params":{"__proto__":"a","other":1}}'
    );
  });

  it('keeps a merged capture within the schema maxima', () => {
    const tags = (from: number) =>
      Array.from({ length: 150 }, (_, i) => `tag-${from + i}`);
    const merged = mergeCaptures([{ tags: tags(0) }, { tags: tags(150) }]);
    expect(merged!.tags).toHaveLength(200);
    expect(merged!.tags![199]).toBe('tag-199');
  });
});

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

/**
 * Listings page with opaque cursors: every item exactly once, in order,
 * on both stores (the memory store must behave as the file store does).
 */
import request from 'supertest';
import { createApp } from '../../server/app';
import { MemoryStore } from '../../server/store/memory-store';
import type { TrailStore } from '../../server/store/types';
import { executionEvent, sessionEvent } from './support/records';
import {
  openFileApp,
  removeTempDirs,
  TOKEN,
  walkPages
} from './support/server';

interface Harness {
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
  store: TrailStore;
}

async function memoryHarness(): Promise<Harness> {
  const store = new MemoryStore();
  const app = createApp({ store, token: TOKEN });
  return {
    store,
    get: path =>
      request(app)
        .get(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`),
    post: (path, body) =>
      request(app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${TOKEN}`)
        .send(body as object)
  };
}

afterAll(removeTempDirs);

function walk(h: Harness, path: string, limit: number): Promise<any[][]> {
  return walkPages(p => h.get(p), path, limit);
}

describe.each([
  ['file store', async () => openFileApp()],
  ['memory store', memoryHarness]
] as [string, () => Promise<Harness>][])('%s', (_name, make) => {
  let h: Harness;
  const sessions = Array.from({ length: 23 }, (_, i) =>
    sessionEvent({
      notebookPath: i % 3 === 0 ? 'a.ipynb' : 'b.ipynb',
      // Two sessions per minute, shuffled below: order must come from startedAt.
      startedAt: new Date(
        Date.UTC(2026, 2, 1, 10, Math.floor(i / 2))
      ).toISOString()
    })
  );
  const sid = sessions[0].session.id;
  const executions = Array.from({ length: 57 }, (_, i) =>
    executionEvent(sid, i + 1)
  );

  beforeAll(async () => {
    h = await make();
    const shuffled = [...sessions].sort(() => Math.random() - 0.5);
    await h.post('/events', { events: shuffled }).expect(200);
    // Executions arrive out of order, in several batches.
    const reversed = [...executions].reverse();
    for (let i = 0; i < reversed.length; i += 10) {
      await h
        .post('/events', { events: reversed.slice(i, i + 10) })
        .expect(200);
    }
  });

  afterAll(() => h.store.close());

  it('walks all sessions newest first, each exactly once', async () => {
    const pages = await walk(h, '/sessions', 5);
    expect(pages.map(p => p.length)).toEqual([5, 5, 5, 5, 3]);
    const items = pages.flat();
    const expected = [...sessions]
      .sort(
        (a, b) =>
          b.session.startedAt.localeCompare(a.session.startedAt) ||
          (b.session.id < a.session.id ? -1 : 1)
      )
      .map(s => s.session.id);
    expect(items.map(s => s.id)).toEqual(expected);
  });

  it('filters sessions by notebook while paging', async () => {
    const items = (await walk(h, '/sessions?notebook=a.ipynb', 3)).flat();
    expect(items).toHaveLength(8);
    expect(new Set(items.map(s => s.id)).size).toBe(8);
    expect(items.every(s => s.notebookPath === 'a.ipynb')).toBe(true);
  });

  it('ends with a null cursor when the last page is exactly full', async () => {
    const pages = await walk(h, '/sessions?notebook=a.ipynb', 4);
    expect(pages.map(p => p.length)).toEqual([4, 4]);
  });

  it('walks executions in seq order, each exactly once', async () => {
    const pages = await walk(h, `/sessions/${sid}/executions`, 10);
    const seqs = pages.flat().map(x => x.seq);
    expect(seqs).toEqual(executions.map(e => e.execution.seq));
    expect(pages.flat()[0]).not.toHaveProperty('outputs');
  });

  it('keeps cursors valid while new items arrive', async () => {
    const first = await h.get('/sessions?limit=2').expect(200);
    const newer = sessionEvent({ startedAt: '2026-04-01T00:00:00.000Z' });
    await h.post('/events', { events: [newer] }).expect(200);
    const second = await h
      .get(`/sessions?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    const seen = [...first.body.items, ...second.body.items].map(
      (s: any) => s.id
    );
    expect(new Set(seen).size).toBe(4);
    expect(seen).not.toContain(newer.session.id);
  });

  it.each([
    ['limit=0', '/query/limit'],
    ['limit=201', '/query/limit'],
    ['limit=ten', '/query/limit'],
    ['limit=1&limit=2', '/query/limit'],
    ['cursor=not-a-cursor', '/query/cursor'],
    [
      `cursor=${Buffer.from('["x",1,"a"]').toString('base64url')}`,
      '/query/cursor'
    ],
    ['cursor=', '/query/cursor']
  ])('answers 400 to %s', async (query, path) => {
    const res = await h.get(`/sessions?${query}`).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details[0].path).toBe(path);
  });

  it('refuses a session cursor in an execution listing', async () => {
    const first = await h.get('/sessions?limit=1').expect(200);
    const res = await h
      .get(`/sessions/${sid}/executions?cursor=${first.body.nextCursor}`)
      .expect(400);
    expect(res.body.error.details[0].path).toBe('/query/cursor');
  });
});

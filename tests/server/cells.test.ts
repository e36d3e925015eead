/**
 * Per-cell history: every execution of a notebook cell across sessions,
 * newest first, and the previous run of an execution's cell, on both
 * stores and after a restart.
 */
import request from 'supertest';
import { createApp } from '../../server/app';
import { MemoryStore } from '../../server/store/memory-store';
import type { ExecutionCompletedEvent } from '../../src/records/schema';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  tempDir,
  TOKEN,
  walkPages
} from './support/server';

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

const NOTEBOOK = 'projects/ünïcode report.ipynb';

/**
 * Three sessions of one notebook running cell "load" (and others), one
 * session of another notebook with a cell of the same id. Start times are
 * spread so that the newest-first order interleaves the sessions.
 */
function history() {
  const sessions = [0, 1, 2].map(i =>
    sessionEvent({
      notebookPath: NOTEBOOK,
      startedAt: `2026-03-0${i + 1}T09:00:00.000Z`
    })
  );
  const runs: ExecutionCompletedEvent[] = [];
  const at = (day: number, minute: number, micros = '') =>
    `2026-03-0${day}T10:${String(minute).padStart(2, '0')}:00.000${micros}Z`;
  sessions.forEach((s, i) => {
    for (let seq = 1; seq <= 9; seq++) {
      runs.push(
        executionEvent(s.session.id, seq, {
          notebookPath: NOTEBOOK,
          cellId: seq % 3 === 0 ? 'load' : `cell-${seq}`,
          startedAt: at(i + 1, seq)
        })
      );
    }
  });
  // Two runs of "load" a microsecond apart: the later one is newer.
  const close1 = executionEvent(sessions[2].session.id, 10, {
    notebookPath: NOTEBOOK,
    cellId: 'load',
    startedAt: at(3, 30, '001')
  });
  const close2 = executionEvent(sessions[2].session.id, 11, {
    notebookPath: NOTEBOOK,
    cellId: 'load',
    startedAt: at(3, 30, '002')
  });
  const other = sessionEvent({ notebookPath: 'other.ipynb' });
  const elsewhere = executionEvent(other.session.id, 1, {
    notebookPath: 'other.ipynb',
    cellId: 'load',
    startedAt: at(4, 0)
  });
  const noCell = executionEvent(sessions[0].session.id, 20, {
    notebookPath: NOTEBOOK,
    cellId: null
  });
  const loads = [
    ...runs.filter(r => r.execution.cellId === 'load'),
    close1,
    close2
  ];
  return {
    events: [...sessions, other, ...runs, close2, close1, elsewhere, noCell],
    loads,
    newestFirst: [...loads]
      .sort((a, b) => (a.execution.startedAt < b.execution.startedAt ? 1 : -1))
      .map(r => r.execution.id),
    elsewhere,
    noCell
  };
}

function walk(h: Harness, query: string, limit: number) {
  return walkPages(p => h.get(p), `/cells/executions?${query}`, limit, 50);
}

const cellQuery = (notebook: string, cellId: string) =>
  `notebook=${encodeURIComponent(notebook)}&cellId=${encodeURIComponent(cellId)}`;

describe.each([
  ['file store', async (): Promise<Harness> => openFileApp()],
  ['memory store', memoryHarness]
])('%s', (_name, make) => {
  let h: Harness;
  const data = history();

  beforeAll(async () => {
    h = await make();
    // Arrival order is not start order: shuffle across several batches.
    const shuffled = [...data.events].sort(() => Math.random() - 0.5);
    const sessionsFirst = [
      ...shuffled.filter(e => e.kind === 'session.started'),
      ...shuffled.filter(e => e.kind !== 'session.started')
    ];
    for (let i = 0; i < sessionsFirst.length; i += 7) {
      await h
        .post('/events', { events: sessionsFirst.slice(i, i + 7) })
        .expect(200);
    }
  });

  afterAll(() => h.close());

  it('pages a cell’s executions across sessions, newest first', async () => {
    const pages = await walk(h, cellQuery(NOTEBOOK, 'load'), 2);
    expect(pages.map(p => p.length)).toEqual([2, 2, 2, 2, 2, 1]);
    const items = pages.flat();
    expect(items.map(x => x.id)).toEqual(data.newestFirst);
    expect(new Set(items.map(x => x.sessionId)).size).toBe(3);
    expect(items[0]).not.toHaveProperty('outputs');
    expect(items[0].outputCount).toBe(2);
  });

  it('tells notebooks apart and answers an empty page for unknown cells', async () => {
    const other = await h
      .get(`/cells/executions?${cellQuery('other.ipynb', 'load')}`)
      .expect(200);
    expect(other.body.items.map((x: any) => x.id)).toEqual([
      data.elsewhere.execution.id
    ]);
    const none = await h
      .get(`/cells/executions?${cellQuery(NOTEBOOK, 'nope')}`)
      .expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('answers the previous run of the same cell, in any session', async () => {
    const ids = data.newestFirst;
    for (let i = 0; i < ids.length; i++) {
      const res = await h.get(`/executions/${ids[i]}/previous`).expect(200);
      expect(res.body.execution?.id ?? null).toBe(ids[i + 1] ?? null);
    }
    const first = await h
      .get(`/executions/${data.elsewhere.execution.id}/previous`)
      .expect(200);
    expect(first.body).toEqual({ execution: null });
    const noCell = await h
      .get(`/executions/${data.noCell.execution.id}/previous`)
      .expect(200);
    expect(noCell.body).toEqual({ execution: null });
  });

  it('includes the merged capture in the previous run', async () => {
    const [newest, previous] = data.newestFirst;
    const previousRun = data.loads.find(l => l.execution.id === previous)!;
    const hash = annotationEvent(previousRun.execution, {
      files: [
        {
          path: 'data.csv',
          access: 'read',
          kind: 'file',
          sha256: 'c'.repeat(64)
        }
      ]
    });
    await h.post('/events', { events: [hash] }).expect(200);
    const res = await h.get(`/executions/${newest}/previous`).expect(200);
    expect(res.body.execution.capture.files[0].sha256).toBe('c'.repeat(64));
  });

  it.each([
    ['cellId=load', '/query/notebook', /required/],
    [`notebook=${encodeURIComponent(NOTEBOOK)}`, '/query/cellId', /required/],
    [`${cellQuery(NOTEBOOK, 'load')}&limit=0`, '/query/limit', /integer/],
    [`${cellQuery(NOTEBOOK, 'load')}&cursor=bad`, '/query/cursor', /cursor/],
    [
      `${cellQuery(NOTEBOOK, 'load')}&cursor=${Buffer.from('["x",1,"a"]').toString('base64url')}`,
      '/query/cursor',
      /this listing/
    ]
  ])('answers 400 to %s', async (query, path, message) => {
    const res = await h.get(`/cells/executions?${query}`).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details[0].path).toBe(path);
    expect(res.body.error.details[0].message).toMatch(message);
  });

  it('refuses a cursor of another cell', async () => {
    const first = await h
      .get(`/cells/executions?${cellQuery(NOTEBOOK, 'load')}&limit=1`)
      .expect(200);
    const res = await h
      .get(
        `/cells/executions?${cellQuery('other.ipynb', 'load')}&cursor=${first.body.nextCursor}`
      )
      .expect(400);
    expect(res.body.error.details[0].path).toBe('/query/cursor');
  });

  it('answers 404 for an unknown execution and 400 for a malformed id', async () => {
    const missing = await h.get('/executions/exe-missing-0001/previous');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    for (const path of [
      '/executions/bad!/previous',
      '/executions/short',
      '/sessions/x',
      '/sessions/has.dot.in.it/executions'
    ]) {
      const res = await h.get(path).expect(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe('/params/id');
    }
  });
});

describe('after a restart', () => {
  it('keeps each execution’s own notebook path (a notebook renamed in a session)', async () => {
    const dir = await tempDir();
    const session = sessionEvent({ notebookPath: 'draft.ipynb' });
    const sid = session.session.id;
    const before = executionEvent(sid, 1, {
      notebookPath: 'draft.ipynb',
      cellId: 'c1'
    });
    const after = executionEvent(sid, 2, {
      notebookPath: 'final.ipynb',
      cellId: 'c1'
    });
    const a = await openFileApp(dir);
    await a.post('/events', { events: [session] }).expect(200);
    await a.post('/events', { events: [before, after] }).expect(200);
    await a.close();
    const b = await openFileApp(dir);
    for (const [notebook, e] of [
      ['draft.ipynb', before],
      ['final.ipynb', after]
    ] as const) {
      const page = await b
        .get(`/cells/executions?${cellQuery(notebook, 'c1')}`)
        .expect(200);
      expect(page.body.items.map((x: any) => x.id)).toEqual([e.execution.id]);
    }
    await b.close();
  });

  it('rebuilds the cell history from the log', async () => {
    const dir = await tempDir();
    const data = history();
    const a = await openFileApp(dir);
    await a.post('/events', { events: data.events }).expect(200);
    await a.close();
    const b = await openFileApp(dir);
    const items = (await walk(b, cellQuery(NOTEBOOK, 'load'), 4)).flat();
    expect(items.map(x => x.id)).toEqual(data.newestFirst);
    const prev = await b
      .get(`/executions/${data.newestFirst[0]}/previous`)
      .expect(200);
    expect(prev.body.execution.id).toBe(data.newestFirst[1]);
    await b.close();
  });
});

/**
 * The team endpoints of TrailClient (people, notebooks, visibility, search,
 * changes) against a loopback server, and the ChangeFeed that long-polls
 * /changes.
 */
import * as http from 'http';
import {
  ChangeFeed,
  TrailClient,
  TrailNetworkError,
  TrailResponseError
} from '../../src/client';
import type {
  ChangesQuery,
  HistoryChange,
  HistoryChanges,
  RequestOptions
} from '../../src/client';
import { MiniTrail, SeenRequest, sendJson } from './client/mini-trail';
import { waitFor } from './ui-wait';

const TOKEN = 'team-token';
const ALICE = { id: 'u-alice', name: 'alice', displayName: 'Alice A.' };

let server: MiniTrail;
let client: TrailClient;

function route(
  method: string,
  path: string,
  reply: (req: SeenRequest, res: http.ServerResponse) => void
) {
  server.routes.push((req, res) => {
    if (req.method !== method || req.url.split('?')[0] !== path) {
      return false;
    }
    reply(req, res);
  });
}

function execution(id: string) {
  return {
    id,
    sessionId: 'ses-0001',
    seq: 1,
    notebookPath: 'a.ipynb',
    cellId: 'c1',
    code: 'print("needle")',
    executionCount: 1,
    status: 'ok',
    startedAt: '2026-11-20T10:00:00.000Z',
    endedAt: '2026-11-20T10:00:01.000Z',
    durationMs: 1000,
    timing: 'kernel',
    outputCount: 0,
    outputTypes: []
  };
}

beforeEach(async () => {
  server = await MiniTrail.start({ token: TOKEN });
  client = new TrailClient({ baseUrl: server.url, token: TOKEN });
});

afterEach(async () => {
  await server.close();
});

describe('team endpoints', () => {
  it('reads who I am, the people and one person’s notebooks', async () => {
    route('GET', '/api/v1/me', (_, res) =>
      sendJson(res, 200, { ...ALICE, role: 'member' })
    );
    route('GET', '/api/v1/users', (_, res) =>
      sendJson(res, 200, {
        items: [{ ...ALICE, role: 'member', sessionCount: 3 }]
      })
    );
    route('GET', '/api/v1/notebooks', (_, res) =>
      sendJson(res, 200, {
        items: [
          {
            notebookPath: 'work/a.ipynb',
            author: ALICE,
            sessionCount: 2,
            executionCount: 9,
            lastExecutionAt: null
          }
        ],
        nextCursor: 'n2'
      })
    );
    expect((await client.getMe()).id).toBe('u-alice');
    expect((await client.listUsers())[0].sessionCount).toBe(3);
    const page = await client.listNotebooks({
      author: 'u-alice',
      limit: 20,
      cursor: 'c'
    });
    expect(page.items[0].notebookPath).toBe('work/a.ipynb');
    expect(server.requests.map(r => r.url)).toEqual([
      '/api/v1/me',
      '/api/v1/users',
      '/api/v1/notebooks?author=u-alice&limit=20&cursor=c'
    ]);
  });

  it('filters sessions by author and changes visibility', async () => {
    route('GET', '/api/v1/sessions', (_, res) =>
      sendJson(res, 200, { items: [], nextCursor: null })
    );
    route('PATCH', '/api/v1/sessions/s%2F1', (req, res) =>
      // The id asked for needs encoding; a stored one matches the id pattern.
      sendJson(res, 200, {
        id: 'ses-0001',
        notebookPath: 'a.ipynb',
        startedAt: '2026-11-20T10:00:00.000Z',
        kernel: null,
        executionCount: 0,
        lastExecutionAt: null,
        author: ALICE,
        visibility: JSON.parse(req.body).visibility
      })
    );
    route('PUT', '/api/v1/notebooks/visibility', (req, res) =>
      sendJson(res, 200, { ...JSON.parse(req.body), sessions: 4 })
    );
    await client.listSessions({ author: 'u-alice', notebook: 'a b.ipynb' });
    expect(server.requests[0].url).toBe(
      '/api/v1/sessions?notebook=a+b.ipynb&author=u-alice'
    );
    const session = await client.setSessionVisibility('s/1', 'private');
    expect(session.visibility).toBe('private');
    expect(JSON.parse(server.requests[1].body)).toEqual({
      visibility: 'private'
    });
    expect(server.requests[1].headers['content-type']).toBe('application/json');
    const result = await client.setNotebookVisibility('a.ipynb', 'team');
    expect(result).toEqual({
      notebookPath: 'a.ipynb',
      visibility: 'team',
      sessions: 4
    });
  });

  it('searches with every filter and checks the snippet shape', async () => {
    route('GET', '/api/v1/search', (_, res) =>
      sendJson(res, 200, {
        items: [
          {
            execution: execution('exe-0001'),
            author: ALICE,
            snippet: {
              field: 'code',
              text: 'print("needle")',
              matches: [[7, 13]]
            }
          }
        ],
        nextCursor: null,
        truncated: false
      })
    );
    const page = await client.search({
      q: '"the needle" hay',
      author: 'u-alice',
      notebook: 'a.ipynb',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      limit: 10
    });
    expect(page.items[0].snippet.matches).toEqual([[7, 13]]);
    const url = new URL(`http://x${server.requests[0].url}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: '"the needle" hay',
      author: 'u-alice',
      notebook: 'a.ipynb',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      limit: '10'
    });
  });

  it('rejects a search answer whose snippet is not well formed', async () => {
    route('GET', '/api/v1/search', (_, res) =>
      sendJson(res, 200, {
        items: [
          {
            execution: execution('exe-0001'),
            author: ALICE,
            snippet: { field: 'code', text: 'x', matches: [['a']] }
          }
        ],
        nextCursor: null,
        truncated: false
      })
    );
    await expect(client.search({ q: 'x' })).rejects.toMatchObject({
      code: 'invalid_response'
    });
  });

  it('long-polls changes beyond the client timeout and can be aborted', async () => {
    const quick = new TrailClient({
      baseUrl: server.url,
      token: TOKEN,
      timeoutMs: 200
    });
    route('GET', '/api/v1/changes', (req, res) => {
      const wait = Number(
        new URL(`http://x${req.url}`).searchParams.get('wait')
      );
      setTimeout(
        () => sendJson(res, 200, { cursor: 'c2', changes: [] }),
        Math.min(wait, 400)
      );
    });
    // The request may take `wait` ms longer than the client's timeout.
    const answer = await quick.getChanges({ after: 'c1', wait: 400 });
    expect(answer.cursor).toBe('c2');
    expect(server.requests[0].url).toBe('/api/v1/changes?after=c1&wait=400');

    const controller = new AbortController();
    const pending = quick.getChanges(
      { after: 'c2', wait: 400 },
      { signal: controller.signal }
    );
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(TrailNetworkError);
  });
});

/** A scripted change source: each call takes the next answer. */
class ScriptedSource {
  readonly queries: ChangesQuery[] = [];
  readonly answers: (
    HistoryChanges | Error | ((signal?: AbortSignal) => Promise<HistoryChanges>)
  )[] = [];

  async getChanges(
    query: ChangesQuery,
    options: RequestOptions = {}
  ): Promise<HistoryChanges> {
    this.queries.push(query);
    const next = this.answers.shift();
    if (next === undefined) {
      // Hold like the server until aborted.
      return new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () =>
          reject(new TrailNetworkError('aborted'))
        )
      );
    }
    if (next instanceof Error) {
      throw next;
    }
    return typeof next === 'function' ? next(options.signal) : next;
  }
}

function change(executionId: string): HistoryChange {
  return {
    kind: 'execution',
    sessionId: 's1',
    executionId,
    notebookPath: 'a.ipynb',
    author: ALICE
  };
}

const tick = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

describe('ChangeFeed', () => {
  it('starts at the current cursor, then emits each batch of changes', async () => {
    const source = new ScriptedSource();
    source.answers.push(
      { cursor: 'c0', changes: [] },
      { cursor: 'c1', changes: [change('e1'), change('e2')] },
      { cursor: 'c2', changes: [change('e3')] }
    );
    const feed = new ChangeFeed({ source, waitMs: 5000 });
    const seen: string[][] = [];
    feed.changed.connect((_, changes) =>
      seen.push(changes.map(c => c.executionId!))
    );
    void feed.start();
    await waitFor(() => source.queries.length === 4);
    expect(seen).toEqual([['e1', 'e2'], ['e3']]);
    expect(source.queries).toEqual([
      {},
      { after: 'c0', wait: 5000 },
      { after: 'c1', wait: 5000 },
      { after: 'c2', wait: 5000 }
    ]);
    expect(feed.cursor).toBe('c2');
    feed.dispose();
    expect(feed.running).toBe(false);
  });

  it('backs off after failures, exponentially, and recovers', async () => {
    const source = new ScriptedSource();
    source.answers.push(
      new TrailNetworkError('down'),
      new TrailNetworkError('down'),
      new TrailResponseError(503, 'http_503', 'busy'),
      { cursor: 'c0', changes: [] }
    );
    const feed = new ChangeFeed({ source, minRetryMs: 20, maxRetryMs: 50 });
    const errors: (string | null)[] = [];
    feed.errorChanged.connect((_, error) =>
      errors.push(error?.message ?? null)
    );
    const started = Date.now();
    void feed.start();
    await waitFor(() => source.queries.length === 5);
    // 20 + 40 + 50 (capped) ms of delays before the fourth request.
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(errors).toEqual(['down', 'down', 'busy', null]);
    expect(feed.error).toBeNull();
    feed.dispose();
  });

  it('does not spin on a server that answers empty at once', async () => {
    const source = new ScriptedSource();
    source.answers.push({ cursor: 'c0', changes: [] });
    for (let i = 0; i < 50; i++) {
      source.answers.push({ cursor: 'c0', changes: [] });
    }
    const feed = new ChangeFeed({ source, minRetryMs: 40 });
    void feed.start();
    await tick(100);
    expect(source.queries.length).toBeLessThanOrEqual(5);
    feed.dispose();
  });

  it('aborts the request in flight on stop and resumes from its cursor', async () => {
    const source = new ScriptedSource();
    let aborted = false;
    source.answers.push(
      { cursor: 'c0', changes: [] },
      signal =>
        new Promise((_, reject) =>
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new TrailNetworkError('aborted'));
          })
        )
    );
    const feed = new ChangeFeed({ source });
    const seen: HistoryChange[] = [];
    feed.changed.connect((_, changes) => seen.push(...changes));
    void feed.start();
    await waitFor(() => source.queries.length === 2);
    feed.stop();
    await waitFor(() => aborted);
    expect(feed.error).toBeNull();

    source.answers.push({ cursor: 'c1', changes: [change('while-away')] });
    void feed.start();
    await waitFor(() => seen.length === 1);
    expect(source.queries[2]).toEqual({ after: 'c0', wait: 20000 });
    expect(seen.map(c => c.executionId)).toEqual(['while-away']);
    feed.dispose();
  });
});

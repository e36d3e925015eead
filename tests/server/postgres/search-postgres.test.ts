/**
 * GET /search on PostgreSQL (PgSearch), through two servers on one
 * database: substrings of code and output text (case-insensitive, every
 * term, quoted phrases, LIKE's own characters taken literally), newest
 * first, the filters, paging with cursors that open on either server and
 * only for whom they were made, and never a hit the caller may not read,
 * not even as a page that says more exists. And the trigram index of
 * migration 004 is the one the query's text expression can use.
 */
import request from 'supertest';
import {
  SEARCH_TEXT,
  WORDS_VECTOR
} from '../../../server/store/postgres/pg-search';
import { executionEvent, sessionEvent } from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';
import { addMember, openServer, type TestServer } from './feed-servers';

jest.setTimeout(60_000);

let url: string;
let a: TestServer;
let b: TestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

const get = (server: TestServer, token: string, path: string) =>
  request(server.app)
    .get(`/api/v1${path}`)
    .set('Authorization', `Bearer ${token}`);

const post = (server: TestServer, token: string, events: unknown[]) =>
  request(server.app)
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${token}`)
    .send({ events })
    .expect(200);

/** The execution ids of a search's hits. */
const ids = (res: request.Response): string[] =>
  res.body.items.map((h: any) => h.execution.id);

const train = sessionEvent({
  notebookPath: 'models/Train.ipynb',
  startedAt: '2026-04-01T09:00:00.000Z'
});
const trainFit = executionEvent(train.session.id, 1, {
  notebookPath: 'models/Train.ipynb',
  code: 'df = pd.read_csv("Iris.csv")\nmodel.fit(df, lr=0.01)',
  startedAt: '2026-04-01T09:01:00.000Z',
  endedAt: '2026-04-01T09:01:01.000Z'
});
const trainScore = executionEvent(train.session.id, 2, {
  notebookPath: 'models/Train.ipynb',
  code: 'print(f"{score:.0%}")',
  outputs: [{ output_type: 'stream', name: 'stdout', text: 'accuracy 100%\n' }],
  startedAt: '2026-04-02T09:01:00.000Z',
  endedAt: '2026-04-02T09:01:01.000Z'
});
const eda = sessionEvent({
  notebookPath: 'eda/explore.ipynb',
  startedAt: '2026-05-01T09:00:00.000Z'
});
const edaSummary = executionEvent(eda.session.id, 1, {
  notebookPath: 'eda/explore.ipynb',
  code: 'print(summary)',
  outputs: [
    { output_type: 'stream', name: 'stdout', text: 'rows READ_CSV: 150\n' }
  ],
  startedAt: '2026-05-01T09:01:00.000Z',
  endedAt: '2026-05-01T09:01:01.000Z'
});
const secret = sessionEvent({
  notebookPath: 'bob/secret.ipynb',
  visibility: 'private',
  startedAt: '2026-05-02T09:00:00.000Z'
});
const secretRead = executionEvent(secret.session.id, 1, {
  notebookPath: 'bob/secret.ipynb',
  code: 'pd.read_csv("salaries.csv")',
  startedAt: '2026-05-02T09:01:00.000Z',
  endedAt: '2026-05-02T09:01:01.000Z'
});

afterAll(stopStarted);

/**
 * The plan of a newest-first page of the executions `where` matches, with
 * scans forbidden (with a table this small they are cheaper): which index
 * can answer it.
 */
async function planOf(where: string): Promise<string> {
  const client = await a.db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_indexscan = off');
    const { rows } = await client.query(
      `EXPLAIN SELECT e.n FROM trail_executions e
       WHERE ${where} ORDER BY e.n DESC LIMIT 10`
    );
    return rows.map(r => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe.each([
  ['by the trigram index', {}],
  // As a search does when the index is slow for a query: in steps of two.
  ['by the newest-first scan', { indexedMs: 0, scanStep: 2 }]
])('GET /search on PostgreSQL, %s', (_how, options) => {
  beforeAll(async () => {
    url = await testDatabase();
    a = await openServer(url, options);
    b = await openServer(url, options);
    alice = await addMember(a, 'alice');
    bob = await addMember(a, 'bob');
    // Stored in this order through both servers: newest is bob's secret.
    await post(a, alice.token, [train, trainFit, trainScore]);
    await post(b, bob.token, [eda, edaSummary]);
    await post(a, bob.token, [secret, secretRead]);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('finds substrings of code and output, any case, newest first, on either server', async () => {
    for (const server of [a, b]) {
      const res = await get(server, alice.token, '/search?q=READ_csv(').expect(
        200
      );
      expect(ids(res)).toEqual([trainFit.execution.id]);
      const both = await get(server, alice.token, '/search?q=read_csv');
      expect(ids(both)).toEqual([
        edaSummary.execution.id,
        trainFit.execution.id
      ]);
      expect(both.body.truncated).toBe(false);
      const [output, code] = both.body.items;
      expect(output.snippet.field).toBe('output');
      expect(output.author.name).toBe('bob');
      expect(code.snippet.field).toBe('code');
      const [start, end] = code.snippet.matches[0];
      expect(code.snippet.text.slice(start, end)).toBe('read_csv');
    }
  });

  it('needs every term, takes quoted phrases whole and short terms too', async () => {
    const every = await get(a, alice.token, '/search?q=read_csv%20lr=0.');
    expect(ids(every)).toEqual([trainFit.execution.id]);
    const phrase = await get(a, alice.token, '/search?q="model.fit(df,"');
    expect(ids(phrase)).toEqual([trainFit.execution.id]);
    const none = await get(a, alice.token, '/search?q="fit%20model"');
    expect(ids(none)).toEqual([]);
    const short = await get(a, alice.token, '/search?q=lr');
    expect(ids(short)).toEqual([trainFit.execution.id]);
  });

  it("takes LIKE's own characters literally", async () => {
    const percent = await get(a, alice.token, '/search?q=100%25');
    expect(ids(percent)).toEqual([trainScore.execution.id]);
    const underscore = await get(a, alice.token, '/search?q=d_c');
    expect(ids(underscore)).toEqual([
      edaSummary.execution.id,
      trainFit.execution.id
    ]);
    // "_" is no wildcard: "read_csv" has no "readxcsv".
    expect(ids(await get(a, alice.token, '/search?q=d%5Cc'))).toEqual([]);
    expect(ids(await get(a, alice.token, '/search?q=ad%25cs'))).toEqual([]);
  });

  it('filters by person, notebook and dates', async () => {
    const byAlice = await get(
      b,
      bob.token,
      `/search?q=read_csv&author=${alice.id}`
    );
    expect(ids(byAlice)).toEqual([trainFit.execution.id]);
    const inModels = await get(
      b,
      bob.token,
      '/search?q=read_csv&notebook=train'
    );
    expect(ids(inModels)).toEqual([trainFit.execution.id]);
    const april = await get(
      b,
      bob.token,
      '/search?q=read_csv&from=2026-04-01T09:01:00Z&to=2026-04-30T00:00:00Z'
    );
    expect(ids(april)).toEqual([trainFit.execution.id]);
    // `to` takes the very millisecond a hit started.
    const upTo = await get(
      b,
      bob.token,
      '/search?q=read_csv&to=2026-05-01T09:01:00.000Z'
    );
    expect(ids(upTo)).toEqual([edaSummary.execution.id, trainFit.execution.id]);
  });

  it("never shows bob's private work to alice, and bob his own", async () => {
    const hers = await get(a, alice.token, '/search?q=salaries');
    expect(ids(hers)).toEqual([]);
    const his = await get(b, bob.token, '/search?q=salaries');
    expect(ids(his)).toEqual([secretRead.execution.id]);
    // A page of one: the newest hit alice may read, and no next page when
    // only bob's private one is older.
    const first = await get(b, alice.token, '/search?q=pd.read&limit=1');
    expect(ids(first)).toEqual([trainFit.execution.id]);
    expect(first.body.nextCursor).toBeNull();
    const bobs = await get(b, bob.token, '/search?q=pd.read&limit=1');
    expect(ids(bobs)).toEqual([secretRead.execution.id]);
    expect(bobs.body.nextCursor).not.toBeNull();
    // Once shown to the team, it is found.
    await request(a.app)
      .patch(`/api/v1/sessions/${secret.session.id}`)
      .set('Authorization', `Bearer ${bob.token}`)
      .send({ visibility: 'team' })
      .expect(200);
    const shown = await get(b, alice.token, '/search?q=salaries');
    expect(ids(shown)).toEqual([secretRead.execution.id]);
    await request(b.app)
      .patch(`/api/v1/sessions/${secret.session.id}`)
      .set('Authorization', `Bearer ${bob.token}`)
      .send({ visibility: 'private' })
      .expect(200);
    expect(ids(await get(a, alice.token, '/search?q=salaries'))).toEqual([]);
  });

  it('pages with cursors that open on the other server, only for their holder', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let server = a;
    do {
      const res: request.Response = await get(
        server,
        bob.token,
        `/search?q=s&limit=1${cursor ? `&cursor=${cursor}` : ''}`
      ).expect(200);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      server = server === a ? b : a;
    } while (cursor);
    expect(seen).toEqual([
      secretRead.execution.id,
      edaSummary.execution.id,
      trainScore.execution.id,
      trainFit.execution.id
    ]);
    const first = await get(a, bob.token, '/search?q=s&limit=1');
    await get(
      b,
      alice.token,
      `/search?q=s&limit=1&cursor=${first.body.nextCursor}`
    ).expect(400);
    await get(b, bob.token, '/search?q=s&cursor=abc').expect(400);
  });

  it('answers 400 for a missing query or a bad date', async () => {
    await get(a, alice.token, '/search').expect(400);
    await get(a, alice.token, '/search?q=%20%20').expect(400);
    await get(a, alice.token, '/search?q=x&from=yesterday').expect(400);
  });

  it('can answer substring terms from the trigram index', async () => {
    expect(await planOf(`${SEARCH_TEXT} LIKE '%read_csv%'`)).toContain(
      'trail_executions_search_text'
    );
  });

  it('matches by words with its text search: stems, phrases, privacy, on either server', async () => {
    // "fitting" is "fit" (model.fit); no substring search finds it.
    const fitting = await get(b, alice.token, '/search?match=words&q=Fitting');
    expect(ids(fitting)).toEqual([trainFit.execution.id]);
    expect(ids(await get(a, alice.token, '/search?q=fitting'))).toEqual([]);
    // read_csv is the words read, csv: bob sees his private one too.
    const forBob = await get(a, bob.token, '/search?match=words&q=read_csv');
    expect(ids(forBob)).toEqual([
      secretRead.execution.id,
      edaSummary.execution.id,
      trainFit.execution.id
    ]);
    const forAlice = await get(
      b,
      alice.token,
      '/search?match=words&q=%22pd%20reading%22&limit=1'
    );
    expect(forAlice.body).toEqual({
      items: [expect.objectContaining({ author: expect.anything() })],
      nextCursor: null,
      truncated: false
    });
    expect(ids(forAlice)).toEqual([trainFit.execution.id]);
    // A cursor of one server opens on the other.
    const first = await get(
      a,
      alice.token,
      '/search?match=words&q=csv&limit=1'
    ).expect(200);
    const second = await get(
      b,
      alice.token,
      `/search?match=words&q=csv&limit=1&cursor=${first.body.nextCursor}`
    ).expect(200);
    expect([...ids(first), ...ids(second)]).toEqual([
      edaSummary.execution.id,
      trainFit.execution.id
    ]);
  });

  it('can answer words from the text search index of migration 005', async () => {
    expect(
      await planOf(
        `${WORDS_VECTOR} @@ phraseto_tsquery('trail_words', 'fitting')`
      )
    ).toContain('trail_executions_words');
  });

  it('says truncated when the time is up before the oldest history', async () => {
    const hurried = await openServer(url, { indexedMs: 0, budgetMs: 0 });
    try {
      const res = await get(hurried, bob.token, '/search?q=read_csv');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [],
        nextCursor: null,
        truncated: true
      });
    } finally {
      await hurried.close();
    }
  });
});

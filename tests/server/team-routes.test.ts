/**
 * The team routes on a real data folder: the change feed's long poll,
 * search with its filters and snippets, and hostile ids and paths.
 */
import request from 'supertest';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs } from './support/server';
import {
  openTeamApp,
  type TeamApp,
  type TeamMemberFixture
} from './support/team';

let team: TeamApp;
let app: TeamApp['app'];
let alice: TeamMemberFixture;
let bob: TeamMemberFixture;

const get = (token: string, path: string) =>
  request(app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
const post = (token: string, body: unknown) =>
  request(app)
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);

beforeAll(async () => {
  team = await openTeamApp({ alice: {}, bob: {} });
  app = team.app;
  ({ alice, bob } = team.people);
});

afterAll(async () => {
  await team.close();
  await removeTempDirs();
});

describe('GET /changes', () => {
  it('gives a cursor at once, then holds a poll until a readable change arrives', async () => {
    const first = await get(bob.token, '/changes').expect(200);
    expect(first.body).toEqual({ cursor: expect.any(String), changes: [] });

    const session = sessionEvent({ notebookPath: 'live.ipynb' });
    const hidden = sessionEvent({
      notebookPath: 'hidden.ipynb',
      visibility: 'private'
    });
    const started = Date.now();
    const poll = get(
      bob.token,
      `/changes?after=${first.body.cursor}&wait=10000`
    ).then(res => res);
    await new Promise(r => setTimeout(r, 150));
    // Alice's private session alone does not wake Bob's poll.
    await post(alice.token, { events: [hidden] }).expect(200);
    await new Promise(r => setTimeout(r, 150));
    const x = executionEvent(session.session.id, 1, {
      notebookPath: 'live.ipynb'
    });
    await post(alice.token, { events: [session, x] }).expect(200);
    const res = await poll;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.changes).toEqual([
      {
        kind: 'session',
        sessionId: session.session.id,
        notebookPath: 'live.ipynb',
        author: { id: alice.id, name: 'alice', displayName: 'alice' }
      },
      {
        kind: 'execution',
        sessionId: session.session.id,
        executionId: x.execution.id,
        notebookPath: 'live.ipynb',
        author: { id: alice.id, name: 'alice', displayName: 'alice' }
      }
    ]);
    // Nothing new after that cursor: an immediate empty answer.
    const after = await get(bob.token, `/changes?after=${res.body.cursor}`);
    expect(after.body.changes).toEqual([]);
    // The author sees her private session in her own feed.
    const own = await get(alice.token, `/changes?after=${first.body.cursor}`);
    expect(own.body.changes.map((c: any) => c.notebookPath)).toContain(
      'hidden.ipynb'
    );
  });

  it('refuses a wait beyond 25 s and answers a foreign cursor with a fresh one', async () => {
    const bad = await get(bob.token, '/changes?wait=60000').expect(400);
    expect(bad.body.error.details[0].path).toBe('/query/wait');
    const foreign = await get(
      bob.token,
      '/changes?after=deadbeef.3&wait=10000'
    );
    expect(foreign.status).toBe(200);
    expect(foreign.body.changes).toEqual([]);
    expect(foreign.body.cursor).not.toBe('deadbeef.3');
  });
});

describe('GET /search', () => {
  beforeAll(async () => {
    const mine = sessionEvent({
      notebookPath: 'models/train.ipynb',
      startedAt: '2026-04-01T09:00:00.000Z'
    });
    const theirs = sessionEvent({
      notebookPath: 'eda/explore.ipynb',
      startedAt: '2026-05-01T09:00:00.000Z'
    });
    await post(alice.token, {
      events: [
        mine,
        executionEvent(mine.session.id, 1, {
          notebookPath: 'models/train.ipynb',
          code: 'df = pd.read_csv("Iris.csv")\nmodel.fit(df)',
          startedAt: '2026-04-01T09:01:00.000Z',
          endedAt: '2026-04-01T09:01:01.000Z'
        })
      ]
    }).expect(200);
    await post(bob.token, {
      events: [
        theirs,
        executionEvent(theirs.session.id, 1, {
          notebookPath: 'eda/explore.ipynb',
          code: 'print(summary)',
          outputs: [
            {
              output_type: 'stream',
              name: 'stdout',
              text: 'rows read_csv: 150\n'
            }
          ],
          startedAt: '2026-05-01T09:01:00.000Z',
          endedAt: '2026-05-01T09:01:01.000Z'
        })
      ]
    }).expect(200);
  });

  it('finds code and output text, newest first, with match offsets', async () => {
    const res = await get(bob.token, '/search?q=READ_CSV').expect(200);
    expect(res.body.items.map((h: any) => h.execution.notebookPath)).toEqual([
      'eda/explore.ipynb',
      'models/train.ipynb'
    ]);
    const [output, code] = res.body.items;
    expect(output.snippet.field).toBe('output');
    expect(code.snippet.field).toBe('code');
    const [start, end] = code.snippet.matches[0];
    expect(code.snippet.text.slice(start, end)).toBe('read_csv');
    expect(code.author.name).toBe('alice');
  });

  it('shows the output snippet when the output holds more of the query than the code', async () => {
    // "print" is in the code, "rows" and "150" in the output.
    const res = await get(bob.token, '/search?q=print%20rows%20150').expect(
      200
    );
    expect(res.body.items).toHaveLength(1);
    const { snippet } = res.body.items[0];
    expect(snippet.field).toBe('output');
    expect(snippet.text).toContain('rows read_csv: 150');
    // As much of the query in both: the code.
    const tie = await get(bob.token, '/search?q=print%20150').expect(200);
    expect(tie.body.items[0].snippet.field).toBe('code');
  });

  it('filters by person, notebook and dates, and needs every term', async () => {
    const byAlice = await get(
      bob.token,
      `/search?q=read_csv&author=${alice.id}`
    );
    expect(byAlice.body.items.map((h: any) => h.author.name)).toEqual([
      'alice'
    ]);
    const inEda = await get(bob.token, '/search?q=read_csv&notebook=EDA/');
    expect(inEda.body.items.map((h: any) => h.execution.notebookPath)).toEqual([
      'eda/explore.ipynb'
    ]);
    const april = await get(
      bob.token,
      '/search?q=read_csv&from=2026-04-01T00:00:00Z&to=2026-04-30T00:00:00Z'
    );
    expect(april.body.items).toHaveLength(1);
    const both = await get(bob.token, '/search?q=read_csv%20"model.fit"');
    expect(both.body.items).toHaveLength(1);
  });

  it('pages with a cursor', async () => {
    const first = await get(bob.token, '/search?q=read_csv&limit=1').expect(
      200
    );
    expect(first.body.items).toHaveLength(1);
    const second = await get(
      bob.token,
      `/search?q=read_csv&limit=1&cursor=${first.body.nextCursor}`
    ).expect(200);
    expect(second.body.items[0].execution.id).not.toBe(
      first.body.items[0].execution.id
    );
  });

  it('answers 400 for a missing query, a bad date or a bad cursor', async () => {
    await get(bob.token, '/search').expect(400);
    await get(bob.token, '/search?q=%20%20').expect(400);
    await get(bob.token, '/search?q=x&from=yesterday').expect(400);
    await get(bob.token, '/search?q=x&cursor=abc').expect(400);
  });
});

describe('GET /search?match=words', () => {
  let fit: string;
  let epochs: string;
  let hidden: string;
  beforeAll(async () => {
    const trainer = sessionEvent({
      notebookPath: 'words/trainer.ipynb',
      startedAt: '2026-06-01T09:00:00.000Z'
    });
    const fitX = executionEvent(trainer.session.id, 1, {
      notebookPath: 'words/trainer.ipynb',
      code: 'clf.fit(X_train, y_train)  # x86_64 box',
      outputs: [
        {
          output_type: 'stream',
          name: 'stdout',
          text: 'Training the classifier; Learning-Rate: 0.1\n'
        }
      ],
      startedAt: '2026-06-01T09:01:00.000Z',
      endedAt: '2026-06-01T09:01:01.000Z'
    });
    const epochsX = executionEvent(trainer.session.id, 2, {
      notebookPath: 'words/trainer.ipynb',
      code: '# retrained for more epochs: the rate of learning was too low',
      startedAt: '2026-06-01T09:02:00.000Z',
      endedAt: '2026-06-01T09:02:01.000Z'
    });
    fit = fitX.execution.id;
    epochs = epochsX.execution.id;
    await post(alice.token, { events: [trainer, fitX, epochsX] }).expect(200);
    const secret = sessionEvent({
      notebookPath: 'words/secret.ipynb',
      visibility: 'private',
      startedAt: '2026-06-02T09:00:00.000Z'
    });
    const secretX = executionEvent(secret.session.id, 1, {
      notebookPath: 'words/secret.ipynb',
      code: 'trained = fit_tokenizers(corpus)',
      startedAt: '2026-06-02T09:01:00.000Z',
      endedAt: '2026-06-02T09:01:01.000Z'
    });
    hidden = secretX.execution.id;
    await post(bob.token, { events: [secret, secretX] }).expect(200);
  });

  const hits = (res: request.Response): string[] =>
    res.body.items.map((h: any) => h.execution.id);

  it('finds the forms of a word, not the words that merely contain it', async () => {
    // "trains" is "train": finds "Training" and "train" (from X_train),
    // not "retrained" (another stem), which a substring search finds.
    const words = await get(alice.token, '/search?match=words&q=trains').expect(
      200
    );
    expect(hits(words)).toEqual([fit]);
    const [start, end] = words.body.items[0].snippet.matches[0];
    expect(
      words.body.items[0].snippet.text.slice(start, end).toLowerCase()
    ).toMatch(/^train/);
    const substring = await get(alice.token, '/search?q=train').expect(200);
    expect(hits(substring)).toEqual(expect.arrayContaining([fit, epochs]));
    // "fitting" is "fit": clf.fit.
    const fitting = await get(
      alice.token,
      '/search?match=words&q=FITTING&notebook=words%2F'
    );
    expect(hits(fitting)).toEqual([fit]);
    expect(fitting.body.items[0].snippet.field).toBe('code');
  });

  it('takes a quoted phrase as words in a row, and words with digits as written', async () => {
    // "Learning-Rate" is the words learning, rate; "rate of learning" is
    // not them in a row.
    const phrase = await get(
      alice.token,
      '/search?match=words&q=%22learning%20rates%22'
    ).expect(200);
    expect(hits(phrase)).toEqual([fit]);
    expect(phrase.body.items[0].snippet.field).toBe('output');
    const apart = await get(alice.token, '/search?match=words&q=rate%20learn');
    expect(hits(apart)).toEqual([epochs, fit]);
    const x86 = await get(alice.token, '/search?match=words&q=x86');
    expect(hits(x86)).toEqual([fit]);
    expect(hits(await get(alice.token, '/search?match=words&q=x8'))).toEqual(
      []
    );
  });

  it("never finds bob's private work for alice; bob finds it", async () => {
    const forAlice = await get(
      alice.token,
      '/search?match=words&q=tokenizer&limit=1'
    ).expect(200);
    expect(forAlice.body).toEqual({
      items: [],
      nextCursor: null,
      truncated: expect.any(Boolean)
    });
    const forBob = await get(bob.token, '/search?match=words&q=tokenizer');
    expect(hits(forBob)).toEqual([hidden]);
  });

  it('pages with a cursor', async () => {
    const first = await get(
      alice.token,
      '/search?match=words&q=learn&limit=1'
    ).expect(200);
    expect(hits(first)).toEqual([epochs]);
    const second = await get(
      alice.token,
      `/search?match=words&q=learn&limit=1&cursor=${first.body.nextCursor}`
    ).expect(200);
    expect(hits(second)).toEqual([fit]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 for an unknown match or a query without a word', async () => {
    const bad = await get(alice.token, '/search?q=x&match=fuzzy').expect(400);
    expect(bad.body.error.details[0].path).toBe('/query/match');
    const none = await get(
      alice.token,
      '/search?match=words&q=%2B%2B%20%22.%22'
    );
    expect(none.status).toBe(400);
    expect(none.body.error.details[0].path).toBe('/query/q');
    expect(none.body.error.message).toMatch(/no word/);
  });
});

describe('hostile ids and paths', () => {
  it.each([
    '/sessions/..%2F..%2Fetc%2Fpasswd',
    '/sessions/%2e%2e',
    "/executions/1'%20OR%20'1'='1",
    '/executions/%00abcdefgh',
    '/environments/..%2Fmeta.json',
    '/blobs/..%2F..%2Fusers.json',
    '/blobs/ABCDEF'
  ])('GET %s → 400', async path => {
    const res = await get(alice.token, path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it.each(['/blobs/../users.json', '/sessions/../../users.json'])(
    'GET %s never serves a file',
    async path => {
      const res = await get(alice.token, path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toContain('sha256');
    }
  );
});

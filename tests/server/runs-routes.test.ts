/**
 * The runs API (#16) through a real server process with two people: a
 * filter, a sort over mixed-type params and metrics with missing values,
 * paging with the sealed cursor and total, columns, one run and its
 * metric series, the names; alice's private run invisible to bob in every
 * answer (items, total, names, cursor, metrics, GET /runs/:id) with the
 * body of an unknown id; and each bad parameter a 400 naming it.
 */
import type { RunSummary } from '../../src/client/api-schema';
import { TrailClient } from '../../src/client/client';
import { TrailResponseError } from '../../src/client/errors';
import type { ExecutionCapture } from '../../src/records/schema';
import { buildServer } from './support/process';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import { removeTempDirs } from './support/server';
import {
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;

const at = (minute: number) =>
  new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();

function runEvents(
  session: Parameters<typeof sessionEvent>[0],
  captures: ExecutionCapture[]
) {
  const s = sessionEvent(session);
  const xs = captures.map((capture, i) =>
    executionEvent(s.session.id, i + 1, {
      notebookPath: s.session.notebookPath,
      capture
    })
  );
  return { id: s.session.id, events: [s, ...xs], xs };
}

const metric = (name: string, value: number | null, step?: number) => ({
  name,
  value,
  at: at(0),
  ...(step === undefined ? {} : { step })
});

/** Alice's team runs: model and accuracy vary, some miss one. */
const team1 = runEvents({ notebookPath: 'train.ipynb', startedAt: at(1) }, [
  {
    params: { model: 'rf', lr: 0.1 },
    metrics: [metric('accuracy', 0.7, 1), metric('accuracy', 0.91, 2)],
    tags: ['baseline']
  }
]);
const team2 = runEvents({ notebookPath: 'train.ipynb', startedAt: at(2) }, [
  { params: { model: 'svm', lr: '0.01' }, metrics: [metric('accuracy', 0.85)] }
]);
const team3 = runEvents({ notebookPath: 'eval.ipynb', startedAt: at(3) }, [
  { params: { model: 'rf' }, tags: ['baseline'] }
]);
/** Alice's private run: the best accuracy, a name nobody else logs. */
const secret = runEvents(
  { notebookPath: 'train.ipynb', startedAt: at(4), visibility: 'private' },
  [
    {
      params: { model: 'rf', secretParam: 1 },
      metrics: [metric('accuracy', 0.99), metric('secretMetric', 1)],
      tags: ['hidden-tag']
    }
  ]
);
/** Bob's run, with a long series and a late param. */
const bobs = runEvents({ notebookPath: 'train.ipynb', startedAt: at(5) }, [
  {
    params: { model: 'gbm', lr: 0.05 },
    metrics: [
      ...Array.from({ length: 12_000 }, (_, i) =>
        metric('loss', 1 / (i + 1), i)
      ),
      metric('accuracy', 0.88)
    ]
  },
  { metrics: [metric('accuracy', 0.93)] }
]);

const get = (who: ProcessMember, path: string) =>
  team.call(who.token, 'GET', path);
const send = (who: ProcessMember, events: unknown[]) =>
  team.call(who.token, 'POST', '/events', { events });
const q = (params: Record<string, string>) =>
  new URLSearchParams(params).toString();

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess({ alice: 'member', bob: 'member' });
  ({ alice, bob } = team.people);
  for (const r of [team1, team2, team3, secret]) {
    expect((await send(alice, r.events)).status).toBe(200);
  }
  expect((await send(bob, bobs.events)).status).toBe(200);
  expect(
    (
      await send(bob, [
        annotationEvent(bobs.xs[0].execution, { params: { seed: 42 } })
      ])
    ).status
  ).toBe(200);
}, 60_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

describe('GET /runs', () => {
  it('filters and sorts, alice sees her private run and bob does not', async () => {
    const filter = 'metrics.accuracy > 0.8 and params.model in ["rf", "gbm"]';
    const mine = await get(
      alice,
      `/runs?${q({ filter, sort: '-metrics.accuracy' })}`
    );
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: RunSummary) => r.id)).toEqual([
      secret.id,
      bobs.id,
      team1.id
    ]);
    expect(mine.body.total).toBe(3);
    const his = await get(
      bob,
      `/runs?${q({ filter, sort: '-metrics.accuracy' })}`
    );
    expect(his.body.items.map((r: RunSummary) => r.id)).toEqual([
      bobs.id,
      team1.id
    ]);
    expect(his.body.total).toBe(2);
    expect(his.body.items[0]).toMatchObject({
      author: { name: 'bob' },
      visibility: 'team',
      kind: 'notebook',
      params: { model: 'gbm', lr: 0.05, seed: 42 },
      metrics: { accuracy: { last: 0.93, min: 0.88, max: 0.93, count: 2 } },
      status: 'ok',
      executionCount: 2
    });
  });

  it('sorts mixed-type params with missing ones last and pages with a sealed cursor', async () => {
    // lr: 0.1, "0.01" (a string), missing, 0.05; numbers first, then strings.
    const pages: string[][] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await get(
        bob,
        `/runs?${q({ sort: 'params.lr', limit: '1', ...(cursor ? { cursor } : {}) })}`
      );
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((r: RunSummary) => r.id));
      totals.push(res.body.total);
      cursor = res.body.next;
      if (cursor) {
        // Sealed: no run id in clear, even base64-decoded.
        const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
        for (const r of [team1, team2, team3, secret, bobs]) {
          expect(cursor).not.toContain(r.id);
          expect(decoded).not.toContain(r.id);
        }
      }
    } while (cursor && pages.length < 10);
    expect(pages.flat()).toEqual([bobs.id, team1.id, team2.id, team3.id]);
    expect(totals).toEqual([4, 4, 4, 4]);
    // Alice's last page of the same query has her private run in it: its
    // cursor does not open for bob.
    const first = await get(
      alice,
      `/runs?${q({ sort: 'params.lr', limit: '1' })}`
    );
    const stolen = await get(
      bob,
      `/runs?${q({ sort: 'params.lr', limit: '1', cursor: first.body.next })}`
    );
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details).toEqual([
      { path: '/query/cursor', message: 'is not a cursor of this listing' }
    ]);
    // Nor for another sort.
    const mine = await get(
      bob,
      `/runs?${q({ sort: 'params.lr', limit: '1' })}`
    );
    const resorted = await get(
      bob,
      `/runs?${q({ sort: '-params.lr', limit: '1', cursor: mine.body.next })}`
    );
    expect(resorted.status).toBe(400);
  });

  it('gives only the asked columns, by notebook and dates', async () => {
    const res = await get(
      alice,
      `/runs?${q({
        columns: 'params.model,metrics.accuracy',
        notebook: 'train.ipynb',
        from: at(2),
        to: at(5)
      })}`
    );
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: RunSummary) => r.id)).toEqual([
      secret.id,
      team2.id
    ]);
    expect(res.body.items[0].params).toEqual({ model: 'rf' });
    expect(Object.keys(res.body.items[0].metrics)).toEqual(['accuracy']);
    expect(res.body.items[0].tags).toEqual(['hidden-tag']);
    const all = await get(
      alice,
      `/runs?${q({ columns: 'params.*', limit: '500' })}`
    );
    expect(
      all.body.items.every(
        (r: RunSummary) => Object.keys(r.metrics).length === 0
      )
    ).toBe(true);
    expect(
      all.body.items.find((r: RunSummary) => r.id === bobs.id).params
    ).toEqual({
      model: 'gbm',
      lr: 0.05,
      seed: 42
    });
  });

  it('answers 400 naming the parameter, and for a filter the position and what was expected', async () => {
    const bad = async (params: Record<string, string>, path: string) => {
      const res = await get(bob, `/runs?${q(params)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe(path);
      return res.body.error;
    };
    const body = await bad({ filter: 'metrics.accuracy > ' }, '/query/filter');
    expect(body.message).toMatch(
      /^filter: at 19: expected a value \(number, "string", true, false, null\)/
    );
    expect(body.message).toContain('end of filter');
    expect(body.details[0].message).toMatch(/^at 19: expected/);
    await bad({ filter: 'params.lr >> 1' }, '/query/filter');
    await bad({ sort: 'speed' }, '/query/sort');
    await bad({ columns: 'params.lr,author' }, '/query/columns');
    await bad({ columns: 'params.lr,' }, '/query/columns');
    await bad({ from: 'yesterday' }, '/query/from');
    await bad({ to: '2026-02-31' }, '/query/to');
    await bad({ limit: '0' }, '/query/limit');
    await bad({ limit: '501' }, '/query/limit');
    await bad({ limit: 'ten' }, '/query/limit');
    await bad({ cursor: 'bm90LWEtY3Vyc29y' }, '/query/cursor');
    const twice = await get(bob, '/runs?limit=1&limit=2');
    expect(twice.status).toBe(400);
    expect(twice.body.error.details[0].path).toBe('/query/limit');
  });
});

describe('GET /runs/:id, /runs/names, /runs/:id/metrics', () => {
  it('answers a private run of someone else as an unknown one', async () => {
    const own = await get(alice, `/runs/${secret.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: secret.id, visibility: 'private' });
    const hidden = await get(bob, `/runs/${secret.id}`);
    const unknown = await get(bob, '/runs/ses-does-not-exist-0000');
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    // The same body but for the id it names.
    expect(JSON.stringify(hidden.body).replace(secret.id, 'X')).toEqual(
      JSON.stringify(unknown.body).replace('ses-does-not-exist-0000', 'X')
    );
    const metrics = await get(bob, `/runs/${secret.id}/metrics?names=accuracy`);
    expect(metrics.status).toBe(404);
    expect((await get(bob, '/runs/bad id!')).status).toBe(400);
  });

  it('names params, metrics, tags and authors of the runs the caller may read', async () => {
    const his = await get(bob, '/runs/names');
    expect(his.status).toBe(200);
    expect(his.body).toEqual({
      params: [
        { name: 'lr', count: 3 },
        { name: 'model', count: 4 },
        { name: 'seed', count: 1 }
      ],
      metrics: [
        { name: 'accuracy', count: 3 },
        { name: 'loss', count: 1 }
      ],
      tags: ['baseline'],
      authors: ['alice', 'bob']
    });
    const hers = await get(alice, '/runs/names');
    expect(hers.body.params.map((p: { name: string }) => p.name)).toContain(
      'secretParam'
    );
    expect(hers.body.tags).toContain('hidden-tag');
  });

  it('gives metric series in seq then log order, thinned past 10,000 points', async () => {
    const res = await get(
      bob,
      `/runs/${bobs.id}/metrics?names=accuracy,loss,never`
    );
    expect(res.status).toBe(200);
    expect(res.body.series.accuracy).toEqual([
      { seq: 1, step: null, value: 0.88, at: at(0) },
      { seq: 2, step: null, value: 0.93, at: at(0) }
    ]);
    expect(res.body.series.never).toEqual([]);
    const loss = res.body.series.loss;
    expect(loss).toHaveLength(10_000);
    expect(loss[0]).toMatchObject({ step: 0, value: 1 });
    expect(loss[9_999]).toMatchObject({ step: 11_999 });
    expect(res.body.thinned).toBe(true);
    expect(res.body.thinnedNames).toEqual(['loss']);
    const all = await get(alice, `/runs/${team1.id}/metrics`);
    expect(Object.keys(all.body.series)).toEqual(['accuracy']);
    expect(
      all.body.series.accuracy.map((p: { step: number }) => p.step)
    ).toEqual([1, 2]);
  });
});

describe('the client (TrailClient) on the runs API', () => {
  it('reads runs, one run, the names and a series, each answer checked against its schema', async () => {
    const client = new TrailClient({
      baseUrl: team.server.line.url,
      token: bob.token
    });
    const first = await client.listRuns({
      filter: 'params.model in ["rf", "gbm"]',
      sort: '-metrics.accuracy',
      columns: 'metrics.accuracy',
      limit: 1
    });
    expect(first.items.map(r => r.id)).toEqual([bobs.id]);
    expect(first.total).toBe(3);
    const second = await client.listRuns({
      filter: 'params.model in ["rf", "gbm"]',
      sort: '-metrics.accuracy',
      limit: 5,
      cursor: first.next!
    });
    expect(second.items.map(r => r.id)).toEqual([team1.id, team3.id]);
    expect(second.next).toBeNull();
    await expect(client.getRun(team2.id)).resolves.toMatchObject({
      id: team2.id,
      params: { model: 'svm', lr: '0.01' }
    });
    await expect(client.runNames()).resolves.toMatchObject({
      authors: ['alice', 'bob']
    });
    const series = await client.runMetrics(bobs.id, ['accuracy']);
    expect(series.series.accuracy.map(p => p.value)).toEqual([0.88, 0.93]);
    // The server's 400 reaches the caller with its position.
    const bad = await client.listRuns({ filter: 'metrics.accuracy >' }).then(
      () => null,
      (err: unknown) => err
    );
    expect(bad).toBeInstanceOf(TrailResponseError);
    expect((bad as TrailResponseError).status).toBe(400);
    expect((bad as Error).message).toContain('filter: at 18: expected a value');
    // A private run of someone else: the same error as an unknown one.
    const hidden = await client.getRun(secret.id).then(
      () => null,
      (err: unknown) => err
    );
    expect((hidden as TrailResponseError).status).toBe(404);
  });

  it('leaves a run out of a listing asked again as soon as it turns private, and shows it when it turns back', async () => {
    const listing = `/runs?${q({ sort: '-started', filter: 'params.model = "svm"' })}`;
    const before = await get(bob, listing);
    expect(before.body.items.map((r: RunSummary) => r.id)).toContain(team2.id);
    const seen = before.body.total;
    const patch = (visibility: string) =>
      team.call(alice.token, 'PATCH', `/sessions/${team2.id}`, { visibility });
    expect((await patch('private')).status).toBe(200);
    const hidden = await get(bob, listing);
    expect(hidden.body.items.map((r: RunSummary) => r.id)).not.toContain(
      team2.id
    );
    expect(hidden.body.total).toBe(seen - 1);
    expect((await patch('team')).status).toBe(200);
    const back = await get(bob, listing);
    expect(back.body.items.map((r: RunSummary) => r.id)).toContain(team2.id);
    expect(back.body.total).toBe(seen);
  });
});

/**
 * The access matrix: every route against anonymous, another member, the
 * author and an admin, for a team session and a private one, on a real
 * data folder with real personal tokens.
 */
import request from 'supertest';
import type { UserDirectory } from '../../server/access/directory';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, TOKEN, walkPages } from './support/server';
import { openTeamApp, type TeamApp } from './support/team';

type Who = 'anonymous' | 'other' | 'author' | 'admin' | 'owner';

let team: TeamApp;
let app: TeamApp['app'];
let directory: UserDirectory;
let tokens: Record<Exclude<Who, 'anonymous'>, string>;
let ids: {
  alice: string;
  team: { session: string; execution: string };
  private: { session: string; execution: string };
};

function as(who: Who) {
  const auth = (t: request.Test) =>
    who === 'anonymous' ? t : t.set('Authorization', `Bearer ${tokens[who]}`);
  return {
    get: (path: string) => auth(request(app).get(`/api/v1${path}`)),
    post: (path: string, body: unknown) =>
      auth(request(app).post(`/api/v1${path}`)).send(body as object),
    patch: (path: string, body: unknown) =>
      auth(request(app).patch(`/api/v1${path}`)).send(body as object),
    put: (path: string, body: unknown) =>
      auth(request(app).put(`/api/v1${path}`)).send(body as object)
  };
}

beforeAll(async () => {
  team = await openTeamApp({
    alice: { displayName: 'Alice' },
    bob: {},
    carol: { role: 'admin' }
  });
  ({ app, directory } = team);
  tokens = {
    author: team.people.alice.token,
    other: team.people.bob.token,
    admin: team.people.carol.token,
    owner: TOKEN
  };
  const alice = team.people.alice;

  const teamSession = sessionEvent({ notebookPath: 'shared/eda.ipynb' });
  const privateSession = sessionEvent({
    notebookPath: 'secret/plan.ipynb',
    visibility: 'private'
  });
  const teamX = executionEvent(teamSession.session.id, 1, {
    notebookPath: 'shared/eda.ipynb',
    cellId: 'cell-a',
    code: 'team_marker = 1'
  });
  const privateX = executionEvent(privateSession.session.id, 1, {
    notebookPath: 'secret/plan.ipynb',
    cellId: 'cell-b',
    code: 'private_marker = 1'
  });
  await as('author')
    .post('/events', { events: [teamSession, privateSession, teamX, privateX] })
    .expect(200);
  ids = {
    alice: alice.id,
    team: { session: teamSession.session.id, execution: teamX.execution.id },
    private: {
      session: privateSession.session.id,
      execution: privateX.execution.id
    }
  };
});

afterAll(async () => {
  await team.close();
  await removeTempDirs();
});

const readers: Record<'team' | 'private', Record<Who, number>> = {
  team: { anonymous: 401, other: 200, author: 200, admin: 200, owner: 200 },
  private: { anonymous: 401, other: 404, author: 200, admin: 404, owner: 404 }
};

const cases = (['team', 'private'] as const).flatMap(kind =>
  (Object.keys(readers[kind]) as Who[]).map(
    who => [kind, who, readers[kind][who]] as const
  )
);

describe.each(cases)('a %s session read by %s', (kind, who, status) => {
  const listed = status === 200;

  it(`GET /sessions/:id, its executions, an execution → ${status}`, async () => {
    const { session, execution } = ids[kind];
    await as(who).get(`/sessions/${session}`).expect(status);
    await as(who).get(`/sessions/${session}/executions`).expect(status);
    await as(who).get(`/executions/${execution}`).expect(status);
    await as(who).get(`/executions/${execution}/previous`).expect(status);
  });

  it(`listings ${listed ? 'include' : 'leave out'} it`, async () => {
    if (who === 'anonymous') {
      await as(who).get('/sessions').expect(401);
      await as(who).get('/users').expect(401);
      await as(who).get(`/notebooks?author=${ids.alice}`).expect(401);
      return;
    }
    const { session } = ids[kind];
    const all = await as(who).get('/sessions').expect(200);
    expect(all.body.items.some((s: any) => s.id === session)).toBe(listed);
    const byAuthor = await as(who)
      .get(`/sessions?author=${ids.alice}`)
      .expect(200);
    expect(byAuthor.body.items.some((s: any) => s.id === session)).toBe(listed);
    const notebooks = await as(who)
      .get(`/notebooks?author=${ids.alice}`)
      .expect(200);
    const path = kind === 'team' ? 'shared/eda.ipynb' : 'secret/plan.ipynb';
    expect(notebooks.body.items.some((n: any) => n.notebookPath === path)).toBe(
      listed
    );
    const cell = await as(who)
      .get(
        `/cells/executions?notebook=${encodeURIComponent(path)}&cellId=${kind === 'team' ? 'cell-a' : 'cell-b'}`
      )
      .expect(200);
    expect(cell.body.items.length).toBe(listed ? 1 : 0);
    const users = await as(who).get('/users').expect(200);
    const alice = users.body.items.find((u: any) => u.id === ids.alice);
    expect(alice.sessionCount).toBe(who === 'author' ? 2 : 1);
  });

  it(`search ${listed ? 'finds' : 'does not find'} it`, async () => {
    const res = await as(who).get(`/search?q=${kind}_marker`);
    if (who === 'anonymous') {
      expect(res.status).toBe(401);
      return;
    }
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: any) => h.execution.id)).toEqual(
      listed ? [ids[kind].execution] : []
    );
  });
});

describe('listing many sessions', () => {
  /** Every page of a session listing (`query`: `&name=value…`). */
  function walk(who: Who, query: string, limit: number) {
    return walkPages(p => as(who).get(p), `/sessions?${query.slice(1)}`, limit);
  }

  it("pages past the store's read size, leaving out what the caller may not read", async () => {
    // One a second, so newest first is the reverse; a third private.
    const made = Array.from({ length: 330 }, (_, i) =>
      sessionEvent({
        notebookPath: `many/n${i % 4}.ipynb`,
        startedAt: new Date(Date.UTC(2026, 4, 1, 8, 0, i)).toISOString(),
        ...(i % 3 === 0 ? { visibility: 'private' as const } : {})
      })
    );
    const shuffled = [...made].sort(() => Math.random() - 0.5);
    for (let i = 0; i < shuffled.length; i += 100) {
      await as('author')
        .post('/events', { events: shuffled.slice(i, i + 100) })
        .expect(200);
    }
    const newestFirst = [...made].reverse();
    const isTeam = (e: (typeof made)[number]) =>
      e.session.visibility !== 'private';
    const many = (pages: { id: string; notebookPath: string }[][]) =>
      pages
        .flat()
        .filter(s => s.notebookPath.startsWith('many/'))
        .map(s => s.id);

    const bob = await walk('other', '', 40);
    expect(many(bob)).toEqual(
      newestFirst.filter(isTeam).map(e => e.session.id)
    );
    expect(bob.slice(0, -1).every(page => page.length === 40)).toBe(true);

    const alice = await walk('author', '', 40);
    expect(many(alice)).toEqual(newestFirst.map(e => e.session.id));

    const oneNotebook = await walk('other', '&notebook=many/n1.ipynb', 7);
    expect(many(oneNotebook)).toEqual(
      newestFirst
        .filter(e => isTeam(e) && e.session.notebookPath === 'many/n1.ipynb')
        .map(e => e.session.id)
    );
  });

  it('orders by the instant, not the text, with or without an author', async () => {
    // Text order is the reverse of time order here: 10:30+02:00 is 08:30Z.
    const starts = [
      '2026-06-01T10:30:00+02:00',
      '2026-06-01T09:00:00Z',
      '2026-06-01T09:30:00.500Z',
      '2026-06-01T11:45:00+02:00'
    ];
    const made = starts.map(startedAt =>
      sessionEvent({ notebookPath: 'offsets/a.ipynb', startedAt })
    );
    await as('author').post('/events', { events: made }).expect(200);
    const expected = [3, 2, 1, 0].map(i => made[i].session.id);
    const ids = (pages: { id: string }[][]) => pages.flat().map(s => s.id);
    const query = '&notebook=offsets/a.ipynb';
    expect(ids(await walk('other', query, 3))).toEqual(expected);
    const alice = team.people.alice.id;
    expect(ids(await walk('other', `${query}&author=${alice}`, 3))).toEqual(
      expected
    );
    expect(ids(await walk('author', `${query}&author=${alice}`, 1))).toEqual(
      expected
    );
  });
});

describe('writes', () => {
  it('lets only the author append to a session, storing nothing otherwise', async () => {
    const next = executionEvent(ids.team.session, 2, {
      notebookPath: 'shared/eda.ipynb'
    });
    for (const who of ['other', 'admin', 'owner'] as const) {
      const res = await as(who)
        .post('/events', { events: [next] })
        .expect(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.details[0].path).toBe('/events/0');
    }
    await as('anonymous')
      .post('/events', { events: [next] })
      .expect(401);
    const before = await as('author').get(`/sessions/${ids.team.session}`);
    expect(before.body.executionCount).toBe(1);
    await as('author')
      .post('/events', { events: [next] })
      .expect(200);
  });

  it('lets the author change visibility and an admin only hide a team session', async () => {
    const { session } = ids.team;
    await as('other')
      .patch(`/sessions/${session}`, { visibility: 'private' })
      .expect(403);
    await as('author')
      .patch(`/sessions/${session}`, { visibility: 'secret' })
      .expect(400);
    await as('admin')
      .patch(`/sessions/${session}`, { visibility: 'private' })
      .expect(200);
    await as('other').get(`/sessions/${session}`).expect(404);
    await as('admin')
      .patch(`/sessions/${session}`, { visibility: 'team' })
      .expect(404);
    const back = await as('author')
      .patch(`/sessions/${session}`, { visibility: 'team' })
      .expect(200);
    expect(back.body).toMatchObject({
      visibility: 'team',
      author: { id: ids.alice, name: 'alice', displayName: 'Alice' }
    });
    await as('other').get(`/sessions/${session}`).expect(200);
  });

  it('makes a notebook private for its existing and future sessions', async () => {
    const res = await as('author')
      .put('/notebooks/visibility', {
        notebookPath: 'shared/eda.ipynb',
        visibility: 'private'
      })
      .expect(200);
    expect(res.body).toEqual({
      notebookPath: 'shared/eda.ipynb',
      visibility: 'private',
      sessions: 1
    });
    await as('other').get(`/sessions/${ids.team.session}`).expect(404);
    const later = sessionEvent({ notebookPath: 'shared/eda.ipynb' });
    await as('author')
      .post('/events', { events: [later] })
      .expect(200);
    await as('other').get(`/sessions/${later.session.id}`).expect(404);
    const mine = await as('author')
      .get(`/sessions/${later.session.id}`)
      .expect(200);
    expect(mine.body.visibility).toBe('private');
    await as('author')
      .put('/notebooks/visibility', {
        notebookPath: 'shared/eda.ipynb',
        visibility: 'team'
      })
      .expect(200);
    await as('other').get(`/sessions/${ids.team.session}`).expect(200);
  });

  it('answers /me for each token and 401 for a revoked one', async () => {
    const me = await as('author').get('/me').expect(200);
    expect(me.body).toEqual({
      id: ids.alice,
      name: 'alice',
      displayName: 'Alice',
      role: 'member'
    });
    expect((await as('admin').get('/me').expect(200)).body.role).toBe('admin');
    expect((await as('owner').get('/me').expect(200)).body.id).toBe('owner');
    await directory.revokeTokens('user:bob');
    const revoked = await as('other').get('/me').expect(401);
    expect(revoked.body.error.message).toMatch(/revoked/);
  });
});

/**
 * The private-session marker of GET /notebooks: an author sees how many of
 * their own sessions of a notebook are private; nobody else (a teammate, an
 * admin, the owner) gets a count, a field or a listed notebook that would
 * tell them private sessions exist.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { loadRecordSchemas } from '../../server/schemas';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, TOKEN } from './support/server';
import { openTeamApp, type TeamApp } from './support/team';

type Who = 'alice' | 'bob' | 'carol' | 'owner';

let team: TeamApp;
let tokens: Record<Who, string>;

const ajv = new Ajv({ strict: false });
addFormats(ajv);
for (const schema of Object.values(loadRecordSchemas())) {
  ajv.addSchema(schema);
}
const validate = ajv.getSchema(
  'https://trail.dev/schema/records/notebook-summary.schema.json'
)!;

function as(who: Who) {
  const auth = (t: request.Test) =>
    t.set('Authorization', `Bearer ${tokens[who]}`);
  return {
    get: (path: string) => auth(request(team.app).get(`/api/v1${path}`)),
    post: (path: string, body: unknown) =>
      auth(request(team.app).post(`/api/v1${path}`)).send(body as object),
    put: (path: string, body: unknown) =>
      auth(request(team.app).put(`/api/v1${path}`)).send(body as object),
    patch: (path: string, body: unknown) =>
      auth(request(team.app).patch(`/api/v1${path}`)).send(body as object)
  };
}

/** Records one session of `notebookPath` with one execution, as `who`. */
async function record(
  who: Who,
  notebookPath: string,
  visibility?: 'team' | 'private'
): Promise<string> {
  const session = sessionEvent({
    notebookPath,
    ...(visibility ? { visibility } : {})
  });
  const run = executionEvent(session.session.id, 1, { notebookPath });
  await as(who)
    .post('/events', { events: [session, run] })
    .expect(200);
  return session.session.id;
}

/** The notebooks of `author` as `who` lists them, checked against the schema. */
async function notebooks(
  who: Who,
  author: Who
): Promise<Map<string, Record<string, unknown>>> {
  const res = await as(who)
    .get(`/notebooks?author=${team.people[author].id}`)
    .expect(200);
  const items = res.body.items as Record<string, unknown>[];
  for (const item of items) {
    const valid = validate(item);
    expect(valid ? null : validate.errors).toBeNull();
  }
  return new Map(items.map(n => [n.notebookPath as string, n]));
}

beforeAll(async () => {
  team = await openTeamApp({
    alice: { displayName: 'Alice' },
    bob: {},
    carol: { role: 'admin' }
  });
  tokens = {
    alice: team.people.alice.token,
    bob: team.people.bob.token,
    carol: team.people.carol.token,
    owner: TOKEN
  };
  await record('alice', 'mixed.ipynb', 'team');
  await record('alice', 'mixed.ipynb', 'private');
  await record('alice', 'mixed.ipynb', 'private');
  await record('alice', 'hidden.ipynb', 'private');
  await record('alice', 'open.ipynb');
  await record('bob', 'bob.ipynb', 'private');
});

afterAll(async () => {
  await team.close();
  await removeTempDirs();
});

describe('GET /notebooks privateSessionCount', () => {
  it("counts the author's own private sessions for the author", async () => {
    const mine = await notebooks('alice', 'alice');
    expect(mine.get('mixed.ipynb')).toMatchObject({
      sessionCount: 3,
      executionCount: 3,
      privateSessionCount: 2
    });
    expect(mine.get('hidden.ipynb')).toMatchObject({
      sessionCount: 1,
      privateSessionCount: 1
    });
    expect(mine.get('open.ipynb')).not.toHaveProperty('privateSessionCount');
    const bobs = await notebooks('bob', 'bob');
    expect(bobs.get('bob.ipynb')).toMatchObject({
      sessionCount: 1,
      privateSessionCount: 1
    });
  });

  it.each(['bob', 'carol', 'owner'] as const)(
    "gives %s no trace of someone else's private sessions",
    async who => {
      const theirs = await notebooks(who, 'alice');
      // A notebook with only private sessions is not listed at all.
      expect([...theirs.keys()].sort()).toEqual(['mixed.ipynb', 'open.ipynb']);
      // A notebook with some: counted as if the private ones did not exist.
      const mixed = theirs.get('mixed.ipynb')!;
      expect(mixed).toMatchObject({ sessionCount: 1, executionCount: 1 });
      expect(mixed).not.toHaveProperty('privateSessionCount');
      expect(Object.keys(mixed).sort()).toEqual(
        Object.keys(theirs.get('open.ipynb')!).sort()
      );
      if (who !== 'bob') {
        expect((await notebooks(who, 'bob')).size).toBe(0);
      }
    }
  );

  it('follows a notebook rule that makes every session private', async () => {
    await as('alice')
      .put('/notebooks/visibility', {
        notebookPath: 'open.ipynb',
        visibility: 'private'
      })
      .expect(200);
    expect((await notebooks('alice', 'alice')).get('open.ipynb')).toMatchObject(
      { sessionCount: 1, privateSessionCount: 1, visibility: 'private' }
    );
    expect((await notebooks('bob', 'alice')).has('open.ipynb')).toBe(false);
    await as('alice')
      .put('/notebooks/visibility', {
        notebookPath: 'open.ipynb',
        visibility: 'team'
      })
      .expect(200);
    const back = (await notebooks('alice', 'alice')).get('open.ipynb');
    expect(back).toMatchObject({ sessionCount: 1, visibility: 'team' });
    expect(back).not.toHaveProperty('privateSessionCount');
  });

  it("shows a notebook's rule to its author only", async () => {
    // A private rule, then one session shared again by hand: teammates read
    // that session, but nothing tells them the notebook's others are private.
    const shared = await record('alice', 'ruled.ipynb');
    await as('alice')
      .put('/notebooks/visibility', {
        notebookPath: 'ruled.ipynb',
        visibility: 'private'
      })
      .expect(200);
    await as('alice')
      .patch(`/sessions/${shared}`, { visibility: 'team' })
      .expect(200);
    expect(
      (await notebooks('alice', 'alice')).get('ruled.ipynb')
    ).toMatchObject({ visibility: 'private' });
    for (const who of ['bob', 'carol', 'owner'] as const) {
      const theirs = (await notebooks(who, 'alice')).get('ruled.ipynb');
      expect(theirs).toMatchObject({ sessionCount: 1 });
      expect(theirs).not.toHaveProperty('visibility');
    }
  });
});

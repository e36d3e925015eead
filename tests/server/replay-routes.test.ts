/**
 * What replaying a session needs, through the API of a real server
 * process: the inputs of steps 1..k with the environment they ran with,
 * the preflight of a target kernel (a changed and a missing file, a
 * package difference), a session's replays (lineage), privacy (a private
 * source or replay is invisible to others, with the body of an unknown
 * id), and bad input (400 with the field named, 404 past the last step).
 */
import type { FileAccess, SessionSummary } from '../../src/records/schema';
import { buildServer } from './support/process';
import {
  annotationEvent,
  environment,
  environmentEvent,
  executionEvent,
  newId,
  sessionEvent
} from './support/records';
import { removeTempDirs } from './support/server';
import {
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

const NB = 'analysis/houses.ipynb';
const SHA = (c: string) => c.repeat(64);
const HOUSES_TABLE = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'int64' },
    { name: 'city', type: 'object' }
  ],
  rows: null
};

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;

const source = sessionEvent({
  notebookPath: NB,
  startedAt: '2026-03-01T10:00:00.000Z'
});
const S = source.session.id;
const read = (
  path: string,
  sha256: string | null,
  extra: Partial<FileAccess> = {}
): FileAccess => ({
  path,
  access: 'read',
  kind: 'file',
  sha256,
  ...extra
});
const steps = [
  executionEvent(S, 1, {
    notebookPath: NB,
    capture: {
      files: [
        read('data/houses.csv', SHA('a'), { size: 1200, schema: HOUSES_TABLE })
      ]
    }
  }),
  executionEvent(S, 2, {
    notebookPath: NB,
    capture: {
      files: [
        {
          path: 'clean.parquet',
          access: 'write',
          kind: 'file',
          sha256: SHA('c')
        }
      ]
    }
  }),
  executionEvent(S, 3, {
    notebookPath: NB,
    capture: {
      files: [
        read('clean.parquet', SHA('c')),
        read('data/cities.csv', null, { hashPending: true })
      ]
    }
  })
];
// The hash of cities.csv arrives later, as an annotation.
const lateHash = annotationEvent(steps[2].execution, {
  files: [read('data/cities.csv', SHA('b'))]
});
const firstEnvironment = environment();
const laterEnvironment = environment({
  packages: [
    { name: 'numpy', version: '2.1.0' },
    { name: 'pandas', version: '2.2.3' },
    { name: 'scikit-learn', version: '1.5.2' }
  ]
});

const privateSource = sessionEvent({ notebookPath: NB, visibility: 'private' });
const privateStep = executionEvent(privateSource.session.id, 1, {
  notebookPath: NB
});

const get = (who: ProcessMember, path: string) =>
  team.call(who.token, 'GET', path);
const post = (who: ProcessMember, path: string, body: unknown) =>
  team.call(who.token, 'POST', path, body);
const send = (who: ProcessMember, events: unknown[]) =>
  post(who, '/events', { events });

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess({ alice: 'member', bob: 'member' });
  ({ alice, bob } = team.people);
  const res = await send(alice, [
    source,
    ...steps,
    lateHash,
    environmentEvent(S, 1, firstEnvironment),
    environmentEvent(S, 3, laterEnvironment),
    privateSource,
    privateStep
  ]);
  expect(res.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

describe('GET /sessions/:id/inputs', () => {
  it('lists what steps 1..k read that no earlier step wrote, with the environment of step k', async () => {
    const two = await get(bob, `/sessions/${S}/inputs?upto=2`);
    expect(two.status).toBe(200);
    const { capturedAt, ...first } = firstEnvironment;
    expect(two.body).toEqual({
      sessionId: S,
      upto: 2,
      environment: { ...first, capturedAt },
      inputs: [
        {
          path: 'data/houses.csv',
          sha256: SHA('a'),
          size: 1200,
          table: HOUSES_TABLE,
          step: 1,
          kind: 'file'
        }
      ]
    });
    const three = await get(bob, `/sessions/${S}/inputs?upto=3`);
    expect(three.status).toBe(200);
    // clean.parquet was written by step 2; cities.csv's hash came later.
    expect(three.body.inputs).toEqual([
      {
        path: 'data/houses.csv',
        sha256: SHA('a'),
        size: 1200,
        table: HOUSES_TABLE,
        step: 1,
        kind: 'file'
      },
      { path: 'data/cities.csv', sha256: SHA('b'), step: 3, kind: 'file' }
    ]);
    expect(three.body.environment.packages).toEqual(laterEnvironment.packages);
  });

  it('refuses a missing or bad upto, and a step past the end', async () => {
    const missing = await get(bob, `/sessions/${S}/inputs`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_request');
    expect(missing.body.error.details).toEqual([
      {
        path: '/query/upto',
        message: 'is required: the last step (an integer from 1)'
      }
    ]);
    for (const bad of ['0', '-1', 'two', '1.5']) {
      const res = await get(bob, `/sessions/${S}/inputs?upto=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('/query/upto');
    }
    const past = await get(bob, `/sessions/${S}/inputs?upto=4`);
    expect(past.status).toBe(404);
    expect(past.body.error.code).toBe('step_not_found');
    expect(past.body.error.message).toContain('its steps are 1 to 3');
  });

  it('answers a private session of someone else as an unknown one', async () => {
    const unknown = await get(bob, `/sessions/${newId('ses')}/inputs?upto=1`);
    const hidden = await get(
      bob,
      `/sessions/${privateSource.session.id}/inputs?upto=1`
    );
    expect(unknown.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe(unknown.body.error.code);
    expect(
      hidden.body.error.message.replace(privateSource.session.id, 'X')
    ).toBe(unknown.body.error.message.replace(/ses-[0-9a-f-]+/, 'X'));
    expect(
      (await get(alice, `/sessions/${privateSource.session.id}/inputs?upto=1`))
        .status
    ).toBe(200);
  });
});

describe('POST /sessions/:id/preflight', () => {
  it('reports a changed and a missing file, table columns and package differences', async () => {
    const target = environment({
      packages: [
        { name: 'numpy', version: '2.2.0' },
        { name: 'pandas', version: '2.2.3' }
      ]
    });
    const res = await post(bob, `/sessions/${S}/preflight`, {
      upto: 3,
      environment: target,
      files: [
        {
          path: 'data/houses.csv',
          exists: true,
          sha256: SHA('9'),
          size: 1250,
          table: {
            format: 'csv',
            columns: [
              { name: 'price', type: 'float64' },
              { name: 'city', type: 'object' }
            ]
          }
        },
        { path: 'data/cities.csv', exists: false }
      ]
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      python: { recorded: '3.11.7', target: '3.11.7', same: true },
      packages: {
        missing: [{ name: 'scikit-learn', recorded: '1.5.2' }],
        older: [],
        newer: [{ name: 'numpy', recorded: '2.1.0', target: '2.2.0' }],
        same: 1
      },
      pipInstall: 'pip install numpy==2.1.0 scikit-learn==1.5.2',
      files: [
        {
          path: 'data/houses.csv',
          step: 1,
          state: 'changed',
          columns: {
            added: [],
            removed: [],
            retyped: [{ name: 'price', recorded: 'int64', target: 'float64' }]
          }
        },
        { path: 'data/cities.csv', step: 3, state: 'missing' }
      ],
      ready: false
    });
  });

  it('is ready when the target matches the recording', async () => {
    const res = await post(bob, `/sessions/${S}/preflight`, {
      upto: 1,
      environment: environment(),
      files: [
        {
          path: 'data/houses.csv',
          exists: true,
          sha256: SHA('a'),
          size: 1200,
          table: HOUSES_TABLE
        }
      ]
    });
    expect(res.status).toBe(200);
    expect(res.body.ready).toBe(true);
    expect(res.body.pipInstall).toBeNull();
    expect(res.body.files).toEqual([
      {
        path: 'data/houses.csv',
        step: 1,
        state: 'same',
        columns: { added: [], removed: [], retyped: [] }
      }
    ]);
  });

  it('refuses a bad body with the field named, and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ files: [] }, '/body/upto'],
      [{ upto: 0, files: [] }, '/body/upto'],
      [{ upto: 1 }, '/body/files'],
      [{ upto: 1, files: [{ path: 'a.csv' }] }, '/body/files/0/exists'],
      [
        { upto: 1, files: [{ path: 'a.csv', exists: true, sha256: 'xyz' }] },
        '/body/files/0/sha256'
      ],
      [{ upto: 1, files: [], extra: true }, '/body/extra'],
      [
        { upto: 1, files: [], environment: { packages: [] } },
        '/body/environment/language'
      ]
    ];
    for (const [body, path] of cases) {
      const res = await post(bob, `/sessions/${S}/preflight`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe(path);
      expect(res.body.error.message).toContain(
        `The preflight request is invalid: ${path}`
      );
    }
    const past = await post(bob, `/sessions/${S}/preflight`, {
      upto: 9,
      files: []
    });
    expect(past.status).toBe(404);
    expect(past.body.error.code).toBe('step_not_found');
    // A private session of someone else: 404 before the body is looked at.
    const hidden = await post(
      bob,
      `/sessions/${privateSource.session.id}/preflight`,
      { nonsense: 1 }
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
  });
});

describe('GET /sessions/:id/replays', () => {
  const replay = (who: 'team' | 'private', at: string) =>
    sessionEvent({
      notebookPath: 'bob/houses-replay.ipynb',
      startedAt: at,
      visibility: who,
      lineage: { kind: 'replay', sessionId: S, step: 3 }
    });
  const bobTeam = replay('team', '2026-03-02T09:00:00.000Z');
  const bobPrivate = replay('private', '2026-03-02T10:00:00.000Z');
  const bobLater = replay('team', '2026-03-02T11:00:00.000Z');
  const unrelated = sessionEvent({ notebookPath: 'bob/other.ipynb' });

  beforeAll(async () => {
    const res = await send(bob, [bobTeam, bobPrivate, bobLater, unrelated]);
    expect(res.status).toBe(200);
  });

  const ids = (page: { items: SessionSummary[] }) => page.items.map(s => s.id);

  it('lists the sessions whose lineage names the session, newest first, with their lineage', async () => {
    const mine = await get(bob, `/sessions/${S}/replays`);
    expect(mine.status).toBe(200);
    expect(ids(mine.body)).toEqual([
      bobLater.session.id,
      bobPrivate.session.id,
      bobTeam.session.id
    ]);
    expect(mine.body.items[0].lineage).toEqual({
      kind: 'replay',
      sessionId: S,
      step: 3
    });
    expect(mine.body.items[0].author.name).toBe('bob');
    expect(mine.body.nextCursor).toBeNull();
    // The replay itself shows its lineage too.
    const one = await get(alice, `/sessions/${bobTeam.session.id}`);
    expect(one.body.lineage).toEqual({ kind: 'replay', sessionId: S, step: 3 });
  });

  it("leaves out another person's private replay, also across pages", async () => {
    const theirs = await get(alice, `/sessions/${S}/replays`);
    expect(ids(theirs.body)).toEqual([bobLater.session.id, bobTeam.session.id]);
    const first = await get(alice, `/sessions/${S}/replays?limit=1`);
    expect(ids(first.body)).toEqual([bobLater.session.id]);
    const second = await get(
      alice,
      `/sessions/${S}/replays?limit=1&cursor=${first.body.nextCursor}`
    );
    expect(ids(second.body)).toEqual([bobTeam.session.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers an empty page for a session without replays, and a private source as an unknown one', async () => {
    const none = await get(alice, `/sessions/${unrelated.session.id}/replays`);
    expect(none.body).toEqual({ items: [], nextCursor: null });
    const hidden = await get(
      bob,
      `/sessions/${privateSource.session.id}/replays`
    );
    const unknown = await get(bob, `/sessions/${newId('ses')}/replays`);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error.code).toBe(unknown.body.error.code);
    const badLimit = await get(alice, `/sessions/${S}/replays?limit=0`);
    expect(badLimit.status).toBe(400);
  });

  it('refuses a malformed lineage on ingest', async () => {
    const bad = sessionEvent({
      lineage: { kind: 'rerun', sessionId: S, step: 0 } as never
    });
    const res = await send(bob, [bad]);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toMatch(
      /^\/events\/0\/session\/lineage\//
    );
  });
});

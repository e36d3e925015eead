/**
 * What forking a session needs, through the API of a real server process
 * (#14): the data-contract check of a fork's files against the recorded
 * inputs, a fork compared with its parent, forks listed under the parent
 * with their lineage, and privacy: a private session (the fork, its
 * parent, or the one checked) is answered as an unknown one, and a bad
 * body is a 400 naming the field.
 */
import type { Output, SessionSummary } from '../../src/records/schema';
import { buildServer } from './support/process';
import { executionEvent, newId, sessionEvent } from './support/records';
import { removeTempDirs } from './support/server';
import {
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

const NB = 'alice/train.ipynb';
const SHA = (c: string) => c.repeat(64);
const HOUSES = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'int64' },
    { name: 'city', type: 'string' }
  ],
  rows: null
};
const MINE = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'float64' },
    { name: 'city', type: 'string' },
    { name: 'zip', type: 'string' }
  ],
  rows: 40
};

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;

// Alice's experiment: reads houses.csv, logs a param, trains, checks.
const parent = sessionEvent({ notebookPath: NB });
const S = parent.session.id;
const parentSteps = [
  executionEvent(S, 1, {
    notebookPath: NB,
    capture: {
      files: [
        {
          path: 'data/houses.csv',
          access: 'read',
          kind: 'file',
          sha256: SHA('a'),
          size: 1200,
          schema: HOUSES
        }
      ],
      params: { lr: 0.1 }
    }
  }),
  executionEvent(S, 2, {
    notebookPath: NB,
    capture: {
      metrics: [{ name: 'rmse', value: 3.2, at: '2026-03-01T10:00:02.000Z' }]
    }
  }),
  executionEvent(S, 3, { notebookPath: NB })
];
const alicePrivate = sessionEvent({ notebookPath: NB, visibility: 'private' });
const alicePrivateStep = executionEvent(alicePrivate.session.id, 1, {
  notebookPath: NB,
  capture: {
    files: [{ path: 'secret.csv', access: 'read', kind: 'file', size: 5 }]
  }
});

const SUBSTITUTIONS = [
  { recorded: 'data/houses.csv', path: '/home/bob/mine.csv', sha256: SHA('b') }
];
const fork = (
  sourceId: string,
  visibility: 'team' | 'private',
  startedAt: string
) =>
  sessionEvent({
    notebookPath: 'bob/train-fork.ipynb',
    startedAt,
    visibility,
    lineage: {
      kind: 'fork',
      sessionId: sourceId,
      step: 3,
      substitutions: SUBSTITUTIONS
    }
  });
// Bob's fork of S: the same code; step 2 prints another figure, step 3 fails.
const bobFork = fork(S, 'team', '2026-03-02T09:00:00.000Z');
const F = bobFork.session.id;
const error: Output = {
  output_type: 'error',
  ename: 'KeyError',
  evalue: "'zip'",
  traceback: ["KeyError: 'zip'"]
};
const forkSteps = [
  executionEvent(F, 1, {
    notebookPath: 'bob/train-fork.ipynb',
    capture: {
      files: [
        {
          path: '/home/bob/mine.csv',
          access: 'read',
          kind: 'file',
          sha256: SHA('b'),
          size: 3000,
          schema: MINE
        }
      ],
      params: { lr: 0.1 }
    }
  }),
  executionEvent(F, 2, {
    notebookPath: 'bob/train-fork.ipynb',
    outputs: [{ output_type: 'stream', name: 'stdout', text: 'step 2 of 9\n' }],
    capture: {
      metrics: [{ name: 'rmse', value: 4.5, at: '2026-03-02T09:00:02.000Z' }]
    }
  }),
  executionEvent(F, 3, {
    notebookPath: 'bob/train-fork.ipynb',
    status: 'error',
    error: { ename: 'KeyError', evalue: "'zip'" },
    outputs: [error]
  })
];
const bobPrivateFork = fork(S, 'private', '2026-03-02T10:00:00.000Z');
// A fork naming Alice's private session as its parent, and one naming an id
// nobody has.
const forkOfPrivate = fork(
  alicePrivate.session.id,
  'team',
  '2026-03-02T11:00:00.000Z'
);
const UNKNOWN = newId('ses');
const forkOfUnknown = fork(UNKNOWN, 'team', '2026-03-02T12:00:00.000Z');

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
  const mine = await send(alice, [
    parent,
    ...parentSteps,
    alicePrivate,
    alicePrivateStep
  ]);
  expect(mine.status).toBe(200);
  const theirs = await send(bob, [
    bobFork,
    ...forkSteps,
    bobPrivateFork,
    forkOfPrivate,
    forkOfUnknown
  ]);
  expect(theirs.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

describe('POST /sessions/:id/contract', () => {
  it('checks the new file against the recorded schema: a missing column is an error naming it', async () => {
    const res = await post(bob, `/sessions/${S}/contract`, {
      upto: 3,
      map: [{ recorded: 'data/houses.csv', path: '/home/bob/mine.csv' }],
      files: [
        {
          path: '/home/bob/mine.csv',
          exists: true,
          kind: 'file',
          size: 900,
          table: {
            format: 'csv',
            columns: [{ name: 'price', type: 'float64' }],
            rows: 12
          }
        }
      ]
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect([res.body.errors, res.body.warnings, res.body.notes]).toEqual([
      1, 1, 1
    ]);
    const [entry] = res.body.entries;
    expect(entry.input).toEqual({
      path: 'data/houses.csv',
      step: 1,
      kind: 'file',
      sha256: SHA('a'),
      size: 1200,
      table: HOUSES
    });
    expect(entry.problems[0]).toEqual({
      level: 'error',
      code: 'missing-columns',
      message:
        '"/home/bob/mine.csv" (for "data/houses.csv") lacks 1 column the recording read: "city". The code would break.',
      columns: ['city']
    });
    expect(entry.problems.map((p: { code: string }) => p.code)).toEqual([
      'missing-columns',
      'retyped',
      'size'
    ]);
  });

  it('passes a compatible file, and flags a path the experiment did not read', async () => {
    const ok = await post(bob, `/sessions/${S}/contract`, {
      upto: 1,
      map: [{ recorded: 'data/houses.csv', path: 'mine.csv' }],
      files: [
        {
          path: 'mine.csv',
          exists: true,
          kind: 'file',
          size: 1200,
          table: { ...HOUSES, rows: 30 }
        }
      ]
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      ok: true,
      errors: 0,
      warnings: 0,
      notes: 0
    });
    const unknown = await post(bob, `/sessions/${S}/contract`, {
      upto: 3,
      map: [{ recorded: 'data/house.csv', path: 'mine.csv' }],
      files: []
    });
    expect(unknown.body.ok).toBe(false);
    expect(unknown.body.entries[0].problems[0].message).toBe(
      '"data/house.csv" (mapped to "mine.csv") is not a file this experiment read: its inputs are "data/houses.csv".'
    );
  });

  it('refuses a bad body with the field named; a step past the end is a 404', async () => {
    const map = [{ recorded: 'data/houses.csv', path: 'mine.csv' }];
    const cases: [unknown, string][] = [
      [{ map, files: [] }, '/body/upto'],
      [{ upto: 0, map, files: [] }, '/body/upto'],
      [{ upto: 1, files: [] }, '/body/map'],
      [{ upto: 1, map: [], files: [] }, '/body/map'],
      [
        { upto: 1, map: [{ recorded: 'a.csv' }], files: [] },
        '/body/map/0/path'
      ],
      [
        { upto: 1, map: [{ recorded: '', path: 'b' }], files: [] },
        '/body/map/0/recorded'
      ],
      [{ upto: 1, map }, '/body/files'],
      [
        {
          upto: 1,
          map,
          files: [{ path: 'mine.csv', exists: true, readable: 'no' }]
        },
        '/body/files/0/readable'
      ],
      [
        {
          upto: 1,
          map,
          files: [{ path: 'mine.csv', exists: true, kind: 'link' }]
        },
        '/body/files/0/kind'
      ],
      [{ upto: 1, map, files: [], force: true }, '/body/force']
    ];
    for (const [body, path] of cases) {
      const res = await post(bob, `/sessions/${S}/contract`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe(path);
      expect(res.body.error.message).toContain(
        `The contract request is invalid: ${path}`
      );
    }
    const past = await post(bob, `/sessions/${S}/contract`, {
      upto: 4,
      map,
      files: []
    });
    expect(past.status).toBe(404);
    expect(past.body.error.code).toBe('step_not_found');
  });

  it("answers Alice's private session to Bob as an unknown one, before looking at the body", async () => {
    const body = {
      upto: 1,
      map: [{ recorded: 'secret.csv', path: 'x.csv' }],
      files: []
    };
    const hidden = await post(
      bob,
      `/sessions/${alicePrivate.session.id}/contract`,
      body
    );
    const unknown = await post(bob, `/sessions/${UNKNOWN}/contract`, body);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error.code).toBe(unknown.body.error.code);
    expect(hidden.body.error.message).toBe(
      `No session has the id "${alicePrivate.session.id}".`
    );
    const nonsense = await post(
      bob,
      `/sessions/${alicePrivate.session.id}/contract`,
      { x: 1 }
    );
    expect(nonsense.status).toBe(404);
    // Alice reads her own.
    const own = await post(
      alice,
      `/sessions/${alicePrivate.session.id}/contract`,
      body
    );
    expect(own.status).toBe(200);
    expect(own.body.entries[0].input.path).toBe('secret.csv');
  });
});

describe('GET /sessions/:id/inputs for a fork', () => {
  it('answers kind, fileCount and the trail.dataset role; never a declared output', async () => {
    const session = sessionEvent({ notebookPath: 'alice/images.ipynb' });
    const id = session.session.id;
    const run = executionEvent(id, 1, {
      notebookPath: 'alice/images.ipynb',
      capture: {
        files: [
          {
            path: 'images/train',
            access: 'read',
            kind: 'folder',
            role: 'train',
            fileCount: 12,
            size: 4096,
            sha256: SHA('c')
          },
          { path: 'labels.csv', access: 'read', kind: 'file', role: 'labels' },
          {
            path: 'predictions.csv',
            access: 'write',
            kind: 'file',
            role: 'output'
          }
        ]
      }
    });
    expect((await send(alice, [session, run])).status).toBe(200);
    const res = await get(bob, `/sessions/${id}/inputs?upto=1`);
    expect(res.status).toBe(200);
    expect(res.body.inputs).toEqual([
      {
        path: 'images/train',
        step: 1,
        kind: 'folder',
        role: 'train',
        fileCount: 12,
        size: 4096,
        sha256: SHA('c')
      },
      { path: 'labels.csv', step: 1, kind: 'file', role: 'labels' }
    ]);
  });
});

describe('GET /sessions/:id/parent-comparison', () => {
  it("compares Bob's fork with Alice's session: inputs, params, metrics and step verdicts", async () => {
    const res = await get(alice, `/sessions/${F}/parent-comparison`);
    expect(res.status).toBe(200);
    expect(res.body.sessionId).toBe(F);
    expect(res.body.parent).toMatchObject({
      sessionId: S,
      step: 3,
      kind: 'fork',
      notebookPath: NB
    });
    expect(typeof res.body.parent.author).toBe('string');
    expect(res.body.inputs).toEqual([
      {
        recorded: 'data/houses.csv',
        path: '/home/bob/mine.csv',
        parent: { sha256: SHA('a'), size: 1200, table: HOUSES },
        fork: { sha256: SHA('b'), size: 3000, table: MINE },
        columns: {
          added: [{ name: 'zip', type: 'string' }],
          removed: [],
          retyped: [{ name: 'price', recorded: 'int64', target: 'float64' }]
        }
      }
    ]);
    expect(res.body.params).toEqual([
      { name: 'lr', parent: 0.1, fork: 0.1, same: true }
    ]);
    expect(res.body.metrics).toEqual([
      { name: 'rmse', parent: 3.2, fork: 4.5, same: false }
    ]);
    expect(res.body.steps).toEqual([
      {
        step: 1,
        parentExecutionId: parentSteps[0].execution.id,
        forkExecutionId: forkSteps[0].execution.id,
        verdict: 'same'
      },
      {
        step: 2,
        parentExecutionId: parentSteps[1].execution.id,
        forkExecutionId: forkSteps[1].execution.id,
        verdict: 'differs'
      },
      {
        step: 3,
        parentExecutionId: parentSteps[2].execution.id,
        forkExecutionId: forkSteps[2].execution.id,
        verdict: 'new-error'
      }
    ]);
    expect(res.body.differing).toBe(2);
  });

  it('is a 404 for a session with no parent', async () => {
    const res = await get(alice, `/sessions/${S}/parent-comparison`);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      `Session "${S}" has no parent: it is not a replay or a fork.`
    );
  });

  it('answers a fork whose parent is private to someone else as one whose parent does not exist', async () => {
    const hidden = await get(
      bob,
      `/sessions/${forkOfPrivate.session.id}/parent-comparison`
    );
    const unknown = await get(
      bob,
      `/sessions/${forkOfUnknown.session.id}/parent-comparison`
    );
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error.code).toBe(unknown.body.error.code);
    expect(hidden.body.error.message).toBe(
      `No session has the id "${alicePrivate.session.id}".`
    );
    expect(unknown.body.error.message).toBe(
      `No session has the id "${UNKNOWN}".`
    );
    // Alice may read both sides.
    const hers = await get(
      alice,
      `/sessions/${forkOfPrivate.session.id}/parent-comparison`
    );
    expect(hers.status).toBe(200);
    expect(hers.body.steps).toEqual([
      {
        step: 1,
        parentExecutionId: alicePrivateStep.execution.id,
        verdict: 'not-run'
      }
    ]);
  });

  it("answers Bob's private fork to Alice as an unknown session", async () => {
    const hidden = await get(
      alice,
      `/sessions/${bobPrivateFork.session.id}/parent-comparison`
    );
    const unknown = await get(alice, `/sessions/${UNKNOWN}/parent-comparison`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toEqual({
      ...unknown.body.error,
      message: `No session has the id "${bobPrivateFork.session.id}".`
    });
    expect(
      (
        await get(
          bob,
          `/sessions/${bobPrivateFork.session.id}/parent-comparison`
        )
      ).status
    ).toBe(200);
  });
});

describe('GET /sessions/:id/replays lists forks', () => {
  const ids = (page: { items: SessionSummary[] }) => page.items.map(s => s.id);

  it('lists the forks under the parent with their lineage and substitutions', async () => {
    const res = await get(alice, `/sessions/${S}/replays`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([F]);
    expect(res.body.items[0].lineage).toEqual({
      kind: 'fork',
      sessionId: S,
      step: 3,
      substitutions: SUBSTITUTIONS
    });
  });

  it("lists Bob's private fork to Bob only", async () => {
    const his = await get(bob, `/sessions/${S}/replays`);
    expect(ids(his.body)).toEqual([bobPrivateFork.session.id, F]);
    const first = await get(alice, `/sessions/${S}/replays?limit=1`);
    expect(ids(first.body)).toEqual([F]);
    expect(first.body.nextCursor).toBeNull();
  });

  it('refuses a malformed substitution on ingest', async () => {
    const bad = sessionEvent({
      lineage: {
        kind: 'fork',
        sessionId: S,
        step: 1,
        substitutions: [{ recorded: 'a.csv', path: '', sha256: 'nope' }]
      }
    });
    const res = await send(bob, [bad]);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toMatch(
      /^\/events\/0\/session\/lineage\/substitutions\/0\//
    );
  });
});

/**
 * "Who already computed this?" through the API of a real server process,
 * with two people: Bob finds Alice's identical team steps, never her
 * private ones (not even as a count), the lookup before a cell runs finds
 * what it would repeat, and a session names the sessions it repeats.
 */
import type {
  EnvironmentSnapshot,
  ExecutionCompletedEvent,
  FileAccess
} from '../../src/records/schema';
import { buildServer } from './support/process';
import {
  environment,
  environmentEvent,
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

const NB = 'nb/train.ipynb';
const DATA = 'c'.repeat(64);
const OTHER_DATA = 'd'.repeat(64);
const CODE = [
  'import pandas as pd',
  'df = pd.read_csv("data.csv")',
  'model = fit(df)  # takes 41 minutes'
];

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;

/** A session of the three steps (or the first `steps`), reading `data`. */
function run(
  startedAt: string,
  options: {
    data?: string;
    steps?: number;
    visibility?: 'team' | 'private';
    environment?: EnvironmentSnapshot;
  } = {}
) {
  const s = sessionEvent({
    notebookPath: NB,
    startedAt,
    ...(options.visibility ? { visibility: options.visibility } : {})
  });
  const base = Date.parse(startedAt);
  const read: FileAccess = {
    path: 'data.csv',
    access: 'read',
    kind: 'file',
    sha256: options.data ?? DATA
  };
  const xs: ExecutionCompletedEvent[] = CODE.slice(0, options.steps ?? 3).map(
    (code, i) =>
      executionEvent(s.session.id, i + 1, {
        notebookPath: NB,
        code,
        startedAt: new Date(base + (i + 1) * 60_000).toISOString(),
        endedAt: new Date(base + (i + 1) * 60_000 + 1000).toISOString(),
        durationMs: 1000,
        ...(i === 1 ? { capture: { files: [read] } } : {})
      })
  );
  return {
    s,
    xs,
    events: [s, environmentEvent(s.session.id, 1, options.environment), ...xs]
  };
}

const aliceTeam = run('2026-03-01T10:00:00.000Z');
const alicePrivate = run('2026-03-02T10:00:00.000Z', {
  visibility: 'private'
});
const aliceOtherData = run('2026-03-03T10:00:00.000Z', { data: OTHER_DATA });
/** Bob's laptop: another host and folder, the same packages. */
const bobsLaptop = environment({
  platform: {
    system: 'Linux',
    release: '6.1.0',
    machine: 'x86_64',
    hostname: 'bobs-laptop',
    cwd: '/home/bob/train'
  }
});
const bobRun = run('2026-03-04T10:00:00.000Z', { environment: bobsLaptop });
const bobPartial = run('2026-03-05T10:00:00.000Z', {
  steps: 2,
  environment: bobsLaptop
});

const call = (
  who: ProcessMember,
  method: string,
  path: string,
  body?: unknown
) => team.call(who.token, method, path, body);
const ids = (matches: { executionId: string }[]) =>
  matches.map(m => m.executionId);

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess({ alice: 'member', bob: 'member' });
  ({ alice, bob } = team.people);
  for (const [who, events] of [
    [alice, aliceTeam.events],
    [alice, alicePrivate.events],
    [alice, aliceOtherData.events],
    [bob, bobRun.events],
    [bob, bobPartial.events]
  ] as const) {
    const res = await call(who, 'POST', '/events', { events });
    expect(res.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

describe('GET /executions/:id/identical', () => {
  it('answers Bob the teammates’ identical step, never Alice’s private one', async () => {
    const res = await call(
      bob,
      'GET',
      `/executions/${bobRun.xs[2].execution.id}/identical`
    );
    expect(res.status).toBe(200);
    expect(res.body.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.matches).toEqual([
      {
        executionId: aliceTeam.xs[2].execution.id,
        sessionId: aliceTeam.s.session.id,
        notebookPath: NB,
        step: 3,
        author: expect.objectContaining({ name: 'alice' }),
        endedAt: aliceTeam.xs[2].execution.endedAt,
        durationMs: 1000,
        status: 'ok'
      }
    ]);
  });

  it('answers Alice her own private step too, newest first, and not itself', async () => {
    const res = await call(
      alice,
      'GET',
      `/executions/${aliceTeam.xs[2].execution.id}/identical`
    );
    expect(res.status).toBe(200);
    expect(ids(res.body.matches)).toEqual([
      bobRun.xs[2].execution.id,
      alicePrivate.xs[2].execution.id
    ]);
    expect(res.body.matches[0].author.name).toBe('bob');
  });

  it('does not match other data at the step that read it, nor after', async () => {
    for (const step of [1, 2]) {
      const res = await call(
        alice,
        'GET',
        `/executions/${aliceOtherData.xs[step].execution.id}/identical`
      );
      expect(res.status).toBe(200);
      expect(res.body.matches).toEqual([]);
    }
    // Its first step is the same computation as everyone's.
    const first = await call(
      bob,
      'GET',
      `/executions/${aliceOtherData.xs[0].execution.id}/identical`
    );
    expect(ids(first.body.matches)).toEqual([
      bobPartial.xs[0].execution.id,
      bobRun.xs[0].execution.id,
      aliceTeam.xs[0].execution.id
    ]);
  });

  it('is a 404 for Bob on Alice’s private execution, as for an unknown id', async () => {
    const privateId = alicePrivate.xs[2].execution.id;
    const unknownId = 'exe-00000000-0000-4000-8000-000000000000';
    const hidden = await call(bob, 'GET', `/executions/${privateId}/identical`);
    const unknown = await call(
      bob,
      'GET',
      `/executions/${unknownId}/identical`
    );
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(hidden.body).replace(privateId, 'ID')).toBe(
      JSON.stringify(unknown.body).replace(unknownId, 'ID')
    );
  });
});

describe('POST /fingerprints/lookup', () => {
  it('finds who ran the same code after the same steps before it runs', async () => {
    const res = await call(bob, 'POST', '/fingerprints/lookup', {
      sessionId: bobPartial.s.session.id,
      previousExecutionId: bobPartial.xs[1].execution.id,
      code: CODE[2]
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('ok');
    expect(ids(res.body.matches)).toEqual([
      bobRun.xs[2].execution.id,
      aliceTeam.xs[2].execution.id
    ]);
    expect(res.body.matches[1]).toMatchObject({
      step: 3,
      author: { name: 'alice' },
      durationMs: 1000
    });
    // Alice also sees her private run.
    const hers = await call(alice, 'POST', '/fingerprints/lookup', {
      sessionId: aliceOtherData.s.session.id,
      previousExecutionId: null,
      code: CODE[0]
    });
    expect(ids(hers.body.matches)).toEqual([
      bobPartial.xs[0].execution.id,
      bobRun.xs[0].execution.id,
      alicePrivate.xs[0].execution.id,
      aliceTeam.xs[0].execution.id
    ]);
  });

  it('finds nothing for other code, and says when the path is not known', async () => {
    const other = await call(bob, 'POST', '/fingerprints/lookup', {
      sessionId: bobPartial.s.session.id,
      previousExecutionId: bobPartial.xs[1].execution.id,
      code: 'model = fit(df, depth=3)'
    });
    expect(other.body).toEqual({ state: 'ok', matches: [] });
    const inFlight = await call(bob, 'POST', '/fingerprints/lookup', {
      sessionId: bobPartial.s.session.id,
      previousExecutionId: 'exe-not-stored-yet',
      code: CODE[2]
    });
    expect(inFlight.body).toEqual({ state: 'previous-unknown', matches: [] });
  });

  it('answers Bob on Alice’s private session as on an unknown one', async () => {
    const body = (sessionId: string) => ({
      sessionId,
      previousExecutionId: null,
      code: CODE[0]
    });
    const hidden = await call(
      bob,
      'POST',
      '/fingerprints/lookup',
      body(alicePrivate.s.session.id)
    );
    const unknown = await call(
      bob,
      'POST',
      '/fingerprints/lookup',
      body('ses-never-stored')
    );
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual(unknown.body);
    expect(hidden.body).toEqual({ state: 'previous-unknown', matches: [] });
  });

  it('refuses a body that does not fit, precisely', async () => {
    const res = await call(bob, 'POST', '/fingerprints/lookup', {
      sessionId: bobPartial.s.session.id,
      code: 1
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(JSON.stringify(res.body.error.details)).toMatch(/\/body/);
  });
});

describe('GET /sessions/:id/identical-prefix', () => {
  it('names the sessions this one repeats, longest first, readable ones only', async () => {
    const res = await call(
      bob,
      'GET',
      `/sessions/${bobPartial.s.session.id}/identical-prefix`
    );
    expect(res.status).toBe(200);
    expect(res.body.matches).toEqual([
      expect.objectContaining({ sessionId: bobRun.s.session.id, step: 2 }),
      expect.objectContaining({
        sessionId: aliceTeam.s.session.id,
        step: 2,
        notebookPath: NB,
        author: expect.objectContaining({ name: 'alice' })
      }),
      expect.objectContaining({
        sessionId: aliceOtherData.s.session.id,
        step: 1
      })
    ]);
    const hers = await call(
      alice,
      'GET',
      `/sessions/${aliceTeam.s.session.id}/identical-prefix`
    );
    expect(
      hers.body.matches.map((m: { sessionId: string; step: number }) => [
        m.sessionId,
        m.step
      ])
    ).toEqual(
      expect.arrayContaining([
        [alicePrivate.s.session.id, 3],
        [bobRun.s.session.id, 3],
        [bobPartial.s.session.id, 2],
        [aliceOtherData.s.session.id, 1]
      ])
    );
  });

  it('is a 404 for Bob on Alice’s private session, as for an unknown id', async () => {
    const privateId = alicePrivate.s.session.id;
    const unknownId = 'ses-00000000-0000-4000-8000-000000000000';
    const hidden = await call(
      bob,
      'GET',
      `/sessions/${privateId}/identical-prefix`
    );
    const unknown = await call(
      bob,
      'GET',
      `/sessions/${unknownId}/identical-prefix`
    );
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body).replace(privateId, 'ID')).toBe(
      JSON.stringify(unknown.body).replace(unknownId, 'ID')
    );
  });
});

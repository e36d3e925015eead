/**
 * A session exported as a pipeline through the API of a real server
 * process (#15, contract A), the code analysis run by .venv's Python
 * (TRAIL_PYTHON): a session's files and report, what produced one file or
 * one metric, a session with no successful step and a target nothing
 * produced (422 naming it), another's private session (404 as unknown), a
 * bad body (400 naming the field), and a server whose Python is missing
 * (503 naming it).
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { loadApiSchemas, loadRecordSchemas } from '../../server/schemas';
import { ROOT, buildServer, startServer } from './support/process';
import { executionEvent, newId, sessionEvent } from './support/records';
import { removeTempDirs, tempDir } from './support/server';
import {
  OWNER_TOKEN,
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(120_000);

const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const NB = 'alice/train.ipynb';
const SHA = (c: string) => c.repeat(64);
const AT = '2026-03-01T10:00:05.000Z';

let team: TeamProcess;
let alice: ProcessMember;
let bob: ProcessMember;

// Alice's training run: reads a CSV, shows a few rows, sets lr, writes a
// model, fails once, logs a score, writes a plot.
const session = sessionEvent({ notebookPath: NB });
const S = session.session.id;
const step = (
  seq: number,
  code: string,
  extra: Parameters<typeof executionEvent>[2] = {}
) =>
  executionEvent(S, seq, {
    notebookPath: NB,
    code,
    outputs: [],
    ...extra
  });
const steps = [
  step(1, 'rows = open("data/train.csv").read().splitlines()', {
    capture: {
      files: [
        {
          path: 'data/train.csv',
          access: 'read',
          kind: 'file',
          sha256: SHA('a'),
          size: 120
        }
      ]
    }
  }),
  step(2, 'print(rows[:3])'),
  step(3, 'lr = 0.1\ntrail.log_param("lr", lr)\nweight = len(rows) * lr', {
    capture: { params: { lr: 0.1 } }
  }),
  step(4, 'open("model.txt", "w").write(str(weight))', {
    capture: {
      files: [
        {
          path: 'model.txt',
          access: 'write',
          kind: 'file',
          sha256: SHA('b'),
          size: 3
        }
      ]
    }
  }),
  step(5, '1 / 0', {
    status: 'error',
    error: { ename: 'ZeroDivisionError', evalue: 'division by zero' }
  }),
  step(6, '%time score = weight / 2\ntrail.log_metric("score", score)', {
    capture: { metrics: [{ name: 'score', value: 0.6, at: AT }] }
  }),
  step(7, 'open("plot.txt", "w").write("x" * len(rows))', {
    capture: {
      files: [
        {
          path: 'plot.txt',
          access: 'write',
          kind: 'file',
          sha256: SHA('c'),
          size: 4
        }
      ]
    }
  })
];
// A session where nothing succeeded.
const broken = sessionEvent({ notebookPath: 'alice/broken.ipynb' });
const brokenSteps = [1, 2].map(seq =>
  executionEvent(broken.session.id, seq, {
    notebookPath: 'alice/broken.ipynb',
    code: 'import nothing_here',
    status: 'error',
    error: { ename: 'ModuleNotFoundError', evalue: 'nothing_here' }
  })
);
const hidden = sessionEvent({ notebookPath: NB, visibility: 'private' });
const hiddenStep = executionEvent(hidden.session.id, 1, {
  notebookPath: NB,
  code: 'open("secret.txt", "w").write("s")'
});

const post = (who: ProcessMember, id: string, body?: unknown) =>
  team.call(who.token, 'POST', `/sessions/${id}/export`, body);

beforeAll(async () => {
  buildServer();
  team = await startTeamProcess(
    { alice: 'member', bob: 'member' },
    { TRAIL_PYTHON: PYTHON }
  );
  ({ alice, bob } = team.people);
  const sent = await team.call(alice.token, 'POST', '/events', {
    events: [session, ...steps, broken, ...brokenSteps, hidden, hiddenStep]
  });
  expect(sent.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await team?.stop();
  await removeTempDirs();
});

// The answer is checked against export-result.schema.json as written.
const ajv = new Ajv({ strict: false });
addFormats(ajv);
for (const schema of [
  ...Object.values(loadRecordSchemas()),
  ...Object.values(loadApiSchemas())
]) {
  ajv.addSchema(schema);
}
const fitsExportResult = (body: unknown) => {
  const validate = ajv.getSchema(
    'https://trail.dev/schema/api/export-result.schema.json'
  )!;
  return validate(body) ? null : validate.errors;
};

const fileOf = (body: any, path: string): string =>
  body.files.find((f: { path: string }) => f.path === path)?.content;

describe('POST /sessions/:id/export', () => {
  it('exports a whole session: the files, kept and dropped steps with why, the magics, params, metrics and what a run should reproduce', async () => {
    const res = await post(bob, S, { folder: 'pipelines/train' });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(fitsExportResult(body)).toBeNull();
    expect(body).toMatchObject({
      sessionId: S,
      upto: 7,
      target: { kind: 'session' },
      folder: 'pipelines/train'
    });
    expect(body.files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining([
        'pipeline.py',
        'params.yaml',
        'requirements.txt',
        'dvc.yaml',
        'MLproject',
        'Dockerfile',
        'pipeline.ipynb',
        'README.md'
      ])
    );
    expect(body.kept.map((k: { step: number }) => k.step)).toEqual([
      1, 3, 4, 6, 7
    ]);
    expect(body.kept[0].executionId).toBe(steps[0].execution.id);
    expect(
      body.dropped.map((d: { step: number; reason: string }) => [
        d.step,
        d.reason
      ])
    ).toEqual([
      [2, 'display'],
      [5, 'failed']
    ]);
    // %time is unwrapped, and said so.
    expect(body.translations).toEqual([
      expect.objectContaining({ step: 6, line: 1, action: 'unwrapped' })
    ]);
    const script = fileOf(body, 'pipeline.py');
    expect(script).toContain('lr = PARAMS["lr"]');
    expect(script).toContain('score = weight / 2');
    expect(script).not.toContain('print(rows[:3])');
    expect(script).not.toContain('1 / 0');
    // The pipeline sits two folders below the notebook's folder.
    expect(fileOf(body, 'dvc.yaml')).toContain('data/train.csv');
    expect(script).toContain('"../.."');
    expect(fileOf(body, 'params.yaml')).toContain('lr: 0.1');
    expect(body.params).toEqual([
      expect.objectContaining({
        name: 'lr',
        value: 0.1,
        step: 3,
        executionId: steps[2].execution.id,
        overridable: true
      })
    ]);
    expect(body.metrics).toEqual([
      expect.objectContaining({ name: 'score', value: 0.6, step: 6 })
    ]);
    expect(body.inputs).toEqual([
      expect.objectContaining({
        path: 'data/train.csv',
        sha256: SHA('a'),
        step: 1
      })
    ]);
    expect(body.outputs).toEqual(['model.txt', 'plot.txt']);
    expect(body.expected).toEqual({
      files: [
        { path: 'model.txt', sha256: SHA('b') },
        { path: 'plot.txt', sha256: SHA('c') }
      ],
      metrics: [{ name: 'score', value: 0.6 }],
      params: [{ name: 'lr', value: 0.1 }]
    });
    expect(body.unresolvedImports).toEqual([]);
  });

  it('defaults the folder to pipelines/<notebook stem>-<today>', async () => {
    const res = await post(alice, S);
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.body.folder).toBe(`pipelines/train-${today}`);
  });

  it('exports what produced one file: the plot and score steps are dropped as unused', async () => {
    const res = await post(alice, S, {
      target: { kind: 'file', path: 'model.txt' }
    });
    expect(res.status).toBe(200);
    expect(fitsExportResult(res.body)).toBeNull();
    expect(res.body.target).toEqual({ kind: 'file', path: 'model.txt' });
    expect(res.body.kept.map((k: { step: number }) => k.step)).toEqual([
      1, 3, 4
    ]);
    expect(
      res.body.dropped
        .filter((d: { reason: string }) => d.reason === 'unused')
        .map((d: { step: number }) => d.step)
    ).toEqual([6, 7]);
    expect(res.body.expected.files).toEqual([
      { path: 'model.txt', sha256: SHA('b') }
    ]);
    expect(fileOf(res.body, 'pipeline.py')).not.toContain('plot.txt');
  });

  it('exports what produced one metric, up to a step', async () => {
    const res = await post(alice, S, {
      upto: 6,
      target: { kind: 'metric', name: 'score' }
    });
    expect(res.status).toBe(200);
    expect(res.body.upto).toBe(6);
    expect(res.body.kept.map((k: { step: number }) => k.step)).toEqual([
      1, 3, 6
    ]);
    expect(res.body.outputs).toEqual([]);
    expect(res.body.expected.metrics).toEqual([{ name: 'score', value: 0.6 }]);
  });

  it('refuses a session with no successful step (422 no-success)', async () => {
    const res = await post(alice, broken.session.id);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no-success');
    expect(res.body.error.message).toContain('None of the 2 executions');
  });

  it('refuses a target nothing produced (422 target-not-produced, naming it)', async () => {
    const file = await post(alice, S, {
      target: { kind: 'file', path: 'nowhere.csv' }
    });
    expect(file.status).toBe(422);
    expect(file.body.error.code).toBe('target-not-produced');
    expect(file.body.error.message).toContain('nowhere.csv');
    // The score is logged at step 6: not by step 4.
    const metric = await post(alice, S, {
      upto: 4,
      target: { kind: 'metric', name: 'score' }
    });
    expect(metric.status).toBe(422);
    expect(metric.body.error.code).toBe('target-not-produced');
    expect(metric.body.error.message).toContain('score');
  });

  it('answers another person’s private session as an unknown one, whatever the body', async () => {
    const unknown = await post(bob, newId('ses'), {});
    expect(unknown.status).toBe(404);
    const theirs = await post(bob, hidden.session.id, {});
    expect(theirs.status).toBe(404);
    const badBody = await post(bob, hidden.session.id, { upto: 'x' });
    expect(badBody.status).toBe(404);
    expect(theirs.body.error.code).toBe(unknown.body.error.code);
    expect(theirs.body.error.message.replace(hidden.session.id, 'ID')).toBe(
      unknown.body.error.message.replace(/ses-[0-9a-f-]+/, 'ID')
    );
    // Its author exports it.
    const own = await post(alice, hidden.session.id, {});
    expect(own.status).toBe(200);
    expect(own.body.outputs).toEqual([]);
  });

  it('refuses a bad body with a 400 naming the field, and a step past the last with 404 step_not_found', async () => {
    const cases: [unknown, string][] = [
      [{ upto: 0 }, '/body/upto'],
      [{ upto: 2.5 }, '/body/upto'],
      [{ target: { kind: 'file' } }, '/body/target/path'],
      [{ target: { kind: 'metric', name: '' } }, '/body/target/name'],
      [{ target: { kind: 'session', path: 'x' } }, '/body/target/path'],
      [{ target: { kind: 'plot' } }, '/body/target/kind'],
      [{ target: { kind: 'file', path: 7 } }, '/body/target/path'],
      [{ folder: '../elsewhere' }, '/body/folder'],
      [{ folder: '/tmp/abs' }, '/body/folder'],
      [{ folder: '' }, '/body/folder'],
      [{ force: 'yes' }, '/body/force'],
      [{ mode: 'fast' }, '/body/mode'],
      [[], '/body']
    ];
    for (const [body, path] of cases) {
      const res = await post(alice, S, body);
      const first = res.body.error?.details?.[0];
      expect([JSON.stringify(body), res.status, first?.path]).toEqual([
        JSON.stringify(body),
        400,
        path
      ]);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain(path);
    }
    const past = await post(alice, S, { upto: 8 });
    expect(past.status).toBe(404);
    expect(past.body.error.code).toBe('step_not_found');
  });
});

describe('the Trail server in the exported folder', () => {
  it('names the URL the request came in on in the README and trail-expected.json, never a token', async () => {
    const res = await post(bob, S, { folder: 'pipelines/where' });
    expect(res.status).toBe(200);
    const url = team.server.line.url;
    expect(fileOf(res.body, 'README.md')).toContain(
      `- Session: \`${S}\` on ${url}\n`
    );
    expect(fileOf(res.body, 'README.md')).toContain('trail verify .');
    expect(JSON.parse(fileOf(res.body, 'trail-expected.json')).source).toEqual({
      sessionId: S,
      step: 7,
      notebookPath: NB,
      server: url
    });
    for (const file of res.body.files as { path: string; content: string }[]) {
      expect(file.content).not.toContain(bob.token);
      expect(file.content).not.toContain(OWNER_TOKEN);
    }
  });

  it('prefers the public URL the server is configured with (TRAIL_PUBLIC_URL), without its credentials', async () => {
    const server = await startServer(await tempDir(), OWNER_TOKEN, {
      TRAIL_PYTHON: PYTHON,
      TRAIL_PUBLIC_URL:
        'https://proxy-user:proxy-secret@trail.example.com/team/'
    });
    try {
      const sent = await server.call(OWNER_TOKEN, 'POST', '/events', {
        events: [session, ...steps]
      });
      expect(sent.status).toBe(200);
      const res = await server.call(
        OWNER_TOKEN,
        'POST',
        `/sessions/${S}/export`,
        { folder: 'pipelines/public' }
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      const readme = fileOf(body, 'README.md');
      expect(readme).toContain(`on https://trail.example.com/team\n`);
      expect(
        JSON.parse(fileOf(body, 'trail-expected.json')).source.server
      ).toBe('https://trail.example.com/team');
      expect(JSON.stringify(body)).not.toContain('proxy-secret');
      expect(JSON.stringify(body)).not.toContain(server.line.url);
    } finally {
      await server.stop();
    }
  });
});

describe('a server whose analysis Python is missing', () => {
  it('answers 503 analysis_unavailable naming the Python', async () => {
    const missing = '/nonexistent/bin/python3';
    const server = await startServer(await tempDir(), OWNER_TOKEN, {
      TRAIL_PYTHON: missing
    });
    try {
      const sent = await server.call(OWNER_TOKEN, 'POST', '/events', {
        events: [session, ...steps]
      });
      expect(sent.status).toBe(200);
      const res = await server.call(
        OWNER_TOKEN,
        'POST',
        `/sessions/${S}/export`,
        {}
      );
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.error.code).toBe('analysis_unavailable');
      expect(body.error.message).toContain(missing);
      expect(body.error.message).toContain('TRAIL_PYTHON');
    } finally {
      await server.stop();
    }
  });
});

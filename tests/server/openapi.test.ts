/**
 * The API describes itself, and its answers match the record schemas that
 * the description (and the client) relies on.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { loadRecordSchemas } from '../../server/schemas';
import {
  annotationEvent,
  bigPng,
  environmentEvent,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import { buildServer } from './support/process';
import { openFileApp, removeTempDirs, type FileApp } from './support/server';
import {
  startTeamProcess,
  type ProcessMember,
  type TeamProcess
} from './support/team-process';

jest.setTimeout(60_000);

let server: FileApp;

beforeAll(async () => {
  server = await openFileApp();
});

afterAll(async () => {
  await server.close();
  await removeTempDirs();
});

describe('openapi.json', () => {
  it('describes every route the app serves', async () => {
    const res = await server.get('/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map(
        method => `${method.toUpperCase()} ${path}`
      )
    );
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'GET /version',
        'POST /events',
        'GET /sessions',
        'GET /sessions/{id}',
        'GET /sessions/{id}/executions',
        'GET /executions/{id}',
        'GET /executions/{id}/previous',
        'GET /executions/{id}/identical',
        'POST /fingerprints/lookup',
        'GET /sessions/{id}/identical-prefix',
        'GET /cells/executions',
        'GET /environments/{id}',
        'GET /blobs/{sha256}',
        'GET /runs',
        'GET /runs/names',
        'GET /runs/{id}',
        'GET /runs/{id}/metrics',
        'GET /openapi.json',
        'PATCH /sessions/{id}',
        'GET /me',
        'GET /users',
        'GET /notebooks',
        'PUT /notebooks/visibility',
        'GET /search',
        'GET /changes',
        'GET /sessions/{id}/steps',
        'GET /sessions/{id}/steps/{k}',
        'GET /sessions/{id}/inputs',
        'POST /sessions/{id}/preflight',
        'GET /sessions/{id}/replays',
        'POST /sessions/{id}/contract',
        'GET /sessions/{id}/parent-comparison',
        'POST /sessions/{id}/export'
      ].sort()
    );
    for (const title of [
      'EventBatch',
      'IngestResult',
      'SessionSummary',
      'ExecutionSummary',
      'ExecutionRecord',
      'ExecutionCapture',
      'EnvironmentSnapshot',
      'ExportRequest',
      'ExportResult',
      'RunSummary',
      'RunPage'
    ]) {
      expect(doc.components.schemas[title]).toMatchObject({ title });
    }
    // Every $ref is a pointer into the document that resolves (tools that
    // read the document alone, like schemathesis, fetch nothing), and no
    // $id changes the base they resolve against.
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$id"/);
    const refs = [...text.matchAll(/"\$ref":"([^"]*)"/g)].map(m => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\//);
      let at: any = doc;
      for (const token of ref.slice(2).split('/')) {
        at = at?.[token.replace(/~1/g, '/').replace(/~0/g, '~')];
      }
      expect([ref, typeof at]).toEqual([ref, 'object']);
    }
  });
});

describe('responses match the record schemas', () => {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  for (const schema of Object.values(loadRecordSchemas())) {
    ajv.addSchema(schema);
  }
  const check = (file: string, value: unknown) => {
    const validate = ajv.getSchema(`https://trail.dev/schema/records/${file}`)!;
    const valid = validate(value);
    expect(valid ? null : validate.errors).toBeNull();
  };

  it('for ingest, sessions, executions', async () => {
    const session = sessionEvent();
    const sid = session.session.id;
    const e = executionEvent(sid, 1, {
      outputs: [imageOutput(bigPng('schema'))]
    });
    const derivedOnly = executionEvent('ses-derived-0001', 1);
    const ingest = await server
      .post('/events', { events: [session, e, derivedOnly] })
      .expect(200);
    check('ingest-result.schema.json', ingest.body);
    const sessions = await server.get('/sessions').expect(200);
    expect(sessions.body.items).toHaveLength(2);
    sessions.body.items.forEach((s: unknown) =>
      check('session-summary.schema.json', s)
    );
    const executions = await server
      .get(`/sessions/${sid}/executions`)
      .expect(200);
    check('execution-summary.schema.json', executions.body.items[0]);
    const full = await server.get(`/executions/${e.execution.id}`).expect(200);
    check('execution.schema.json', full.body);
  });

  it('for captures, cells, previous runs and environments', async () => {
    const session = sessionEvent({ notebookPath: 'cap.ipynb' });
    const sid = session.session.id;
    const runs = [1, 2].map(seq =>
      executionEvent(sid, seq, {
        notebookPath: 'cap.ipynb',
        cellId: 'train',
        capture: {
          files: [
            { path: 'train.csv', access: 'read', kind: 'file', sha256: null }
          ],
          params: { lr: 0.1 }
        }
      })
    );
    const env = environmentEvent(sid, 1);
    const late = annotationEvent(runs[1].execution, {
      files: [
        {
          path: 'train.csv',
          access: 'read',
          kind: 'file',
          sha256: 'd'.repeat(64)
        }
      ],
      metrics: [{ name: 'loss', value: 0.2, at: '2026-03-01T10:00:03.000Z' }],
      tags: ['best']
    });
    await server
      .post('/events', { events: [session, ...runs, env, late] })
      .expect(200);
    const summary = await server.get(`/sessions/${sid}`).expect(200);
    check('session-summary.schema.json', summary.body);
    const cell = await server
      .get('/cells/executions?notebook=cap.ipynb&cellId=train')
      .expect(200);
    cell.body.items.forEach((x: unknown) =>
      check('execution-summary.schema.json', x)
    );
    const previous = await server
      .get(`/executions/${runs[1].execution.id}/previous`)
      .expect(200);
    check('execution-summary.schema.json', previous.body.execution);
    const full = await server
      .get(`/executions/${runs[1].execution.id}`)
      .expect(200);
    check('execution.schema.json', full.body);
    const snapshot = await server
      .get(`/environments/${summary.body.environments[0].id}`)
      .expect(200);
    check('environment.schema.json', snapshot.body);
  });

  it('for people, notebooks, search and changes', async () => {
    const cursor = (await server.get('/changes').expect(200)).body.cursor;
    const session = sessionEvent({ notebookPath: 'team/people.ipynb' });
    const run = executionEvent(session.session.id, 1, {
      notebookPath: 'team/people.ipynb',
      code: 'people_marker = 42'
    });
    await server.post('/events', { events: [session, run] }).expect(200);
    const me = await server.get('/me').expect(200);
    check('user.schema.json', me.body);
    const users = await server.get('/users').expect(200);
    users.body.items.forEach((u: unknown) => check('user.schema.json', u));
    const notebooks = await server
      .get(`/notebooks?author=${me.body.id}`)
      .expect(200);
    expect(notebooks.body.items.length).toBeGreaterThan(0);
    notebooks.body.items.forEach((n: unknown) =>
      check('notebook-summary.schema.json', n)
    );
    const hits = await server.get('/search?q=people_marker').expect(200);
    expect(hits.body.items).toHaveLength(1);
    check('search-hit.schema.json', hits.body.items[0]);
    const changes = await server.get(`/changes?after=${cursor}`).expect(200);
    expect(changes.body.changes.length).toBe(2);
    check('change.schema.json', changes.body);
  });
});

describe('requests: what the document allows, a real server takes', () => {
  let team: TeamProcess;
  let alice: ProcessMember;
  let doc: any;
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);

  /** Calls as Alice with a raw body (none when undefined) of `type`. */
  const send = async (
    method: string,
    path: string,
    body?: string,
    type = 'application/json'
  ) => {
    const res = await fetch(`${team.server.line.url}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${alice.token}`,
        ...(body === undefined ? {} : { 'Content-Type': type })
      },
      body
    });
    return { status: res.status, body: await res.json() };
  };

  /**
   * Sends each body: one the operation's schema in the document accepts is
   * answered 200, any other 400 with its first detail at `path`.
   */
  const agree = async (
    method: string,
    path: string,
    schema: string,
    cases: [unknown, string | null][]
  ) => {
    const operation =
      doc.paths[path.startsWith('/sessions/') ? '/sessions/{id}' : path][
        method.toLowerCase()
      ];
    expect(operation.requestBody).toMatchObject({
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${schema}` }
        }
      }
    });
    const valid = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
    for (const [body, at] of cases) {
      const res = await send(method, path, JSON.stringify(body));
      expect([body, valid(body)]).toEqual([body, at === null]);
      expect([body, res.status, res.body.error?.details?.[0]?.path]).toEqual(
        at === null ? [body, 200, undefined] : [body, 400, at]
      );
    }
    // No body (the document requires one), and a body that is not JSON.
    const none = await send(method, path);
    expect(none.status).toBe(400);
    expect(none.body.error.details).toEqual([
      {
        path: '/body',
        message: expect.stringMatching(/^must be a JSON object/)
      }
    ]);
    const text = await send(method, path, 'visibility=team', 'text/plain');
    expect(text.status).toBe(415);
    expect(operation.responses['415']).toBeDefined();
  };

  beforeAll(async () => {
    buildServer();
    team = await startTeamProcess({ alice: 'member' });
    alice = team.people.alice;
    doc = await (
      await fetch(`${team.server.line.url}/api/v1/openapi.json`)
    ).json();
    ajv.addSchema(doc, 'openapi');
  }, 60_000);

  afterAll(async () => {
    await team?.stop();
  });

  it('PUT /notebooks/visibility: notebookPath is counted in code points, as the schema counts', async () => {
    const astral = '\u{1F600}'.repeat(4096); // 4096 code points, 8192 UTF-16 units
    await agree('PUT', '/notebooks/visibility', 'NotebookVisibility', [
      [{ notebookPath: astral, visibility: 'private' }, null],
      [{ notebookPath: 'a.ipynb', visibility: 'team', note: 1 }, null],
      [
        { notebookPath: `${astral}x`, visibility: 'team' },
        '/body/notebookPath'
      ],
      [
        { notebookPath: 'a'.repeat(4097), visibility: 'team' },
        '/body/notebookPath'
      ],
      [{ notebookPath: '', visibility: 'team' }, '/body/notebookPath'],
      [{ notebookPath: 'a.ipynb', visibility: 'public' }, '/body/visibility'],
      [{ visibility: 'team' }, '/body/notebookPath'],
      [[], '/body']
    ]);
  });

  it('query parameters: q needs a character that is not white space, notebook filters are non-empty', async () => {
    /** `value` as `name` on `path` (after `base`): 200 exactly when the document allows it. */
    const agreeQuery = async (
      path: string,
      base: string,
      name: string,
      values: string[]
    ) => {
      const parameter = doc.paths[path].get.parameters.find(
        (p: any) => p.name === name
      );
      const valid = ajv.compile(parameter.schema);
      for (const value of values) {
        const res = await send(
          'GET',
          `${path}?${base}${name}=${encodeURIComponent(value)}`
        );
        const ok = valid(value);
        expect([value, res.status, res.body.error?.details?.[0]?.path]).toEqual(
          ok ? [value, 200, undefined] : [value, 400, `/query/${name}`]
        );
      }
    };
    await agreeQuery('/search', '', 'q', [
      'x',
      '" "',
      '"\u00a0" x',
      ' ',
      '\u00a0\u3000\t',
      '\u180e'
    ]);
    await agreeQuery('/search', 'q=x&', 'notebook', ['', 'nb']);
    await agreeQuery('/sessions', '', 'notebook', ['', 'nb/a.ipynb']);
  });

  it('PATCH /sessions/{id}: a body is required and must be an object', async () => {
    const session = sessionEvent({ notebookPath: 'patch.ipynb' });
    const sid = session.session.id;
    expect(
      (await send('POST', '/events', JSON.stringify({ events: [session] })))
        .status
    ).toBe(200);
    await agree('PATCH', `/sessions/${sid}`, 'VisibilityChange', [
      [{ visibility: 'private' }, null],
      [{ visibility: 'team', note: 1 }, null],
      [{ visibility: 'secret' }, '/body/visibility'],
      [{}, '/body/visibility'],
      [[], '/body']
    ]);
    // The refused bodies changed nothing.
    expect((await send('GET', `/sessions/${sid}`)).body.visibility).toBe(
      'team'
    );
  });
});

/**
 * The API describes itself, and its answers match the record schemas that
 * the description (and the client) relies on.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { loadRecordSchemas } from '../../server/schemas';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import { openFileApp, removeTempDirs, type FileApp } from './support/server';

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
        'GET /blobs/{sha256}',
        'GET /openapi.json'
      ].sort()
    );
    for (const title of [
      'EventBatch',
      'IngestResult',
      'SessionSummary',
      'ExecutionSummary',
      'ExecutionRecord'
    ]) {
      expect(doc.components.schemas[title].$id).toMatch(
        /^https:\/\/trail\.dev\/schema\/records\//
      );
    }
    // Every local $ref points at something in the document.
    const refs =
      JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ??
      [];
    for (const ref of refs) {
      const name = ref.slice(ref.lastIndexOf('/') + 1, -1);
      expect(doc.components.schemas).toHaveProperty(name);
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
});

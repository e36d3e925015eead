/**
 * Ingest semantics on a real data folder: idempotency, executions before
 * their session, blobs, group commit under concurrency.
 */
import request from 'supertest';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  type FileApp,
  storedBlobs,
  storedExecutionCount
} from './support/server';

let server: FileApp;

beforeEach(async () => {
  server = await openFileApp();
});

afterEach(async () => {
  await server.close();
});

afterAll(removeTempDirs);

describe('idempotency', () => {
  it('stores a batch once; the same batch again is all duplicates', async () => {
    const session = sessionEvent();
    const batch = {
      events: [
        session,
        executionEvent(session.session.id, 1),
        executionEvent(session.session.id, 2)
      ]
    };
    const ids = batch.events.map(e => e.id);
    const first = await server.post('/events', batch).expect(200);
    expect(first.body).toEqual({ accepted: ids, duplicates: [] });
    const second = await server.post('/events', batch).expect(200);
    expect(second.body).toEqual({ accepted: [], duplicates: ids });

    const sessions = await server.get('/sessions').expect(200);
    expect(sessions.body.items).toHaveLength(1);
    expect(sessions.body.items[0].executionCount).toBe(2);
    const executions = await server
      .get(`/sessions/${session.session.id}/executions`)
      .expect(200);
    expect(executions.body.items).toHaveLength(2);
  });

  it('counts a repeated id within one batch once', async () => {
    const session = sessionEvent();
    const res = await server
      .post('/events', { events: [session, session] })
      .expect(200);
    expect(res.body).toEqual({
      accepted: [session.id],
      duplicates: [session.id]
    });
  });

  it('treats a new event carrying a stored execution as a duplicate', async () => {
    const event = executionEvent('ses-000000000001', 1);
    await server.post('/events', { events: [event] }).expect(200);
    const again = { ...event, id: 'evt-other-0000001' };
    const res = await server.post('/events', { events: [again] }).expect(200);
    expect(res.body).toEqual({ accepted: [], duplicates: [again.id] });
    expect(await storedExecutionCount(server)).toBe(1);
  });

  it('sorts concurrent copies of one batch into one accepted, the rest duplicates', async () => {
    const session = sessionEvent();
    const batch = { events: [session, executionEvent(session.session.id, 1)] };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => server.post('/events', batch).expect(200))
    );
    const accepted = results.flatMap(r => r.body.accepted);
    const duplicates = results.flatMap(r => r.body.duplicates);
    expect(accepted.sort()).toEqual(batch.events.map(e => e.id).sort());
    expect(duplicates).toHaveLength(10);
  });
});

describe('sessions', () => {
  it('accepts an execution before its session and derives the session until it arrives', async () => {
    const session = sessionEvent({
      notebookPath: 'late.ipynb',
      startedAt: '2026-03-01T09:59:00.000Z'
    });
    const sid = session.session.id;
    const e2 = executionEvent(sid, 2, { notebookPath: 'late.ipynb' });
    const e1 = executionEvent(sid, 1, { notebookPath: 'late.ipynb' });
    await server.post('/events', { events: [e2] }).expect(200);
    await server.post('/events', { events: [e1] }).expect(200);

    const derived = await server.get(`/sessions/${sid}`).expect(200);
    expect(derived.body).toEqual({
      id: sid,
      notebookPath: 'late.ipynb',
      startedAt: e1.execution.startedAt,
      kernel: null,
      executionCount: 2,
      lastExecutionAt: e2.execution.endedAt,
      author: { id: 'owner', name: 'owner', displayName: expect.any(String) },
      visibility: 'team'
    });
    const listed = await server.get(`/sessions/${sid}/executions`).expect(200);
    expect(listed.body.items.map((x: any) => x.seq)).toEqual([1, 2]);

    await server.post('/events', { events: [session] }).expect(200);
    const declared = await server.get(`/sessions/${sid}`).expect(200);
    expect(declared.body.kernel).toEqual(session.session.kernel);
    expect(declared.body.startedAt).toBe('2026-03-01T09:59:00.000Z');
    expect(declared.body.executionCount).toBe(2);
  });

  it('answers 404 not_found for unknown sessions and executions', async () => {
    const a = await server.get('/sessions/ses-unknown-001').expect(404);
    expect(a.body.error.code).toBe('not_found');
    await server.get('/sessions/ses-unknown-001/executions').expect(404);
    await server.get('/executions/exe-unknown-001').expect(404);
  });

  it('returns an execution whole, and its summary without outputs', async () => {
    const e = executionEvent('ses-000000000002', 1, {
      status: 'error',
      error: { ename: 'ValueError', evalue: 'bad' }
    });
    e.execution.outputs.push({
      output_type: 'error',
      ename: 'ValueError',
      evalue: 'bad',
      traceback: ['Traceback...']
    });
    await server.post('/events', { events: [e] }).expect(200);
    const full = await server.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body).toEqual(e.execution);
    const page = await server
      .get('/sessions/ses-000000000002/executions')
      .expect(200);
    const { outputs, ...rest } = e.execution;
    expect(page.body.items[0]).toEqual({
      ...rest,
      outputCount: outputs.length,
      outputTypes: ['stream', 'execute_result', 'error']
    });
  });
});

describe('redaction report', () => {
  it('keeps what the recorder redacted on the execution and its summary', async () => {
    const e = executionEvent('ses-000000000003', 1, {
      redactions: { password: 2, 'api-key': 1 }
    });
    await server.post('/events', { events: [e] }).expect(200);
    const full = await server.get(`/executions/${e.execution.id}`).expect(200);
    expect(full.body.redactions).toEqual({ password: 2, 'api-key': 1 });
    const page = await server
      .get('/sessions/ses-000000000003/executions')
      .expect(200);
    expect(page.body.items[0].redactions).toEqual({
      password: 2,
      'api-key': 1
    });
  });
});

describe('blobs', () => {
  it('stores a big image once for two executions and serves it back', async () => {
    const png = bigPng('figure-1');
    const sid = 'ses-000000000003';
    const a = executionEvent(sid, 1, { outputs: [imageOutput(png)] });
    const b = executionEvent(sid, 2, { outputs: [imageOutput(png)] });
    await server.post('/events', { events: [a] }).expect(200);
    await server.post('/events', { events: [b] }).expect(200);

    const files = await storedBlobs(server.dir);
    expect(files).toHaveLength(1);

    const stored = await server
      .get(`/executions/${b.execution.id}`)
      .expect(200);
    const ref = stored.body.outputs[0].data['image/png'];
    expect(ref).toEqual({
      $blob: files[0],
      size: png.length,
      encoding: 'text'
    });
    expect(stored.body.outputs[0].data['text/plain']).toBe(
      '<Figure size 640x480>'
    );

    const blob = await server
      .get(`/blobs/${ref.$blob}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(blob.headers['content-type']).toBe('application/octet-stream');
    expect(blob.headers['cache-control']).toContain('immutable');
    expect((blob.body as Buffer).toString('utf8')).toBe(png);
  });

  it('stores large JSON values as json blobs and keeps small ones inline', async () => {
    const big = {
      rows: Array.from({ length: 400 }, (_, i) => ({ i, name: `row ${i}` }))
    };
    const lines = Array.from(
      { length: 300 },
      (_, i) => `<tr><td>${i}</td></tr>\n`
    );
    const e = executionEvent('ses-000000000004', 1, {
      outputs: [
        {
          output_type: 'display_data',
          data: {
            'application/json': big,
            'text/html': lines,
            'text/plain': 'small'
          },
          metadata: {}
        }
      ]
    });
    await server.post('/events', { events: [e] }).expect(200);
    const stored = await server
      .get(`/executions/${e.execution.id}`)
      .expect(200);
    const data = stored.body.outputs[0].data;
    expect(data['text/plain']).toBe('small');
    expect(data['application/json'].encoding).toBe('json');
    expect(data['text/html'].encoding).toBe('json');
    const text = await server
      .get(`/blobs/${data['application/json'].$blob}`)
      .buffer(true);
    expect(JSON.parse(Buffer.from(text.body).toString('utf8'))).toEqual(big);
  });

  it('answers 404 for an unknown blob and 400 for a malformed id', async () => {
    await server.get(`/blobs/${'0'.repeat(64)}`).expect(404);
    const bad = await server.get('/blobs/xyz').expect(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });
});

describe('group commit', () => {
  it('acknowledges many concurrent batches, each fully stored', async () => {
    const sessions = Array.from({ length: 8 }, () => sessionEvent());
    const batches = sessions.map(s => ({
      events: [
        s,
        ...Array.from({ length: 25 }, (_, i) =>
          executionEvent(s.session.id, i + 1)
        )
      ]
    }));
    const results = await Promise.all(
      batches.map(b => server.post('/events', b).expect(200))
    );
    results.forEach((r, i) =>
      expect(r.body.accepted).toHaveLength(batches[i].events.length)
    );
    expect(await storedExecutionCount(server)).toBe(200);
    const listed = await request(server.app).get('/api/v1/sessions?limit=200');
    expect(listed.status).toBe(401); // sanity: auth still applies
    const all = await server.get('/sessions?limit=200').expect(200);
    expect(all.body.items).toHaveLength(8);
  });
});

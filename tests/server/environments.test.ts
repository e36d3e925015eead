/**
 * Environment snapshots: stored once per content, listed per session in
 * fromSeq order, served by id, and kept across restarts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../server/canonical-json';
import { environmentContent } from '../../server/services/ingest';
import {
  environment,
  environmentEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  type FileApp,
  storedBlobs
} from './support/server';

afterAll(removeTempDirs);

let server: FileApp;

beforeEach(async () => {
  server = await openFileApp();
});

afterEach(() => server.close());

/** The id the server gives a snapshot, computed independently. */
function idOf(snapshot: object): string {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { capturedAt, ...content } = snapshot as { capturedAt: string };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(
      canonicalJson({
        b: 1,
        a: [{ z: null, y: 'é' }, 2],
        c: { e: true, d: 1.5 }
      })
    ).toBe('{"a":[{"y":"é","z":null},2],"b":1,"c":{"d":1.5,"e":true}}');
  });

  it('gives equal values the same text whatever their key order', () => {
    const snapshot = environment();
    const reordered = JSON.parse(
      JSON.stringify(Object.fromEntries(Object.entries(snapshot).reverse()))
    );
    expect(environmentContent(reordered).id).toBe(
      environmentContent(snapshot).id
    );
  });
});

describe('environment.captured', () => {
  it('stores identical snapshots once; capturedAt is not part of the id', async () => {
    const one = sessionEvent();
    const two = sessionEvent({ startedAt: '2026-03-02T10:00:00.000Z' });
    const early = environment({ capturedAt: '2026-03-01T10:00:00.500Z' });
    const later = environment({ capturedAt: '2026-03-02T10:00:00.500Z' });
    await server
      .post('/events', {
        events: [two, environmentEvent(two.session.id, 1, later)]
      })
      .expect(200);
    await server
      .post('/events', {
        events: [one, environmentEvent(one.session.id, 1, early)]
      })
      .expect(200);

    const id = idOf(early);
    expect(idOf(later)).toBe(id);
    expect(await storedBlobs(server.dir)).toEqual([id]);
    for (const s of [one, two]) {
      const summary = await server.get(`/sessions/${s.session.id}`).expect(200);
      expect(summary.body.environments.map((v: any) => v.id)).toEqual([id]);
    }
    const two1 = await server.get(`/sessions/${two.session.id}`).expect(200);
    expect(two1.body.environments[0].capturedAt).toBe(later.capturedAt);

    // Served with the capturedAt of its earliest capture.
    const res = await server.get(`/environments/${id}`).expect(200);
    expect(res.body).toEqual(early);
  });

  it('lists a session’s versions in fromSeq order, leaving out repeats', async () => {
    const s = sessionEvent();
    const sid = s.session.id;
    const base = environment();
    const upgraded = environment({
      capturedAt: '2026-03-01T10:05:00.000Z',
      packages: [
        { name: 'numpy', version: '2.1.0' },
        { name: 'pandas', version: '2.2.3' },
        { name: 'scikit-learn', version: '1.5.2' }
      ]
    });
    // Out of order; the start snapshot is captured again (a page reload).
    await server
      .post('/events', {
        events: [
          s,
          environmentEvent(sid, 7, upgraded),
          environmentEvent(sid, 1, base),
          environmentEvent(sid, 3, {
            ...base,
            capturedAt: '2026-03-01T10:02:00.000Z'
          })
        ]
      })
      .expect(200);
    const summary = await server.get(`/sessions/${sid}`).expect(200);
    expect(summary.body.environments).toEqual([
      { id: idOf(base), fromSeq: 1, capturedAt: base.capturedAt },
      { id: idOf(upgraded), fromSeq: 7, capturedAt: upgraded.capturedAt }
    ]);
    const listed = await server.get('/sessions').expect(200);
    expect(listed.body.items[0].environments).toEqual(
      summary.body.environments
    );
    // A session without environments has no such field.
    const plain = executionEvent('ses-plain-000001', 1);
    await server.post('/events', { events: [plain] }).expect(200);
    const none = await server.get('/sessions/ses-plain-000001').expect(200);
    expect(none.body).not.toHaveProperty('environments');
  });

  it('is idempotent by event id and survives a restart', async () => {
    const s = sessionEvent();
    const e = environmentEvent(s.session.id, 1);
    await server.post('/events', { events: [s, e] }).expect(200);
    const again = await server.post('/events', { events: [e] }).expect(200);
    expect(again.body).toEqual({ accepted: [], duplicates: [e.id] });
    await server.close();

    server = await openFileApp(server.dir);
    const summary = await server.get(`/sessions/${s.session.id}`).expect(200);
    expect(summary.body.environments).toEqual([
      {
        id: idOf(e.environment),
        fromSeq: 1,
        capturedAt: e.environment.capturedAt
      }
    ]);
    const res = await server
      .get(`/environments/${idOf(e.environment)}`)
      .expect(200);
    expect(res.body).toEqual(e.environment);
    const third = await server.post('/events', { events: [e] }).expect(200);
    expect(third.body.duplicates).toEqual([e.id]);
  });

  it('lists the environment of a session that arrived before the session', async () => {
    const s = sessionEvent();
    const e = environmentEvent(s.session.id, 1);
    await server.post('/events', { events: [e] }).expect(200);
    // Not a session yet: nothing to list.
    await server.get(`/sessions/${s.session.id}`).expect(404);
    await server.post('/events', { events: [s] }).expect(200);
    const summary = await server.get(`/sessions/${s.session.id}`).expect(200);
    expect(summary.body.environments).toHaveLength(1);
  });
});

describe('GET /environments/:id', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await server.get(`/environments/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    for (const bad of ['xyz', 'A'.repeat(64), '0'.repeat(63)]) {
      const res = await server.get(`/environments/${bad}`).expect(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe('/params/id');
    }
  });

  it('does not serve an output blob as an environment', async () => {
    const png = 'iVBOR'.repeat(2000);
    const e = executionEvent('ses-blob-0000001', 1, {
      outputs: [
        {
          output_type: 'display_data',
          data: { 'image/png': png },
          metadata: {}
        }
      ]
    });
    await server.post('/events', { events: [e] }).expect(200);
    const [blob] = await storedBlobs(server.dir);
    await server.get(`/environments/${blob}`).expect(404);
  });
});

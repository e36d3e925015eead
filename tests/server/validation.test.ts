/**
 * POST /events rejects bad requests precisely and stores nothing of them.
 */
import request from 'supertest';
import {
  annotationEvent,
  environmentEvent,
  executionEvent,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  TOKEN,
  storedExecutionCount,
  type FileApp
} from './support/server';

let server: FileApp;

beforeAll(async () => {
  server = await openFileApp(undefined, { app: { maxBodyBytes: 64 * 1024 } });
});

afterAll(async () => {
  await server.close();
  await removeTempDirs();
});

async function expectNothingStored(): Promise<void> {
  const sessions = await server.get('/sessions').expect(200);
  expect(sessions.body.items).toEqual([]);
  expect(await storedExecutionCount(server)).toBe(0);
}

describe('invalid batches', () => {
  const session = sessionEvent();
  const good = () => executionEvent(session.session.id, 1);

  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'a bad status',
      () => {
        const e = good();
        (e.execution as any).status = 'done';
        return { events: [session, e] };
      },
      '/events/1/execution/status',
      /one of "ok", "error"/
    ],
    [
      'a missing required field',
      () => {
        const e = good();
        delete (e.execution as any).code;
        return { events: [session, e] };
      },
      '/events/1/execution/code',
      /required/
    ],
    [
      'an unknown event kind',
      () => ({ events: [{ ...good(), kind: 'cell.ran' }] }),
      '/events/0/kind',
      /one of "session.started", "execution.completed", "execution.annotated", "environment.captured"/
    ],
    [
      'an invalid output inside a valid event',
      () => {
        const e = good();
        e.execution.outputs.push({
          output_type: 'stream',
          name: 'stdout'
        } as any);
        return { events: [e] };
      },
      '/events/0/execution/outputs/2/text',
      /required/
    ],
    [
      'a bad date',
      () => {
        const e = good();
        e.execution.startedAt = 'yesterday';
        return { events: [e] };
      },
      '/events/0/execution/startedAt',
      /date-time/
    ],
    [
      'a bad id',
      () => ({ events: [{ ...session, id: 'x' }] }),
      '/events/0/id',
      /pattern/
    ],
    [
      'an extra property',
      () => ({ events: [session], extra: true }),
      '/extra',
      /not an allowed property/
    ],
    ['an empty batch', () => ({ events: [] }), '/events', /fewer than 1/],
    [
      'a bad mime type',
      () => {
        const e = good();
        e.execution.outputs.push({
          output_type: 'display_data',
          data: { 'not a mime': 'x' },
          metadata: {}
        });
        return { events: [e] };
      },
      '/events/0/execution/outputs/2/data/not a mime',
      /property name/
    ],
    ['an array body', () => [session], '', /must be object/],
    [
      'an annotation without its execution id',
      () => {
        const a = annotationEvent(good().execution, { tags: ['x'] });
        delete (a as any).executionId;
        return { events: [a] };
      },
      '/events/0/executionId',
      /required/
    ],
    [
      'an annotation with a bad file access',
      () => ({
        events: [
          annotationEvent(good().execution, {
            files: [{ path: 'a.csv', access: 'append', kind: 'file' } as any]
          })
        ]
      }),
      '/events/0/capture/files/0/access',
      /one of "read", "write", "readwrite"/
    ],
    [
      'an annotation with a malformed hash',
      () => ({
        events: [
          annotationEvent(good().execution, {
            files: [
              { path: 'a.csv', access: 'read', kind: 'file', sha256: 'ABC' }
            ]
          })
        ]
      }),
      '/events/0/capture/files/0/sha256',
      /pattern/
    ],
    [
      'an environment from seq 0',
      () => ({ events: [environmentEvent(session.session.id, 0)] }),
      '/events/0/fromSeq',
      />= 1/
    ],
    [
      'an environment without packages',
      () => {
        const e = environmentEvent(session.session.id, 1);
        delete (e.environment as any).packages;
        return { events: [e] };
      },
      '/events/0/environment/packages',
      /required/
    ],
    [
      'a redaction count of zero',
      () => {
        const e = good();
        e.execution.redactions = { password: 0 };
        return { events: [session, e] };
      },
      '/events/1/execution/redactions/password',
      />= 1/
    ],
    [
      'an environment carrying variable values',
      () => {
        const e = environmentEvent(session.session.id, 1);
        (e.environment as any).environ = { AWS_SECRET: 'x' };
        return { events: [e] };
      },
      '/events/0/environment/environ',
      /not an allowed property/
    ]
  ];

  it.each(cases)(
    'rejects %s with the path of the field and stores nothing',
    async (_name, body, path, message) => {
      const res = await server.post('/events', body()).expect(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details[0].path).toBe(path);
      expect(res.body.error.details[0].message).toMatch(message);
      expect(res.body.error.message).toContain(path);
      await expectNothingStored();
    }
  );

  it('rejects the whole batch when only its last event is bad', async () => {
    const bad = good();
    (bad.execution as any).seq = 0;
    const res = await server
      .post('/events', { events: [session, good(), bad] })
      .expect(400);
    expect(res.body.error.details[0].path).toBe('/events/2/execution/seq');
    await expectNothingStored();
  });
});

describe('bodies the parser refuses', () => {
  it('answers 413 payload_too_large over the limit', async () => {
    const e = executionEvent('ses-000000001', 1, {
      code: 'x'.repeat(70 * 1024)
    });
    const res = await server.post('/events', { events: [e] }).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    await expectNothingStored();
  });

  it('answers 400 invalid_json to malformed JSON', async () => {
    const res = await request(server.app)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Content-Type', 'application/json')
      .send('{"events": [')
      .expect(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).not.toMatch(/Unexpected|position/);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await request(server.app)
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });
});

describe('errors the caller must not see', () => {
  it('hides an internal failure behind a generic 500 and logs it', async () => {
    const logged: unknown[] = [];
    const failing = await openFileApp(undefined, {
      app: { log: { error: (_m, err) => logged.push(err) } }
    });
    (failing.store as any).getSession = () => {
      throw new Error('secret disk path /var/x');
    };
    const res = await failing.get('/sessions/ses-000000001').expect(500);
    expect(res.body).toEqual({
      error: {
        code: 'internal_error',
        message: 'The server failed unexpectedly.'
      }
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(logged).toHaveLength(1);
    await failing.close();
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await server.get('/nothing-here').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

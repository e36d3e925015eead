/**
 * Authentication denies by default; health, version and the OpenAPI document
 * stay public; CORS
 * preflights are answered without a token.
 */
import request from 'supertest';
import { version as PACKAGE_VERSION } from '../../package.json';
import { onPostgres } from './support/backend';
import { openFileApp, removeTempDirs, type FileApp } from './support/server';

let server: FileApp;

beforeAll(async () => {
  server = await openFileApp();
});

afterAll(async () => {
  await server.close();
  await removeTempDirs();
});

const PROTECTED: [string, string][] = [
  ['post', '/api/v1/events'],
  ['get', '/api/v1/sessions'],
  ['get', '/api/v1/sessions/ses-00000001'],
  ['get', '/api/v1/sessions/ses-00000001/executions'],
  ['get', '/api/v1/executions/exe-00000001'],
  ['get', '/api/v1/executions/exe-00000001/previous'],
  ['get', '/api/v1/cells/executions?notebook=a.ipynb&cellId=c1'],
  ['get', `/api/v1/environments/${'b'.repeat(64)}`],
  ['get', `/api/v1/blobs/${'a'.repeat(64)}`],
  ['get', '/api/v1/no-such-route']
];

function call(method: string, path: string): request.Test {
  const req =
    method === 'post'
      ? request(server.app).post(path)
      : request(server.app).get(path);
  return method === 'post' ? req.send({ events: [] }) : req;
}

describe.each(PROTECTED)('%s %s', (method, path) => {
  it('answers 401 without a token', async () => {
    const res = await call(method, path).expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="trail"');
  });

  it('answers 401 with a wrong token', async () => {
    const res = await call(method, path)
      .set('Authorization', 'Bearer wrong-token')
      .expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 401 to a token of the wrong scheme', async () => {
    await call(method, path)
      .set('Authorization', 'Basic dGVzdDp0ZXN0')
      .expect(401);
  });
});

describe('public routes', () => {
  it('serves health without a token', async () => {
    const res = await request(server.app).get('/api/v1/health').expect(200);
    // On PostgreSQL, health also says how the database and the blobs are
    // (the test bucket is in S3); the file store says only its status.
    expect(res.body).toEqual(
      onPostgres
        ? {
            status: 'ok',
            database: { ok: true },
            blobs: { kind: 's3', ok: true }
          }
        : { status: 'ok' }
    );
  });

  it('serves version without a token', async () => {
    const res = await request(server.app).get('/api/v1/version').expect(200);
    expect(res.body).toEqual({
      name: 'trail-server',
      version: PACKAGE_VERSION,
      apiVersion: 1
    });
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await request(server.app)
      .get('/api/v1/openapi.json')
      .expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/openapi.json'].get.security).toEqual([]);
  });

  it('accepts the right token on a protected route', async () => {
    await server.get('/sessions').expect(200);
  });
});

describe('CORS', () => {
  it('answers a preflight from a local JupyterLab without a token', async () => {
    const res = await request(server.app)
      .options('/api/v1/events')
      .set('Origin', 'http://localhost:8888')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(
      'http://localhost:8888'
    );
    expect(res.headers['access-control-allow-headers']).toMatch(
      /Authorization/
    );
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
  });

  it.each(['PATCH', 'PUT'])(
    'allows %s from a JupyterLab origin (visibility changes)',
    async method => {
      const res = await request(server.app)
        .options('/api/v1/sessions/ses-0000000001')
        .set('Origin', 'http://localhost:8888')
        .set('Access-Control-Request-Method', method)
        .expect(204);
      expect(res.headers['access-control-allow-methods']).toContain(method);
    }
  );

  it('allows a local origin on real requests, 401s included', async () => {
    const res = await request(server.app)
      .get('/api/v1/sessions')
      .set('Origin', 'http://127.0.0.1:9999')
      .expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(
      'http://127.0.0.1:9999'
    );
  });

  it('gives no CORS grant to other origins', async () => {
    const res = await request(server.app)
      .options('/api/v1/events')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('uses the configured origins instead of the local default', async () => {
    const custom = await openFileApp(undefined, {
      app: { corsOrigins: ['https://hub.example.org'] }
    });
    const allowed = await request(custom.app)
      .get('/api/v1/health')
      .set('Origin', 'https://hub.example.org');
    expect(allowed.headers['access-control-allow-origin']).toBe(
      'https://hub.example.org'
    );
    const local = await request(custom.app)
      .get('/api/v1/health')
      .set('Origin', 'http://localhost:8888');
    expect(local.headers['access-control-allow-origin']).toBeUndefined();
    await custom.close();
  });
});

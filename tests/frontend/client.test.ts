/**
 * TrailClient against a loopback HTTP server that answers like the Trail
 * API: real requests, real sockets, canned answers.
 */
import * as http from 'http';
import { version as PACKAGE_VERSION } from '../../package.json';
import {
  BlobCache,
  TrailClient,
  TrailNetworkError,
  TrailResponseError,
  compatibilityMessage,
  describeError,
  isBlobRef,
  isRetryable
} from '../../src/client';
import type { Output } from '../../src/records/schema';
import { executionEvent } from './client/events';
import {
  MiniTrail,
  SeenRequest,
  sendError,
  sendJson
} from './client/mini-trail';

const TOKEN = 'secret-token';
const HTML_HASH = 'a'.repeat(64);
const JSON_HASH = 'b'.repeat(64);
const HTML = '<table>' + '<tr><td>é</td></tr>'.repeat(400) + '</table>';
const PLOT = { data: [{ x: [1, 2, 3], y: [4, 5, 6] }], layout: { title: 't' } };

let server: MiniTrail;
let client: TrailClient;

/** Answers GET routes from a table: path -> [status, body, content type]. */
function answer(table: Record<string, [number, string, string?]>) {
  server.routes.push((req: SeenRequest, res: http.ServerResponse) => {
    const hit = table[req.url];
    if (!hit) {
      return false;
    }
    res.writeHead(hit[0], { 'Content-Type': hit[2] ?? 'application/json' });
    res.end(hit[1]);
  });
}

beforeEach(async () => {
  server = await MiniTrail.start({ token: TOKEN });
  client = new TrailClient({ baseUrl: server.url, token: TOKEN });
});

afterEach(async () => {
  await server.close();
});

describe('requests', () => {
  it('posts a batch with the bearer token and returns the ingest result', async () => {
    const events = [executionEvent(1), executionEvent(2)];
    const result = await client.ingest({ events });
    expect(result).toEqual({
      accepted: events.map(e => e.id),
      duplicates: []
    });
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/events');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ events });

    const again = await client.ingest({ events });
    expect(again.duplicates).toEqual(events.map(e => e.id));
  });

  it('sends no Authorization header without a token', async () => {
    answer({ '/api/v1/health': [200, '{"status":"ok"}'] });
    const anonymous = new TrailClient({ baseUrl: `${server.url}/` });
    expect(await anonymous.health()).toEqual({ status: 'ok' });
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('accepts a base URL that already ends with /api/v1', async () => {
    answer({ '/api/v1/health': [200, '{"status":"ok"}'] });
    const other = new TrailClient({ baseUrl: `${server.url}/api/v1/` });
    expect(other.baseUrl).toBe(server.url);
    await other.health();
    expect(server.requests[0].url).toBe('/api/v1/health');
  });

  it('encodes list queries and ids, and returns pages', async () => {
    const session = {
      id: 'ses-00000001',
      notebookPath: 'a b/c.ipynb',
      startedAt: '2026-11-22T10:00:00.000Z',
      kernel: null,
      executionCount: 0,
      lastExecutionAt: null
    };
    answer({
      '/api/v1/sessions?notebook=a+b%2Fc.ipynb&limit=2&cursor=x%3Dy': [
        200,
        JSON.stringify({ items: [session], nextCursor: 'next' })
      ],
      '/api/v1/sessions/ses%2F1': [200, JSON.stringify(session)],
      '/api/v1/sessions/ses-00000001/executions?limit=5': [
        200,
        JSON.stringify({ items: [], nextCursor: null })
      ]
    });
    const page = await client.listSessions({
      notebook: 'a b/c.ipynb',
      limit: 2,
      cursor: 'x=y'
    });
    expect(page).toEqual({ items: [session], nextCursor: 'next' });
    expect(await client.getSession('ses/1')).toEqual(session);
    expect(await client.listExecutions('ses-00000001', { limit: 5 })).toEqual({
      items: [],
      nextCursor: null
    });
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const counting = new TrailClient({
      baseUrl: server.url,
      token: TOKEN,
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      }
    });
    await counting.ingest({ events: [executionEvent(1)] });
    expect(calls).toEqual([`${server.url}/api/v1/events`]);
  });
});

describe('errors', () => {
  it('turns the error body into a TrailResponseError', async () => {
    const bad = executionEvent(1, { status: 'exploded' });
    const error = await client.ingest({ events: [bad] }).catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('The batch does not match the schema.');
    expect(error.details).toEqual([
      {
        path: '/events/0/execution/status',
        message: 'must be equal to one of the allowed values'
      }
    ]);
    expect(isRetryable(error)).toBe(false);
  });

  it('reports a wrong token as a non-retryable 401', async () => {
    const wrong = new TrailClient({ baseUrl: server.url, token: 'nope' });
    const error = await wrong
      .ingest({ events: [executionEvent(1)] })
      .catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe('Missing or wrong token.');
    expect(isRetryable(error)).toBe(false);
  });

  it('falls back to the status for a non-JSON error body', async () => {
    answer({
      '/api/v1/sessions': [
        502,
        '<html><body><h1>502 Bad Gateway</h1></body></html>',
        'text/html'
      ]
    });
    const error = await client.listSessions().catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
    expect(error.message).toContain('HTTP 502');
    expect(error.message).toContain('502 Bad Gateway');
    expect(isRetryable(error)).toBe(true);
  });

  it('rejects a success body of the wrong shape, naming what was expected', async () => {
    answer({
      '/api/v1/sessions': [200, JSON.stringify([{ id: 'x' }])],
      '/api/v1/version': [
        200,
        '<!doctype html><title>JupyterLab</title>',
        'text/html'
      ]
    });
    const shape = await client.listSessions().catch(e => e);
    expect(shape).toBeInstanceOf(TrailResponseError);
    expect(shape.code).toBe('invalid_response');
    expect(shape.message).toContain('"nextCursor"');
    const html = await client.version().catch(e => e);
    expect(html.code).toBe('invalid_response');
    expect(html.message).toContain('text/html');
    expect(html.message).toContain('Is it a Trail server?');
  });

  it('says where an answer departs from its schema, and reads extra or long fields', async () => {
    const session = {
      id: 'ses-00000001',
      notebookPath: 'a.ipynb',
      startedAt: '2026-03-01T10:00:00.000Z',
      kernel: null,
      executionCount: 0,
      lastExecutionAt: null
    };
    answer({
      '/api/v1/sessions': [
        200,
        JSON.stringify({
          items: [session, { ...session, startedAt: 'yesterday' }],
          nextCursor: null
        })
      ],
      // A newer server of the same API version: a field this client does
      // not know, and a path over the length the server takes on ingest.
      '/api/v1/sessions/ses-00000001': [
        200,
        JSON.stringify({
          ...session,
          notebookPath: 'n'.repeat(5000),
          pinned: true
        })
      ]
    });
    const error = await client.listSessions().catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('/items/1/startedAt must be a date-time');
    const read = await client.getSession('ses-00000001');
    expect(read.notebookPath).toHaveLength(5000);
    expect(read).toMatchObject({ pinned: true });
  });

  it('rejects an ingest answer without the id lists', async () => {
    server.routes.push((req, res) => {
      sendJson(res, 200, { ok: true });
    });
    const error = await client
      .ingest({ events: [executionEvent(1)] })
      .catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('"accepted" and "duplicates"');
  });

  it('reports an unreachable server as a retryable TrailNetworkError', async () => {
    const url = server.url;
    await server.close();
    const error = await client.health().catch(e => e);
    expect(error).toBeInstanceOf(TrailNetworkError);
    expect(error.timedOut).toBe(false);
    expect(error.url).toBe(`${url}/api/v1/health`);
    expect(error.message).toContain(`Cannot reach the Trail server at ${url}`);
    expect(isRetryable(error)).toBe(true);
  });

  it('gives up after the timeout when no answer comes', async () => {
    server.routes.push(() => {
      /* never answers */
    });
    const slow = new TrailClient({ baseUrl: server.url, timeoutMs: 100 });
    const started = Date.now();
    const error = await slow.health().catch(e => e);
    expect(error).toBeInstanceOf(TrailNetworkError);
    expect(error.timedOut).toBe(true);
    expect(error.message).toContain('did not answer within 0.1 s');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a body that stalls after the headers', async () => {
    server.routes.push((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":');
    });
    const slow = new TrailClient({ baseUrl: server.url, timeoutMs: 150 });
    const error = await slow.health().catch(e => e);
    expect(error).toBeInstanceOf(TrailNetworkError);
    expect(error.timedOut).toBe(true);
  });

  it('describes errors in one line, with the first detail once', () => {
    const detail = { path: '/events/0/kind', message: 'must be a known kind' };
    expect(
      describeError(
        new TrailResponseError(400, 'invalid_request', 'Bad batch.', [
          detail,
          detail
        ])
      )
    ).toBe('Bad batch. (/events/0/kind: must be a known kind; 1 more)');
    expect(
      describeError(
        new TrailResponseError(
          400,
          'invalid_request',
          'Bad: must be a known kind',
          [detail]
        )
      )
    ).toBe('Bad: must be a known kind');
    expect(describeError({ message: 'from another realm' })).toBe(
      'from another realm'
    );
  });

  it('classifies statuses for retries', () => {
    const at = (status: number) => new TrailResponseError(status, 'x', 'x');
    expect([408, 425, 429, 500, 503].map(s => isRetryable(at(s)))).toEqual([
      true,
      true,
      true,
      true,
      true
    ]);
    expect([400, 401, 403, 404, 413].map(s => isRetryable(at(s)))).toEqual([
      false,
      false,
      false,
      false,
      false
    ]);
    expect(isRetryable(new TrailNetworkError('down'))).toBe(true);
    expect(isRetryable(new Error('other'))).toBe(false);
  });
});

describe('blobs', () => {
  function blobRoutes() {
    answer({
      [`/api/v1/blobs/${HTML_HASH}`]: [200, HTML, 'application/octet-stream'],
      [`/api/v1/blobs/${JSON_HASH}`]: [
        200,
        JSON.stringify(PLOT),
        'application/octet-stream'
      ]
    });
  }
  const blobRequests = () =>
    server.requests.filter(r => r.url.startsWith('/api/v1/blobs/')).length;

  const stored: Output[] = [
    { output_type: 'stream', name: 'stdout', text: 'hi\n' },
    {
      output_type: 'display_data',
      data: {
        'text/html': { $blob: HTML_HASH, size: 9000, encoding: 'text' },
        'application/vnd.plotly.v1+json': {
          $blob: JSON_HASH,
          size: 70,
          encoding: 'json'
        },
        'text/plain': 'Figure'
      },
      metadata: {}
    },
    {
      output_type: 'execute_result',
      execution_count: 3,
      data: { 'text/html': { $blob: HTML_HASH, size: 9000, encoding: 'text' } },
      metadata: {}
    }
  ];

  it('replaces text and json BlobRefs with their values', async () => {
    blobRoutes();
    const before = JSON.stringify(stored);
    const outputs = await client.resolveOutputs(stored);
    expect(outputs[0]).toBe(stored[0]);
    expect(outputs[1]).toEqual({
      output_type: 'display_data',
      data: {
        'text/html': HTML,
        'application/vnd.plotly.v1+json': PLOT,
        'text/plain': 'Figure'
      },
      metadata: {}
    });
    expect((outputs[2] as any).data['text/html']).toBe(HTML);
    expect(JSON.stringify(stored)).toBe(before);
    // The same blob twice in one call is fetched once.
    expect(blobRequests()).toBe(2);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('serves repeated blobs from the cache', async () => {
    blobRoutes();
    await client.resolveOutputs(stored);
    await client.resolveOutputs(stored);
    expect(await client.getBlob(HTML_HASH)).toBe(HTML);
    expect(blobRequests()).toBe(2);
    expect(client.blobCache.size).toBe(2);
  });

  it('fails with a TrailResponseError for a missing blob', async () => {
    const error = await client.getBlob('c'.repeat(64)).catch(e => e);
    expect(error).toBeInstanceOf(TrailResponseError);
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
  });

  it('recognises BlobRefs only in their exact form', () => {
    expect(isBlobRef({ $blob: HTML_HASH, size: 1, encoding: 'text' })).toBe(
      true
    );
    expect(isBlobRef({ $blob: 'short', size: 1, encoding: 'text' })).toBe(
      false
    );
    expect(isBlobRef({ $blob: HTML_HASH, size: 1, encoding: 'zip' })).toBe(
      false
    );
    expect(isBlobRef('text')).toBe(false);
  });

  it('evicts the least recently used blobs beyond its bounds', () => {
    const cache = new BlobCache(1000, 3);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    cache.get('a');
    cache.set('d', 'D');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    cache.set('big', 'x'.repeat(400)); // 800 bytes: pushes out older ones
    expect(cache.get('big')).toBeDefined();
    expect(cache.get('c')).toBeUndefined();
    cache.set('huge', 'x'.repeat(600)); // larger than the whole cache
    expect(cache.get('huge')).toBeUndefined();
  });
});

describe('version handshake', () => {
  it('is compatible with API version 1', async () => {
    answer({
      '/api/v1/version': [
        200,
        JSON.stringify({
          name: 'trail-server',
          version: PACKAGE_VERSION,
          apiVersion: 1
        })
      ]
    });
    expect(await client.version()).toEqual({
      name: 'trail-server',
      version: PACKAGE_VERSION,
      apiVersion: 1
    });
    expect(await client.checkCompatibility()).toBeNull();
  });

  it('says which side to upgrade otherwise', async () => {
    answer({
      '/api/v1/version': [
        200,
        JSON.stringify({
          name: 'trail-server',
          version: '2.0.0',
          apiVersion: 2
        })
      ]
    });
    const message = await client.checkCompatibility();
    expect(message).toContain('trail-server 2.0.0');
    expect(message).toContain('upgrade jupyterlab-trail');
    expect(
      compatibilityMessage({
        name: 'trail-server',
        version: '0.0.1',
        apiVersion: 0
      })
    ).toContain('upgrade the Trail server');
  });

  it('rejects when the server cannot be asked', async () => {
    server.routes.push((req, res) => sendError(res, 500, 'internal', 'Boom.'));
    await expect(client.checkCompatibility()).rejects.toThrow('Boom.');
  });
});

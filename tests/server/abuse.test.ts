/**
 * Bad and abusive requests (issue #11, items 6, 7, 9, 10), through the API
 * of a real server process: each gets a precise 4xx, changes nothing, and
 * does not disturb the requests of others.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  MAX_BODY_MEMBERS,
  MAX_JSON_DEPTH,
  MAX_OBJECT_MEMBERS
} from '../../server/http/json-limits';
import { FileStore } from '../../server/store/file-store';
import {
  buildServer,
  startServer,
  type RunningServer
} from './support/process';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, tempDir } from './support/server';

jest.setTimeout(60_000);

const TOKEN = 'abuse-token-0123456789abcdef';
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  buildServer();
  dir = await tempDir();
  server = await startServer(dir, TOKEN);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await removeTempDirs();
});

const call = (
  method: string,
  path: string,
  body?: string | Buffer,
  headers?: Record<string, string>
) => server.call(TOKEN, method, path, body, headers);

const postText = (text: string | Buffer, headers?: Record<string, string>) =>
  call('POST', '/events', text, headers);

/** `{"a":{"a":…1…}}`, `depth` objects deep, as JSON text. */
function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A batch of one execution whose first output's metadata is `json`. */
function batchWithMetadata(json: string, sessionId: string, seq: number) {
  const event = executionEvent(sessionId, seq);
  event.execution.outputs = [
    { output_type: 'display_data', data: {}, metadata: { here: 1 } }
  ];
  return JSON.stringify({ events: [event] }).replace('{"here":1}', json);
}

async function errorOf(
  res: Response
): Promise<{ code: string; message: string }> {
  return (await res.json()).error;
}

describe('item 6: deeply nested values', () => {
  it('a batch nested 10,000 deep gets 400, and the batches of others sent with it are stored', async () => {
    const session = sessionEvent();
    const sid = session.session.id;
    expect((await postText(JSON.stringify({ events: [session] }))).status).toBe(
      200
    );
    const deep = batchWithMetadata(nested(10_000), sid, 1);
    const normal = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({ events: [executionEvent(sid, i + 2)] })
    );
    const answers = await Promise.all([
      postText(deep),
      ...normal.map(body => postText(body)),
      postText(deep)
    ]);
    const statuses = answers.map(r => r.status);
    expect(statuses[0]).toBe(400);
    expect(statuses[statuses.length - 1]).toBe(400);
    expect(statuses.slice(1, -1)).toEqual(normal.map(() => 200));
    expect((await errorOf(answers[0])).message).toMatch(
      `nested more than ${MAX_JSON_DEPTH} levels`
    );
    // Nesting up to the limit is stored: body, events, event, execution,
    // outputs, output and metadata are 7 levels.
    expect(
      (await postText(batchWithMetadata(nested(MAX_JSON_DEPTH - 6), sid, 20)))
        .status
    ).toBe(200);
    const page = await (
      await call('GET', `/sessions/${sid}/executions?limit=100`)
    ).json();
    expect(page.items.map((x: { seq: number }) => x.seq)).toEqual([
      ...normal.map((_, i) => i + 2),
      20
    ]);
  });

  it('the same nesting in an application/json value gets 400, not 500', async () => {
    const event = executionEvent('ses-deep-json-0001', 1);
    event.execution.outputs = [
      {
        output_type: 'display_data',
        data: { 'application/json': { here: 1 } },
        metadata: {}
      }
    ];
    const body = JSON.stringify({ events: [event] }).replace(
      '{"here":1}',
      nested(10_000)
    );
    const res = await postText(body);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_request');
    expect(
      (await call('GET', `/executions/${event.execution.id}`)).status
    ).toBe(404);
  });

  it('a store fails only the batch whose event cannot be written, not the others of its commit', async () => {
    // Below the HTTP bound: what the store does if such an event reaches it.
    const store = await FileStore.open(await tempDir(), {
      warnings: { warn: () => undefined }
    });
    try {
      const good = [1, 2, 3].map(seq => executionEvent('ses-commit-0001', seq));
      const bad = executionEvent('ses-commit-0001', 4);
      bad.execution.outputs = [
        {
          output_type: 'display_data',
          data: {},
          metadata: JSON.parse(nested(20_000))
        }
      ];
      const results = await Promise.allSettled([
        store.append([good[0]]),
        store.append([bad]),
        store.append([good[1]]),
        store.append([good[2]])
      ]);
      expect(results.map(r => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled'
      ]);
      const reason = (results[1] as PromiseRejectedResult).reason;
      expect(reason.status).toBe(400);
      expect(store.executionCount).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('item 7: events that are not objects', () => {
  it.each(['[[]]', '[null]', '[7]', '["x"]'])(
    '{"events":%s} gets 400 and writes no claim',
    async events => {
      const accessLog = join(dir, 'access.log');
      const before = await readFile(accessLog, 'utf8').catch(() => '');
      const res = await postText(`{"events":${events}}`);
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch('/events/0 must be object');
      expect(await readFile(accessLog, 'utf8').catch(() => '')).toBe(before);
    }
  );
});

describe('item 9: malformed paths and compressed bodies', () => {
  it.each([
    '/sessions/%E0%A4%A',
    '/sessions/%',
    '/sessions/%zz',
    '/executions/%zz/previous'
  ])('GET %s gets 400', async path => {
    const res = await call('GET', path);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch('percent-encoding');
  });

  it.each(['gzip', 'deflate'])(
    'a %s body that does not decompress gets 400; a valid one is stored',
    async encoding => {
      const bad = await postText('this is not compressed', {
        'Content-Encoding': encoding
      });
      expect(bad.status).toBe(400);
      expect((await errorOf(bad)).message).toBe(
        `The request body is not valid ${encoding} data.`
      );
      const event = executionEvent('ses-gzip-0001', 1);
      const good = await postText(
        gzipSync(JSON.stringify({ events: [event] })),
        { 'Content-Encoding': 'gzip' }
      );
      expect(good.status).toBe(200);
    }
  );
});

describe('item 10: smaller', () => {
  it('a body with an object of too many members gets 413', async () => {
    const keys: Record<string, number> = {};
    for (let i = 0; i < 600_000; i++) {
      keys[`k${i}`] = i;
    }
    const body = batchWithMetadata(JSON.stringify(keys), 'ses-keys-0001', 1);
    expect(body.length).toBeGreaterThan(9_000_000);
    const res = await postText(body);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toMatch(
      `more than ${MAX_OBJECT_MEMBERS} members`
    );
  });

  it('a body with too many members in all gets 413; one object at the limit is stored', async () => {
    // Objects under the per-object bound, more than the bound in all.
    const objects = Math.floor(MAX_BODY_MEMBERS / MAX_OBJECT_MEMBERS) + 1;
    const sid = 'ses-members-0001';
    const many = executionEvent(sid, 1);
    many.execution.outputs = Array.from({ length: objects }, (_, i) => ({
      output_type: 'display_data' as const,
      data: {},
      metadata: Object.fromEntries(
        Array.from({ length: MAX_OBJECT_MEMBERS - 100 }, (_, k) => [`k${k}`, i])
      )
    }));
    const res = await postText(JSON.stringify({ events: [many] }));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toMatch(
      `more than ${MAX_BODY_MEMBERS} object members`
    );
    const atLimit = batchWithMetadata(
      JSON.stringify(
        Object.fromEntries(
          Array.from({ length: MAX_OBJECT_MEMBERS - 1 }, (_, k) => [`k${k}`, k])
        )
      ),
      sid,
      2
    );
    expect((await postText(atLimit)).status).toBe(200);
  });

  it.each(['0', '7', 'March 7', '2026-03-01', '2026-03-01T10:00:00'])(
    '/search?to=%s is not a date-time: 400',
    async value => {
      const res = await call(
        'GET',
        `/search?q=x&to=${encodeURIComponent(value)}`
      );
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toMatch('RFC 3339');
      const valid = await call(
        'GET',
        '/search?q=x&from=2026-03-01T10:00:00Z&to=2026-03-02T10:00:00.5%2B02:00'
      );
      expect(valid.status).toBe(200);
    }
  );

  it.each([
    ['DELETE', '/sessions', 'GET, HEAD, OPTIONS'],
    ['PUT', '/events', 'POST, OPTIONS'],
    ['POST', '/sessions/ses-x-0001', 'GET, PATCH, HEAD, OPTIONS'],
    ['DELETE', '/health', 'GET, HEAD, OPTIONS']
  ])('%s %s gets 405 with Allow', async (method, path, allow) => {
    const res = await call(method, path, method === 'GET' ? undefined : '{}');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect((await errorOf(res)).code).toBe('method_not_allowed');
    expect((await call(method, '/nothing-here')).status).toBe(404);
  });
});

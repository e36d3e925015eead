/**
 * S3BlobStore against a real S3 API (moto's server): what a put, a get and
 * a health check do, and that every way a bucket can fail a write (no such
 * bucket, an endpoint that went away, one that hangs, one that errs for a
 * while) is either retried into success or a 503 `blob_store_unavailable`
 * that names the reason and no secret.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import {
  createServer as createTcpServer,
  type Server,
  type Socket
} from 'node:net';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3';
import { AppError } from '../../../server/errors';
import { parseS3Url, S3BlobStore } from '../../../server/store/s3-blobs';
import { createBucket, startS3, type TestS3 } from '../support/postgres';

let s3: TestS3;
let raw: S3Client;
const opened: S3BlobStore[] = [];

beforeAll(async () => {
  s3 = await startS3();
  raw = new S3Client({
    endpoint: s3.endpoint,
    region: s3.env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY
    }
  });
});

afterAll(async () => {
  await Promise.all(opened.map(store => store.close()));
  raw?.destroy();
  await s3?.stop();
});

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function open(
  url: string,
  env: NodeJS.ProcessEnv = s3.env,
  options: Parameters<typeof S3BlobStore.fromUrl>[1] = {}
): S3BlobStore {
  const store = S3BlobStore.fromUrl(url, { env, ...options });
  opened.push(store);
  return store;
}

async function keysOf(bucket: string): Promise<string[]> {
  const res = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (res.Contents ?? []).map(o => o.Key!).sort();
}

/** What a rejected promise rejected with. */
async function failureOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function expectUnavailable(err: unknown, reason: RegExp): void {
  expect(err).toBeInstanceOf(AppError);
  const appError = err as AppError;
  expect(appError.status).toBe(503);
  expect(appError.code).toBe('blob_store_unavailable');
  expect(appError.message).toMatch(reason);
  expect(appError.message).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY);
  expect(appError.message).not.toContain(s3.env.AWS_ACCESS_KEY_ID);
}

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise(resolve => {
        sockets.forEach(s => s.destroy());
        server.close(() => resolve());
      })
  };
}

/**
 * A proxy in front of moto that counts PUTs and, once told to, answers the
 * next `count` of them with an S3 error of its own (a real 5xx cannot be
 * asked of moto).
 */
async function faultyProxy(): Promise<{
  env: Record<string, string>;
  readonly puts: number;
  refuse(count: number, status: number, code: string): void;
  close(): Promise<void>;
}> {
  let puts = 0;
  let refusals = 0;
  let refusal = { status: 503, code: 'SlowDown' };
  const target = new URL(s3.endpoint);
  const proxy: HttpServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PUT') {
        puts++;
        if (refusals > 0) {
          refusals--;
          if (refusal.code === 'html') {
            // What a crashed server or a proxy's error page answers.
            res.writeHead(refusal.status, { 'content-type': 'text/html' });
            res.end('<!doctype html><title>Internal Server Error</title>');
            return;
          }
          res.writeHead(refusal.status, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${refusal.code}</Code>` +
              '<Message>Refused by the test proxy.</Message></Error>'
          );
          return;
        }
      }
      void fetch(`${s3.endpoint}${req.url}`, {
        method: req.method,
        headers: {
          ...(req.headers as Record<string, string>),
          host: target.host
        },
        body: chunks.length ? Buffer.concat(chunks) : undefined
      }).then(async upstream => {
        const headers: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (k !== 'content-encoding' && k !== 'transfer-encoding') {
            headers[k] = v;
          }
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        if (req.method !== 'HEAD') {
          headers['content-length'] = String(body.length);
        }
        res.writeHead(upstream.status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const { port } = proxy.address() as { port: number };
  return {
    env: { ...s3.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
    get puts() {
      return puts;
    },
    refuse(count, status, code) {
      refusals = count;
      refusal = { status, code };
      puts = 0;
    },
    close: () =>
      new Promise(resolve => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      })
  };
}

describe('parseS3Url', () => {
  test('reads the bucket and a prefix without outer slashes', () => {
    expect(parseS3Url('s3://team-trail/prod/blobs/')).toEqual({
      bucket: 'team-trail',
      prefix: 'prod/blobs'
    });
    expect(parseS3Url('s3://team-trail')).toEqual({
      bucket: 'team-trail',
      prefix: ''
    });
  });

  test.each([
    ['https://team-trail/blobs', /must look like s3:\/\/bucket\/prefix/],
    ['s3://', /must look like/],
    ['s3://Team_Trail/x', /not an S3 bucket name/],
    ['s3://team-trail/a//b', /empty, "\." or "\.\." part/],
    ['s3://team-trail/a/../b', /empty, "\." or "\.\." part/]
  ])('refuses %s', (url, message) => {
    expect(() => parseS3Url(url)).toThrow(message);
  });
});

describe('S3BlobStore.fromUrl', () => {
  test('an endpoint that is no http(s) URL is refused at once, without echoing it', () => {
    for (const endpoint of ['minio.internal:9000', 'ftp://user:secret@host']) {
      let message = '';
      try {
        S3BlobStore.fromUrl('s3://trail-blobs/p', {
          env: { AWS_ENDPOINT_URL: endpoint }
        });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/AWS_ENDPOINT_URL must be an http/);
      expect(message).not.toContain('secret');
    }
    expect(() =>
      S3BlobStore.fromUrl('s3://trail-blobs/p', {
        env: { AWS_ENDPOINT_URL_S3: 'nope', AWS_ENDPOINT_URL: s3.endpoint }
      })
    ).toThrow(/AWS_ENDPOINT_URL_S3 must be an http/);
  });
});

describe('S3BlobStore', () => {
  test('stores content under <prefix>/<aa>/<sha256> and reads it back', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/team/blobs`);
    const content = Buffer.from('a plot, rendered');
    const name = sha256(content);
    await store.put(name, content);
    expect(await store.get(name)).toEqual(content);
    expect(await keysOf(bucket)).toEqual([
      `team/blobs/${name.slice(0, 2)}/${name}`
    ]);
    // Another server on the same bucket reads it too.
    expect(await open(`s3://${bucket}/team/blobs`).get(name)).toEqual(content);
  });

  test('without a prefix, keys start at <aa>/', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}`);
    const content = Buffer.from('no prefix');
    await store.put(sha256(content), content);
    expect(await keysOf(bucket)).toEqual([
      `${sha256(content).slice(0, 2)}/${sha256(content)}`
    ]);
  });

  test('a second put of the same content changes nothing', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    const content = Buffer.from('twice');
    const name = sha256(content);
    await store.put(name, content);
    const first = await raw.send(
      new GetObjectCommand({ Bucket: bucket, Key: store.keyOf(name) })
    );
    await first.Body!.transformToByteArray();
    await Promise.all([store.put(name, content), store.put(name, content)]);
    const again = await raw.send(
      new GetObjectCommand({ Bucket: bucket, Key: store.keyOf(name) })
    );
    await again.Body!.transformToByteArray();
    expect(again.ETag).toBe(first.ETag);
    expect(await keysOf(bucket)).toHaveLength(1);
    expect(await store.get(name)).toEqual(content);
  });

  test('content that does not hash to its name is a bug: it throws and stores nothing', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    const err = await failureOf(
      store.put(sha256(Buffer.from('one')), Buffer.from('another'))
    );
    expect(err).not.toBeInstanceOf(AppError);
    expect(err.message).toMatch(/does not match its name/);
    await expect(store.put('not-a-digest', Buffer.from('x'))).rejects.toThrow(
      /not a SHA-256 hex digest/
    );
    expect(await keysOf(bucket)).toEqual([]);
  });

  test('a blob never stored is null, and so is a name that is no digest', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    expect(await store.get(sha256(Buffer.from('never')))).toBeNull();
    expect(await store.get('../../etc/passwd')).toBeNull();
  });

  test('content changed in the bucket outside Trail is not served', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    const content = Buffer.from('the real content');
    const name = sha256(content);
    await raw.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: store.keyOf(name),
        Body: Buffer.from('something else')
      })
    );
    expectUnavailable(
      await failureOf(store.get(name)),
      /does not hash to its name/
    );
  });

  test('a large blob changed in the bucket outside Trail is written again by the next put', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    const content = Buffer.alloc(300 * 1024, 1);
    const name = sha256(content);
    await store.put(name, content);
    await raw.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: store.keyOf(name),
        Body: Buffer.alloc(content.length, 2)
      })
    );
    await store.put(name, content);
    // (toEqual on a large Buffer compares byte by byte, for seconds)
    expect(sha256((await store.get(name))!)).toBe(name);
  });

  test('a 10 MB blob makes the round trip intact', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/big`);
    const content = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < content.length; i += 4) {
      content.writeUInt32LE((i * 2654435761) >>> 0, i);
    }
    const name = sha256(content);
    await store.put(name, content);
    const back = await store.get(name);
    expect(back?.length).toBe(content.length);
    expect(sha256(back!)).toBe(name);
  });

  test('a bucket that does not exist refuses the write: 503 blob_store_unavailable', async () => {
    const store = open('s3://no-such-trail-bucket/p');
    const content = Buffer.from('nowhere to go');
    const err = await failureOf(store.put(sha256(content), content));
    expectUnavailable(err, /NoSuchBucket \(HTTP 404\)/);
    expect(err.message).toContain('s3://no-such-trail-bucket/p');
    expectUnavailable(
      await failureOf(store.get(sha256(content))),
      /NoSuchBucket/
    );
  });

  test('a bucket policy that denies writes: 503, nothing stored, reads still work', async () => {
    const bucket = await createBucket(s3.env);
    const store = open(`s3://${bucket}/p`);
    const before = Buffer.from('stored before the policy');
    await store.put(sha256(before), before);
    await raw.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${bucket}/*`
            }
          ]
        })
      })
    );
    const content = Buffer.from('refused by policy');
    const err = await failureOf(store.put(sha256(content), content));
    expectUnavailable(
      err,
      /could not store blob [0-9a-f]{64}: AccessDenied \(HTTP 403\)\.$/
    );
    expect(await keysOf(bucket)).toEqual([store.keyOf(sha256(before))]);
    expect(await store.get(sha256(before))).toEqual(before);
  });

  test('no credentials or no region anywhere: a 503 that says which, before any request', async () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.keys(process.env)) {
        if (name.startsWith('AWS_')) {
          delete process.env[name];
        }
      }
      // Nothing from files of this machine or an instance's metadata.
      process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      process.env.AWS_ENDPOINT_URL = s3.endpoint;
      const content = Buffer.from('who am I');
      const noKeys = open('s3://trail-blobs/p', process.env);
      expectUnavailable(
        await failureOf(noKeys.put(sha256(content), content)),
        /no credentials were found \(set AWS_ACCESS_KEY_ID/
      );
      expect(await noKeys.health()).toEqual({
        ok: false,
        error: 'NoCredentials'
      });
      delete process.env.AWS_ENDPOINT_URL;
      process.env.AWS_ACCESS_KEY_ID = s3.env.AWS_ACCESS_KEY_ID;
      process.env.AWS_SECRET_ACCESS_KEY = s3.env.AWS_SECRET_ACCESS_KEY;
      const noRegion = open('s3://trail-blobs/p', process.env);
      expectUnavailable(
        await failureOf(noRegion.put(sha256(content), content)),
        /no region is set \(AWS_REGION\)/
      );
      expect(await noRegion.health()).toEqual({ ok: false, error: 'NoRegion' });
    } finally {
      process.env = saved;
    }
  });

  test('health: ok on a bucket that answers, the code otherwise', async () => {
    const bucket = await createBucket(s3.env);
    expect(await open(`s3://${bucket}/p`).health()).toEqual({ ok: true });
    expect(await open('s3://no-such-trail-bucket/p').health()).toEqual({
      ok: false,
      error: 'NoSuchBucket'
    });
  });

  test('an endpoint that went away: the put fails with 503 within seconds, health says why', async () => {
    const other = await startS3();
    let stopped = false;
    try {
      const bucket = await createBucket(other.env);
      const store = open(`s3://${bucket}/p`, other.env);
      const before = Buffer.from('stored while up');
      await store.put(sha256(before), before);
      await other.stop();
      stopped = true;
      const content = Buffer.from('stored while down');
      const started = Date.now();
      const err = await failureOf(store.put(sha256(content), content));
      expect(Date.now() - started).toBeLessThan(10_000);
      expectUnavailable(err, /could not be reached \(ECONNREFUSED\)/);
      expect(await store.health()).toEqual({
        ok: false,
        error: 'ECONNREFUSED'
      });
    } finally {
      if (!stopped) {
        await other.stop();
      }
    }
  });

  test('an endpoint that accepts and never answers fails the put within its timeouts; health says timeout', async () => {
    const silent = await silentServer();
    try {
      const store = open(
        's3://trail-blobs/p',
        { ...s3.env, AWS_ENDPOINT_URL: silent.url },
        { idleTimeoutMs: 300, attempts: 2 }
      );
      const content = Buffer.from('into the void');
      const started = Date.now();
      const err = await failureOf(store.put(sha256(content), content));
      expect(Date.now() - started).toBeLessThan(5_000);
      expectUnavailable(err, /did not answer in time/);
      expect(await store.health()).toEqual({ ok: false, error: 'timeout' });
    } finally {
      await silent.close();
    }
  });

  test('a large blob the bucket has is not sent again; a small one is (same bytes, same key)', async () => {
    const bucket = await createBucket(s3.env);
    const proxy = await faultyProxy();
    try {
      const store = open(`s3://${bucket}/p`, proxy.env);
      const large = Buffer.alloc(512 * 1024, 7);
      const small = Buffer.from('small enough to send again');
      await store.put(sha256(large), large);
      await store.put(sha256(small), small);
      expect(proxy.puts).toBe(2);
      await store.put(sha256(large), large);
      expect(proxy.puts).toBe(2);
      await store.put(sha256(small), small);
      expect(proxy.puts).toBe(3);
      expect(await keysOf(bucket)).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  test('transient 5xx answers are retried; one that keeps failing, or a denial, is a 503', async () => {
    const bucket = await createBucket(s3.env);
    const proxy = await faultyProxy();
    try {
      const store = open(`s3://${bucket}/p`, proxy.env, { attempts: 3 });
      proxy.refuse(1, 503, 'SlowDown');
      const content = Buffer.from('after a hiccup');
      await store.put(sha256(content), content);
      expect(proxy.puts).toBe(2);
      expect(await store.get(sha256(content))).toEqual(content);

      proxy.refuse(10, 503, 'SlowDown');
      const other = Buffer.from('never accepted');
      const err = await failureOf(store.put(sha256(other), other));
      expect(proxy.puts).toBe(3);
      expectUnavailable(err, /SlowDown \(HTTP 503\) after 3 attempts/);

      // An answer that is no S3 error document: its status, retried.
      proxy.refuse(10, 500, 'html');
      const html = await failureOf(store.put(sha256(other), other));
      expect(proxy.puts).toBe(3);
      expectUnavailable(html, /: HTTP 500 after 3 attempts\.$/);

      // A refusal is final: no retry.
      proxy.refuse(10, 403, 'AccessDenied');
      const denied = await failureOf(store.put(sha256(other), other));
      expect(proxy.puts).toBe(1);
      expectUnavailable(denied, /AccessDenied \(HTTP 403\)\.$/);
      expect(await keysOf(bucket)).toEqual([store.keyOf(sha256(content))]);
    } finally {
      await proxy.close();
    }
  });
});

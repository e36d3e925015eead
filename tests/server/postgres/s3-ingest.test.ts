/**
 * The API of a server on PostgreSQL with blobs in an S3 bucket (moto), as
 * the process opens it (server/backend.ts): an ingest whose images go to
 * the bucket is served back by a second server; while the bucket refuses
 * writes, that ingest answers 503 `blob_store_unavailable`, nothing of it
 * shows in any listing, and health says `degraded`; the client's resend
 * once the bucket takes writes again stores it whole.
 */
import { createHash } from 'node:crypto';
import {
  DeleteBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client
} from '@aws-sdk/client-s3';
import request from 'supertest';
import { ownerPrincipal } from '../../../server/access/authenticate';
import { createApp, runtimeOf } from '../../../server/app';
import {
  backendDeps,
  openBackend,
  type Backend
} from '../../../server/backend';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';
import {
  stopStarted,
  testBucket,
  testDatabase,
  testS3Env
} from '../support/postgres';

const TOKEN = 'trail-s3-ingest-token-0123456789';
const backends: Backend[] = [];
let raw: S3Client;

beforeAll(async () => {
  const env = await testS3Env();
  // The server reads the AWS variables of its process.
  Object.assign(process.env, env);
  raw = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY
    }
  });
});

afterAll(async () => {
  await Promise.all(backends.map(b => b.close()));
  raw?.destroy();
  await stopStarted();
});

/** A server on `database` with blobs at `blobs`, as index.ts builds it. */
async function server(database: string, blobs: string) {
  const owner = ownerPrincipal();
  const opened = await openBackend(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir: '/nonexistent-trail-data',
      corsOrigins: [],
      maxBodyBytes: 16 * 1024 * 1024,
      database,
      blobs,
      databaseWait: 0
    },
    owner,
    () => undefined
  );
  if (opened.kind !== 'postgres') {
    throw new Error(`expected the postgres backend, got ${opened.kind}`);
  }
  backends.push(opened);
  const app = createApp({
    ...backendDeps(opened),
    token: TOKEN,
    owner,
    log: { error: () => undefined }
  });
  await opened.attach(runtimeOf(app));
  const auth = (t: request.Test) => t.set('Authorization', `Bearer ${TOKEN}`);
  return {
    get: (path: string) => auth(request(app).get(`/api/v1${path}`)),
    post: (path: string, body: object) =>
      auth(request(app).post(`/api/v1${path}`)).send(body),
    health: () => request(app).get('/api/v1/health')
  };
}

/** A session whose one execution shows a large image (a blob). */
function batchWithImage(seed: string) {
  const started = sessionEvent();
  const png = bigPng(seed, 64 * 1024);
  const execution = executionEvent(started.session.id, 1, {
    outputs: [imageOutput(png)]
  });
  return {
    events: [started, execution],
    sessionId: started.session.id,
    executionId: execution.execution.id,
    sha: createHash('sha256').update(png, 'utf8').digest('hex'),
    png
  };
}

function denyWrites(bucket: string): Promise<unknown> {
  return raw.send(
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
}

test('an image stored through one server is served by another, from the bucket', async () => {
  const [database, bucket] = await Promise.all([
    testDatabase(),
    testBucket('team')
  ]);
  const one = await server(database, bucket.url);
  const two = await server(database, bucket.url);
  const batch = batchWithImage('served by another');
  const res = await one.post('/events', { events: batch.events }).expect(200);
  expect(res.body.accepted).toHaveLength(2);
  const blob = await two.get(`/blobs/${batch.sha}`).expect(200);
  expect(Buffer.from(blob.body).toString('utf8')).toBe(batch.png);
  const health = await two.health().expect(200);
  expect(health.body).toMatchObject({
    status: 'ok',
    blobs: { kind: 's3', ok: true }
  });
});

test('a bucket that refuses writes: 503 blob_store_unavailable, nothing listed, the resend stores it whole', async () => {
  const [database, bucket] = await Promise.all([
    testDatabase(),
    testBucket('team')
  ]);
  const api = await server(database, bucket.url);
  await denyWrites(bucket.bucket);
  const batch = batchWithImage('refused at first');
  const refused = await api
    .post('/events', { events: batch.events })
    .expect(503);
  expect(refused.body.error.code).toBe('blob_store_unavailable');
  expect(refused.body.error.message).toContain(bucket.url);
  expect(refused.body.error.message).toMatch(/AccessDenied/);
  expect(refused.body.error.message).not.toContain(
    process.env.AWS_SECRET_ACCESS_KEY!
  );
  await api.get(`/sessions/${batch.sessionId}`).expect(404);
  await api.get(`/executions/${batch.executionId}`).expect(404);
  expect((await api.get('/sessions').expect(200)).body.items).toEqual([]);

  await raw.send(new DeleteBucketPolicyCommand({ Bucket: bucket.bucket }));
  const resent = await api
    .post('/events', { events: batch.events })
    .expect(200);
  expect(resent.body.accepted).toHaveLength(2);
  const execution = await api
    .get(`/executions/${batch.executionId}`)
    .expect(200);
  expect(JSON.stringify(execution.body)).toContain(batch.sha);
  const blob = await api.get(`/blobs/${batch.sha}`).expect(200);
  expect(Buffer.from(blob.body).toString('utf8')).toBe(batch.png);
});

test('health is degraded, with the code, while the bucket is missing', async () => {
  const database = await testDatabase();
  const api = await server(database, 's3://trail-missing-bucket/team');
  const health = await api.health().expect(200);
  expect(health.body).toEqual({
    status: 'degraded',
    database: { ok: true },
    blobs: { kind: 's3', ok: false, error: 'NoSuchBucket' }
  });
});

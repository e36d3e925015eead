/**
 * The bundled server (scripts/bundle-server.mjs: one CommonJS file that
 * the Jupyter extension runs with plain `node`) runs on PostgreSQL with
 * blobs in S3: pg (without its native part) and the AWS SDK are in the
 * bundle, and so are the schema migrations.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exitOf, ROOT, type ServerProcess } from '../support/process';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';
import { get, post, running, serverArgs, TOKEN } from './process-support';

jest.setTimeout(90_000);

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trail-bundle-'));
  bundle = join(dir, 'trail-server.cjs');
  execFileSync(
    process.execPath,
    [join(ROOT, 'scripts', 'bundle-server.mjs'), '--outfile', bundle],
    { cwd: ROOT, stdio: 'pipe' }
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await stopStarted();
});

it('runs on PostgreSQL with blobs in S3 from one bundled file', async () => {
  const [database, bucket] = await Promise.all([testDatabase(), testBucket()]);
  const place = { database, blobs: bucket.url, env: bucket.env };
  // Run from a folder without node_modules: only the bundle is there.
  const child = spawn(process.execPath, [bundle, ...serverArgs(place)], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...bucket.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let err = '';
  child.stderr.on('data', chunk => (err += chunk));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the bundle exited (${code}): ${err}`);
  });
  const [text] = (await Promise.race([once(lines, 'line'), exited])) as [
    string
  ];
  exited.catch(() => undefined);
  const started: ServerProcess = {
    child,
    line: JSON.parse(text),
    stderr: () => err
  };
  const server = running(started);
  try {
    expect(server.line.event).toBe('listening');
    expect(server.stderr()).toContain('applied schema migrations: 001-core');
    const session = sessionEvent();
    const withImage = executionEvent(session.session.id, 1, {
      outputs: [imageOutput(bigPng(`bundle-${Math.random()}`))]
    });
    expect((await post(server, [session, withImage])).accepted).toHaveLength(2);
    const read = await get(server, `/executions/${withImage.execution.id}`);
    const ref = read.body.outputs[0].data['image/png'];
    const blob = await server.call(TOKEN, 'GET', `/blobs/${ref.$blob}`);
    expect(blob.status).toBe(200);
    const health = await fetch(`${server.line.url}/api/v1/health`);
    expect(await health.json()).toEqual({
      status: 'ok',
      database: { ok: true },
      blobs: { kind: 's3', ok: true }
    });
  } finally {
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  }
});

/**
 * The real server process: the CLI contract, the data-folder lock, graceful
 * shutdown, and durability of every kind of record (and the blobs they
 * cite) when the process is killed mid-stream.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ExecutionAnnotatedEvent,
  ExecutionCompletedEvent,
  TrailEvent
} from '../../src/records/schema';
import {
  buildServer,
  callApi,
  CLI,
  exitOf,
  startCli,
  type ServerProcess
} from './support/process';
import {
  annotationEvent,
  bigPng,
  environmentEvent,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import { removeTempDirs, tempDir } from './support/server';

jest.setTimeout(30_000);

beforeAll(() => {
  buildServer();
}, 60_000);

afterAll(removeTempDirs);

async function post(
  server: ServerProcess,
  token: string,
  events: TrailEvent[]
) {
  const res = await callApi(server, token, 'POST', '/events', { events });
  if (res.status !== 200) {
    throw new Error(`status ${res.status}`);
  }
  return (await res.json()) as { accepted: string[]; duplicates: string[] };
}

describe('CLI contract', () => {
  it('creates a token file (0600), prints the listening line and writes server.json', async () => {
    const dir = await tempDir();
    const tokenFile = join(dir, 'token');
    const server = await startCli([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      dir,
      '--token-file',
      tokenFile
    ]);
    try {
      expect(server.line).toEqual({
        event: 'listening',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        pid: server.child.pid
      });
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const token = (await readFile(tokenFile, 'utf8')).trim();
      expect(token.length).toBeGreaterThan(20);
      expect(
        JSON.parse(await readFile(join(dir, 'server.json'), 'utf8'))
      ).toEqual({ url: server.line.url, pid: server.child.pid });
      const health = await fetch(`${server.line.url}/api/v1/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const denied = await fetch(`${server.line.url}/api/v1/sessions`);
      expect(denied.status).toBe(401);
      const allowed = await fetch(`${server.line.url}/api/v1/sessions`, {
        headers: { Authorization: `Bearer ${token}` }
      });
      expect(allowed.status).toBe(200);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('reads an existing token file and takes settings from the environment', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'token'), 'file-token-123456\n');
    const server = await startCli(['--token-file', join(dir, 'token')], {
      TRAIL_DATA_DIR: dir,
      TRAIL_PORT: '0'
    });
    try {
      expect(server.line.event).toBe('listening');
      const ok = await fetch(`${server.line.url}/api/v1/sessions`, {
        headers: { Authorization: 'Bearer file-token-123456' }
      });
      expect(ok.status).toBe(200);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('generates its token into the data folder when given none (the README team-server command)', async () => {
    const dir = join(await tempDir(), 'srv-trail');
    const server = await startCli(
      ['--host', '0.0.0.0', '--port', '0', '--data', dir],
      {}
    );
    try {
      expect(server.line.event).toBe('listening');
      const tokenFile = join(dir, 'token');
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const token = (await readFile(tokenFile, 'utf8')).trim();
      expect(token.length).toBeGreaterThan(20);
      expect(server.stderr()).toContain(`generated a token into ${tokenFile}`);
      const allowed = await fetch(`${server.line.url}/api/v1/sessions`, {
        headers: { Authorization: `Bearer ${token}` }
      });
      expect(allowed.status).toBe(200);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('lists every option and every team command in --help', () => {
    const result = spawnSync(process.execPath, [CLI, '--help'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8'
    });
    expect(result.status).toBe(0);
    for (const option of [
      '--host',
      '--port',
      '--data',
      '--token ',
      '--token-file',
      '--cors-origin',
      '--max-body-bytes',
      '--version'
    ]) {
      expect(result.stdout).toContain(option);
    }
    for (const command of [
      'users add',
      'users list',
      'users role',
      'users disable',
      'tokens issue',
      'tokens list',
      'tokens revoke'
    ]) {
      expect(result.stdout).toContain(`trail-server ${command}`);
    }
  });

  it('runs team commands and refuses unknown commands with exit 2', async () => {
    const dir = await tempDir();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8'
      });
    const added = run('users', 'add', 'ada', '--data', dir);
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('added member "ada"');
    const unknown = run('userz', '--data', dir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'userz'");
  });

  it('reports an already running server on the same data folder and exits 0', async () => {
    const dir = await tempDir();
    const first = await startCli(['--data', dir, '--token', 'tok-abcdefgh']);
    try {
      const second = await startCli(['--data', dir, '--token', 'tok-abcdefgh']);
      expect(second.line).toEqual({
        event: 'already-running',
        url: first.line.url,
        pid: first.child.pid
      });
      expect(await exitOf(second.child)).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('shuts down on SIGTERM: exit 0, server.json and lock removed', async () => {
    const dir = await tempDir();
    const server = await startCli(['--data', dir, '--token', 'tok-abcdefgh']);
    const session = sessionEvent();
    await post(server, 'tok-abcdefgh', [session]);
    server.child.kill('SIGTERM');
    expect(await exitOf(server.child)).toBe(0);
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
    expect(existsSync(join(dir, 'server.lock'))).toBe(false);
  });
});

describe('crash', () => {
  it('keeps every acknowledged event when killed with SIGKILL mid-stream', async () => {
    const dir = await tempDir();
    const token = 'crash-token-123456';
    const args = ['--data', dir, '--token', token];
    const first = await startCli(args);
    const acknowledged = new Map<string, TrailEvent>();
    let stop = false;
    let failures = 0;

    // Every batch has an image (a blob synced with the log in its commit),
    // an annotation of an earlier execution and, at first, an environment.
    const client = async (n: number) => {
      const session = sessionEvent();
      const sid = session.session.id;
      let seq = 0;
      let events: TrailEvent[] = [session, environmentEvent(sid, 1)];
      let earlier: ExecutionCompletedEvent | null = null;
      while (!stop) {
        while (events.length < 20) {
          events.push(executionEvent(sid, ++seq));
        }
        const withImage = executionEvent(sid, ++seq, {
          outputs: [imageOutput(bigPng(`crash-${n}-${seq}-${Math.random()}`))]
        });
        events.push(withImage);
        if (earlier) {
          events.push(
            annotationEvent(earlier.execution, {
              files: [
                {
                  path: `data-${seq}.csv`,
                  access: 'read',
                  kind: 'file',
                  sha256: 'e'.repeat(64)
                }
              ]
            })
          );
        }
        try {
          const result = await post(first, token, events);
          const byId = new Map(events.map(e => [e.id, e]));
          for (const id of [...result.accepted, ...result.duplicates]) {
            acknowledged.set(id, byId.get(id)!);
          }
        } catch {
          failures++; // the server died under this request: not acknowledged
          return;
        }
        earlier = withImage;
        events = [];
        if (n === 0 && acknowledged.size > 600) {
          // Kill while the other clients' requests are in flight.
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, n) => client(n)));
    stop = true;
    expect(await exitOf(first.child)).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThan(600);
    expect(failures).toBeGreaterThan(0);

    // The lock of the killed process is stale: a new server takes over.
    const second = await startCli(args);
    const get = async (path: string) => {
      const res = await callApi(second, token, 'GET', path);
      expect(res.status).toBe(200);
      return res;
    };
    try {
      expect(second.line.event).toBe('listening');
      const all = [...acknowledged.values()];
      for (let i = 0; i < all.length; i += 500) {
        const chunk = all.slice(i, i + 500);
        const result = await post(second, token, chunk);
        // Every acknowledged event is already stored.
        expect(result.accepted).toEqual([]);
        expect(result.duplicates).toHaveLength(chunk.length);
      }
      const one = all.find(e => e.kind === 'execution.completed')!;
      const res = await get(`/executions/${(one as any).execution.id}`);
      expect(await res.json()).toEqual((one as any).execution);

      // Every acknowledged image is readable; annotations are merged.
      const annotations = all.filter(
        (e): e is ExecutionAnnotatedEvent => e.kind === 'execution.annotated'
      );
      expect(annotations.length).toBeGreaterThan(5);
      for (const a of annotations) {
        const record = await (await get(`/executions/${a.executionId}`)).json();
        expect(record.capture.files).toEqual(a.capture.files);
        const ref = record.outputs[0].data['image/png'];
        const blob = await get(`/blobs/${ref.$blob}`);
        expect(
          createHash('sha256')
            .update(Buffer.from(await blob.arrayBuffer()))
            .digest('hex')
        ).toBe(ref.$blob);
      }
      const environments = all.filter(e => e.kind === 'environment.captured');
      for (const e of environments) {
        const session = await (
          await get(`/sessions/${(e as any).sessionId}`)
        ).json();
        expect(session.environments).toHaveLength(1);
        await get(`/environments/${session.environments[0].id}`);
      }
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});

/**
 * The real server process: the CLI contract, the data-folder lock, graceful
 * shutdown, and durability when the process is killed mid-stream.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrailEvent } from '../../src/_schema/records';
import { buildServer, CLI, exitOf, startCli } from './support/process';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, tempDir } from './support/server';

jest.setTimeout(30_000);

beforeAll(() => {
  buildServer();
}, 60_000);

afterAll(removeTempDirs);

async function post(url: string, token: string, events: TrailEvent[]) {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json'
    },
    body: JSON.stringify({ events })
  });
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

  it('refuses to start without any token', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, '--port', '0', '--data', '/tmp/trail-no-token-test'],
      {
        env: { PATH: process.env.PATH },
        encoding: 'utf8'
      }
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no token/);
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
    await post(server.line.url, 'tok-abcdefgh', [session]);
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

    const client = async (n: number) => {
      const session = sessionEvent();
      let seq = 0;
      let events: TrailEvent[] = [session];
      while (!stop) {
        while (events.length < 20) {
          events.push(executionEvent(session.session.id, ++seq));
        }
        try {
          const result = await post(first.line.url, token, events);
          const byId = new Map(events.map(e => [e.id, e]));
          for (const id of [...result.accepted, ...result.duplicates]) {
            acknowledged.set(id, byId.get(id)!);
          }
        } catch {
          failures++; // the server died under this request: not acknowledged
          return;
        }
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

    // The lock of the killed process is stale: a new server takes over.
    const second = await startCli(args);
    try {
      expect(second.line.event).toBe('listening');
      const all = [...acknowledged.values()];
      for (let i = 0; i < all.length; i += 500) {
        const chunk = all.slice(i, i + 500);
        const result = await post(second.line.url, token, chunk);
        // Every acknowledged event is already stored.
        expect(result.accepted).toEqual([]);
        expect(result.duplicates).toHaveLength(chunk.length);
      }
      const one = all.find(e => e.kind === 'execution.completed')!;
      const res = await fetch(
        `${second.line.url}/api/v1/executions/${(one as any).execution.id}`,
        {
          headers: { Authorization: `Bearer ${token}` }
        }
      );
      expect(await res.json()).toEqual((one as any).execution);
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});

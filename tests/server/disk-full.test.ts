/**
 * The event log on a full disk (issue #11, item 8), through a real server
 * process: writes answer 503 and health says degraded while the disk is
 * full, both recover by themselves once there is room, and the server
 * starts on a full disk.
 *
 * The disk is a small tmpfs mounted over the data folder; where mounting
 * is not permitted, the server runs with a preload that makes writes fail
 * half-written with ENOSPC instead (support/inject-enospc-write.cjs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrailEvent } from '../../src/_schema/records';
import {
  buildServer,
  exitOf,
  startCli,
  type ServerProcess
} from './support/process';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, tempDir } from './support/server';

jest.setTimeout(60_000);

const TOKEN = 'disk-token-0123456789abcdef';

beforeAll(() => {
  buildServer();
}, 60_000);

const mounted: string[] = [];

afterAll(async () => {
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir]);
  }
  await removeTempDirs();
});

/** Mounts a small tmpfs on `dir`; false when this machine does not allow it. */
function mountTmpfs(dir: string): boolean {
  if (process.env.TRAIL_TEST_NO_TMPFS) {
    return false; // to run the fallback on purpose
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], {
      stdio: 'pipe'
    });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

/** A disk that can be made full and given room again. */
interface Disk {
  fill(): Promise<void>;
  free(): Promise<void>;
  env: NodeJS.ProcessEnv;
}

async function diskAt(dir: string): Promise<Disk> {
  if (mountTmpfs(dir)) {
    const filler = join(dir, 'filler');
    return {
      env: {},
      fill: async () => {
        // Writes until not one byte is left.
        const file = await open(filler, 'w');
        try {
          for (let size = 1 << 16; size >= 1;) {
            try {
              await file.write(Buffer.alloc(size, 0x78));
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') {
                throw err;
              }
              size >>= 1;
            }
          }
        } finally {
          await file.close();
        }
      },
      free: () => rm(filler)
    };
  }
  const flag = join(dir, '..', `${dir.split('/').pop()}.full`);
  return {
    env: {
      NODE_OPTIONS: `--require ${join(__dirname, 'support', 'inject-enospc-write.cjs')}`,
      TRAIL_TEST_DISK_FULL: flag
    },
    fill: () => writeFile(flag, ''),
    free: () => rm(flag)
  };
}

function call(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown
): Promise<Response> {
  return fetch(`${server.line.url}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json'
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
}

const post = (server: ServerProcess, events: TrailEvent[]) =>
  call(server, 'POST', '/events', { events });

async function health(server: ServerProcess): Promise<any> {
  return (await call(server, 'GET', '/health')).json();
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await exitOf(server.child);
}

/** A large execution: its record needs more than the bytes left in a page. */
const bigExecution = (sessionId: string, seq: number) =>
  executionEvent(sessionId, seq, { code: `x = ${seq}\n`.repeat(2000) });

describe('the log on a full disk', () => {
  it('answers 503 while full, says so in health, and takes writes again once there is room', async () => {
    const dir = await tempDir();
    const disk = await diskAt(dir);
    const args = ['--port', '0', '--data', dir, '--token', TOKEN];
    let server = await startCli(args, disk.env);
    const session = sessionEvent();
    const sid = session.session.id;
    expect((await post(server, [session, bigExecution(sid, 1)])).status).toBe(
      200
    );
    expect(await health(server)).toEqual({ status: 'ok' });

    await disk.fill();
    const refused = bigExecution(sid, 2);
    const full = await post(server, [refused]);
    expect(full.status).toBe(503);
    expect((await full.json()).error.code).toBe('storage_unavailable');
    const degraded = await health(server);
    expect(degraded).toMatchObject({
      status: 'degraded',
      storage: { writable: false, error: 'ENOSPC' }
    });
    // Still full: still 503, and still the time of the first failure.
    expect((await post(server, [bigExecution(sid, 3)])).status).toBe(503);
    expect((await health(server)).storage.since).toBe(degraded.storage.since);
    // Reads are served meanwhile.
    expect((await call(server, 'GET', `/sessions/${sid}`)).status).toBe(200);

    await disk.free();
    expect((await post(server, [refused])).status).toBe(200);
    expect(await health(server)).toEqual({ status: 'ok' });
    expect((await post(server, [bigExecution(sid, 3)])).status).toBe(200);

    // What was acknowledged is what a restart finds, the cut write is gone.
    await stop(server);
    server = await startCli(args, disk.env);
    try {
      const page = await (
        await call(server, 'GET', `/sessions/${sid}/executions`)
      ).json();
      expect(page.items.map((x: { seq: number }) => x.seq)).toEqual([1, 2, 3]);
      expect(server.stderr()).not.toMatch(/cutting|damaged/);
    } finally {
      await stop(server);
    }
  });

  it('starts on a full disk, serves reads, and writes server.json and events once there is room', async () => {
    const dir = await tempDir();
    const disk = await diskAt(dir);
    const args = ['--port', '0', '--data', dir, '--token', TOKEN];
    let server = await startCli(args, disk.env);
    const session = sessionEvent();
    const sid = session.session.id;
    expect((await post(server, [session, bigExecution(sid, 1)])).status).toBe(
      200
    );
    await stop(server);

    await disk.fill();
    server = await startCli(args, disk.env);
    try {
      expect(server.line.event).toBe('listening');
      expect(existsSync(join(dir, 'server.json'))).toBe(false);
      expect((await call(server, 'GET', `/sessions/${sid}`)).status).toBe(200);
      expect((await post(server, [bigExecution(sid, 2)])).status).toBe(503);

      await disk.free();
      expect((await post(server, [bigExecution(sid, 2)])).status).toBe(200);
      expect(await health(server)).toEqual({ status: 'ok' });
      // server.json is tried again every 5 s.
      for (let i = 0; i < 70 && !existsSync(join(dir, 'server.json')); i++) {
        await new Promise(r => setTimeout(r, 100));
      }
      expect(existsSync(join(dir, 'server.json'))).toBe(true);
    } finally {
      await stop(server);
    }
  });
});

/**
 * The event log on a full disk (issue #11, item 8), through a real server
 * process: writes answer 503 and health says degraded while the disk is
 * full, both recover by themselves once there is room, and the server
 * starts on a full disk.
 *
 * The disk is a small tmpfs mounted over the data folder; where mounting
 * is not permitted, the server runs with a preload that makes writes fail
 * half-written with ENOSPC instead (support/disk-full.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrailEvent } from '../../src/records/schema';
import { diskAt, unmountDisks } from './support/disk-full';
import {
  buildServer,
  startServer,
  type RunningServer
} from './support/process';
import { executionEvent, sessionEvent } from './support/records';
import { removeTempDirs, tempDir } from './support/server';

jest.setTimeout(60_000);

const TOKEN = 'disk-token-0123456789abcdef';

beforeAll(() => {
  buildServer();
}, 60_000);

afterAll(async () => {
  unmountDisks();
  await removeTempDirs();
});

const call = (
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown
) => server.call(TOKEN, method, path, body);

const post = (server: RunningServer, events: TrailEvent[]) =>
  call(server, 'POST', '/events', { events });

async function health(server: RunningServer): Promise<any> {
  return (await call(server, 'GET', '/health')).json();
}

/** A large execution: its record needs more than the bytes left in a page. */
const bigExecution = (sessionId: string, seq: number) =>
  executionEvent(sessionId, seq, { code: `x = ${seq}\n`.repeat(2000) });

/**
 * A server over a fresh disk, holding one session with one large
 * execution; `start` starts another over the same folder and disk.
 */
async function serverWithOneExecution() {
  const dir = await tempDir();
  const disk = await diskAt(dir, ['write', 'writeFile']);
  const start = () => startServer(dir, TOKEN, disk.env);
  const server = await start();
  const session = sessionEvent();
  const sid = session.session.id;
  expect((await post(server, [session, bigExecution(sid, 1)])).status).toBe(
    200
  );
  return { dir, disk, sid, start, server };
}

describe('the log on a full disk', () => {
  it('answers 503 while full, says so in health, and takes writes again once there is room', async () => {
    const { disk, sid, start, server: first } = await serverWithOneExecution();
    let server = first;
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
    await server.stop();
    server = await start();
    try {
      const page = await (
        await call(server, 'GET', `/sessions/${sid}/executions`)
      ).json();
      expect(page.items.map((x: { seq: number }) => x.seq)).toEqual([1, 2, 3]);
      expect(server.stderr()).not.toMatch(/cutting|damaged/);
    } finally {
      await server.stop();
    }
  });

  it('starts on a full disk, serves reads, and writes server.json and events once there is room', async () => {
    const {
      dir,
      disk,
      sid,
      start,
      server: first
    } = await serverWithOneExecution();
    await first.stop();

    await disk.fill();
    const server = await start();
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
      await server.stop();
    }
  });
});

/**
 * access.log on a full disk, through a real server process: a claim cut
 * short by ENOSPC is not acknowledged, and the facts written after the disk
 * has room again survive a restart (a private session stays private).
 *
 * The disk is a small tmpfs mounted over the data folder; where mounting
 * is not permitted, the server is started with a preload that makes
 * appends fail half-written with ENOSPC instead (support/disk-full.ts).
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { UserDirectory } from '../../server/access/directory';
import { OwnershipStore } from '../../server/access/ownership';
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

const OWNER_TOKEN = 'owner-token-0123456789abcdef';
const PAGE = 4096;

beforeAll(() => {
  buildServer();
}, 60_000);

afterAll(async () => {
  unmountDisks();
  await removeTempDirs();
});

function post(server: RunningServer, token: string, events: TrailEvent[]) {
  return server.call(token, 'POST', '/events', { events });
}

describe('access.log on a full disk', () => {
  it('acknowledges no torn claim and keeps the facts written after it across a restart', async () => {
    const dir = await tempDir();
    const disk = await diskAt(dir, ['appendFile']);
    const directory = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
    await directory.addUser('alice');
    await directory.addUser('bob');
    const alice = (await directory.issueToken('alice')).token;
    const bob = (await directory.issueToken('bob')).token;
    const accessLog = join(dir, 'access.log');
    let server = await startServer(dir, OWNER_TOKEN, disk.env);

    const shown = sessionEvent({ notebookPath: 'shared/eda.ipynb' });
    expect(
      (
        await post(server, alice, [
          shown,
          executionEvent(shown.session.id, 1, {
            notebookPath: 'shared/eda.ipynb'
          })
        ])
      ).status
    ).toBe(200);

    if (disk.mounted) {
      // Bring access.log to 20 bytes short of a page, so that the next
      // claim is cut where the page ends once no page is free.
      const before = (await stat(accessLog)).size;
      const probe = sessionEvent({ notebookPath: 'p.ipynb' });
      expect((await post(server, alice, [probe])).status).toBe(200);
      const lineWithoutPath = (await stat(accessLog)).size - before - 7;
      const size = (await stat(accessLog)).size;
      let pad = PAGE - (size % PAGE) - 20 - lineWithoutPath;
      if (pad < 1) {
        pad += PAGE;
      }
      const padding = sessionEvent({ notebookPath: 'n'.repeat(pad) });
      expect((await post(server, alice, [padding])).status).toBe(200);
      expect((await stat(accessLog)).size % PAGE).toBe(PAGE - 20);
    }
    await disk.fill();

    // The disk is full: a new session's claim is cut short.
    const lost = sessionEvent({ notebookPath: 'lost.ipynb' });
    const full = await post(server, alice, [lost]);
    expect(full.status).toBe(503);
    expect((await full.json()).error.code).toBe('storage_unavailable');

    // Room again: the next facts are acknowledged only once durable.
    await disk.free();
    const hide = await server.call(
      alice,
      'PATCH',
      `/sessions/${shown.session.id}`,
      {
        visibility: 'private'
      }
    );
    expect(hide.status).toBe(200);
    const later = sessionEvent({
      notebookPath: 'later.ipynb',
      visibility: 'private'
    });
    expect((await post(server, alice, [later, lost])).status).toBe(200);
    expect(
      (await server.call(bob, 'GET', `/sessions/${shown.session.id}`)).status
    ).toBe(404);

    await server.stop();
    server = await startServer(dir, OWNER_TOKEN, disk.env);
    try {
      for (const id of [shown.session.id, later.session.id]) {
        expect((await server.call(bob, 'GET', `/sessions/${id}`)).status).toBe(
          404
        );
        const mine = await server.call(alice, 'GET', `/sessions/${id}`);
        expect(mine.status).toBe(200);
        expect((await mine.json()).visibility).toBe('private');
      }
      const retried = await server.call(
        bob,
        'GET',
        `/sessions/${lost.session.id}`
      );
      expect(retried.status).toBe(200);
      expect((await retried.json()).author.name).toBe('alice');
    } finally {
      await server.stop();
    }
  });
});

describe('reading access.log', () => {
  it('skips a damaged line and keeps the facts after it, in both formats', async () => {
    const dir = await tempDir();
    const at = '2026-03-01T10:00:00.000Z';
    const claim = (s: string, v: string) =>
      JSON.stringify({ t: 'claim', s, a: 'user:a', n: 'a.ipynb', v, at });
    const vis = (s: string, v: string) =>
      JSON.stringify({ t: 'vis', s, v, by: 'user:a', at });
    const framed = (json: string) =>
      `${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}\n`;
    await writeFile(
      join(dir, 'access.log'),
      // Format 1, with a claim torn by a full disk and a fact appended after it.
      claim('ses-one-0001', 'team') +
        '\n' +
        claim('ses-two-0002', 'team').slice(0, 30) +
        vis('ses-one-0001', 'private') +
        '\n' +
        // Framed, one of them damaged, then a torn tail.
        framed(claim('ses-three-03', 'team')).replace('team', 'mine') +
        framed(claim('ses-four-004', 'team')) +
        framed(vis('ses-four-004', 'private')) +
        framed(claim('ses-five-005', 'team')).slice(0, 40)
    );
    const store = await OwnershipStore.open(dir);
    expect(store.session('ses-one-0001')?.visibility).toBe('private');
    expect(store.session('ses-two-0002')).toBeUndefined();
    expect(store.session('ses-three-03')).toBeUndefined();
    expect(store.session('ses-four-004')?.visibility).toBe('private');
    expect(store.session('ses-five-005')).toBeUndefined();
    await store.setVisibility('ses-four-004', 'team', 'user:a');
    await store.close();
    const reopened = await OwnershipStore.open(dir);
    expect(reopened.session('ses-four-004')?.visibility).toBe('team');
    expect(reopened.session('ses-one-0001')?.visibility).toBe('private');
    await reopened.close();
  });
});

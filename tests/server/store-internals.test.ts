/**
 * Parts of the file store whose failures the API tests would not show
 * directly: the id table, damaged index files.
 */
import {
  constants as fsConstants,
  existsSync,
  promises as fsPromises
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CellIndex } from '../../server/store/cell-index';
import { IdPool, IdTable } from '../../server/store/id-table';
import { SegmentLog } from '../../server/store/segment-log';
import { OwnershipStore } from '../../server/access/ownership';
import { executionEvent, sessionEvent } from './support/records';
import { openFileApp, removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

describe('IdTable', () => {
  it('finds every id it holds, across growth, and nothing else', () => {
    const keys: string[] = [];
    const table = new IdTable(new IdPool(), 4);
    for (let i = 0; i < 20_000; i++) {
      keys.push(`exe-${i.toString(36)}-${(i * 7919) % 1000}`);
      expect(table.add(keys[i])).toBe(i);
    }
    expect(table.size).toBe(20_000);
    for (let i = 0; i < keys.length; i += 97) {
      expect(table.get(keys[i])).toBe(i);
    }
    expect(table.get('exe-missing')).toBeUndefined();
  });
});

describe('CellIndex', () => {
  it('keeps cells apart whatever characters their ids hold', () => {
    const cellIds = [
      'ā',
      '"\\u0101"',
      '\\u0101',
      '1:x',
      'x',
      '0~"x"',
      '😀',
      '\ud83d'
    ];
    const index = new CellIndex(n => `exe-${n}`);
    cellIds.forEach((cellId, n) =>
      index.add(n, 'nb.ipynb', cellId, '2026-03-01T10:00:00.000Z')
    );
    index.add(cellIds.length, 'other.ipynb', 'x', '2026-03-01T10:00:00.000Z');
    cellIds.forEach((cellId, n) =>
      expect(index.list('nb.ipynb', cellId, 10)).toEqual({
        items: [n],
        next: null
      })
    );
    expect(index.list('nb.ipynb', 'y', 10)).toEqual({ items: [], next: null });
    expect(index.list('none.ipynb', 'x', 10, 0)).toBeNull();
  });

  it('orders by start then id, wherever an execution is inserted', () => {
    const index = new CellIndex(n => `exe-${String(n).padStart(3, '0')}`);
    const starts = Array.from({ length: 200 }, (_, n) =>
      new Date(Date.UTC(2026, 2, 1, 10, (n * 37) % 60)).toISOString()
    );
    starts.forEach((at, n) => index.add(n, 'nb.ipynb', 'c', at));
    const expected = starts
      .map((at, n) => ({ at, n }))
      .sort((a, b) => (a.at === b.at ? b.n - a.n : a.at < b.at ? 1 : -1))
      .map(x => x.n);
    const seen: number[] = [];
    let page = index.list('nb.ipynb', 'c', 7)!;
    seen.push(...page.items);
    while (page.next !== null) {
      page = index.list('nb.ipynb', 'c', 7, page.next)!;
      seen.push(...page.items);
    }
    expect(seen).toEqual(expected);
    expected.forEach((n, i) =>
      expect(index.previous(n)).toBe(expected[i + 1] ?? -1)
    );
  });
});

describe('segment index files', () => {
  it('recovers from an index file damaged in the middle and rebuilds it', async () => {
    const dir = await tempDir();
    const seeded = await openFileApp(dir, {
      store: { segmentBytes: 8 * 1024 }
    });
    const session = sessionEvent();
    const events = [
      session,
      ...Array.from({ length: 40 }, (_, i) =>
        executionEvent(session.session.id, i + 1)
      )
    ];
    await seeded.post('/events', { events }).expect(200);
    for (let i = 41; i <= 60; i++) {
      await seeded
        .post('/events', { events: [executionEvent(session.session.id, i)] })
        .expect(200);
    }
    await seeded.close();

    const first = join(dir, 'log', '00000001.idx');
    const lines = (await readFile(first, 'latin1')).split('\n');
    expect(lines.length).toBeGreaterThan(4);
    lines[2] = '[broken,';
    await writeFile(first, lines.join('\n'), 'latin1');

    // Twice: the first open may only drop the damaged file (when part of
    // it was usable); by the second it is whole again.
    for (let round = 0; round < 2; round++) {
      const reopened = await openFileApp(dir, {
        store: { segmentBytes: 8 * 1024 }
      });
      expect(reopened.store.executionCount).toBe(60);
      const page = await reopened
        .get(`/sessions/${session.session.id}/executions?limit=200`)
        .expect(200);
      expect(page.body.items.map((x: any) => x.seq)).toEqual(
        Array.from({ length: 60 }, (_, i) => i + 1)
      );
      await reopened.close();
    }
    expect(existsSync(first)).toBe(true);
    expect(await readFile(first, 'latin1')).toMatch(/\["end",\d+\],\n$/);
  });
});

describe('closing', () => {
  it('finishes writes in flight before closing, and refuses new ones', async () => {
    const dir = await tempDir();
    const app = await openFileApp(dir);
    const session = sessionEvent();
    const pending = app.store.append([
      session,
      executionEvent(session.session.id, 1)
    ]);
    const closing = app.store.close();
    await expect(app.store.append([sessionEvent()])).rejects.toMatchObject({
      status: 503,
      code: 'shutting_down'
    });
    expect((await pending).accepted).toHaveLength(2);
    await closing;
    const reopened = await openFileApp(dir);
    expect(reopened.store.executionCount).toBe(1);
    await reopened.close();
  });
});

describe('reading the log', () => {
  it('opens a segment once for reads that start together', async () => {
    const dir = await tempDir();
    const log = await SegmentLog.open(dir, () => undefined);
    const bodies = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ i, text: `record ${i}` })
    );
    const at = await log.append(
      bodies.map(body => ({ fields: ['t', 1], body }))
    );
    const opened = jest.spyOn(fsPromises, 'open');
    try {
      // A step of a long session reads hundreds of records at once: each
      // read had opened (and then closed) its own handle.
      await expect(Promise.all(at.map(a => log.read(a)))).resolves.toEqual(
        bodies
      );
      await expect(log.read(at[7])).resolves.toBe(bodies[7]);
      expect(opened).toHaveBeenCalledTimes(1);
    } finally {
      opened.mockRestore();
      await log.close();
    }
  });
});

describe('durable appends', () => {
  /** The open flags of a file descriptor of this process (Linux). */
  const flagsOf = async (fd: number) =>
    parseInt(
      /flags:\s+(\d+)/.exec(
        await readFile(`/proc/self/fdinfo/${fd}`, 'utf8')
      )![1],
      8
    );

  it('writes the active segment with O_DSYNC, also after a roll', async () => {
    const dir = await tempDir();
    const log = await SegmentLog.open(dir, () => undefined, {
      segmentBytes: 200
    });
    const writerFlags = async () => flagsOf((log as any).writer.fd);
    expect((await writerFlags()) & fsConstants.O_DSYNC).toBe(
      fsConstants.O_DSYNC
    );
    const body = JSON.stringify({ text: 'x'.repeat(150) });
    const first = await log.append([{ fields: ['t', 1], body }]);
    const second = await log.append([{ fields: ['t', 2], body }]);
    // The second append did not fit: it went to a new segment.
    expect(second[0].segment).toBe(first[0].segment + 1);
    expect((await writerFlags()) & fsConstants.O_DSYNC).toBe(
      fsConstants.O_DSYNC
    );
    expect(await log.read(first[0])).toBe(body);
    expect(await log.read(second[0])).toBe(body);
    await log.close();
  });

  it('writes access facts with O_DSYNC and replays them after a reopen', async () => {
    const dir = await tempDir();
    const ownership = await OwnershipStore.open(dir);
    const fd = (ownership as any).file.fd as number;
    expect((await flagsOf(fd)) & fsConstants.O_DSYNC).toBe(fsConstants.O_DSYNC);
    await ownership.claim([
      { sessionId: 'ses-dsync-1', authorId: 'ada', notebookPath: 'a.ipynb' }
    ]);
    await ownership.close();
    const reopened = await OwnershipStore.open(dir);
    expect(reopened.session('ses-dsync-1')).toMatchObject({
      authorId: 'ada',
      notebookPath: 'a.ipynb'
    });
    await reopened.close();
  });
});

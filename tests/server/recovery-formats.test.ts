/**
 * Folders written by older store formats open and are upgraded: format 1
 * (no cell ids in headers), format 2 (blob files beside the log, guarded
 * commits); a folder of a newer format is refused.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SegmentLog } from '../../server/store/segment-log';
import { bigPng, executionEvent, sessionEvent } from './support/records';
import { openFileApp, removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

const shaOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * An execution's log header as older store formats wrote it: format 1
 * ('x') without a cell id, format 2 ('xc') with one.
 */
function oldExecutionHeader(
  kind: 'x' | 'xc',
  e: ReturnType<typeof executionEvent>,
  path: string | null
): unknown[] {
  const x = e.execution;
  const fields = [
    kind,
    e.id,
    x.id,
    x.sessionId,
    x.seq,
    x.startedAt,
    x.endedAt,
    0,
    path
  ];
  return kind === 'xc' ? [...fields, x.cellId ?? null] : fields;
}

describe('store format 1', () => {
  it('reads a folder of an older server: cell history from record bodies', async () => {
    const dir = await tempDir();
    const session = sessionEvent({ notebookPath: 'old.ipynb' });
    const sid = session.session.id;
    const runs = [1, 2, 3].map(seq =>
      executionEvent(sid, seq, { notebookPath: 'old.ipynb', cellId: 'c1' })
    );
    const derived = executionEvent('ses-derived-00001', 1, {
      notebookPath: 'old.ipynb',
      cellId: 'c1',
      startedAt: '2026-03-02T00:00:00.000Z'
    });
    // Written as format 1 did: no cell id, and no path once the session's
    // record is stored.
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({
        formatVersion: 1,
        serverId: 'old-server',
        createdAt: '2026-01-01T00:00:00.000Z'
      })
    );
    const log = await SegmentLog.open(join(dir, 'log'), () => undefined);
    const xHeader = (e: typeof derived, path: string | null) =>
      oldExecutionHeader('x', e, path);
    await log.append([
      {
        fields: ['s', session.id, 0, session.session],
        body: JSON.stringify(session)
      },
      ...runs.map(e => ({ fields: xHeader(e, null), body: JSON.stringify(e) })),
      { fields: xHeader(derived, 'old.ipynb'), body: JSON.stringify(derived) }
    ]);
    await log.close();

    const server = await openFileApp(dir);
    expect(server.store.meta.formatVersion).toBe(3);
    expect(
      JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).formatVersion
    ).toBe(3);
    const cell = await server
      .get('/cells/executions?notebook=old.ipynb&cellId=c1')
      .expect(200);
    expect(cell.body.items.map((x: any) => x.id)).toEqual(
      [derived, ...runs.reverse()].map(e => e.execution.id)
    );
    const sessions = await server.get('/sessions').expect(200);
    expect(sessions.body.items.map((s: any) => s.notebookPath)).toEqual([
      'old.ipynb',
      'old.ipynb'
    ]);
    // New records go after the old ones and join the same cell history.
    const next = executionEvent(sid, 4, {
      notebookPath: 'old.ipynb',
      cellId: 'c1',
      startedAt: '2026-03-03T00:00:00.000Z'
    });
    await server.post('/events', { events: [next] }).expect(200);
    const prev = await server
      .get(`/executions/${next.execution.id}/previous`)
      .expect(200);
    expect(prev.body.execution.id).toBe(derived.execution.id);
    await server.close();
  });

  it('refuses a folder of a newer store format', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({ formatVersion: 4, serverId: 'x', createdAt: '' })
    );
    await expect(openFileApp(dir)).rejects.toThrow(/upgrade the server/);
  });
});
describe('store format 2: blob files and guards', () => {
  /**
   * A format-2 folder: a plain execution, then a commit with a blob guard
   * citing the image of the execution after it; its blob file holds
   * `blobFile` (null: missing).
   */
  async function formatTwoFolder(blobFile: string | null) {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({ formatVersion: 2, serverId: 'v2', createdAt: '' })
    );
    const png = bigPng('format two');
    const sha = shaOf(png);
    const sid = 'ses-format2-0001';
    const plain = executionEvent(sid, 1);
    // As format 2 stored it: the value replaced by a reference to its file.
    const image = executionEvent(sid, 2, {
      outputs: [
        {
          output_type: 'display_data',
          data: {
            'image/png': { $blob: sha, size: png.length, encoding: 'text' }
          },
          metadata: {}
        } as any
      ]
    });
    const header = (e: typeof plain) =>
      oldExecutionHeader('xc', e, e.execution.notebookPath);
    const log = await SegmentLog.open(join(dir, 'log'), () => undefined);
    await log.append([{ fields: header(plain), body: JSON.stringify(plain) }]);
    await log.append([
      { fields: ['b', [sha]], body: '{}' },
      { fields: header(image), body: JSON.stringify(image) }
    ]);
    await log.close();
    if (blobFile !== null) {
      await mkdir(join(dir, 'blobs', sha.slice(0, 2)), { recursive: true });
      await writeFile(
        join(dir, 'blobs', sha.slice(0, 2), sha.slice(2)),
        blobFile
      );
    }
    return { dir, png, sha, plain, image };
  }

  it('serves blob files and keeps a last commit whose blobs are whole', async () => {
    const { dir, png, sha, image } = await formatTwoFolder(
      bigPng('format two')
    );
    const warnings: string[] = [];
    const server = await openFileApp(dir, {
      store: { warnings: { warn: m => warnings.push(m) } }
    });
    expect(warnings).toEqual([]);
    expect(server.store.executionCount).toBe(2);
    await server.get(`/executions/${image.execution.id}`).expect(200);
    expect((await server.store.blobs.get(sha))?.toString('utf8')).toBe(png);
    await server.get(`/blobs/${sha}`).expect(200);
    await server.close();
  });

  it.each([
    ['missing', null],
    ['damaged', 'x'.repeat(100)]
  ])(
    'cuts the last commit when a blob its guard cites is %s',
    async (_how, file) => {
      const { dir, plain, image } = await formatTwoFolder(file);
      const warnings: string[] = [];
      const server = await openFileApp(dir, {
        store: { warnings: { warn: m => warnings.push(m) } }
      });
      expect(warnings.join('\n')).toMatch(/cutting 2 unacknowledged records/);
      expect(server.store.executionCount).toBe(1);
      await server.get(`/executions/${plain.execution.id}`).expect(200);
      await server.get(`/executions/${image.execution.id}`).expect(404);
      await server.close();
    }
  );
});

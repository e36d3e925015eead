/**
 * The file store after a restart: everything acknowledged is there again,
 * a torn tail from a crash is cut (blobs with the records citing them),
 * segments roll without loss, older formats are read (format 2's blob
 * files and guards included).
 */
import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  readdir,
  readFile,
  stat,
  writeFile
} from 'node:fs/promises';
import { join } from 'node:path';
import { SegmentLog } from '../../server/store/segment-log';
import {
  bigPng,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import { openFileApp, removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

async function seed(
  dir: string,
  sessions: number,
  perSession: number,
  options = {}
) {
  const server = await openFileApp(dir, { store: options });
  const made = [];
  for (let s = 0; s < sessions; s++) {
    const session = sessionEvent();
    const events = [
      session,
      ...Array.from({ length: perSession }, (_, i) =>
        executionEvent(session.session.id, i + 1)
      )
    ];
    await server.post('/events', { events }).expect(200);
    made.push({ session, events });
  }
  await server.close();
  return made;
}

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

describe('restart', () => {
  it('lists every session and execution again after reopening', async () => {
    const dir = await tempDir();
    const made = await seed(dir, 4, 6);
    const reopened = await openFileApp(dir);
    const sessions = await reopened.get('/sessions').expect(200);
    expect(sessions.body.items.map((s: any) => s.id).sort()).toEqual(
      made.map(m => m.session.session.id).sort()
    );
    for (const m of made) {
      const page = await reopened
        .get(`/sessions/${m.session.session.id}/executions`)
        .expect(200);
      expect(page.body.items.map((x: any) => x.id)).toEqual(
        m.events.slice(1).map((e: any) => e.execution.id)
      );
      const one = m.events[3] as any;
      const full = await reopened
        .get(`/executions/${one.execution.id}`)
        .expect(200);
      expect(full.body).toEqual(one.execution);
    }
    // Idempotency survives the restart too.
    const again = await reopened
      .post('/events', { events: made[0].events })
      .expect(200);
    expect(again.body.accepted).toEqual([]);
    expect(
      JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).formatVersion
    ).toBe(3);
    await reopened.close();
  });

  it('keeps its server id in meta.json across restarts', async () => {
    const dir = await tempDir();
    const a = await openFileApp(dir);
    const id = a.store.meta.serverId;
    await a.close();
    const b = await openFileApp(dir);
    expect(b.store.meta.serverId).toBe(id);
    await b.close();
  });
});

describe('torn tail', () => {
  it('cuts a half-written last line and keeps working', async () => {
    const dir = await tempDir();
    const made = await seed(dir, 2, 3);
    const segment = join(dir, 'log', '00000001.log');
    const intact = (await stat(segment)).size;
    // A crash in the middle of a write leaves part of a line.
    await appendFile(
      segment,
      '{"k":"x","e":"evt-torn-000001","x":"exe-torn-0001","s":"ses-'
    );

    const warnings: string[] = [];
    const reopened = await openFileApp(dir, {
      store: { warnings: { warn: m => warnings.push(m) } }
    });
    expect(warnings.join('\n')).toMatch(/cutting \d+ bytes/);
    expect((await stat(segment)).size).toBe(intact);
    const sessions = await reopened.get('/sessions').expect(200);
    expect(sessions.body.items).toHaveLength(2);
    const last = made[1].events[3] as any;
    await reopened.get(`/executions/${last.execution.id}`).expect(200);

    const later = executionEvent(made[1].session.session.id, 4);
    await reopened.post('/events', { events: [later] }).expect(200);
    await reopened.close();
    const third = await openFileApp(dir);
    const page = await third
      .get(`/sessions/${made[1].session.session.id}/executions`)
      .expect(200);
    expect(page.body.items.map((x: any) => x.seq)).toEqual([1, 2, 3, 4]);
    await third.close();
  });

  it('cuts complete lines whose bytes do not match their checksum', async () => {
    const dir = await tempDir();
    await seed(dir, 1, 2);
    const segment = join(dir, 'log', '00000001.log');
    const text = await readFile(segment, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    // The last line as if the disk kept its header but zeroed its body.
    const damaged = lines[lines.length - 1].replace(/"code":"[^"]*"/, m =>
      '\u0000'.repeat(m.length)
    );
    await writeFile(
      segment,
      [...lines.slice(0, -1), damaged].join('\n') + '\n'
    );
    const reopened = await openFileApp(dir);
    expect(reopened.store.executionCount).toBe(1);
    await reopened.close();
  });

  it('starts from index files of sealed segments, and without them', async () => {
    const dir = await tempDir();
    const made = await seed(dir, 5, 10, { segmentBytes: 8 * 1024 });
    const logDir = join(dir, 'log');
    const segments = (await readdir(logDir))
      .filter(f => f.endsWith('.log'))
      .sort();
    const indexes = (await readdir(logDir)).filter(f => f.endsWith('.idx'));
    // Every segment has an index file; the sealed ones end with a trailer.
    expect(indexes).toHaveLength(segments.length);
    const sealed = await readFile(join(logDir, indexes.sort()[0]), 'utf8');
    expect(sealed).toMatch(/\["end",\d+\],\n$/);

    const expectAll = async () => {
      const server = await openFileApp(dir, {
        store: { segmentBytes: 8 * 1024 }
      });
      expect(server.store.executionCount).toBe(50);
      const sessions = await server.get('/sessions').expect(200);
      expect(sessions.body.items.map((s: any) => s.kernel?.name)).toEqual(
        Array(5).fill('python3')
      );
      const one = made[2].events[5] as any;
      const full = await server
        .get(`/executions/${one.execution.id}`)
        .expect(200);
      expect(full.body).toEqual(one.execution);
      await server.close();
    };
    await expectAll();
    // A damaged index file is ignored (the segment is scanned) and rebuilt.
    await writeFile(join(logDir, indexes[0]), '["garbage",');
    await expectAll();
    expect(await readFile(join(logDir, indexes[0]), 'utf8')).toMatch(
      /\["end",\d+\],\n$/
    );
  });
});

describe('segments', () => {
  it('rolls to new segment files and reads records from all of them', async () => {
    const dir = await tempDir();
    const made = await seed(dir, 6, 10, { segmentBytes: 8 * 1024 });
    const files = (await readdir(join(dir, 'log'))).sort();
    expect(files.length).toBeGreaterThan(3);
    const reopened = await openFileApp(dir, {
      store: { segmentBytes: 8 * 1024 }
    });
    expect(reopened.store.executionCount).toBe(60);
    for (const m of made) {
      const first = m.events[1] as any;
      const full = await reopened
        .get(`/executions/${first.execution.id}`)
        .expect(200);
      expect(full.body.code).toBe(first.execution.code);
    }
    await reopened.close();
  });

  it('starts from index files of sealed segments, and without them', async () => {
    const dir = await tempDir();
    const made = await seed(dir, 5, 10, { segmentBytes: 8 * 1024 });
    const logDir = join(dir, 'log');
    const segments = (await readdir(logDir))
      .filter(f => f.endsWith('.log'))
      .sort();
    const indexes = (await readdir(logDir)).filter(f => f.endsWith('.idx'));
    // Every segment has an index file; the sealed ones end with a trailer.
    expect(indexes).toHaveLength(segments.length);
    const sealed = await readFile(join(logDir, indexes.sort()[0]), 'utf8');
    expect(sealed).toMatch(/\["end",\d+\],\n$/);

    const expectAll = async () => {
      const server = await openFileApp(dir, {
        store: { segmentBytes: 8 * 1024 }
      });
      expect(server.store.executionCount).toBe(50);
      const sessions = await server.get('/sessions').expect(200);
      expect(sessions.body.items.map((s: any) => s.kernel?.name)).toEqual(
        Array(5).fill('python3')
      );
      const one = made[2].events[5] as any;
      const full = await server
        .get(`/executions/${one.execution.id}`)
        .expect(200);
      expect(full.body).toEqual(one.execution);
      await server.close();
    };
    await expectAll();
    // A damaged index file is ignored (the segment is scanned) and rebuilt.
    await writeFile(join(logDir, indexes[0]), '["garbage",');
    await expectAll();
    expect(await readFile(join(logDir, indexes[0]), 'utf8')).toMatch(
      /\["end",\d+\],\n$/
    );
  });
});

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

const shaOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** The kinds of the records of a log segment, in order. */
async function recordKinds(dir: string): Promise<string[]> {
  const log = await readFile(join(dir, 'log', '00000001.log'), 'latin1');
  return log
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line.slice(0, line.indexOf('\t')))[1]);
}

describe('blobs in the log', () => {
  it('writes a new blob once, just before the first record citing it', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const png = bigPng('once');
    const sid = 'ses-blobrec-0001';
    await server
      .post('/events', {
        events: [
          executionEvent(sid, 1),
          executionEvent(sid, 2, { outputs: [imageOutput(png)] }),
          executionEvent(sid, 3, { outputs: [imageOutput(png)] })
        ]
      })
      .expect(200);
    await server
      .post('/events', {
        events: [executionEvent(sid, 4, { outputs: [imageOutput(png)] })]
      })
      .expect(200);
    await server.close();
    // A batch's blobs come first in its part of the commit.
    expect(await recordKinds(dir)).toEqual(['B', 'xc', 'xc', 'xc', 'xc']);
    const reopened = await openFileApp(dir);
    const blob = await reopened.store.blobs.get(shaOf(png));
    expect(blob?.toString('utf8')).toBe(png);
    await reopened.close();
  });

  it('cuts a torn commit whole: its blob and the records citing it', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const sid = 'ses-torn-blob-01';
    const first = executionEvent(sid, 1, {
      outputs: [imageOutput(bigPng('first'))]
    });
    const last = executionEvent(sid, 2, {
      outputs: [imageOutput(bigPng('last'))]
    });
    await server.post('/events', { events: [first] }).expect(200);
    const path = join(dir, 'log', '00000001.log');
    const before = (await stat(path)).size;
    await server.post('/events', { events: [last] }).expect(200);
    await server.close();
    // As a crash in the middle of the second commit's write leaves it: its
    // blob record cut short, the record citing it not written at all.
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, before + 5000));

    const warnings: string[] = [];
    const reopened = await openFileApp(dir, {
      store: { warnings: { warn: m => warnings.push(m) } }
    });
    expect(warnings.join('\n')).toMatch(/cutting \d+ bytes/);
    expect(reopened.store.executionCount).toBe(1);
    const stored = await reopened
      .get(`/executions/${first.execution.id}`)
      .expect(200);
    await reopened
      .get(`/blobs/${stored.body.outputs[0].data['image/png'].$blob}`)
      .expect(200);
    await reopened.get(`/executions/${last.execution.id}`).expect(404);
    await reopened.get(`/blobs/${shaOf(bigPng('last'))}`).expect(404);
    // The client resends what was never acknowledged; blob included.
    await reopened.post('/events', { events: [last] }).expect(200);
    await reopened.close();
    const third = await openFileApp(dir);
    expect(third.store.executionCount).toBe(2);
    expect(
      (await third.store.blobs.get(shaOf(bigPng('last'))))?.toString('utf8')
    ).toBe(bigPng('last'));
    await third.close();
  });

  it('keeps bytes that are not UTF-8 exactly', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a, 0x09]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await server.store.append(
      [executionEvent('ses-binary-00001', 1)],
      new Map([[sha, bytes]])
    );
    await server.close();
    const reopened = await openFileApp(dir);
    expect((await reopened.store.blobs.get(sha))?.equals(bytes)).toBe(true);
    await reopened.close();
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

describe('storage failures', () => {
  it('answers 503 to a failed write, then takes writes again without a restart', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const sid = 'ses-fail-0000001';
    await server
      .post('/events', { events: [executionEvent(sid, 1)] })
      .expect(200);
    // A failed synchronous write (an EIO from O_DSYNC's flush) fails its
    // group; the next append first cuts the segment back to what was
    // acknowledged (SegmentLog.cutFailedWrite), through a fresh handle.
    const log = (server.store as any).log;
    log.writer.write = () => Promise.reject(new Error('EIO'));
    const failed = await server.post('/events', {
      events: [
        executionEvent(sid, 2, { outputs: [imageOutput(bigPng('eio'))] })
      ]
    });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('storage_unavailable');
    await server
      .post('/events', { events: [executionEvent(sid, 4)] })
      .expect(200);
    await server.close();
    // A restart finds exactly what was acknowledged.
    const reopened = await openFileApp(dir);
    const page = await reopened.get(`/sessions/${sid}/executions`).expect(200);
    expect(page.body.items.map((x: { seq: number }) => x.seq)).toEqual([1, 4]);
    await reopened.close();
  });
});

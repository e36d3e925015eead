/**
 * The file store after a restart: everything acknowledged is there again,
 * a torn tail from a crash is cut, a last commit whose blobs did not reach
 * the disk is cut, segments roll without loss, older formats are read.
 */
import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  readdir,
  readFile,
  rm,
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
    ).toBe(2);
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
    const xHeader = (e: typeof derived, path: string | null) => {
      const x = e.execution;
      return [
        'x',
        e.id,
        x.id,
        x.sessionId,
        x.seq,
        x.startedAt,
        x.endedAt,
        0,
        path
      ];
    };
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
    expect(server.store.meta.formatVersion).toBe(2);
    expect(
      JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).formatVersion
    ).toBe(2);
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
      JSON.stringify({ formatVersion: 3, serverId: 'x', createdAt: '' })
    );
    await expect(openFileApp(dir)).rejects.toThrow(/upgrade the server/);
  });
});

describe('blob guard', () => {
  /** Two commits: a first with an image, a last with another image. */
  async function twoImageCommits(dir: string) {
    const server = await openFileApp(dir);
    const first = executionEvent('ses-guard-000001', 1, {
      outputs: [imageOutput(bigPng('first'))]
    });
    const last = executionEvent('ses-guard-000001', 2, {
      outputs: [imageOutput(bigPng('last'))]
    });
    const plain = executionEvent('ses-guard-000001', 3);
    await server.post('/events', { events: [first] }).expect(200);
    await server.post('/events', { events: [last, plain] }).expect(200);
    await server.close();
    const blobOf = (e: typeof first) =>
      join(
        dir,
        'blobs',
        ...splitSha(
          createHash('sha256')
            .update((e.execution.outputs[0] as any).data['image/png'] as string)
            .digest('hex')
        )
      );
    return { first, last, plain, blobOf };
  }

  const splitSha = (sha: string) => [sha.slice(0, 2), sha.slice(2)];

  it('keeps a last commit whose blobs are on disk', async () => {
    const dir = await tempDir();
    await twoImageCommits(dir);
    const warnings: string[] = [];
    const reopened = await openFileApp(dir, {
      store: { warnings: { warn: m => warnings.push(m) } }
    });
    expect(reopened.store.executionCount).toBe(3);
    expect(warnings).toEqual([]);
    await reopened.close();
  });

  it.each([
    ['missing', (path: string) => rm(path)],
    ['damaged', (path: string) => writeFile(path, Buffer.alloc(100))]
  ])(
    'cuts the last commit whole when a blob it cites is %s',
    async (_how, damage) => {
      const dir = await tempDir();
      const { first, last, plain, blobOf } = await twoImageCommits(dir);
      // As a crash after the log's fdatasync, before the blob's, leaves it.
      await damage(blobOf(last));
      const warnings: string[] = [];
      const reopened = await openFileApp(dir, {
        store: { warnings: { warn: m => warnings.push(m) } }
      });
      expect(warnings.join('\n')).toMatch(/cutting 3 unacknowledged records/);
      expect(reopened.store.executionCount).toBe(1);
      await reopened.get(`/executions/${first.execution.id}`).expect(200);
      await reopened.get(`/executions/${last.execution.id}`).expect(404);
      // The client resends what was never acknowledged; it is stored again.
      const again = await reopened
        .post('/events', { events: [last, plain] })
        .expect(200);
      expect(again.body.accepted).toEqual([last.id, plain.id]);
      const stored = await reopened
        .get(`/executions/${last.execution.id}`)
        .expect(200);
      const ref = stored.body.outputs[0].data['image/png'];
      await reopened.get(`/blobs/${ref.$blob}`).expect(200);
      await reopened.close();
      const third = await openFileApp(dir);
      expect(third.store.executionCount).toBe(3);
      await third.close();
    }
  );

  it('keeps the records of batches without blobs that shared the cut commit', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const png = bigPng('shared commit');
    const sha = createHash('sha256').update(png).digest('hex');
    const image = executionEvent('ses-shared-00001', 2, {
      outputs: [imageOutput(png)]
    });
    const plain = executionEvent('ses-shared-00001', 3);
    // The first append starts a commit; the next two wait for it and are
    // committed together.
    const first = server.store.append([executionEvent('ses-shared-00001', 1)]);
    const both = Promise.all([
      server.store.append([image], new Map([[sha, Buffer.from(png)]])),
      server.store.append([plain])
    ]);
    await first;
    await both;
    await server.close();
    const log = await readFile(join(dir, 'log', '00000001.log'), 'latin1');
    const kinds = log
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line.slice(0, line.indexOf('\t')))[1]);
    expect(kinds).toEqual(['xc', 'xc', 'b', 'xc']);

    await rm(join(dir, 'blobs', ...splitSha(sha)));
    const reopened = await openFileApp(dir);
    await reopened.get(`/executions/${plain.execution.id}`).expect(200);
    await reopened.get(`/executions/${image.execution.id}`).expect(404);
    expect(reopened.store.executionCount).toBe(2);
    await reopened.close();
  });

  it('checks the last guard only: earlier commits were acknowledged', async () => {
    const dir = await tempDir();
    const { first, blobOf } = await twoImageCommits(dir);
    await rm(blobOf(first));
    const reopened = await openFileApp(dir);
    expect(reopened.store.executionCount).toBe(3);
    await reopened.close();
  });
});

describe('storage failures', () => {
  it('fails a batch whose blob cannot be written, and only that one', async () => {
    const server = await openFileApp();
    const blobs = server.store.blobs as any;
    const stage = blobs.stage.bind(blobs);
    blobs.stage = () => Promise.reject(new Error('ENOSPC'));
    const withImage = executionEvent('ses-fail-0000001', 1, {
      outputs: [imageOutput(bigPng('full disk'))]
    });
    const [failed, plain] = await Promise.all([
      server.post('/events', { events: [withImage] }),
      server.post('/events', {
        events: [executionEvent('ses-fail-0000001', 2)]
      })
    ]);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('storage_unavailable');
    expect(plain.status).toBe(200);
    blobs.stage = stage;
    await server.post('/events', { events: [withImage] }).expect(200);
    await server.close();
  });

  it('answers batches without blobs when the blob sync of their commit fails', async () => {
    const server = await openFileApp();
    const blobs = server.store.blobs as any;
    blobs.sync = () => Promise.reject(new Error('EIO'));
    const png = bigPng('sync fails');
    const sha = createHash('sha256').update(png).digest('hex');
    const first = server.store.append([executionEvent('ses-fail-0000003', 1)]);
    const image = server.store.append(
      [executionEvent('ses-fail-0000003', 2, { outputs: [imageOutput(png)] })],
      new Map([[sha, Buffer.from(png)]])
    );
    const plain = server.store.append([executionEvent('ses-fail-0000003', 3)]);
    await first;
    await expect(image).rejects.toMatchObject({ status: 503 });
    expect((await plain).accepted).toHaveLength(1);
    await server.close();
  });

  it('refuses writes after a blob sync failed under a written commit', async () => {
    const dir = await tempDir();
    const server = await openFileApp(dir);
    const blobs = server.store.blobs as any;
    blobs.sync = () => Promise.reject(new Error('EIO'));
    const withImage = executionEvent('ses-fail-0000002', 1, {
      outputs: [imageOutput(bigPng('io error'))]
    });
    const res = await server.post('/events', { events: [withImage] });
    expect(res.status).toBe(503);
    const next = await server.post('/events', {
      events: [executionEvent('ses-fail-0000002', 2)]
    });
    expect(next.status).toBe(503);
    expect(next.body.error.code).toBe('storage_unavailable');
    await server.close();
    // A restart checks the commit: here the blob did reach the disk.
    const reopened = await openFileApp(dir);
    expect(reopened.store.executionCount).toBe(1);
    await reopened.close();
  });
});

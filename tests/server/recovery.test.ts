/**
 * The file store after a restart: everything acknowledged is there again,
 * a torn tail from a crash is cut, segments roll without loss, and a failed
 * write is cut back without one. Blobs in the log: recovery-blobs.test.ts;
 * older store formats: recovery-formats.test.ts.
 */
import {
  appendFile,
  readdir,
  readFile,
  stat,
  writeFile
} from 'node:fs/promises';
import { join } from 'node:path';
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

/**
 * Blobs in the log after a restart: written once, just before the first
 * record citing them; a torn commit is cut whole, blob and records; bytes
 * that are not UTF-8 come back exactly.
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bigPng, executionEvent, imageOutput } from './support/records';
import { openFileApp, removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

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

/**
 * Export and import between two data folders: the round trip is lossless
 * (events in order, blobs, environments, access facts, users), tokens
 * leave without their hashes, a second import stores nothing, and a
 * truncated or altered file is refused before anything is stored.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { exportHistory } from '../../../server/transfer/export';
import { openFileEnd } from '../../../server/transfer/file-end';
import { FactMatch } from '../../../server/transfer/fact-match';
import {
  TransferError,
  type HistoryEnd
} from '../../../server/transfer/history-end';
import { importHistory } from '../../../server/transfer/import';
import {
  blobsOf,
  eventsOf,
  factsOf,
  seedHistory,
  type Seeded
} from './transfer-seed';

let root: string;
let source: string;
let file: string;
let seeded: Seeded;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trail-transfer-file-'));
  source = join(root, 'source');
  file = join(root, 'history.jsonl.gz');
  seeded = await seedHistory(source);
  const end = await openFileEnd(source, { create: false });
  try {
    await exportHistory(end, file);
  } finally {
    await end.close();
  }
});

afterAll(() => rm(root, { recursive: true, force: true }));

function lines(bytes: Buffer): string[] {
  return gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
}

describe('export', () => {
  it('writes a header, people without token hashes, facts, blobs once, events and a trailer', async () => {
    const text = lines(await readFile(file));
    const header = JSON.parse(text[0]);
    expect(header).toMatchObject({
      type: 'header',
      format: 'trail-export',
      version: 1,
      source: 'file',
      counts: { sessions: seeded.sessions, executions: seeded.executions }
    });
    const trailer = JSON.parse(text[text.length - 1]);
    expect(trailer.counts).toEqual({
      user: 2,
      token: 3,
      fact: expect.any(Number),
      blob: expect.any(Number),
      event: seeded.events
    });
    const blobs = text.map(l => JSON.parse(l)).filter(l => l.type === 'blob');
    expect(new Set(blobs.map(b => b.sha256)).size).toBe(blobs.length);
    // 3 images, an environment per cpu count (2), 2 structure sources.
    expect(blobs).toHaveLength(7);
    const users = JSON.parse(
      await readFile(join(source, 'users.json'), 'utf8')
    );
    const whole = text.join('\n');
    for (const token of users.tokens) {
      expect(whole).not.toContain(token.sha256);
    }
    for (const secret of Object.values(seeded.tokens)) {
      expect(whole).not.toContain(secret);
    }
  });
});

describe('an export that cannot be written', () => {
  it('is refused at once, naming the file', async () => {
    const end = await openFileEnd(source, { create: false });
    try {
      const out = join(root, 'no', 'such', 'folder.jsonl.gz');
      const error = await exportHistory(end, out).catch(e => e);
      expect(error).toBeInstanceOf(TransferError);
      expect(error.message).toBe(
        `cannot write ${out}: its folder does not exist`
      );
    } finally {
      await end.close();
    }
  });
});

describe('import into another data folder', () => {
  let target: string;
  beforeAll(async () => {
    target = join(root, 'target');
  });

  it('stores the same history, and a second run stores nothing', async () => {
    const end = await openFileEnd(target, { create: true });
    try {
      const first = await importHistory(file, end);
      expect(first.eventsStored).toBe(seeded.events);
      expect(first.people).toEqual({
        users: 2,
        tokens: 0,
        tokensWithoutHash: 3
      });
      const again = await importHistory(file, end);
      expect(again).toMatchObject({
        eventsStored: 0,
        eventsPresent: seeded.events,
        factsStored: 0,
        people: { users: 0, tokens: 0 }
      });
    } finally {
      await end.close();
    }
    const [a, b] = [
      await openFileEnd(source, { create: false }),
      await openFileEnd(target, { create: false })
    ];
    try {
      expect(await eventsOf(b)).toEqual(await eventsOf(a));
      const blobs = await blobsOf(b);
      expect(blobs).toEqual(await blobsOf(a));
      expect([...blobs].every(([sha, got]) => sha === got)).toBe(true);
      expect(await factsOf(b)).toEqual(await factsOf(a));
      expect((await b.people()).users).toEqual((await a.people()).users);
      expect((await b.people()).tokens).toEqual([]);
      const [session] = (await a.store.listSessions({ limit: 1 })).items;
      expect(await b.store.getSession(session.id)).toEqual(session);
      const steps = await a.store.listSteps(session.id);
      expect(await b.store.listSteps(session.id)).toEqual(steps);
      const x = await a.store.getExecution(steps![0].executionId);
      expect(await b.store.getExecution(x!.id)).toEqual(x);
      expect(await b.store.listStructures(session.id)).toEqual(
        await a.store.listStructures(session.id)
      );
      expect((await b.store.queryRuns({ sort: [], limit: 10 })).items).toEqual(
        (await a.store.queryRuns({ sort: [], limit: 10 })).items
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('a damaged export', () => {
  async function refused(bytes: Buffer, message: RegExp): Promise<void> {
    const bad = join(root, `bad-${Math.random()}.jsonl.gz`);
    await writeFile(bad, bytes);
    const dir = await mkdtemp(join(root, 'refused-'));
    const end = await openFileEnd(dir, { create: true });
    try {
      const error = await importHistory(bad, end).catch(e => e);
      expect(error).toBeInstanceOf(TransferError);
      expect(error.message).toMatch(message);
      expect(await eventsOf(end)).toEqual([]);
      expect(await factsOf(end)).toEqual([]);
      expect((await end.people()).users).toEqual([]);
    } finally {
      await end.close();
    }
  }

  it('is refused when its gzip stream is cut', async () => {
    const bytes = await readFile(file);
    await refused(
      bytes.subarray(0, Math.floor(bytes.length * 0.6)),
      /truncated/
    );
  });

  it('is refused when it ends without its trailer', async () => {
    const text = lines(await readFile(file));
    await refused(
      gzipSync(text.slice(0, -3).join('\n') + '\n'),
      /without its trailer: the file is truncated/
    );
  });

  it('is refused when a line was changed', async () => {
    const text = lines(await readFile(file));
    const i = text.findIndex(l => l.includes('"type":"event"'));
    text[i] = text[i].replace('"kind"', '"kind" ');
    await refused(
      gzipSync(text.join('\n') + '\n'),
      /SHA-256 of its content is [0-9a-f]+, the trailer says [0-9a-f]+: the file was altered/
    );
  });

  it('is refused when a blob does not match its hash', async () => {
    const text = lines(await readFile(file));
    const i = text.findIndex(l => l.includes('"type":"blob"'));
    const blob = JSON.parse(text[i]);
    blob.base64 = Buffer.from('something else').toString('base64');
    text[i] = JSON.stringify(blob);
    await refused(
      gzipSync(text.join('\n') + '\n'),
      new RegExp(`line ${i + 1}: blob ${blob.sha256}: its content's SHA-256`)
    );
  });

  it('is refused when it is not an export', async () => {
    await refused(Buffer.from('hello'), /is not a gzip file/);
    await refused(
      gzipSync('{"type":"header","format":"other"}\n'),
      /line 1: not the header of a Trail export/
    );
  });
});

describe('facts matched by content', () => {
  it('copies a fact that happened twice twice, and only what is missing', async () => {
    const vis = (v: 'team' | 'private') => ({
      t: 'vis' as const,
      s: 'ses-1',
      v,
      by: 'u1',
      at: '2026-03-01T10:00:00.000Z'
    });
    const held = [vis('private')];
    const target = {
      async *facts() {
        yield* held;
      }
    } as unknown as HistoryEnd;
    const match = await FactMatch.of(target);
    expect(
      match.missing([vis('private'), vis('team'), vis('private')])
    ).toEqual([vis('team'), vis('private')]);
  });
});

describe('an export of a history in use', () => {
  it('ends with the access facts stored while its events were read', async () => {
    const dir = join(root, 'live');
    await seedHistory(dir, 2, 2);
    const end = await openFileEnd(dir, { create: false });
    const late = {
      t: 'rule' as const,
      a: 'someone',
      n: 'late.ipynb',
      v: 'private' as const,
      at: '2026-03-02T00:00:00.000Z'
    };
    const live: HistoryEnd = Object.create(end, {
      store: {
        value: new Proxy(end.store, {
          get(store, prop) {
            if (prop === 'scanEvents') {
              return async (
                ...args: Parameters<typeof store.scanEvents>
              ): Promise<void> => {
                await end.appendFacts([late]);
                await store.scanEvents(...args);
              };
            }
            const value = Reflect.get(store, prop);
            return typeof value === 'function' ? value.bind(store) : value;
          }
        })
      }
    });
    const out = join(root, 'live.jsonl.gz');
    try {
      await exportHistory(live, out);
    } finally {
      await end.close();
    }
    const text = lines(await readFile(out)).map(l => JSON.parse(l));
    expect(text[text.length - 2]).toEqual({ type: 'fact', fact: late });
    const copy = await openFileEnd(join(root, 'live-copy'), { create: true });
    try {
      await importHistory(out, copy);
      expect((await factsOf(copy)).pop()).toContain('late.ipynb');
    } finally {
      await copy.close();
    }
  });
});

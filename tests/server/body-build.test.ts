/**
 * The file store's one background pass over the log's bodies at open
 * (server/store/body-build.ts): open returns before it ends, run and
 * fingerprint queries wait for it, and events stored while it runs (a late
 * file hash, new steps) end in both indexes exactly as in a store that
 * received every event live (the memory store), whatever the log order of
 * annotations and their executions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../server/store/file-store';
import { MemoryStore } from '../../server/store/memory-store';
import type { StoredEvent, TrailStore } from '../../server/store/types';
import type { FileAccess } from '../../src/records/schema';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from './support/records';

const HASH_A = 'a'.repeat(64);
const dirs: string[] = [];
afterAll(() =>
  Promise.all(dirs.map(dir => rm(dir, { recursive: true, force: true })))
);

function read(path: string, sha256: string | null): FileAccess {
  return { path, access: 'read', kind: 'file', sha256 };
}

/** Every session's fingerprints and run, as the store answers them. */
async function answers(
  store: TrailStore,
  sessionIds: string[]
): Promise<unknown> {
  return Promise.all(
    sessionIds.map(async id => ({
      fingerprints: await store.sessionFingerprints(id),
      run: await store.getRun(id)
    }))
  );
}

describe('the background pass over the bodies at open', () => {
  it('answers as a live store, with events stored while it runs held and applied after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trail-body-build-'));
    dirs.push(dir);
    const open = () =>
      FileStore.open(dir, { warnings: { warn: () => undefined } });

    // A session whose second step's file hash comes late (in an
    // annotation after later steps), one whose annotation precedes its
    // execution, and one complete from the start.
    const late = sessionEvent();
    const early = sessionEvent();
    const done = sessionEvent();
    const steps = (id: string, hash: string | null) => [
      executionEvent(id, 1, { code: 'import pandas as pd' }),
      executionEvent(id, 2, {
        code: 'df = pd.read_csv("data.csv")',
        capture: {
          files: [read('data.csv', hash)],
          params: { lr: 0.1 },
          metrics: [{ name: 'loss', value: 0.5, step: 0 }]
        }
      }),
      executionEvent(id, 3, { code: 'model = fit(df)' })
    ];
    const lateXs = steps(late.session.id, null);
    const earlyXs = steps(early.session.id, null);
    const doneXs = steps(done.session.id, HASH_A);
    const stored: StoredEvent[][] = [
      [late, ...lateXs, done, ...doneXs, early, earlyXs[0]],
      [
        annotationEvent(earlyXs[1].execution, {
          files: [read('data.csv', HASH_A)]
        })
      ],
      [earlyXs[1], earlyXs[2]],
      [
        annotationEvent(lateXs[1].execution, {
          metrics: [{ name: 'loss', value: 0.25, step: 1 }]
        })
      ]
    ];
    // Stored while the pass runs: the late hash and a fourth step.
    const meanwhile: StoredEvent[][] = [
      [
        annotationEvent(lateXs[1].execution, {
          files: [read('data.csv', HASH_A)]
        })
      ],
      [
        executionEvent(late.session.id, 4, {
          code: 'score(model)',
          capture: { metrics: [{ name: 'accuracy', value: 0.9, step: null }] }
        })
      ]
    ];
    const ids = [late.session.id, early.session.id, done.session.id];

    const live = new MemoryStore();
    let store = await open();
    for (const batch of stored) {
      await live.append(batch);
      await store.append(batch);
    }
    await store.close();

    store = await open();
    // Open returned before the pass ended.
    expect(
      (store as unknown as { build: { running: boolean } }).build.running
    ).toBe(true);
    const asked = answers(store, ids);
    for (const batch of meanwhile) {
      await live.append(batch);
      await store.append(batch);
    }
    const expected = await answers(live, ids);
    await expect(asked).resolves.toEqual(expected);
    await expect(answers(store, ids)).resolves.toEqual(expected);
    // The late hash reached the fingerprints: the two pipelines match.
    const [lateFp, earlyFp, doneFp] = (await answers(store, ids)) as {
      fingerprints: { fingerprint: string | null }[];
    }[];
    expect(lateFp.fingerprints[2].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(lateFp.fingerprints.slice(0, 3)).toEqual(doneFp.fingerprints);
    expect(earlyFp.fingerprints).toEqual(doneFp.fingerprints);

    // And the same again after a restart with nothing stored meanwhile.
    await store.close();
    store = await open();
    await expect(answers(store, ids)).resolves.toEqual(expected);
    await store.close();
  });
});

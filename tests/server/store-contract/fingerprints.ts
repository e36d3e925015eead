/**
 * The store contract, fingerprints: each execution's fingerprint and
 * pathKey as src/records/fingerprint.ts computes them, kept at ingest (a
 * late file hash or environment changes them from there on), found by
 * value, and the same after a restart.
 */
import {
  environmentAt,
  environmentKey,
  sessionFingerprints
} from '../../../src/records/fingerprint';
import type {
  ExecutionCompletedEvent,
  FileAccess
} from '../../../src/records/schema';
import {
  annotationEvent,
  environment,
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { contractStores, type MakeStore } from './harness';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function read(path: string, sha256: string | null): FileAccess {
  return { path, access: 'read', kind: 'file', sha256 };
}

/** A session of three steps, the second reading data.csv with `hash`. */
function pipeline(
  hash: string | null,
  startedAt = '2026-03-01T10:00:00.000Z'
): {
  s: ReturnType<typeof sessionEvent>;
  xs: ExecutionCompletedEvent[];
} {
  const s = sessionEvent({ startedAt });
  const base = Date.parse(startedAt);
  const at = (k: number): Partial<ExecutionCompletedEvent['execution']> => ({
    startedAt: new Date(base + k * 1000).toISOString(),
    endedAt: new Date(base + k * 1000 + 500).toISOString()
  });
  const xs = [
    executionEvent(s.session.id, 1, { code: 'import pandas as pd', ...at(1) }),
    executionEvent(s.session.id, 2, {
      code: 'df = pd.read_csv("data.csv")',
      capture: { files: [read('data.csv', hash)] },
      ...at(2)
    }),
    executionEvent(s.session.id, 3, { code: 'model = fit(df)', ...at(3) })
  ];
  return { s, xs };
}

/** See the module comment. */
export function describeFingerprints(make: MakeStore): void {
  describe('fingerprints', () => {
    const stores = contractStores(make);

    it('keeps each execution’s fingerprint as the rule computes it', async () => {
      const c = await stores.open();
      const { s, xs } = pipeline(HASH_A);
      const env = environmentEvent(s.session.id, 1);
      await c.append([s, env, ...xs]);
      await c.live(async store => {
        const session = await store.getSession(s.session.id);
        expect(environmentAt(session?.environments, 1)).not.toBeNull();
        // The environment as its key: what decides a result.
        const expected = sessionFingerprints(
          xs.map(x => x.execution),
          [{ id: environmentKey(environment()), fromSeq: 1 }]
        );
        await expect(store.sessionFingerprints(s.session.id)).resolves.toEqual(
          expected
        );
        await expect(store.fingerprintOf(xs[1].execution.id)).resolves.toEqual({
          ...expected[1],
          sessionId: s.session.id,
          seq: 2,
          step: 2
        });
        await expect(store.fingerprintOf('exe-unknown')).resolves.toBeNull();
        await expect(
          store.sessionFingerprints('ses-unknown')
        ).resolves.toBeNull();
      });
    });

    it('finds the executions of other sessions with the same fingerprint, newest first', async () => {
      const c = await stores.open();
      const alice = pipeline(HASH_A, '2026-03-01T10:00:00.000Z');
      const bob = pipeline(HASH_A, '2026-03-02T10:00:00.000Z');
      const carol = pipeline(HASH_B, '2026-03-03T10:00:00.000Z');
      await c.append([
        alice.s,
        ...alice.xs,
        bob.s,
        ...bob.xs,
        carol.s,
        ...carol.xs
      ]);
      await c.live(async store => {
        const fp = (await store.fingerprintOf(alice.xs[2].execution.id))!;
        expect(fp.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        const found = await store.executionsByFingerprint(fp.fingerprint!, {
          limit: 20
        });
        expect(found.map(m => [m.execution.id, m.step])).toEqual([
          [bob.xs[2].execution.id, 3],
          [alice.xs[2].execution.id, 3]
        ]);
        expect(found[0].execution.endedAt).toBe(bob.xs[2].execution.endedAt);
        // Never the one asked about, never an excluded session, at most limit.
        const others = await store.executionsByFingerprint(fp.fingerprint!, {
          limit: 20,
          excludeExecutionId: alice.xs[2].execution.id
        });
        expect(others.map(m => m.execution.id)).toEqual([
          bob.xs[2].execution.id
        ]);
        await expect(
          store.executionsByFingerprint(fp.fingerprint!, {
            limit: 20,
            excludeSessionIds: new Set([bob.s.session.id])
          })
        ).resolves.toHaveLength(1);
        await expect(
          store.executionsByFingerprint(fp.fingerprint!, { limit: 1 })
        ).resolves.toHaveLength(1);
        // Carol read other data: her step 2 and 3 differ, her pathKey of 2 not.
        const carol2 = (await store.fingerprintOf(carol.xs[1].execution.id))!;
        const alice2 = (await store.fingerprintOf(alice.xs[1].execution.id))!;
        expect(carol2.fingerprint).not.toBe(alice2.fingerprint);
        expect(carol2.pathKey).toBe(alice2.pathKey);
        const byPath = await store.executionsByPathKey(alice2.pathKey!, {
          limit: 20
        });
        expect(byPath.map(m => m.execution.id)).toEqual([
          carol.xs[1].execution.id,
          bob.xs[1].execution.id,
          alice.xs[1].execution.id
        ]);
        await expect(
          store.executionsByFingerprint('f'.repeat(64), { limit: 20 })
        ).resolves.toEqual([]);
        await expect(
          store.executionsByFingerprint('not-hex', { limit: 20 })
        ).resolves.toEqual([]);
      });
    });

    it('is unknown from a pending hash on, and computed again when the hash arrives late', async () => {
      const c = await stores.open();
      const pending = pipeline(null);
      const done = pipeline(HASH_A);
      await c.append([pending.s, ...pending.xs, done.s, ...done.xs]);
      const before = await c.store.sessionFingerprints(pending.s.session.id);
      expect(before?.[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(before?.[1].fingerprint).toBeNull();
      expect(before?.[2]).toEqual({ fingerprint: null, pathKey: null });
      await c.append([
        annotationEvent(pending.xs[1].execution, {
          files: [read('data.csv', HASH_A)]
        })
      ]);
      await c.live(async store => {
        await expect(
          store.sessionFingerprints(pending.s.session.id)
        ).resolves.toEqual(await store.sessionFingerprints(done.s.session.id));
        const last = (await store.fingerprintOf(done.xs[2].execution.id))!;
        const found = await store.executionsByFingerprint(last.fingerprint!, {
          limit: 20
        });
        expect(found.map(m => m.execution.id).sort()).toEqual(
          [pending.xs[2].execution.id, done.xs[2].execution.id].sort()
        );
      });
    });

    it('is the same on another machine with the same packages, not with another version', async () => {
      const c = await stores.open();
      const here = pipeline(HASH_A);
      const laptop = pipeline(HASH_A);
      const upgraded = pipeline(HASH_A);
      const elsewhere = environment({
        platform: {
          system: 'Linux',
          release: '6.1.0',
          machine: 'x86_64',
          hostname: 'bobs-laptop',
          cwd: '/home/bob/work'
        },
        cpu: { model: 'Intel i7', count: 8 },
        git: { commit: 'b'.repeat(40), branch: 'dev', dirty: true }
      });
      await c.append([
        here.s,
        environmentEvent(here.s.session.id, 1),
        ...here.xs,
        laptop.s,
        environmentEvent(laptop.s.session.id, 1, elsewhere),
        ...laptop.xs,
        upgraded.s,
        environmentEvent(
          upgraded.s.session.id,
          1,
          environment({
            packages: [
              { name: 'numpy', version: '2.1.0' },
              { name: 'pandas', version: '2.2.4' }
            ]
          })
        ),
        ...upgraded.xs
      ]);
      await c.live(async store => {
        const a = await store.sessionFingerprints(here.s.session.id);
        expect(await store.sessionFingerprints(laptop.s.session.id)).toEqual(a);
        const b = (await store.sessionFingerprints(upgraded.s.session.id))!;
        expect(b[0].fingerprint).not.toBe(a![0].fingerprint);
      });
    });

    it('follows executions arriving out of order and a new environment version', async () => {
      const c = await stores.open();
      const inOrder = pipeline(HASH_A);
      const reversed = pipeline(HASH_A);
      await c.append([inOrder.s, ...inOrder.xs, reversed.s]);
      for (const x of [...reversed.xs].reverse()) {
        await c.append([x]);
      }
      expect(await c.store.sessionFingerprints(reversed.s.session.id)).toEqual(
        await c.store.sessionFingerprints(inOrder.s.session.id)
      );
      // A %pip install from step 3 on: step 3 differs, 1 and 2 stay.
      await c.append([
        environmentEvent(
          reversed.s.session.id,
          3,
          environment({ packages: [{ name: 'numpy', version: '9.9.9' }] })
        )
      ]);
      await c.live(async store => {
        const a = (await store.sessionFingerprints(inOrder.s.session.id))!;
        const b = (await store.sessionFingerprints(reversed.s.session.id))!;
        expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
        expect(b[2].fingerprint).not.toBe(a[2].fingerprint);
        expect(b[2].fingerprint).toMatch(/^[0-9a-f]{64}$/);
      });
    });
  });
}

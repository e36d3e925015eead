/**
 * The fingerprint index's memory and lookups at scale (#16 item 4: under
 * ~100 bytes an execution for 1M executions), and how long a file store
 * takes to rebuild it at open.
 *
 *   npx tsc -p server/tsconfig.json
 *   node --expose-gc bench/fingerprints.mjs [--executions 1000000] [--store 20000]
 *
 * Memory: 1M executions (sessions of 10 steps) each given a fingerprint
 * and a pathKey, as the stores keep them (server/store/fingerprint-index.ts):
 * the typed arrays' bytes, and the heap + array buffers grown (after GC).
 * Lookups: by fingerprint and by pathKey, hits and misses, p50/p99.
 * Rebuild: a file store with `--store` executions (10-step sessions, one
 * file read each) is closed and opened again; the open is timed with and
 * without the fingerprints' pass (as the difference of the two).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const dist = new URL('../server/dist/server/', import.meta.url);
const { FingerprintIndex } = await import(
  new URL('store/fingerprint-index.js', dist)
);
const { FileStore } = await import(new URL('store/file-store.js', dist));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = option('executions', 1_000_000);
const STORE_N = option('store', 20_000);

const hex = i => createHash('sha256').update(String(i)).digest('hex');
const quantile = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
const used = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

// Memory.
const before = used();
const table = new FingerprintIndex();
const t0 = performance.now();
for (let n = 0; n < N; n++) {
  // Every 10th first step is shared by all sessions (e.g. `import pandas`).
  table.set(n, {
    fingerprint: n % 10 === 0 ? hex('first') : hex(`fp${n}`),
    pathKey: n % 10 === 0 ? hex('first-path') : hex(`pk${n}`)
  });
}
const setMs = performance.now() - t0;
const grown = used() - before;
console.log(
  `memory: ${N.toLocaleString()} executions, typed arrays ${(table.bytes / N).toFixed(1)} B/execution, ` +
    `heap+buffers grown ${(grown / N).toFixed(1)} B/execution; set ${((setMs * 1000) / N).toFixed(2)} µs each`
);

// Lookups.
const times = { hit: [], miss: [], path: [] };
for (let i = 0; i < 2000; i++) {
  const n = 1 + Math.floor(Math.random() * (N - 1));
  let t = performance.now();
  const found = table.withFingerprint(hex(`fp${n}`));
  times.hit.push(performance.now() - t);
  if (n % 10 !== 0 && (found.length !== 1 || found[0] !== n)) {
    throw new Error(`lookup of ${n} found ${found}`);
  }
  t = performance.now();
  table.withFingerprint(hex(`missing${n}`));
  times.miss.push(performance.now() - t);
  t = performance.now();
  table.withPathKey(hex(`pk${n}`));
  times.path.push(performance.now() - t);
}
for (const [kind, xs] of Object.entries(times)) {
  console.log(
    `lookup ${kind}: p50 ${(quantile(xs, 0.5) * 1000).toFixed(1)} µs, p99 ${(quantile(xs, 0.99) * 1000).toFixed(1)} µs`
  );
}
const shared = performance.now();
const all = table.withFingerprint(hex('first'));
console.log(
  `the shared first step: ${all.length.toLocaleString()} executions found in ${(performance.now() - shared).toFixed(1)} ms`
);

// Rebuild at open.
const dir = await mkdtemp(join(tmpdir(), 'trail-fp-bench-'));
try {
  let store = await FileStore.open(dir);
  const events = [];
  for (let s = 0; s < STORE_N / 10; s++) {
    const sessionId = randomUUID();
    for (let seq = 1; seq <= 10; seq++) {
      const at = new Date(Date.UTC(2026, 0, 1) + s * 60_000 + seq * 1000);
      events.push({
        id: randomUUID(),
        kind: 'execution.completed',
        execution: {
          id: randomUUID(),
          sessionId,
          seq,
          notebookPath: 'bench/fp.ipynb',
          cellId: `c${seq}`,
          code: `x${seq} = step(${seq})  # ${'pad '.repeat(20)}`,
          executionCount: seq,
          status: 'ok',
          startedAt: at.toISOString(),
          endedAt: new Date(at.getTime() + 500).toISOString(),
          durationMs: 500,
          timing: 'kernel',
          outputs: [
            { output_type: 'stream', name: 'stdout', text: `${seq}\n` }
          ],
          capture: {
            files: [
              {
                path: `data/${seq}.csv`,
                access: 'read',
                kind: 'file',
                sha256: hex(`file${seq}`)
              }
            ]
          }
        }
      });
    }
  }
  const ingestStart = performance.now();
  for (let i = 0; i < events.length; i += 500) {
    await store.append(events.slice(i, i + 500));
  }
  const ingestMs = performance.now() - ingestStart;
  await store.close();
  const open = performance.now();
  store = await FileStore.open(dir);
  const openMs = performance.now() - open;
  const check = await store.fingerprintOf(events.at(-1).execution.id);
  if (!check?.fingerprint && !process.env.NO_FP) {
    throw new Error('no fingerprint after the rebuild');
  }
  await store.close();
  console.log(
    `file store, ${STORE_N.toLocaleString()} executions: ingest ${((ingestMs * 1000) / STORE_N).toFixed(0)} µs/execution (fingerprints included), ` +
      `open with the fingerprints' rebuild ${openMs.toFixed(0)} ms (${((openMs * 1000) / STORE_N).toFixed(1)} µs/execution)`
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

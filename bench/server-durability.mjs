#!/usr/bin/env node
/**
 * Durability-path benchmark of the Trail file store (not part of the test
 * suite): the time from a batch's scheduled arrival to its acknowledgement,
 * in-process (no HTTP, no validation), so that the disk work dominates.
 *
 *     npx tsc -p server/tsconfig.json && node bench/server-durability.mjs
 *         [--rate 100] [--batch 50] [--images 2] [--slice 4] [--rounds 6]
 *
 * Batches with and without blobs, alternated slice by slice on the same
 * machine state (the order flips every round), each on a store of its own:
 *
 * - images: FileStore.append(events, blobs), --images percent of events
 *   with a unique 24 KiB image (its blob goes into the commit's write);
 * - plain: the same batches without their images.
 *
 * --rate batches/s of --batch events; prints p50/p95/p99/max per slice and
 * over all. With blobs stored in the log (format 3), both pay one write
 * and one fdatasync per commit; the difference is the bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// As the server does (index.ts): syncs run on libuv's thread pool.
process.env.UV_THREADPOOL_SIZE ??= '16';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const storeModule = join(
  root,
  'server',
  'dist',
  'server',
  'store',
  'file-store.js'
);
if (!existsSync(storeModule)) {
  console.error(
    'server/dist is missing: run `npx tsc -p server/tsconfig.json` first'
  );
  process.exit(1);
}
const { FileStore } = createRequire(import.meta.url)(storeModule);

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RATE = arg('rate', 100);
const BATCH = arg('batch', 50);
const IMAGES = arg('images', 2);
const SLICE_S = arg('slice', 4);
const ROUNDS = arg('rounds', 6);

let counter = 0;

/** A batch of executions (their images already as BlobRefs) and its blobs. */
function batch(images = IMAGES) {
  const sessionId = randomUUID();
  const events = [];
  const blobs = new Map();
  for (let seq = 1; seq <= BATCH; seq++) {
    const n = counter++;
    const outputs = [
      { output_type: 'stream', name: 'stdout', text: `step ${n}\n`.repeat(60) }
    ];
    if (n % 100 < images) {
      let text = '';
      let block = createHash('sha256').update(randomUUID()).digest();
      while (text.length < 24 * 1024) {
        text += block.toString('base64');
        block = createHash('sha256').update(block).digest();
      }
      const bytes = Buffer.from(text);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha256, bytes);
      outputs.push({
        output_type: 'display_data',
        data: {
          'image/png': { $blob: sha256, size: bytes.length, encoding: 'text' }
        },
        metadata: {}
      });
    }
    const started = Date.UTC(2026, 0, 1) + n * 1000;
    events.push({
      id: randomUUID(),
      kind: 'execution.completed',
      execution: {
        id: randomUUID(),
        sessionId,
        seq,
        notebookPath: 'bench.ipynb',
        cellId: `cell-${seq % 30}`,
        code: `x = ${n}`,
        executionCount: seq,
        status: 'ok',
        startedAt: new Date(started).toISOString(),
        endedAt: new Date(started + 5).toISOString(),
        durationMs: 5,
        timing: 'kernel',
        outputs
      }
    });
  }
  return { events, blobs };
}

const strategies = {
  images: IMAGES,
  plain: 0
};

/** One open-loop slice: batches due every 1/RATE s, latency from due time. */
async function slice(store, images) {
  const bodies = Array.from({ length: SLICE_S * RATE }, () => batch(images));
  const latencies = [];
  const pending = [];
  const start = performance.now() + 20;
  for (let i = 0; i < bodies.length; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise(resolve => setTimeout(resolve, wait));
    }
    pending.push(
      store
        .append(bodies[i].events, bodies[i].blobs)
        .then(() => latencies.push(performance.now() - due))
    );
  }
  await Promise.all(pending);
  return latencies;
}

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const line = values =>
  ['p50', 'p95', 'p99', 'max']
    .map(
      (name, i) => `${name} ${pct(values, [0.5, 0.95, 0.99, 1][i]).toFixed(1)}`
    )
    .join('  ');

const stores = {};
for (const name of Object.keys(strategies)) {
  const dir = await mkdtemp(join(tmpdir(), `trail-durability-bench-${name}-`));
  stores[name] = { dir, store: await FileStore.open(dir) };
}
console.log(
  `${RATE} batches/s of ${BATCH} events, ${IMAGES}% images, ${SLICE_S} s slices, ` +
    `${ROUNDS} rounds; ms from scheduled arrival to acknowledgement`
);
const all = { images: [], plain: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['plain', 'images'] : ['images', 'plain'];
    for (const name of order) {
      const latencies = await slice(stores[name].store, strategies[name]);
      all[name].push(...latencies);
      console.log(
        `round ${round} ${name.padEnd(6)} ${line(latencies)}  load ${loadavg()[0].toFixed(2)}`
      );
    }
  }
  for (const name of Object.keys(all)) {
    console.log(`all      ${name.padEnd(6)} ${line(all[name])}`);
  }
} finally {
  for (const { dir, store } of Object.values(stores)) {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
/**
 * Ingest benchmark of the Trail server (not part of the test suite).
 *
 *     npx tsc -p server/tsconfig.json && node bench/server-ingest.mjs [--big 1000000] [--batches 600]
 *         [--mode both|closed|open] [--rate 5000] [--open-batch 50] [--conns 4] [--seconds 15]
 *         [--images 2] [--session-every 4] [--unique-cells] [--cache <dir>] [--floor]
 *
 * For each history size (10k, then --big, default 1M executions already
 * stored) it pre-populates a data folder through the store API (big groups,
 * not HTTP), starts the real server process (server/dist/server/index.js), and
 * measures the startup (index rebuild) time, then ingest over HTTP on
 * loopback: several clients each sending batches of 100 realistic
 * execution events and waiting for the answer. It prints events/s and the
 * ack latency percentiles per batch (closed loop: saturation throughput).
 * The open-loop mode then offers a fixed load (--rate events/s, default
 * 5,000, as batches of --open-batch events, default 50, the browser
 * client's batch size) on a fixed schedule over --conns connections for
 * --seconds; latency is measured from each batch's *scheduled* send time
 * (no coordinated omission), so a server that falls behind shows it.
 *
 * Goals: >= 5,000 events/s, p99 <= 25 ms, the big-history figures within
 * 1.5x of the 10k ones.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BATCH_SIZE,
  BATCHES,
  BIG,
  CACHE,
  CLIENTS,
  FLOOR,
  IMAGE_PERCENT,
  MODE,
  OPEN_BATCH,
  OPEN_CONNS,
  OPEN_RATE,
  OPEN_SECONDS,
  SESSION_EVERY
} from './server-ingest/options.mjs';
import {
  FileStore,
  populate,
  startServer,
  stopServer
} from './server-ingest/server-process.mjs';
import { makeBodies } from './server-ingest/events.mjs';
import {
  agent,
  cpuSeconds,
  measure,
  measureOpen,
  settle
} from './server-ingest/load.mjs';

async function scenario(label, stored) {
  const cached = CACHE ? join(CACHE, String(stored)) : null;
  const dir = await mkdtemp(join(tmpdir(), 'trail-server-ingest-bench-'));
  try {
    let populateMs = 0;
    if (cached && existsSync(join(cached, 'meta.json'))) {
      // Each run ingests into a copy: the cached history stays as populated
      // (runs on the folder itself made it grow, and each figure with it).
      await cp(cached, dir, { recursive: true });
    } else {
      process.stderr.write(`${label}: populating ${stored} executions...\n`);
      populateMs = await populate(dir, stored);
      if (cached) {
        await rm(cached, { recursive: true, force: true });
        await cp(dir, cached, { recursive: true });
      }
    }
    const reopenStart = Date.now();
    const store = await FileStore.open(dir);
    const rebuildMs = Date.now() - reopenStart;
    await store.close();
    // Bodies are made before the server starts: the client's own work stays
    // out of the figures, and no idle gap lets keep-alive sockets expire.
    const warmUp = makeBodies(40);
    const closed = MODE !== 'open';
    const open = MODE !== 'closed';
    const bodies = closed ? makeBodies(BATCHES) : [];
    const openBodies = open
      ? makeBodies(
          Math.round((OPEN_RATE / OPEN_BATCH) * OPEN_SECONDS),
          OPEN_BATCH
        )
      : [];
    const server = await startServer(dir);
    // The background search index of the history, then a warm-up (JIT,
    // connections), then the measured run(s).
    const settleMs = FLOOR ? 0 : await settle(server.url);
    await measure(server.url, warmUp);
    const run = async fn => {
      const serverCpu0 = await cpuSeconds(server.child.pid);
      const clientCpu0 = process.cpuUsage();
      const wall0 = Date.now();
      const figures = await fn();
      const wall = (Date.now() - wall0) / 1000;
      const serverCpu =
        ((await cpuSeconds(server.child.pid)) - serverCpu0) / wall;
      const used = process.cpuUsage(clientCpu0);
      const clientCpu = (used.user + used.system) / 1e6 / wall;
      return { ...figures, serverCpu, clientCpu, load: loadavg()[0] };
    };
    const figures = closed
      ? await run(() => measure(server.url, bodies))
      : null;
    const openFigures = open
      ? await run(() => measureOpen(server.url, openBodies, OPEN_BATCH))
      : null;
    const load = loadavg()[0];
    const status = await readFile(
      `/proc/${server.child.pid}/status`,
      'utf8'
    ).catch(() => '');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    await stopServer(server.child);
    return {
      label,
      stored,
      populateMs,
      rebuildMs,
      startupMs: server.startupMs,
      settleMs,
      load,
      rssMiB,
      closed: figures,
      open: openFigures
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rows = [];
rows.push(await scenario('10k stored', 10_000));
if (BIG > 0) {
  rows.push(
    await scenario(
      `${BIG >= 1e6 ? BIG / 1e6 + 'M' : BIG / 1e3 + 'k'} stored`,
      BIG
    )
  );
}
agent.destroy();

const f = (n, d = 1) => n.toFixed(d);
const [small, big = small] = rows;
const ratio = (a, b) => f(a / b, 2);
const verdict = ok => (ok ? 'met' : 'NOT met');
if (MODE !== 'open') {
  console.log(
    `\n(a) Saturation, closed loop: ${CLIENTS} clients, batches of ${BATCH_SIZE} events ` +
      `(${IMAGE_PERCENT}% with a unique 24 KiB image), ${BATCHES} batches per run\n`
  );
  console.log(
    '| history | events/s | p50 ms | p95 ms | p99 ms | max ms | index rebuild ms | process start to listening ms | server CPU | bench CPU | load avg | server RSS MiB |'
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const c = r.closed;
    console.log(
      `| ${r.label} | ${f(c.eventsPerSecond, 0)} | ${f(c.p50)} | ${f(c.p95)} | ${f(c.p99)} | ${f(c.max)} | ${r.rebuildMs} | ${f(r.startupMs, 0)} | ` +
        `${f(c.serverCpu * 100, 0)}% | ${f(c.clientCpu * 100, 0)}% | ${f(c.load, 2)} | ${f(r.rssMiB, 0)} |`
    );
  }
}
if (MODE !== 'closed') {
  console.log(
    `\n(b) Open loop: ${OPEN_RATE} events/s offered as batches of ${OPEN_BATCH} events ` +
      `(${f(OPEN_RATE / OPEN_BATCH, 0)} batches/s, ${IMAGE_PERCENT}% images, a new session every ${SESSION_EVERY} batches) ` +
      `over ${OPEN_CONNS} connections for ${OPEN_SECONDS} s; ` +
      `latency from each batch's scheduled send time\n`
  );
  console.log(
    '| history | offered ev/s | achieved ev/s | p50 ms | p95 ms | p99 ms | max ms | bench send lag p99 ms | server CPU | bench CPU | load avg |'
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const o = r.open;
    console.log(
      `| ${r.label} | ${OPEN_RATE} | ${f(o.eventsPerSecond, 0)} | ${f(o.p50)} | ${f(o.p95)} | ${f(o.p99)} | ${f(o.max)} | ${f(o.sendLagP99)} | ` +
        `${f(o.serverCpu * 100, 0)}% | ${f(o.clientCpu * 100, 0)}% | ${f(o.load, 2)} |`
    );
  }
}
console.log(
  '\nMeasured once the search index of the stored history was complete: ' +
    rows.map(r => `${r.label} ${r.settleMs} ms after listening`).join(', ')
);
console.log(`\n${big.label} / ${small.label}:`);
if (MODE !== 'open') {
  const [s, b] = [small.closed, big.closed];
  console.log(
    `  saturation throughput 10k/1M x${ratio(s.eventsPerSecond, b.eventsPerSecond)} (above 1 = 1M slower), closed-loop p99 x${ratio(b.p99, s.p99)}`
  );
}
if (MODE !== 'closed') {
  const [s, b] = [small.open, big.open];
  console.log(
    `  open-loop p50 x${ratio(b.p50, s.p50)}, p99 x${ratio(b.p99, s.p99)}`
  );
}
console.log('\nGoals:');
if (MODE !== 'open') {
  for (const r of rows) {
    console.log(
      `  >= 5000 events/s (saturation), ${r.label}: ${f(r.closed.eventsPerSecond, 0)} -> ${verdict(r.closed.eventsPerSecond >= 5000)}`
    );
  }
  const x = small.closed.eventsPerSecond / big.closed.eventsPerSecond;
  console.log(
    `  throughput ${big.label} within 1.5x of ${small.label}: x${f(x, 2)} -> ${verdict(x <= 1.5)}`
  );
}
if (MODE !== 'closed') {
  for (const r of rows) {
    console.log(
      `  p99 <= 25 ms at ${OPEN_RATE} events/s, ${r.label}: ${f(r.open.p99)} ms -> ${verdict(r.open.p99 <= 25)}`
    );
  }
  const x = big.open.p99 / small.open.p99;
  console.log(
    `  open-loop p99 ${big.label} within 1.5x of ${small.label}: x${f(x, 2)} -> ${verdict(x <= 1.5)}`
  );
}

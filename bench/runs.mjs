#!/usr/bin/env node
/**
 * The #16 benchmark end to end: run queries over HTTP against a real
 * trail-server holding 100k runs and 1M executions, the fingerprint
 * lookups, and (with --ui) the leaderboard and the compare view's first
 * plot in Chromium. Not part of the test suite; see bench/README-runs.md.
 *
 *   npx tsc -p server/tsconfig.json
 *   node bench/runs.mjs [--data DIR] [--runs 100000] [--repeat 100] [--in-flight 4] [--ui] [--json FILE]
 *       [--queries-only] [--server BUILD]   (BENCH_SERVER_NODE_ARGS="--cpu-prof" profiles the server)
 *
 * --server BUILD: a folder holding another server build (BUILD/server/dist),
 * to compare two builds on one data folder (bench/runs-ab.sh).
 *
 * --data DIR: the data folder; seeded (through the real ingest path) when
 * it holds no bench-runs.json, reused as it is otherwise (seed once,
 * measure many times). Without --data a temporary folder is seeded and
 * removed at the end. --ui also needs `jlpm build` (the labextension).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, stopServer } from './server-ingest/server-process.mjs';
import { PER_RUN, idOf, ownerOf, runEvents } from './runs/data.mjs';
import {
  agent,
  folderBytes,
  ingest,
  makeTeam,
  metaOf,
  request,
  writeMeta
} from './runs/seed.mjs';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(
    readFileSync(new URL(import.meta.url))
      .toString()
      .split('*/')[0]
      .replace(/^#!.*\n\/\*\*\n/, '')
      .replace(/^ \* ?/gm, '')
  );
  process.exit(0);
}
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const RUNS = Number(arg('runs', 100_000));
const REPEAT = Number(arg('repeat', 100));
const IN_FLIGHT = Number(arg('in-flight', 4));
const UI = argv.includes('--ui');
const JSON_OUT = arg('json', null);
/** Measure the run queries only (no fingerprint lookups), e.g. to profile them. */
const QUERIES_ONLY = argv.includes('--queries-only');
/** Another server build's folder (holding server/dist), e.g. for a before/after. */
const SERVER_BUILD = arg('server', null);
const log = line => process.stderr.write(`${line}\n`);
const DAY = 86_400_000;

const given = arg('data', null);
const dir = given ?? (await mkdtemp(join(tmpdir(), 'trail-runs-bench-')));
const figures = { machine: { cores: 2, loadBefore: loadavg()[0] } };

// ------------------------------------------------------------ seeding
let meta = metaOf(dir);
if (!meta) {
  log(
    `seeding ${RUNS} runs (${RUNS * PER_RUN} executions) into ${dir} over HTTP, ${IN_FLIGHT} batches in flight`
  );
  const tokens = await makeTeam(dir);
  const endMs = Date.now();
  const server = await startServer(dir);
  const seeded = await ingest(server.url, tokens, RUNS, endMs, {
    inFlight: IN_FLIGHT,
    log
  });
  await stopServer(server.child);
  meta = {
    runs: RUNS,
    endMs,
    tokens,
    seed: { ms: seeded.ms, events: seeded.events, load: loadavg()[0] }
  };
  writeMeta(dir, meta);
  log(
    `seeded in ${(seeded.ms / 1000).toFixed(0)} s (${Math.round(seeded.events / (seeded.ms / 1000))} events/s)`
  );
}
figures.seed = {
  runs: meta.runs,
  executions: meta.runs * PER_RUN,
  ...meta.seed,
  bytes: folderBytes(dir)
};

// ------------------------------------------------------------ start
const server = await startServer(
  dir,
  ...(SERVER_BUILD
    ? [join(SERVER_BUILD, 'server', 'dist', 'server', 'index.js')]
    : [])
);
// A crash of the bench must not leave the server running.
process.on('exit', () => server.child.kill('SIGTERM'));
let fresh = 0;
const bob = meta.tokens.bob;
const t0 = performance.now();
// The first run query and the first fingerprint lookup, sent together as
// soon as the server listens: each waits for the index it needs.
let fingerprintsAt = 0;
const firstLookup = (async () => {
  let r = 7;
  while (
    ownerOf(r % meta.runs).private ||
    ownerOf(r % meta.runs).person === 'bob'
  )
    r += 487;
  r %= meta.runs;
  const a = await request(
    server.url,
    bob,
    'POST',
    '/api/v1/fingerprints/lookup',
    {
      sessionId: idOf(`run-${r}`),
      previousExecutionId: idOf(`exe-${r}-1`),
      code: runEvents(r, meta.runs, meta.endMs).code[1]
    }
  );
  if (a.status !== 200) throw new Error(`lookup: ${a.status} ${a.text}`);
  fingerprintsAt = performance.now();
})();
const ready = await request(server.url, bob, 'GET', '/api/v1/runs?limit=1');
if (ready.status !== 200)
  throw new Error(`runs: ${ready.status} ${ready.text}`);
const runsAt = performance.now();
await firstLookup;
const rss = () =>
  Number(
    /VmRSS:\s+(\d+)/.exec(
      readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
    )?.[1]
  ) / 1024;
figures.start = {
  listeningMs: server.startupMs,
  runsReadyMs: server.startupMs + (runsAt - t0),
  fingerprintsReadyMs: server.startupMs + (fingerprintsAt - t0),
  rssMiB: rss()
};
log(
  `server listening after ${server.startupMs.toFixed(0)} ms, runs answered ${figures.start.runsReadyMs.toFixed(0)} ms after start, first fingerprint lookup ${figures.start.fingerprintsReadyMs.toFixed(0)} ms; RSS ${figures.start.rssMiB.toFixed(0)} MiB`
);

// ------------------------------------------------------------ queries
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const weekAgo = new Date(meta.endMs - 7 * DAY).toISOString();
const runsPath = params => `/api/v1/runs?${new URLSearchParams(params)}`;
const QUERIES = [
  [
    'best accuracy this week',
    {
      filter: `metrics.accuracy exists and started >= "${weekAgo}"`,
      sort: '-metrics.accuracy',
      limit: 50
    }
  ],
  [
    'xgboost runs by f1',
    { filter: 'params.model = "xgboost"', sort: '-metrics.f1' }
  ],
  [
    "alice's baseline runs",
    { filter: 'author = "alice" and tag = "baseline"' }
  ],
  [
    'loss < 0.35, lr, batch in [..]',
    {
      filter:
        'metrics.loss < 0.35 and params.lr >= 0.001 and params.batch_size in [32, 64]',
      sort: 'metrics.val_loss.min'
    }
  ],
  [
    'a notebook by duration',
    { notebook: 'projects/churn/tune.ipynb', sort: '-duration' }
  ],
  [
    'input = data/train.csv',
    { filter: 'input = "data/train.csv"', sort: '-started' }
  ],
  [
    'text ~ (features, notebook)',
    {
      filter: 'params.features ~ "top" or notebook ~ "fraud/ABL"',
      sort: '-metrics.auc'
    }
  ],
  ['deep page (cursor, page 50)', { sort: '-metrics.accuracy' }, 50],
  [
    'columns= narrowed, 500 rows',
    {
      filter: 'status = "ok"',
      sort: '-metrics.f1',
      columns: 'params.model,params.lr,metrics.f1,metrics.accuracy',
      limit: 500
    }
  ],
  ['no filter, newest first', { sort: '-started' }]
];
const rows = [];
const queriesStarted = performance.now();
for (const [name, params, depth = 0] of QUERIES) {
  let path = runsPath(params);
  const first = await request(server.url, bob, 'GET', path);
  if (first.status !== 200)
    throw new Error(`${name}: ${first.status} ${first.text}`);
  let page = JSON.parse(first.text);
  const total = page.total;
  // A deep page: the cursor `depth` pages in (or the last page there is).
  for (let d = 1; d < depth && page.next; d++) {
    path = runsPath({ ...params, cursor: page.next });
    page = JSON.parse((await request(server.url, bob, 'GET', path)).text);
  }
  for (let i = 0; i < 5; i++) await request(server.url, bob, 'GET', path);
  const times = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < REPEAT; i++) {
    const answer = await request(server.url, bob, 'GET', path);
    if (answer.status !== 200)
      throw new Error(`${name}: ${answer.status} ${answer.text}`);
    times.push(answer.ms);
    bytes = answer.text.length;
    items = JSON.parse(answer.text).items.length;
  }
  // New runs arriving: each one makes the cached lists stale.
  const afterIngest = [];
  for (let i = 0; i < 10; i++) {
    await postFreshRun();
    afterIngest.push((await request(server.url, bob, 'GET', path)).ms);
  }
  rows.push({
    name,
    total,
    items,
    bytes,
    first: first.ms,
    p50: pct(times, 50),
    p99: pct(times, 99),
    max: Math.max(...times),
    afterIngestP50: pct(afterIngest, 50),
    afterIngestMax: Math.max(...afterIngest)
  });
  log(
    `  ${name.padEnd(32)} total ${String(total).padStart(6)}  first ${first.ms.toFixed(1)}  p50 ${pct(times, 50).toFixed(1)}  p99 ${pct(times, 99).toFixed(1)} ms  after an ingest p50 ${pct(afterIngest, 50).toFixed(1)} ms`
  );
}
figures.queries = rows;
figures.queriesPhaseS = (performance.now() - queriesStarted) / 1000;
figures.rssAfterQueriesMiB = rss();

/** One more run of alice's (a new session of ten executions). */
async function postFreshRun() {
  // Shaped like the newest runs, a minute later each.
  const n = fresh++;
  const { events } = runEvents(
    meta.runs - 1 - (n % 100),
    meta.runs,
    meta.endMs + (n + 1) * 60_000
  );
  events[0].session.id = idOf(`fresh-${n}-${process.pid}-${Date.now()}`);
  delete events[0].session.visibility;
  for (const e of events) {
    e.id = idOf(`${e.id}-fresh-${Date.now()}`);
    if (e.execution) {
      e.execution.sessionId = events[0].session.id;
      e.execution.id = idOf(`${e.execution.id}-fresh-${Date.now()}`);
    }
  }
  const answer = await request(
    server.url,
    meta.tokens.alice,
    'POST',
    '/api/v1/events',
    { events }
  );
  if (answer.status !== 200)
    throw new Error(`fresh run: ${answer.status} ${answer.text}`);
}

// ------------------------------------------------------------ fingerprints
// As bob, about team runs of others: a lookup before step 2 (the same code
// after the notebook's common first step: a popular path, hundreds of
// matches cut to 20), one before step 5 (after params: a unique path), and
// identical for step 2 (same code on the same data version) and step 4.
const sample = [];
for (let r = 7; sample.length < 200; r += 487) {
  const o = ownerOf(r % meta.runs);
  if (!o.private && o.person !== 'bob') sample.push(r % meta.runs);
}
const fp = {
  lookupPopular: [],
  lookupUnique: [],
  identicalPopular: [],
  identicalUnique: []
};
let matches = { lookupPopular: 0, identicalPopular: 0 };
for (let round = 0; round < (QUERIES_ONLY ? 0 : 2); round++) {
  for (const r of sample) {
    const { code } = runEvents(r, meta.runs, meta.endMs);
    const sessionId = idOf(`run-${r}`);
    for (const [key, step] of [
      ['lookupPopular', 2],
      ['lookupUnique', 5]
    ]) {
      const a = await request(
        server.url,
        bob,
        'POST',
        '/api/v1/fingerprints/lookup',
        {
          sessionId,
          previousExecutionId: idOf(`exe-${r}-${step - 1}`),
          code: code[step - 1]
        }
      );
      if (a.status !== 200) throw new Error(`lookup: ${a.status} ${a.text}`);
      if (round) fp[key].push(a.ms);
      if (key === 'lookupPopular')
        matches.lookupPopular += JSON.parse(a.text).matches.length;
    }
    for (const [key, step] of [
      ['identicalPopular', 2],
      ['identicalUnique', 4]
    ]) {
      const a = await request(
        server.url,
        bob,
        'GET',
        `/api/v1/executions/${idOf(`exe-${r}-${step}`)}/identical`
      );
      if (a.status !== 200) throw new Error(`identical: ${a.status} ${a.text}`);
      if (round) fp[key].push(a.ms);
      if (key === 'identicalPopular')
        matches.identicalPopular += JSON.parse(a.text).matches.length;
    }
  }
}
figures.fingerprints = Object.fromEntries(
  Object.entries(fp).map(([k, xs]) => [
    k,
    { n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99) }
  ])
);
figures.fingerprints.meanMatches = {
  lookupPopular: matches.lookupPopular / (2 * sample.length),
  identicalPopular: matches.identicalPopular / (2 * sample.length)
};

// ------------------------------------------------------------ Chromium
if (UI) {
  const { measureUi } = await import('./runs/ui.mjs');
  figures.ui = await measureUi({
    serverUrl: server.url,
    token: bob,
    log,
    sampleRunIds: sample.slice(0, 3).map(r => idOf(`run-${r}`))
  });
}

figures.machine.loadAfter = loadavg()[0];
await stopServer(server.child);
agent.destroy();
if (!given) await rm(dir, { recursive: true, force: true });

// ------------------------------------------------------------ report
const f = (x, d = 1) => (x == null || Number.isNaN(x) ? '-' : x.toFixed(d));
console.log(
  `\n${figures.seed.runs} runs, ${figures.seed.executions} executions; data folder ${(figures.seed.bytes / 2 ** 20).toFixed(0)} MiB; seeded in ${f(figures.seed.ms / 1000, 0)} s over HTTP (${f(figures.seed.events / (figures.seed.ms / 1000), 0)} events/s)`
);
console.log(
  `server: listening after ${f(figures.start.listeningMs, 0)} ms, first run query answered ${f(figures.start.runsReadyMs, 0)} ms after start (run index rebuilt), RSS ${f(figures.start.rssMiB, 0)} MiB (${f(figures.rssAfterQueriesMiB, 0)} MiB after the queries)`
);
console.log(
  `load average ${f(figures.machine.loadBefore, 2)} before, ${f(figures.machine.loadAfter, 2)} after (2 cores)\n`
);
console.log(
  `| query (as bob, ${REPEAT} times) | total | rows | KiB | first ms | p50 ms | p99 ms | max ms | after an ingest p50 / max ms |`
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.total} | ${r.items} | ${f(r.bytes / 1024, 0)} | ${f(r.first)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.afterIngestP50)} / ${f(r.afterIngestMax)} |`
  );
}
const worst = Math.max(...rows.map(r => r.p99));
console.log(`queries phase ${f(figures.queriesPhaseS)} s`);
console.log(
  `\nGoal p99 <= 100 ms: worst p99 ${f(worst)} ms -> ${worst <= 100 ? 'met' : 'NOT met'}\n`
);
console.log('| fingerprint request (as bob) | n | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|');
const labels = {
  lookupPopular: 'POST /fingerprints/lookup, step 2 (popular path)',
  lookupUnique: 'POST /fingerprints/lookup, step 5 (unique path)',
  identicalPopular: 'GET /executions/{id}/identical, step 2 (same data)',
  identicalUnique: 'GET /executions/{id}/identical, step 4 (unique)'
};
for (const [k, v] of Object.entries(figures.fingerprints)) {
  if (labels[k])
    console.log(`| ${labels[k]} | ${v.n} | ${f(v.p50)} | ${f(v.p99)} |`);
}
if (!QUERIES_ONLY)
  console.log(
    `mean matches: lookup step 2 ${f(figures.fingerprints.meanMatches.lookupPopular)}, identical step 2 ${f(figures.fingerprints.meanMatches.identicalPopular)}`
  );
if (figures.ui) {
  console.log('\nChromium:');
  for (const [k, v] of Object.entries(figures.ui))
    console.log(`  ${k}: ${typeof v === 'number' ? f(v) : JSON.stringify(v)}`);
}
if (JSON_OUT) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(JSON_OUT, JSON.stringify(figures, null, 2));
}

#!/usr/bin/env node
/**
 * The run index and run queries of the store (#16) at scale: 100k runs of
 * 10 executions each (1M executions), ~10 params (numbers and strings,
 * some missing) and 5 metrics logged over steps per run. Prints the heap
 * the index holds per run (accumulators, then with the summaries made),
 * the time to fold the executions in, and p50/p99 of ten realistic run
 * queries (filters and sorts): the first time (sorted and filtered), after
 * a run changed (the cached lists patched), cached, and a later page.
 *
 *     npx tsc -p server/tsconfig.json && node --expose-gc bench/runs-query.mjs [runs]
 *
 * Not part of the test suite.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dist = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'server',
  'dist'
);
const { RunIndex } = require(join(dist, 'server/store/run-index.js'));
const { RunQueries } = require(join(dist, 'server/store/run-query.js'));
const { parseFilter, parseSort } = require(
  join(dist, 'src/records/runs/filter.js')
);

const RUNS = Number(process.argv[2] ?? 100_000);
const PER_RUN = 10;
const MODELS = ['rf', 'svm', 'gbm', 'logreg', 'mlp'];
const NOTEBOOKS = Array.from(
  { length: 40 },
  (_, i) => `team/project-${i}/train.ipynb`
);
const PEOPLE = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank'].map(name => ({
  id: name,
  name,
  displayName: name[0].toUpperCase() + name.slice(1)
}));
const T0 = Date.UTC(2026, 5, 1);

let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const gc = () => globalThis.gc?.();
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);

const sessions = new Map();
const places = new Map();
const index = new RunIndex({
  session: id => sessions.get(id) ?? null,
  executionPlace: id => places.get(id)
});

const heap0 = heap();
const started = performance.now();
for (let r = 0; r < RUNS; r++) {
  const id = `ses-${String(r).padStart(8, '0')}-bench`;
  const startMs = T0 + r * 60_000;
  sessions.set(id, {
    id,
    notebookPath: NOTEBOOKS[r % NOTEBOOKS.length],
    startedAt: new Date(startMs).toISOString(),
    kernel: null,
    executionCount: PER_RUN,
    lastExecutionAt: null,
    environments: [
      {
        id: 'e'.repeat(64),
        fromSeq: 1,
        capturedAt: new Date(startMs).toISOString()
      }
    ]
  });
  for (let seq = 1; seq <= PER_RUN; seq++) {
    const at = new Date(startMs + seq * 1000).toISOString();
    const capture = {};
    if (seq === 1) {
      capture.params = {
        model: MODELS[r % MODELS.length],
        lr: Number((random() / 10).toFixed(4)),
        epochs: 5 + (r % 20),
        batch_size: [16, 32, 64, 128][r % 4],
        dropout: random() < 0.8 ? Number((random() / 2).toFixed(2)) : 'none',
        optimizer: r % 2 ? 'adam' : 'sgd',
        seed: r,
        dataset: `v${r % 7}`,
        augment: r % 3 === 0,
        ...(r % 5 === 0 ? {} : { max_depth: 3 + (r % 9) })
      };
      capture.files = [
        {
          path: `data/train-${r % 7}.csv`,
          access: 'read',
          kind: 'file',
          sha256: (r % 7).toString(16).repeat(64)
        }
      ];
      capture.tags = r % 10 === 0 ? ['baseline'] : [];
    }
    if (seq >= 5) {
      capture.metrics = ['loss', 'accuracy', 'f1', 'auc', 'val_loss'].map(
        name => ({
          name,
          value: Number(random().toFixed(4)),
          step: seq,
          at
        })
      );
    }
    index.addExecution({
      id: `exe-${r}-${seq}-bench`,
      sessionId: id,
      seq,
      status: seq === PER_RUN && r % 17 === 0 ? 'error' : 'ok',
      startedAt: at,
      endedAt: at,
      capture
    });
  }
}
const foldMs = performance.now() - started;
const heapAccumulators = heap();
const queries = new RunQueries(index);
const owners = {
  of: id => ({
    author: PEOPLE[Number(id.slice(4, 12)) % PEOPLE.length],
    visibility: 'team'
  })
};
// Others' private runs a reader may not see: 1 % of the runs.
const excludeIds = new Set(
  Array.from(
    { length: RUNS / 100 },
    (_, i) => `ses-${String(i * 100 + 7).padStart(8, '0')}-bench`
  )
);
queries.query({ sort: parseSort('-started'), limit: 100, owners, excludeIds });
const heapSummaries = heap();

const QUERIES = [
  ['newest first', '', '-started'],
  ['best accuracy', '', '-metrics.accuracy'],
  ['accuracy > 0.9 by accuracy', 'metrics.accuracy > 0.9', '-metrics.accuracy'],
  [
    'rf with accuracy, by f1',
    'params.model = "rf" and metrics.accuracy > 0.5',
    '-metrics.f1'
  ],
  [
    'an author this month',
    'author = "alice" and started >= "2026-06-01"',
    '-started'
  ],
  ['baseline tag by loss', 'tag = "baseline"', 'metrics.loss'],
  ['notebook substring', 'notebook ~ "project-1"', '-metrics.auc,params.lr'],
  [
    'param in list, lr range',
    'params.batch_size in [32, 64] and params.lr < 0.05',
    'params.lr'
  ],
  [
    'failed or no max_depth',
    'status = "failed" or not params.max_depth exists',
    '-started'
  ],
  [
    'mixed-type param sort',
    'params.dropout exists',
    '-params.dropout,metrics.val_loss.min'
  ]
];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const first = [];
const cold = [];
const warm = [];
const later = [];
const rows = [];
for (const [name, filterText, sortText] of QUERIES) {
  const q = {
    ...(filterText ? { filter: parseFilter(filterText) } : {}),
    sort: parseSort(sortText),
    owners,
    excludeIds,
    limit: 100
  };
  const coldMs = [];
  const warmMs = [];
  const t0 = performance.now();
  let total = queries.query(q).total;
  first.push(performance.now() - t0);
  for (let i = 0; i < 5; i++) {
    // A run changes: every cache is stale, as after an ingest.
    index.touch(`ses-${String(i).padStart(8, '0')}-bench`);
    let t = performance.now();
    const page = queries.query(q);
    coldMs.push(performance.now() - t);
    total = page.total;
    for (let j = 0; j < 4; j++) {
      t = performance.now();
      const again = queries.query(q);
      warmMs.push(performance.now() - t);
      if (again.next) {
        t = performance.now();
        queries.query({ ...q, after: again.next });
        later.push(performance.now() - t);
      }
    }
  }
  cold.push(...coldMs);
  warm.push(...warmMs);
  rows.push({
    name,
    total,
    first: first[first.length - 1],
    coldP50: pct(coldMs, 50),
    warmP50: pct(warmMs, 50)
  });
}

const f = x => x.toFixed(1);
console.log(
  `runs ${RUNS}, executions ${RUNS * PER_RUN}; fold ${f(foldMs)} ms (${f((foldMs * 1000) / (RUNS * PER_RUN))} µs/execution)`
);
console.log(
  `heap per run: accumulators ${Math.round((heapAccumulators - heap0) / RUNS)} B, with summaries ${Math.round((heapSummaries - heap0) / RUNS)} B (+ the sorted order cache)`
);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(30)} total ${String(r.total).padStart(6)}  first ${f(r.first)} ms  after a change p50 ${f(r.coldP50)} ms  cached p50 ${f(r.warmP50)} ms`
  );
}
console.log(
  `first time (sort + filter): p50 ${f(pct(first, 50))} ms, p99 ${f(pct(first, 99))} ms`
);
console.log(
  `after a run changed (patched): p50 ${f(pct(cold, 50))} ms, p99 ${f(pct(cold, 99))} ms`
);
console.log(
  `warm first page:      p50 ${f(pct(warm, 50))} ms, p99 ${f(pct(warm, 99))} ms`
);
console.log(
  `later page (cursor):  p50 ${f(pct(later, 50))} ms, p99 ${f(pct(later, 99))} ms`
);

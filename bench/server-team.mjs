#!/usr/bin/env node
/**
 * Team-scale read benchmark of the Trail server (not part of the tests).
 *
 *     npx tsc -p server/tsconfig.json && node bench/server-team.mjs [--big 1000000]
 *         [--pages 500] [--searches 200] [--cache <dir>]
 *
 * Fills a data folder with --big executions (200 per session, 25 people's
 * notebooks, realistic code and outputs) through the store API, starts the
 * real server process, waits until its search index of the stored history
 * is built, then measures over HTTP on loopback, one request at a time:
 *
 * - the session listing: every page of 200, and the first page (50)
 *   100 times, as the team view asks for it;
 * - one page (50) of a session timeline, random sessions and pages;
 * - a search, over a mix of rare, common, multi-term and absent queries.
 *
 * Goals (issue #4): timeline page p99 <= 25 ms, search p99 <= 300 ms.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'server', 'dist', 'server', 'index.js');
if (!existsSync(cli)) {
  console.error(
    'server/dist is missing: run `npx tsc -p server/tsconfig.json` first'
  );
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { FileStore } = require(
  join(root, 'server', 'dist', 'server', 'store', 'file-store.js')
);

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const BIG = Number(arg('big', 1_000_000));
const PAGES = Number(arg('pages', 500));
const SEARCHES = Number(arg('searches', 200));
const CACHE = arg('cache', null);
const TOKEN = 'bench-token-0123456789';
const PER_SESSION = 200;

// ------------------------------------------------------------ the history

const VERBS = [
  'load',
  'clean',
  'train',
  'eval',
  'plot',
  'merge',
  'split',
  'score'
];
const THINGS = [
  'customers',
  'orders',
  'iris',
  'churn',
  'sales',
  'sensors',
  'images',
  'reviews'
];
const MODELS = [
  'LogisticRegression',
  'RandomForestClassifier',
  'XGBClassifier',
  'Ridge',
  'KMeans'
];

let n = 0;
function code(i) {
  const thing = THINGS[i % THINGS.length];
  const verb = VERBS[(i >> 3) % VERBS.length];
  switch (i % 6) {
    case 0:
      return `df_${thing} = pd.read_csv("data/${thing}_${i % 97}.csv")\ndf_${thing}.head()`;
    case 1:
      return `model = ${MODELS[i % MODELS.length]}(max_iter=${100 + (i % 50)})\nmodel.fit(X_train, y_train)`;
    case 2:
      return `def ${verb}_${thing}(frame):\n    return frame.dropna().groupby("${thing}_id").agg("mean")\n\nresult = ${verb}_${thing}(df)`;
    case 3:
      return `plt.figure(figsize=(8, 4))\nplt.plot(history["loss_${i % 13}"])\nplt.title("${verb} ${thing}")`;
    case 4:
      return `score = accuracy_score(y_test, model.predict(X_test))\nprint(f"${thing} accuracy: {score:.4f}")`;
    default:
      return `params = {"lr": ${(i % 9) / 100 + 0.001}, "epochs": ${i % 40}, "batch": ${16 << (i % 4)}}\ntrail.log_params(params)`;
  }
}

function session(person, notebook) {
  return {
    id: randomUUID(),
    kind: 'session.started',
    session: {
      id: randomUUID(),
      notebookPath: `${person}/${notebook}.ipynb`,
      startedAt: new Date(Date.UTC(2026, 0, 1) + n * 1500).toISOString(),
      kernel: {
        name: 'python3',
        displayName: 'Python 3 (ipykernel)',
        language: 'python'
      }
    }
  };
}

function execution(s, seq) {
  const i = n++;
  const started = Date.UTC(2026, 0, 1) + i * 1500;
  return {
    id: randomUUID(),
    kind: 'execution.completed',
    execution: {
      id: randomUUID(),
      sessionId: s.session.id,
      seq,
      notebookPath: s.session.notebookPath,
      cellId: `cell-${seq % 60}`,
      code: code(i),
      executionCount: seq,
      status: 'ok',
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 340).toISOString(),
      durationMs: 340,
      timing: 'kernel',
      outputs: [
        {
          output_type: 'stream',
          name: 'stdout',
          text: `rows: ${i % 9973}\nepoch ${i % 40} loss ${(i % 1000) / 1000}\n`
        },
        {
          output_type: 'execute_result',
          execution_count: seq,
          data: { 'text/plain': `${(i * 7) % 1000}` },
          metadata: {}
        }
      ]
    }
  };
}

async function populate(dir, count) {
  const store = await FileStore.open(dir);
  const started = Date.now();
  let done = 0;
  let sessions = 0;
  while (done < count) {
    const group = [];
    while (group.length < 5000 && done < count) {
      const s = session(`person-${sessions % 25}`, `notebook-${sessions % 40}`);
      sessions++;
      group.push(s);
      for (let seq = 1; seq <= PER_SESSION && done < count; seq++, done++) {
        group.push(execution(s, seq));
      }
    }
    await store.append(group);
    if (done % 100_000 < 5000) {
      process.stderr.write(`  populated ${done} executions\r`);
    }
  }
  await store.close();
  return Date.now() - started;
}

// ------------------------------------------------------------ the server

function startServer(dir) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--data', dir, '--token', TOKEN],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    );
    child.once('exit', code => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', line => {
      resolve({
        child,
        url: JSON.parse(line).url,
        startupMs: Number(process.hrtime.bigint() - started) / 1e6
      });
    });
  });
}

async function api(url, path) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${TOKEN}` }
  });
  const body = await res.json();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!res.ok) {
    throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  }
  return { body, ms };
}

function percentile(sorted, p) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

function summary(label, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const f = v => v.toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(34)} n=${String(times.length).padStart(4)}  p50 ${f(percentile(sorted, 50))} ms  p90 ${f(percentile(sorted, 90))} ms  p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted[sorted.length - 1])} ms`
  );
  return percentile(sorted, 99);
}

const QUERIES = [
  'read_csv', // common
  'xgbclassifier', // one in 30
  'loss_7', // rare-ish
  '"train_churn"', // phrase
  'accuracy churn', // two terms
  'max_iter=137', // rare
  'epochs": 39', // punctuation
  'groupby sensors_id', // two terms, rarer combination
  'no_such_identifier_anywhere', // absent: a full scan
  'rows: 9972' // output text
];

async function main() {
  const dir = CACHE ?? (await mkdtemp(join(tmpdir(), 'trail-team-bench-')));
  if (!existsSync(join(dir, 'meta.json'))) {
    console.log(`populating ${BIG.toLocaleString()} executions in ${dir} ...`);
    const ms = await populate(dir, BIG);
    console.log(`populated in ${(ms / 1000).toFixed(1)} s`);
  }
  const { child, url, startupMs } = await startServer(dir);
  try {
    console.log(`server listening after ${(startupMs / 1000).toFixed(2)} s`);
    const indexStarted = Date.now();
    for (;;) {
      const { body } = await api(url, '/search?q=zz_probe&limit=1');
      if (!body.truncated) {
        break;
      }
      await new Promise(r => setTimeout(r, 200));
    }
    console.log(
      `search index of the stored history ready after ${((Date.now() - indexStarted) / 1000).toFixed(1)} s more`
    );

    const sessions = [];
    const listTimes = [];
    for (let cursor = null; ;) {
      const { body, ms } = await api(
        url,
        `/sessions?limit=200${cursor ? `&cursor=${cursor}` : ''}`
      );
      listTimes.push(ms);
      sessions.push(...body.items.map(s => s.id));
      if (!body.nextCursor) {
        break;
      }
      cursor = body.nextCursor;
    }
    console.log(
      `${sessions.length} sessions; load average ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`
    );

    summary('sessions, walking pages of 200', listTimes);
    // The team view's first page, as the panel asks for it.
    const firstPages = [];
    for (let i = 0; i < 100; i++) {
      firstPages.push((await api(url, '/sessions?limit=50')).ms);
    }
    summary('sessions, first page (50)', firstPages);

    // Timeline pages: a random session, then a random page of it.
    const pageTimes = [];
    for (let i = 0; i < PAGES; i++) {
      const id = sessions[Math.floor(Math.random() * sessions.length)];
      const first = await api(url, `/sessions/${id}/executions?limit=50`);
      pageTimes.push(first.ms);
      const hops = Math.floor(Math.random() * 3);
      let cursor = first.body.nextCursor;
      for (let h = 0; h < hops && cursor; h++) {
        const next = await api(
          url,
          `/sessions/${id}/executions?limit=50&cursor=${cursor}`
        );
        pageTimes.push(next.ms);
        cursor = next.body.nextCursor;
      }
    }
    const pageP99 = summary('timeline page (50 executions)', pageTimes);

    const searchTimes = [];
    const perQuery = new Map();
    for (let i = 0; i < SEARCHES; i++) {
      const q = QUERIES[i % QUERIES.length];
      const { ms, body } = await api(
        url,
        `/search?q=${encodeURIComponent(q)}&limit=50`
      );
      searchTimes.push(ms);
      const entry = perQuery.get(q) ?? {
        times: [],
        hits: body.items.length,
        truncated: body.truncated
      };
      entry.times.push(ms);
      perQuery.set(q, entry);
    }
    for (const [q, { times, hits, truncated }] of perQuery) {
      summary(
        `  search ${q} (${hits} hits${truncated ? ', truncated' : ''})`.slice(
          0,
          34
        ),
        times
      );
    }
    const searchP99 = summary('search (all queries)', searchTimes);
    console.log(
      `\nRESULT executions=${BIG} timeline_page_p99_ms=${pageP99.toFixed(1)} (goal <= 25) search_p99_ms=${searchP99.toFixed(1)} (goal <= 300)`
    );
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    if (!CACHE) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

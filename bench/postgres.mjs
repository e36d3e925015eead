#!/usr/bin/env node
/**
 * The #17 benchmark: the file store and PostgreSQL (blobs in S3, moto)
 * side by side in one run, over real HTTP to real trail-server processes.
 * Not part of the test suite; see bench/README-postgres.md.
 *
 *   npx tsc -p server/tsconfig.json
 *   node bench/postgres.mjs [--executions 20000] [--ingest-batches 100]
 *       [--pages 300] [--searches 100] [--readers 8] [--seconds 10]
 *       [--only file|postgres] [--json FILE] [--dist DIR]
 *
 * For each backend:
 * 1. ingest: a fresh server, --ingest-batches batches of 100 realistic
 *    events (bench/server-ingest/events.mjs: sessions of ~400 executions,
 *    2% with a unique 24 KiB image, a blob) posted by --clients (4)
 *    closed-loop clients; events/s and acknowledgement p50/p99;
 * 2. reads at size: --executions executions seeded through the store API
 *    (as bench/server-team.mjs and server-ingest do), a server started on
 *    them (the file store's search index waited for), then one request at
 *    a time: timeline pages (50 executions of a random session, and up to
 *    two pages on) and searches over a mix of common, rare, multi-term and
 *    absent queries; p50/p99 of each;
 * 3. read throughput: --readers clients asking timeline pages for
 *    --seconds against one server, then spread over two servers on the same
 *    database (PostgreSQL only: two servers on one data folder is what the
 *    file store's lock forbids).
 *
 * PostgreSQL is a throwaway cluster (scripts/postgres-temp.mjs, fsync and
 * synchronous_commit on), S3 a throwaway moto server (scripts/s3-temp.mjs);
 * both are stopped, and every folder removed, at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { createDatabase, startPostgres } from '../scripts/postgres-temp.mjs';
import { startS3 } from '../scripts/s3-temp.mjs';
import { execution, makeBodies, session } from './server-ingest/events.mjs';
import { measure, percentiles } from './server-ingest/load.mjs';
import { TOKEN } from './server-ingest/options.mjs';
import { folderBytes } from './runs/seed.mjs';

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
const EXECUTIONS = Number(arg('executions', 20_000));
const INGEST_BATCHES = Number(arg('ingest-batches', 100));
const PAGES = Number(arg('pages', 300));
const SEARCHES = Number(arg('searches', 100));
const READERS = Number(arg('readers', 8));
const SECONDS = Number(arg('seconds', 10));
const ONLY = arg('only', null);
const JSON_OUT = arg('json', null);
const PER_SESSION = 200;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --dist: another tsc output folder (`--outDir`), to compare two builds.
const dist = join(arg('dist', join(root, 'server', 'dist')), 'server');
const cli = join(dist, 'index.js');
if (!existsSync(cli)) {
  console.error(
    `${dist} is missing: run \`npx tsc -p server/tsconfig.json\` first`
  );
  process.exit(1);
}
const require = createRequire(import.meta.url);
const log = line => process.stderr.write(`${line}\n`);
const load = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(' ');

// ------------------------------------------------------------ servers

/** Starts trail-server with `args`; resolves once it prints `listening`. */
function startServer(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--token', TOKEN, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }
    );
    let stderr = '';
    // The server's own log (errors behind a 500 among them), prefixed.
    createInterface({ input: child.stderr }).on('line', line => {
      stderr = (stderr + line + '\n').slice(-4000);
      log(`  [server] ${line.slice(0, 2000)}`);
    });
    child.once('exit', code =>
      reject(new Error(`server exited with ${code}: ${stderr}`))
    );
    createInterface({ input: child.stdout }).on('line', line => {
      if (line.startsWith('{"event"')) {
        const info = JSON.parse(line);
        if (info.event !== 'listening') {
          reject(new Error(`server printed ${line}`));
          return;
        }
        child.removeAllListeners('exit');
        resolve({
          child,
          url: info.url,
          startupMs: performance.now() - started
        });
      }
    });
  });
}

async function stopServer(server) {
  const exited = new Promise(r => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** GET /api/v1`path`; resolves with the parsed body and the time in ms. */
function api(url, path) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(
        `${url}/api/v1${path}`,
        { agent, headers: { Authorization: `Bearer ${TOKEN}` } },
        res => {
          const chunks = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) {
              reject(
                new Error(
                  `${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`
                )
              );
            } else {
              resolve({ body: JSON.parse(text), ms: performance.now() - t0 });
            }
          });
        }
      )
      .on('error', reject);
  });
}

// ------------------------------------------------------------ backends

/**
 * The two backends: where a fresh store lives (`place()`), the server
 * arguments for it, and a store opened in-process to seed it.
 */
function fileBackend() {
  const { FileStore } = require(join(dist, 'store', 'file-store.js'));
  return {
    name: 'file',
    async place() {
      const dir = await mkdtemp(join(tmpdir(), 'trail-pg-bench-file-'));
      return {
        args: ['--data', dir],
        env: {},
        openStore: async () => {
          const store = await FileStore.open(dir);
          return { store, close: () => store.close() };
        },
        size: async () => ({ folderBytes: folderBytes(dir) }),
        remove: () => rm(dir, { recursive: true, force: true })
      };
    },
    twoServers: false
  };
}

function postgresBackend(cluster, s3) {
  const { openBackend } = require(join(dist, 'backend.js'));
  const s3Client = new S3Client({
    endpoint: s3.env.AWS_ENDPOINT_URL,
    region: s3.env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY
    }
  });
  let count = 0;
  return {
    name: 'postgres',
    async place() {
      const database = await createDatabase(cluster.url);
      const bucket = `trail-bench-${process.pid}-${count++}`;
      await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
      const blobs = `s3://${bucket}/trail`;
      const dir = await mkdtemp(join(tmpdir(), 'trail-pg-bench-pgdir-'));
      return {
        args: ['--data', dir, '--database', database, '--blobs', blobs],
        env: s3.env,
        openStore: async () => {
          Object.assign(process.env, s3.env);
          const owner = {
            userId: 'owner',
            name: 'owner',
            displayName: 'Owner',
            role: 'admin',
            tokenId: null
          };
          const backend = await openBackend(
            {
              host: '127.0.0.1',
              port: 0,
              dataDir: dir,
              corsOrigins: [],
              maxBodyBytes: 16 << 20,
              database,
              blobs,
              databaseWait: 0
            },
            owner,
            m => log(`  [backend] ${m}`)
          );
          return { store: backend.store, close: () => backend.close() };
        },
        // Planner statistics, as autovacuum (or `trail-server migrate`)
        // gives a table this size soon after a bulk load: without them a
        // common search term reads every match.
        settle: async () => {
          const client = new pg.Client({ connectionString: database });
          await client.connect();
          try {
            await client.query('ANALYZE');
          } finally {
            await client.end();
          }
        },
        size: async () => {
          const client = new pg.Client({ connectionString: database });
          await client.connect();
          try {
            const res = await client.query(
              'SELECT pg_database_size(current_database())::bigint AS bytes'
            );
            return { databaseBytes: Number(res.rows[0].bytes) };
          } finally {
            await client.end();
          }
        },
        remove: () => rm(dir, { recursive: true, force: true })
      };
    },
    twoServers: true,
    close: () => s3Client.destroy()
  };
}

// ------------------------------------------------------------ phases

/** Seeds `count` executions (sessions of 200) through the store API. */
async function seed(store, count) {
  const started = performance.now();
  let done = 0;
  let sessions = 0;
  while (done < count) {
    const group = [];
    while (group.length < 5000 && done < count) {
      const s = session(
        `person-${sessions % 25}/notebook-${sessions % 40}.ipynb`
      );
      sessions++;
      group.push(s);
      for (let seq = 1; seq <= PER_SESSION && done < count; seq++, done++) {
        group.push(execution(s, seq, false));
      }
    }
    await store.append(group, new Map());
    if (done % 100_000 < 5000) {
      process.stderr.write(`  seeded ${done} executions\r`);
    }
  }
  return performance.now() - started;
}

/**
 * Waits until a search is no longer `truncated` (the file store's server
 * indexes the stored history in the background after it listens);
 * resolves with the time it took.
 */
async function settle(url) {
  const started = performance.now();
  while (
    (await api(url, '/search?q=bench-settle&limit=1')).body.truncated === true
  ) {
    await new Promise(r => setTimeout(r, 100));
  }
  return performance.now() - started;
}

const round = x => Math.round(x * 10) / 10;
const stats = times => {
  const p = percentiles(times);
  return {
    n: times.length,
    p50: round(p.p50),
    p99: round(p.p99),
    max: round(p.max)
  };
};

async function ingestPhase(backend) {
  const place = await backend.place();
  const server = await startServer(place.args, place.env);
  try {
    const bodies = makeBodies(INGEST_BATCHES);
    const result = await measure(server.url, bodies);
    return {
      events: result.stored,
      eventsPerSecond: Math.round(result.eventsPerSecond),
      ackP50Ms: round(result.p50),
      ackP99Ms: round(result.p99),
      ackMaxMs: round(result.max)
    };
  } finally {
    await stopServer(server);
    await place.remove();
  }
}

const QUERIES = [
  'read_csv', // common: one execution in five
  'model.evaluate', // common, punctuation
  'ValueError', // outputs: one in twenty
  'processed 976 rows', // rare output text
  'np.linspace exp', // two terms
  'set_title Signal', // two terms, common
  'no_such_identifier_anywhere' // absent: the worst case
];

/** The same kinds of query by words (`match=words`: word forms). */
const WORD_QUERIES = [
  'reading csv', // common: read_csv
  'evaluated', // common: model.evaluate
  '"processed 976 rows"', // a rare phrase of output text
  'linspace exp', // two words
  'titles signals', // two words, common
  'no_such_identifier_anywhere' // absent
];

/** Timeline pages and searches, one request at a time. */
async function readPhase(url) {
  const sessions = [];
  for (let cursor = null; sessions.length < 5000;) {
    const { body } = await api(
      url,
      `/sessions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    );
    sessions.push(...body.items.map(s => s.id));
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  const pageTimes = [];
  for (let i = 0; i < PAGES; i++) {
    const id = sessions[Math.floor(Math.random() * sessions.length)];
    const first = await api(url, `/sessions/${id}/executions?limit=50`);
    pageTimes.push(first.ms);
    let cursor = first.body.nextCursor;
    for (let h = Math.floor(Math.random() * 3); h > 0 && cursor; h--) {
      const next = await api(
        url,
        `/sessions/${id}/executions?limit=50&cursor=${encodeURIComponent(cursor)}`
      );
      pageTimes.push(next.ms);
      cursor = next.body.nextCursor;
    }
  }
  const searchTimes = [];
  const perQuery = {};
  for (let i = 0; i < SEARCHES; i++) {
    const q = QUERIES[i % QUERIES.length];
    const { body, ms } = await api(
      url,
      `/search?q=${encodeURIComponent(q)}&limit=50`
    );
    searchTimes.push(ms);
    (perQuery[q] ??= {
      times: [],
      hits: body.items.length,
      truncated: body.truncated
    }).times.push(ms);
  }
  const wordTimes = [];
  for (let i = 0; i < SEARCHES; i++) {
    const q = WORD_QUERIES[i % WORD_QUERIES.length];
    const { body, ms } = await api(
      url,
      `/search?match=words&q=${encodeURIComponent(q)}&limit=50`
    );
    wordTimes.push(ms);
    (perQuery[`words: ${q}`] ??= {
      times: [],
      hits: body.items.length,
      truncated: body.truncated
    }).times.push(ms);
  }
  return {
    sessions: sessions.length,
    timeline: stats(pageTimes),
    search: stats(searchTimes),
    searchWords: stats(wordTimes),
    perQuery: Object.fromEntries(
      Object.entries(perQuery).map(([q, e]) => [
        q,
        { hits: e.hits, truncated: e.truncated, ...stats(e.times) }
      ])
    ),
    sessionIds: sessions
  };
}

/** `READERS` clients asking timeline pages for SECONDS over `urls`. */
async function throughput(urls, sessions) {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  const times = [];
  await Promise.all(
    Array.from({ length: READERS }, async (_, r) => {
      const url = urls[r % urls.length];
      while (performance.now() < until) {
        const id = sessions[Math.floor(Math.random() * sessions.length)];
        const { ms } = await api(url, `/sessions/${id}/executions?limit=50`);
        times.push(ms);
        done++;
      }
    })
  );
  return {
    servers: urls.length,
    requestsPerSecond: Math.round(done / SECONDS),
    ...stats(times)
  };
}

async function sizePhase(backend) {
  const place = await backend.place();
  try {
    const opened = await place.openStore();
    let seedMs;
    try {
      seedMs = await seed(opened.store, EXECUTIONS);
    } finally {
      await opened.close();
    }
    log(`  seeded ${EXECUTIONS} executions in ${(seedMs / 1000).toFixed(1)} s`);
    await place.settle?.();
    const size = await place.size();
    const first = await startServer(place.args, place.env);
    const servers = [first];
    try {
      const settleMs = await settle(first.url);
      log(
        `  server up in ${(first.startupMs / 1000).toFixed(1)} s, search ready ${(settleMs / 1000).toFixed(1)} s later`
      );
      const { sessionIds, ...reads } = await readPhase(first.url);
      log(
        `  timeline p99 ${reads.timeline.p99} ms, search p99 ${reads.search.p99} ms, by words ${reads.searchWords.p99} ms`
      );
      const oneServer = await throughput([first.url], sessionIds);
      log(`  one server: ${oneServer.requestsPerSecond} timeline pages/s`);
      let twoServers = null;
      if (backend.twoServers) {
        const second = await startServer(place.args, place.env);
        servers.push(second);
        await settle(second.url);
        twoServers = await throughput([first.url, second.url], sessionIds);
        log(`  two servers: ${twoServers.requestsPerSecond} timeline pages/s`);
      }
      return {
        executions: EXECUTIONS,
        seedSeconds: round(seedMs / 1000),
        ...size,
        startupSeconds: round(first.startupMs / 1000),
        searchReadySeconds: round(settleMs / 1000),
        ...reads,
        throughput: { oneServer, twoServers }
      };
    } finally {
      await Promise.all(servers.map(stopServer));
    }
  } finally {
    await place.remove();
  }
}

// ------------------------------------------------------------ main

const figures = {
  machine: { cores: 2, loadBefore: load() },
  options: {
    executions: EXECUTIONS,
    ingestBatches: INGEST_BATCHES,
    pages: PAGES,
    searches: SEARCHES,
    readers: READERS,
    seconds: SECONDS
  },
  backends: {}
};
log(`load average ${load()}; starting PostgreSQL and moto`);
const [cluster, s3] = await Promise.all([startPostgres(), startS3()]);
const backends = [fileBackend(), postgresBackend(cluster, s3)].filter(
  b => !ONLY || b.name === ONLY
);
try {
  for (const backend of backends) {
    log(
      `\n== ${backend.name}: ingest of ${INGEST_BATCHES * 100} events (load ${load()})`
    );
    const ingest = await ingestPhase(backend);
    log(
      `  ${ingest.eventsPerSecond} events/s, ack p50 ${ingest.ackP50Ms} ms p99 ${ingest.ackP99Ms} ms`
    );
    log(
      `== ${backend.name}: reads at ${EXECUTIONS} executions (load ${load()})`
    );
    const reads = await sizePhase(backend);
    figures.backends[backend.name] = { ingest, reads, loadAfter: load() };
  }
} finally {
  agent.destroy();
  backends.forEach(b => b.close?.());
  await Promise.all([cluster.stop(), s3.stop()]);
}

const table = [
  ['', ...Object.keys(figures.backends)],
  [
    'ingest events/s',
    ...Object.values(figures.backends).map(b => b.ingest.eventsPerSecond)
  ],
  [
    'ingest ack p99 ms',
    ...Object.values(figures.backends).map(b => b.ingest.ackP99Ms)
  ],
  [
    'timeline page p99 ms',
    ...Object.values(figures.backends).map(b => b.reads.timeline.p99)
  ],
  [
    'search p99 ms',
    ...Object.values(figures.backends).map(b => b.reads.search.p99)
  ],
  [
    'search by words p99 ms',
    ...Object.values(figures.backends).map(b => b.reads.searchWords.p99)
  ],
  [
    'pages/s, one server',
    ...Object.values(figures.backends).map(
      b => b.reads.throughput.oneServer.requestsPerSecond
    )
  ],
  [
    'pages/s, two servers',
    ...Object.values(figures.backends).map(
      b => b.reads.throughput.twoServers?.requestsPerSecond ?? '-'
    )
  ]
];
console.log(
  `\nexecutions=${EXECUTIONS} ingest events=${INGEST_BATCHES * 100} load ${figures.machine.loadBefore} -> ${load()}`
);
for (const row of table) {
  console.log(row.map((c, i) => String(c).padEnd(i === 0 ? 24 : 12)).join(''));
}
if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify(figures, null, 2));
}

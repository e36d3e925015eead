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
 * not HTTP), starts the real server process (server/dist/index.js), and
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
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'server', 'dist', 'index.js');
if (!existsSync(cli)) {
  console.error(
    'server/dist is missing: run `npx tsc -p server/tsconfig.json` first'
  );
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { FileStore } = require(
  join(root, 'server', 'dist', 'store', 'file-store.js')
);

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BIG = arg('big', 1_000_000);
/**
 * Keep populated data folders under this path and run on copies of them
 * (quick iterations; the 1M history takes minutes to populate).
 */
const CACHE = (() => {
  const i = process.argv.indexOf('--cache');
  return i > 0 ? process.argv[i + 1] : null;
})();
/** Extra node flags for the server process, e.g. "--cpu-prof". */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '')
  .split(' ')
  .filter(Boolean);
const BATCHES = arg('batches', 600); // batches per measured run
const BATCH_SIZE = 100;
const CLIENTS = arg('clients', 4);
/** Percent of executions that display a unique 24 KiB image (a blob). */
const IMAGE_PERCENT = arg('images', 2);
const TOKEN = 'bench-token-0123456789';
/** closed (saturation), open (fixed offered load), or both (default). */
const MODE = (() => {
  const i = process.argv.indexOf('--mode');
  return i > 0 ? process.argv[i + 1] : 'both';
})();
const OPEN_RATE = arg('rate', 5000); // offered events/s
const OPEN_BATCH = arg('open-batch', 50); // events per batch (client default)
const OPEN_CONNS = arg('conns', 4); // keep-alive connections
const OPEN_SECONDS = arg('seconds', 15);
/**
 * A new session every this many batches (default 4: sessions of ~200
 * executions, as in the populated history); 1 makes every batch open a
 * session, the worst case (each one also claims its session in the
 * access log, an fdatasync before the batch's own).
 */
const SESSION_EVERY = Math.max(1, arg('session-every', 4));
/**
 * Measure bench/ingest-floor-server.mjs instead of the Trail server: the
 * least a durable server does (parse, append, fdatasync), i.e. what this
 * machine alone costs at this load.
 */
const FLOOR = process.argv.includes('--floor');
/** Every execution in a cell of its own (worst case of the cell index). */
const UNIQUE_CELLS = process.argv.includes('--unique-cells');

// ---------------------------------------------------------------- events

const CODE = [
  "import pandas as pd\ndf = pd.read_csv('data/measurements.csv')\ndf.describe()",
  "for epoch in range(3):\n    loss = train(model, loader)\n    print(f'epoch {epoch}: loss={loss:.4f}')",
  "fig, ax = plt.subplots(figsize=(8, 4))\nax.plot(df['t'], df['value'])\nax.set_title('Signal')",
  'result = model.evaluate(test_x, test_y)\nresult',
  'x = np.linspace(0, 10, 1000)\ny = np.sin(x) * np.exp(-x / 5)\ny.mean()'
];
const HTML_TABLE =
  '<table border="1" class="dataframe">\n<thead><tr><th></th><th>t</th><th>value</th></tr></thead>\n<tbody>\n' +
  Array.from(
    { length: 8 },
    (_, i) =>
      `<tr><th>${i}</th><td>${i * 0.1}</td><td>${Math.sin(i).toFixed(6)}</td></tr>`
  ).join('\n') +
  '\n</tbody>\n</table>';

let counter = 0;

/** A base64 "PNG" unique to `seed` (a real plot is new each time). */
function png(seed, bytes = 24 * 1024) {
  let out = '';
  let block = createHash('sha256').update(seed).digest();
  while (out.length < bytes) {
    out += block.toString('base64');
    block = createHash('sha256').update(block).digest();
  }
  return out.slice(0, bytes);
}

/** Cell ids of a notebook: 60 cells each, re-run across its sessions. */
const cellIds = new Map();
function cellIdOf(notebookPath, seq) {
  let ids = cellIds.get(notebookPath);
  if (!ids) {
    ids = Array.from({ length: 60 }, () => randomUUID());
    cellIds.set(notebookPath, ids);
  }
  return ids[seq % ids.length];
}

/**
 * A realistic execution event (~1.5 KiB) of a session `s` (a
 * session.started event): code, a stream, a result with text and HTML; 5%
 * raise an error with a traceback; with `images`, 2% display a plot
 * (24 KiB, unique, so it goes to the blob store). With `--unique-cells`
 * every execution has a cell of its own (the worst case of the per-cell
 * index), otherwise it runs one of its notebook's 60 cells.
 */
function execution(s, seq, images) {
  const sessionId = s.session.id;
  const notebookPath = s.session.notebookPath;
  const n = counter++;
  const started = Date.UTC(2026, 0, 1) + n * 1500;
  const failed = n % 20 === 7;
  const outputs = [
    {
      output_type: 'stream',
      name: 'stdout',
      text: `step ${seq}: processed ${n % 977} rows\nok\n`
    }
  ];
  if (failed) {
    outputs.push({
      output_type: 'error',
      ename: 'ValueError',
      evalue: 'could not convert string to float',
      traceback: Array.from(
        { length: 6 },
        (_, i) =>
          `\u001b[0;31mFrame ${i}\u001b[0m in <module>\n    line ${i * 7}`
      )
    });
  } else {
    outputs.push({
      output_type: 'execute_result',
      execution_count: seq,
      data: {
        'text/plain': `   t   value\n0  0.0  ${n}`,
        'text/html': HTML_TABLE
      },
      metadata: {}
    });
  }
  if (images && n % 100 < IMAGE_PERCENT) {
    outputs.push({
      output_type: 'display_data',
      data: {
        'image/png': png(`plot-${n}-${randomUUID()}`),
        'text/plain': '<Figure size 800x400>'
      },
      metadata: {}
    });
  }
  return {
    id: randomUUID(),
    kind: 'execution.completed',
    execution: {
      id: randomUUID(),
      sessionId,
      seq,
      msgId: randomUUID(),
      notebookPath,
      cellId: UNIQUE_CELLS ? randomUUID() : cellIdOf(notebookPath, seq),
      code: CODE[n % CODE.length],
      executionCount: seq,
      status: failed ? 'error' : 'ok',
      ...(failed
        ? {
            error: {
              ename: 'ValueError',
              evalue: 'could not convert string to float'
            }
          }
        : {}),
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 340).toISOString(),
      durationMs: 340,
      timing: 'kernel',
      outputs
    }
  };
}

function session(notebookPath = `projects/analysis-${counter % 7}.ipynb`) {
  return {
    id: randomUUID(),
    kind: 'session.started',
    session: {
      id: randomUUID(),
      notebookPath,
      startedAt: new Date(Date.UTC(2026, 0, 1) + counter * 1500).toISOString(),
      kernel: {
        name: 'python3',
        displayName: 'Python 3 (ipykernel)',
        language: 'python'
      }
    }
  };
}

// ---------------------------------------------------------------- setup

/** Fills a data folder with `count` executions (200 per session). */
async function populate(dir, count) {
  const store = await FileStore.open(dir);
  const started = Date.now();
  let done = 0;
  while (done < count) {
    const group = [];
    while (group.length < 5000 && done < count) {
      const s = session();
      group.push(s);
      for (let seq = 1; seq <= 200 && done < count; seq++, done++) {
        group.push(execution(s, seq, false));
      }
    }
    await store.append(group);
    if (count >= 100_000 && done % 100_000 < 5000) {
      process.stderr.write(`  populated ${done} executions\r`);
    }
  }
  await store.close();
  return Date.now() - started;
}

/** Starts the server process; resolves with its URL and the time to listen. */
function startServer(dir) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        ...SERVER_NODE_ARGS,
        FLOOR ? join(root, 'bench', 'ingest-floor-server.mjs') : cli,
        '--port',
        '0',
        '--data',
        dir,
        '--token',
        TOKEN
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    );
    child.once('exit', code => reject(new Error(`server exited with ${code}`)));
    let listening = false;
    createInterface({ input: child.stdout }).on('line', line => {
      if (!listening && line.startsWith('{"event"')) {
        listening = true;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ child, url: JSON.parse(line).url, startupMs: ms });
      } else {
        // e.g. --trace-gc output of the server
        process.stderr.write(`[server] ${line}\n`);
      }
    });
  });
}

async function stopServer(child) {
  child.removeAllListeners('exit');
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// ---------------------------------------------------------------- load

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

function post(url, body, via = agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/events`,
      {
        method: 'POST',
        agent: via,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length
        }
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          } else {
            resolve(JSON.parse(text));
          }
        });
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds used so far by a process (Linux /proc; 100 ticks/s). */
async function cpuSeconds(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Request bodies of `size` events: a session's executions in order, a new
 * session (its session.started event first in its batch) every
 * SESSION_EVERY batches.
 */
function makeBodies(batches, size = BATCH_SIZE) {
  const bodies = [];
  let s = null;
  let seq = 0;
  for (let b = 0; b < batches; b++) {
    const events = [];
    if (b % SESSION_EVERY === 0) {
      s = session();
      seq = 0;
      events.push(s);
    }
    while (events.length < size) {
      events.push(execution(s, ++seq, true));
    }
    // Encoded once here: the load generator should cost as little as it
    // can, since it shares the machine with the server.
    bodies.push(Buffer.from(JSON.stringify({ events }), 'utf8'));
  }
  return bodies;
}

/**
 * Waits until the server's search index of the stored history is complete
 * (a search no longer answers `truncated: true`): the server indexes the
 * history in the background after it starts listening, and that work
 * would otherwise be measured as ingest latency. Resolves with the time
 * it took.
 */
async function settle(url) {
  const started = Date.now();
  for (;;) {
    const answer = await new Promise((resolve, reject) => {
      http
        .get(
          `${url}/api/v1/search?q=bench-settle&limit=1`,
          { headers: { Authorization: `Bearer ${TOKEN}` } },
          res => {
            let text = '';
            res.on('data', c => (text += c));
            res.on('end', () => resolve(JSON.parse(text)));
          }
        )
        .on('error', reject);
    });
    if (answer.truncated === false) {
      return Date.now() - started;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const percentiles = latencies => {
  latencies.sort((a, b) => a - b);
  const pct = p =>
    latencies[
      Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
    ];
  return {
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: latencies[latencies.length - 1]
  };
};

/**
 * Open loop: batch i is due at start + i / (rate / size) s whatever the
 * previous answers; it goes out on one of OPEN_CONNS keep-alive sockets
 * (the agent queues it if all are busy). Latency runs from the due time to
 * the acknowledgement, so queueing behind a slow answer is counted.
 */
async function measureOpen(url, bodies, eventsPerBatch) {
  const openAgent = new http.Agent({ keepAlive: true, maxSockets: OPEN_CONNS });
  const intervalNs = BigInt(Math.round(1e9 / (OPEN_RATE / eventsPerBatch)));
  const latencies = [];
  const sendLag = []; // how late the bench itself issued each request
  const pending = [];
  let stored = 0;
  const start = process.hrtime.bigint() + 20_000_000n;
  let i = 0;
  await new Promise(resolve => {
    const tick = () => {
      const now = process.hrtime.bigint();
      while (i < bodies.length && start + BigInt(i) * intervalNs <= now) {
        const due = start + BigInt(i) * intervalNs;
        sendLag.push(Number(now - due) / 1e6);
        pending.push(
          post(url, bodies[i], openAgent).then(result => {
            latencies.push(Number(process.hrtime.bigint() - due) / 1e6);
            stored += result.accepted.length;
          })
        );
        i++;
      }
      if (i >= bodies.length) {
        resolve();
        return;
      }
      const wait = Number(start + BigInt(i) * intervalNs - now) / 1e6;
      setTimeout(tick, Math.max(0, wait));
    };
    setTimeout(tick, 20);
  });
  await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  openAgent.destroy();
  const lag = percentiles(sendLag);
  return {
    eventsPerSecond: stored / seconds,
    ...percentiles(latencies),
    sendLagP99: lag.p99,
    stored
  };
}

async function measure(url, bodies) {
  const latencies = [];
  let next = 0;
  let stored = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = process.hrtime.bigint();
        const result = await post(url, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        stored += result.accepted.length;
      }
    })
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    eventsPerSecond: stored / seconds,
    ...percentiles(latencies),
    stored
  };
}

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

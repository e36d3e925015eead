/**
 * GET /sessions/{id}/steps/{k} timed server-side on a 10,000-execution
 * session (#13: the replay viewer's stepping; goal < 50 ms).
 *
 *   npx tsc -p server/tsconfig.json
 *   node bench/server-steps.mjs [--session long-day|grid]
 *   node bench/server-steps.mjs --server /tmp/old/server/dist/server --server server/dist/server
 *
 * Seeds one session through the API (`replay/long-session.mjs`: by
 * default the "long day" of 150 cells and ~226 structure events that
 * `bench/replay.mjs` steps through; `--session grid`, 500 code cells all
 * shown at every step), into a file store in a temporary folder (or
 * `--data DIR`, kept and reused), then times each
 * request from its arrival at the server to its answer handed to the
 * socket (`finish`), the server in this process behind a plain
 * http.Server, so loopback and the client's JSON parse are not counted:
 *
 * - cold: a fresh process opens the store and answers one random step
 *   (empty caches, code not yet optimised), `--cold` times (default 9);
 * - warm: after `--warmup` requests (default 50), `--warm` random steps
 *   (default 200) in one process.
 *
 * With several `--server` (compiled server folders, e.g. before and after
 * a change), each is measured on the same data, in turn, round after round
 * (`--rounds`, default 2), and the medians are printed side by side.
 * `--child` is how the cold samples call this file; `--profile` runs the
 * warm loop under the inspector's CPU profiler and writes a .cpuprofile.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Session } from 'node:inspector/promises';
import {
  generator,
  gridSession,
  longSession,
  seedSession
} from './replay/long-session.mjs';

const TOKEN = 'bench-steps-token';
const EXECUTIONS = 10_000;
/** The seeded session (`--session`): its events. */
const SESSIONS = {
  'long-day': () => longSession(EXECUTIONS),
  grid: () => gridSession(EXECUTIONS, 500)
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
function options(name) {
  return process.argv.flatMap((a, i) =>
    a === `--${name}` ? [process.argv[i + 1]] : []
  );
}

/**
 * The server of compiled folder `dist` over the file store in `dataDir`,
 * listening on loopback, each request's server-side time given to
 * `onTimed(url, ms)`.
 */
async function startServer(dist, dataDir, onTimed = () => undefined) {
  const load = file => import(pathToFileURL(join(dist, file)).href);
  const [{ createApp }, { FileStore }, { TeamAccess }, directory, auth] =
    await Promise.all([
      load('app.js'),
      load('store/file-store.js'),
      load('access/team.js'),
      load('access/directory.js'),
      load('access/authenticate.js')
    ]);
  const store = await FileStore.open(dataDir, {
    warnings: { warn: () => undefined }
  });
  const owner = auth.ownerPrincipal('bench');
  const users = await directory.UserDirectory.open(dataDir);
  const access = await TeamAccess.open({
    dataDir,
    store,
    directory: users,
    owner
  });
  const app = createApp({
    store,
    token: TOKEN,
    owner,
    directory: users,
    access,
    log: { error: (m, e) => console.error(m, e) }
  });
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      onTimed(req.url, Number(process.hrtime.bigint() - started) / 1e6)
    );
    app(req, res);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/api/v1`;
  return {
    async call(path, init = {}) {
      const res = await fetch(`${url}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json'
        }
      });
      const body = await res.json();
      if (!res.ok) {
        throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      }
      return body;
    },
    async close() {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
      await access.ownership.close?.();
      await store.close();
    }
  };
}

async function seed(dist, dataDir, shape) {
  const { sessionId, events } = SESSIONS[shape]();
  const server = await startServer(dist, dataDir);
  await seedSession((path, init) => server.call(path, init), events);
  const list = await server.call(`/sessions/${sessionId}/steps`);
  await server.close();
  if (list.total !== EXECUTIONS || !list.structured) {
    throw new Error(
      `seeded ${list.total} steps, structured ${list.structured}`
    );
  }
  await writeFile(join(dataDir, 'bench-session'), sessionId);
  return sessionId;
}

/** Times GET /steps/{k} for each k; returns the server-side times. */
async function timeSteps(server, sessionId, ks, timed) {
  const times = [];
  for (const k of ks) {
    timed.length = 0;
    const body = await server.call(`/sessions/${sessionId}/steps/${k}`);
    if (body.step !== k || body.cells.length === 0) {
      throw new Error(
        `step ${k}: step ${body.step}, ${body.cells.length} cells`
      );
    }
    times.push(timed[0]);
  }
  return times;
}

/** One cold sample: this process opens the store, answers step k. */
async function child(dist, dataDir, sessionId, k) {
  const timed = [];
  const server = await startServer(dist, dataDir, (_, ms) => timed.push(ms));
  const [ms] = await timeSteps(server, sessionId, [k], timed);
  await server.close();
  process.stdout.write(JSON.stringify({ ms }) + '\n');
}

async function warm(
  dist,
  dataDir,
  sessionId,
  { samples, warmup, seed, profile }
) {
  const timed = [];
  const server = await startServer(dist, dataDir, (_, ms) => timed.push(ms));
  const rand = generator(seed);
  const k = () => 1 + Math.floor(rand() * EXECUTIONS);
  await timeSteps(server, sessionId, Array.from({ length: warmup }, k), timed);
  let inspector = null;
  if (profile) {
    inspector = new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const times = await timeSteps(
    server,
    sessionId,
    Array.from({ length: samples }, k),
    timed
  );
  if (inspector) {
    const { profile: data } = await inspector.post('Profiler.stop');
    await writeFile(profile, JSON.stringify(data));
    inspector.disconnect();
  }
  await server.close();
  return times;
}

const run = promisify(execFile);

async function cold(dist, dataDir, sessionId, count, seed) {
  const rand = generator(seed);
  const times = [];
  for (let i = 0; i < count; i++) {
    const k = 1 + Math.floor(rand() * EXECUTIONS);
    const { stdout } = await run(process.execPath, [
      new URL(import.meta.url).pathname,
      '--child',
      dist,
      dataDir,
      sessionId,
      String(k)
    ]);
    times.push(JSON.parse(stdout.trim().split('\n').pop()).ms);
  }
  return times;
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main() {
  if (process.argv[2] === '--child') {
    const [dist, dataDir, sessionId, k] = process.argv.slice(3);
    await child(dist, dataDir, sessionId, Number(k));
    return;
  }
  const dists = options('server').map(d => resolve(d));
  if (dists.length === 0) {
    dists.push(
      resolve(new URL('../server/dist/server', import.meta.url).pathname)
    );
  }
  const kept = option('data');
  const dataDir = kept
    ? resolve(kept)
    : await mkdtemp(join(tmpdir(), 'trail-bench-steps-'));
  const coldCount = Number(option('cold', '9'));
  const warmCount = Number(option('warm', '200'));
  const warmup = Number(option('warmup', '50'));
  const rounds = Number(option('rounds', '2'));
  const profile = option('profile');
  const shape = option('session', 'long-day');
  if (!(shape in SESSIONS)) {
    throw new Error(
      `--session ${shape}: one of ${Object.keys(SESSIONS).join(', ')}`
    );
  }
  try {
    let sessionId;
    try {
      sessionId = (
        await import('node:fs/promises').then(fs =>
          fs.readFile(join(dataDir, 'bench-session'), 'utf8')
        )
      ).trim();
      console.log(`reusing the session seeded in ${dataDir}`);
    } catch {
      const started = Date.now();
      sessionId = await seed(dists[0], dataDir, shape);
      console.log(
        `seeded ${EXECUTIONS} executions (${shape}) in ${((Date.now() - started) / 1000).toFixed(1)} s (${dataDir})`
      );
    }
    const figures = dists.map(() => ({ cold: [], warm: [] }));
    for (let round = 0; round < rounds; round++) {
      for (const [i, dist] of dists.entries()) {
        figures[i].cold.push(
          ...(await cold(dist, dataDir, sessionId, coldCount, 7 + round))
        );
        figures[i].warm.push(
          ...(await warm(dist, dataDir, sessionId, {
            samples: warmCount,
            warmup,
            seed: 11 + round,
            profile:
              profile && round === rounds - 1
                ? `${profile}.${i}.cpuprofile`
                : null
          }))
        );
      }
    }
    console.log(
      `GET /sessions/{id}/steps/{k}, ${EXECUTIONS} executions, ${shape} session, server-side ms (random k; cold: a fresh process each, n=${coldCount * rounds}; warm: n=${warmCount * rounds} after ${warmup})`
    );
    console.log(
      'server'.padEnd(48),
      'cold median',
      ' cold max',
      ' warm median',
      ' warm p95'
    );
    for (const [i, dist] of dists.entries()) {
      const { cold: c, warm: w } = figures[i];
      console.log(
        dist.slice(-48).padEnd(48),
        median(c).toFixed(1).padStart(11),
        Math.max(...c)
          .toFixed(1)
          .padStart(9),
        median(w).toFixed(1).padStart(12),
        pct(w, 95).toFixed(1).padStart(9)
      );
    }
  } finally {
    if (!kept) {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

/**
 * The runs benchmark's data folder: the team's users and tokens, then every
 * run posted through the real ingest path of a real server (batches of one
 * person's runs over keep-alive HTTP, several in flight, each with that
 * person's token so the server records them as its author). The folder is
 * kept with `bench-runs.json` (runs, the history's end time, the tokens)
 * so later measurements reuse it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DISPLAY, PEOPLE, runEvents } from './data.mjs';

const require = createRequire(import.meta.url);
const dist = new URL('../../server/dist/server/', import.meta.url).pathname;

export const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One request; resolves with status, body text and the round trip in ms. */
export function request(url, token, method, path, body) {
  const payload =
    body === undefined
      ? null
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': payload.length
              }
            : {})
        }
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - t0
          })
        );
      }
    );
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

export function metaOf(dir) {
  const file = join(dir, 'bench-runs.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** Users and a token each, written into a fresh data folder. */
export async function makeTeam(dir) {
  await mkdir(dir, { recursive: true });
  const { UserDirectory } = require(join(dist, 'access', 'directory.js'));
  const directory = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
  const tokens = {};
  for (const name of PEOPLE) {
    await directory.addUser(name, { displayName: DISPLAY[name] });
    tokens[name] = (await directory.issueToken(name)).token;
  }
  return tokens;
}

/**
 * Posts `runs` runs to the server at `url`, `inFlight` batches at a time;
 * a batch holds `perBatch` runs of one person. Resolves with the time.
 */
export async function ingest(
  url,
  tokens,
  runs,
  endMs,
  { inFlight = 4, perBatch = 9, log = () => {} } = {}
) {
  const pending = Object.fromEntries(PEOPLE.map(p => [p, []]));
  let next = 0;
  let posted = 0;
  const started = performance.now();
  // Batches are made as they are needed: one person's next perBatch runs.
  const nextBatch = () => {
    for (;;) {
      for (const p of PEOPLE) {
        if (
          pending[p].length >= perBatch ||
          (next >= runs && pending[p].length)
        ) {
          const chunk = pending[p].splice(0, perBatch);
          return { person: p, events: chunk.flat() };
        }
      }
      if (next >= runs) return null;
      const run = runEvents(next++, runs, endMs);
      pending[run.person].push(run.events);
    }
  };
  const worker = async () => {
    for (let batch = nextBatch(); batch; batch = nextBatch()) {
      const body = JSON.stringify({ events: batch.events });
      for (let attempt = 0; ; attempt++) {
        const answer = await request(
          url,
          tokens[batch.person],
          'POST',
          '/api/v1/events',
          body
        );
        if (answer.status === 200) break;
        if (answer.status !== 503 || attempt > 20) {
          throw new Error(
            `ingest: HTTP ${answer.status}: ${answer.text.slice(0, 500)}`
          );
        }
        await new Promise(r => setTimeout(r, 200));
      }
      posted += batch.events.length;
      if (posted % 50_000 < batch.events.length) {
        const s = (performance.now() - started) / 1000;
        log(`  ${posted} events (${Math.round(posted / s)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ms: performance.now() - started, events: posted };
}

export function folderBytes(dir) {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

export function writeMeta(dir, meta) {
  writeFileSync(join(dir, 'bench-runs.json'), JSON.stringify(meta, null, 2));
}

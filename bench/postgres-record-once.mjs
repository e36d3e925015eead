#!/usr/bin/env node
/**
 * Before/after figures of one PostgreSQL store change, in one run on one
 * machine: two builds of the server (`--a`, `--b`: tsc output folders,
 * e.g. `npx tsc -p server/tsconfig.json --outDir /tmp/distA` before the
 * change and `--outDir /tmp/distB` after), run alternately (A B A B ...,
 * `--rounds` times each) on one throwaway cluster, each on a fresh
 * database: `--executions` realistic executions (bench/server-ingest
 * events, sessions of 200, no images) appended through PgStore in batches
 * of `--batch` events, one append at a time; events/s, then the size of
 * trail_events, trail_executions and the whole database
 * (pg_total_relation_size, pg_database_size). See bench/README-postgres.md
 * ("Record stored once").
 *
 *   node bench/postgres-record-once.mjs --a /tmp/distA --b /tmp/distB
 *       [--executions 20000] [--batch 100] [--rounds 2]
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createDatabase, startPostgres } from '../scripts/postgres-temp.mjs';
import { execution, session } from './server-ingest/events.mjs';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const builds = { A: arg('a', null), B: arg('b', null) };
if (!builds.A || !builds.B) {
  console.error('usage: --a <tsc outDir before> --b <tsc outDir after>');
  process.exit(2);
}
const EXECUTIONS = Number(arg('executions', 20_000));
const BATCH = Number(arg('batch', 100));
const ROUNDS = Number(arg('rounds', 2));
const PER_SESSION = 200;
const require = createRequire(import.meta.url);

/** The events of one run, made once: every build stores the same ones. */
function batches() {
  const out = [];
  let group = [];
  const add = event => {
    group.push(event);
    if (group.length === BATCH) {
      out.push(group);
      group = [];
    }
  };
  let done = 0;
  for (let s = 0; done < EXECUTIONS; s++) {
    const started = session(`person-${s % 25}/notebook-${s % 40}.ipynb`);
    add(started);
    for (let seq = 1; seq <= PER_SESSION && done < EXECUTIONS; seq++) {
      add(execution(started, seq, false));
      done++;
    }
  }
  if (group.length > 0) {
    out.push(group);
  }
  return out;
}

async function run(label, dist, cluster, load) {
  const root = join(dist, 'server', 'store', 'postgres');
  const { openDatabase } = require(join(root, 'database.js'));
  const { PgStore } = require(join(root, 'pg-store.js'));
  const url = await createDatabase(cluster.url);
  const db = openDatabase(url, { log: { warn: () => {} } });
  try {
    await db.migrate();
    const store = await PgStore.open(db);
    const events = load.reduce((sum, b) => sum + b.length, 0);
    const started = performance.now();
    for (const batch of load) {
      await store.append(batch, new Map());
    }
    const seconds = (performance.now() - started) / 1000;
    await store.close?.();
    await db.pool.query('VACUUM ANALYZE');
    const { rows } = await db.pool.query(
      `SELECT pg_total_relation_size('trail_events') AS events,
         pg_total_relation_size('trail_executions') AS executions,
         pg_database_size(current_database()) AS database`
    );
    const mb = v => (Number(v) / 1e6).toFixed(1);
    const per10k = v => ((Number(v) / EXECUTIONS) * 10_000) / 1e6;
    console.log(
      `${label}: ${(events / seconds).toFixed(0)} events/s; ` +
        `trail_events ${mb(rows[0].events)} MB, trail_executions ` +
        `${mb(rows[0].executions)} MB, database ${mb(rows[0].database)} MB ` +
        `(${per10k(rows[0].database).toFixed(1)} MB per 10k executions; ` +
        `load ${loadavg()[0].toFixed(1)})`
    );
  } finally {
    await db.close();
  }
}

const cluster = await startPostgres();
try {
  const load = batches();
  console.log(
    `${EXECUTIONS} executions, ${load.length} appends of <= ${BATCH} events`
  );
  for (let r = 0; r < ROUNDS; r++) {
    for (const label of ['A', 'B']) {
      await run(label, builds[label], cluster, load);
    }
  }
} finally {
  await cluster.stop();
}

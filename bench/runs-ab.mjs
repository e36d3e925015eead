#!/usr/bin/env node
/**
 * Two server builds on one seeded data folder, in turn (A B A B ...), the
 * run queries of bench/runs.mjs each time: per query p50/p99 side by side
 * (each the median over the rounds), so a change to the run index is
 * compared on the same data and under the same drift of the machine.
 *
 *   node bench/runs-ab.mjs --data DIR --a BUILD_A --b BUILD_B [--rounds 2] [--repeat 50] [--report PREFIX]
 *
 * BUILD_A/BUILD_B: folders holding server/dist (e.g. HEAD's sources from
 * `git archive` built with tsc, and the working tree's build); the data
 * folder is seeded by bench/runs.mjs first (--data DIR).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const data = arg('data', null);
const builds = { A: arg('a', null), B: arg('b', null) };
if (!data || !builds.A || !builds.B) {
  console.error(
    'usage: node bench/runs-ab.mjs --data DIR --a BUILD_A --b BUILD_B [--rounds 2] [--repeat 50]'
  );
  process.exit(2);
}
const rounds = Number(arg('rounds', 2));
const repeat = arg('repeat', '50');
/** Print again from the figures an earlier call kept (its prefix). */
const kept = arg('report', null);
const prefix = kept ?? join(tmpdir(), `trail-runs-ab-${process.pid}`);
const runs = { A: [], B: [] };
for (let round = 0; round < rounds; round++) {
  for (const side of ['A', 'B']) {
    const out = `${prefix}-${side}${round}.json`;
    if (kept) {
      runs[side].push(JSON.parse(readFileSync(out, 'utf8')));
      continue;
    }
    process.stderr.write(
      `round ${round + 1}, ${side} (${builds[side]}), load ${loadavg()[0].toFixed(1)}\n`
    );
    execFileSync(
      process.execPath,
      [
        join(import.meta.dirname, 'runs.mjs'),
        '--data',
        data,
        '--repeat',
        repeat,
        '--queries-only',
        '--server',
        builds[side],
        '--json',
        out
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] }
    );
    runs[side].push(JSON.parse(readFileSync(out, 'utf8')));
  }
}
const f = x => x.toFixed(1);
// Each round's figure, in round order (few rounds: no median hides one).
const cell = (side, i, key) =>
  runs[side].map(r => f(r.queries[i][key])).join(' / ');
console.log(
  `\nA = ${builds.A}, B = ${builds.B}; ${rounds} rounds A B, ${repeat} requests a query each; each cell: round 1 / round 2 ...\n`
);
console.log(
  '| query | A p50 ms | B p50 ms | A p99 ms | B p99 ms | A after an ingest p50 | B after an ingest p50 |'
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
runs.A[0].queries.forEach((q, i) => {
  console.log(
    `| ${q.name} | ${cell('A', i, 'p50')} | ${cell('B', i, 'p50')} | ${cell('A', i, 'p99')} | ${cell('B', i, 'p99')} | ${cell('A', i, 'afterIngestP50')} | ${cell('B', i, 'afterIngestP50')} |`
  );
});
const worst = side =>
  Math.max(...runs[side].map(r => Math.max(...r.queries.map(q => q.p99))));
console.log(
  `\nworst p99 of any round: A ${f(worst('A'))} ms, B ${f(worst('B'))} ms`
);
console.log(
  `server start (listening / runs answered / first fingerprint lookup, s): ${['A', 'B'].map(s => `${s} ${runs[s].map(r => `${f(r.start.listeningMs / 1000)}/${f(r.start.runsReadyMs / 1000)}/${f((r.start.fingerprintsReadyMs ?? NaN) / 1000)}`).join(', ')}`).join('; ')}`
);

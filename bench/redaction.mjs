#!/usr/bin/env node
/**
 * Redaction benchmark: how many of a catalogue of fake secrets the
 * recorder's redactor hides, in every place an event carries text; how many
 * ordinary notebook lines it alters; and what it costs per typical cell.
 *
 * Data: bench/redaction/secrets.json (formats; values are generated from a
 * seed, so no literal secret sits in the repository) and
 * bench/redaction/ordinary.txt (lines from ML notebooks: code and outputs).
 * The generator, the places a secret is put and the DataFrame reprs are in
 * bench/redaction/*.mjs.
 * Usage: node bench/redaction.mjs [--runs N] [--verbose]
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATAFRAME_COLUMNS, dataframeEvents } from './redaction/dataframes.mjs';
import { expand } from './redaction/generate.mjs';
import {
  completed,
  leaked,
  PLACES,
  VALUE_PLACES
} from './redaction/places.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const runs = Number(args[args.indexOf('--runs') + 1] || 20000);

const outDir = mkdtempSync(join(tmpdir(), 'trail-redaction-'));
const bundle = join(outDir, 'redact.cjs');
await build({
  entryPoints: [join(root, 'src', 'recorder', 'redact.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'error'
});
const { Redactor } = require(bundle);
rmSync(outDir, { recursive: true, force: true });
const redactor = new Redactor();

// ---------------------------------------------------------------- secrets
const catalogue = JSON.parse(
  readFileSync(join(root, 'bench', 'redaction', 'secrets.json'), 'utf8')
);
const byFormat = new Map();
const byPlace = new Map();
const leaks = [];
let secrets = 0;
let placed = 0;
let hidden = 0;
const count = (map, key, ok) => {
  const c = map.get(key) ?? { n: 0, ok: 0 };
  c.n++;
  c.ok += ok ? 1 : 0;
  map.set(key, c);
};
for (const entry of catalogue.formats) {
  for (const line of entry.lines) {
    for (let copy = 0; copy < 2; copy++) {
      const secret = expand(entry.secret);
      secrets++;
      const text = line.split('{secret}').join(secret);
      const events = [
        ...Object.entries(PLACES).map(([place, make]) => [place, make(text)]),
        ...Object.entries(VALUE_PLACES).map(([place, make]) => [
          place,
          make(secret, entry)
        ])
      ];
      for (const [place, event] of events) {
        if (event === null) {
          continue;
        }
        redactor.redactEvent(event);
        const ok = !leaked(event, secret, line);
        placed++;
        hidden += ok ? 1 : 0;
        count(byFormat, entry.format, ok);
        count(byPlace, place, ok);
        if (!ok) {
          leaks.push({ format: entry.format, place, line: text });
        }
      }
    }
  }
} // DataFrame reprs: a column named like a secret, in HTML and in text.
for (const column of DATAFRAME_COLUMNS) {
  const { rows, events } = dataframeEvents(column);
  secrets += rows.length;
  for (const [place, event] of events) {
    redactor.redactEvent(event);
    for (const row of rows) {
      const ok = !leaked(event, row.value, '');
      placed++;
      hidden += ok ? 1 : 0;
      count(byFormat, `dataframe-${column}`, ok);
      count(byPlace, place, ok);
      if (!ok) {
        leaks.push({ format: `dataframe-${column}`, place, line: row.value });
      }
    }
  }
}

// ---------------------------------------------------------------- ordinary
const ordinary = readFileSync(
  join(root, 'bench', 'redaction', 'ordinary.txt'),
  'utf8'
)
  .split('\n')
  .filter(line => line.trim() !== '');
const altered = [];
let checked = 0;
for (const line of ordinary) {
  for (const place of ['code', 'text']) {
    checked++;
    const out = redactor.redactText(line, place);
    if (out !== line) {
      altered.push({ place, line, out });
    }
  }
}

// ---------------------------------------------------------------- cost
/** A typical cell: 12 lines of code, a log of 20 lines, a DataFrame. */
function typicalCell(i) {
  const code = Array.from(
    { length: 12 },
    (_, k) => ordinary[(i * 12 + k) % ordinary.length]
  ).join('\n');
  const log = Array.from(
    { length: 20 },
    (_, k) => ordinary[(i * 7 + k * 13) % ordinary.length]
  ).join('\n');
  const frame = [
    '   user  plan  score',
    ...Array.from({ length: 5 }, (_, k) => `${k}   u${k}   pro   0.${k}1`)
  ].join('\n');
  return completed({
    code,
    outputs: [
      { output_type: 'stream', name: 'stdout', text: log + '\n' },
      {
        output_type: 'execute_result',
        execution_count: 1,
        data: {
          'text/plain': frame,
          'text/html': `<table class="dataframe"><thead><tr><th></th><th>user</th><th>plan</th><th>score</th></tr></thead><tbody><tr><th>0</th><td>u0</td><td>pro</td><td>0.01</td></tr></tbody></table>`
        },
        metadata: {}
      }
    ],
    capture: {
      params: { lr: 0.001, model: 'bert-base-uncased' },
      tags: ['baseline']
    }
  });
}
const cells = Array.from({ length: 200 }, (_, i) => typicalCell(i));
// Wall-clock time, and CPU time (process.cpuUsage: what the redactor
// itself used, without the moments the OS runs another process, which
// dominate wall-clock tails on a shared machine).
const times = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const event = structuredClone(cells[i % cells.length]);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  redactor.redactEvent(event);
  times.push(performance.now() - started);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
const sorted = list => list.slice(Math.floor(runs / 5)).sort((a, b) => a - b);
const wall = sorted(times);
const cpuSorted = sorted(cpu);
const quantile = (list, q) =>
  list[Math.min(list.length - 1, Math.floor(q * list.length))];
const us = ms => `${(ms * 1000).toFixed(1)} us`;
const chars = JSON.stringify(cells[0]).length;

// ---------------------------------------------------------------- report
const pct = (a, b) => ((100 * a) / b).toFixed(2);
console.log(
  `Secrets: ${secrets} fake secrets in ${byFormat.size} formats, ${placed} placements in ${byPlace.size} places`
);
console.log(`  redacted: ${hidden}/${placed} = ${pct(hidden, placed)}%`);
console.log(
  `Ordinary lines: ${ordinary.length} lines, each as code and as output (${checked} checks)`
);
console.log(
  `  altered: ${altered.length}/${checked} = ${pct(altered.length, checked)}%`
);
console.log(
  `Cost per typical cell (${chars} characters of event; ${wall.length} runs after warm-up, Node ${process.version}):`
);
console.log(
  `  wall clock: median ${us(quantile(wall, 0.5))}, p90 ${us(quantile(wall, 0.9))}, p99 ${us(quantile(wall, 0.99))}`
);
console.log(
  `  CPU time:   median ${us(quantile(cpuSorted, 0.5))}, p90 ${us(quantile(cpuSorted, 0.9))}, p99 ${us(quantile(cpuSorted, 0.99))} (process.cpuUsage, 1 us steps)`
);
console.log('\nBy place (redacted / placed):');
for (const [place, c] of byPlace) {
  console.log(
    `  ${place.padEnd(24)} ${String(c.ok).padStart(4)}/${String(c.n).padEnd(4)} ${pct(c.ok, c.n)}%`
  );
}
console.log('\nBy format (redacted / placed):');
for (const [format, c] of byFormat) {
  console.log(
    `  ${format.padEnd(36)} ${String(c.ok).padStart(4)}/${String(c.n).padEnd(4)} ${pct(c.ok, c.n)}%`
  );
}
if (leaks.length > 0) {
  console.log(
    `\nLeaks (${leaks.length}${verbose ? '' : ', first 30; --verbose for all'}):`
  );
  for (const leak of verbose ? leaks : leaks.slice(0, 30)) {
    console.log(
      `  [${leak.format} @ ${leak.place}] ${JSON.stringify(leak.line).slice(0, 160)}`
    );
  }
}
if (altered.length > 0) {
  console.log(`\nAltered ordinary lines (${altered.length}):`);
  for (const a of altered) {
    console.log(
      `  [${a.place}] ${JSON.stringify(a.line).slice(0, 120)}\n      -> ${JSON.stringify(a.out).slice(0, 120)}`
    );
  }
}

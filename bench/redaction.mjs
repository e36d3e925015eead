#!/usr/bin/env node
/**
 * Redaction benchmark: how many of a catalogue of fake secrets the
 * recorder's redactor hides, in every place an event carries text; how many
 * ordinary notebook lines it alters; and what it costs per typical cell.
 *
 * Data: bench/redaction/secrets.json (formats; values are generated from a
 * seed, so no literal secret sits in the repository) and
 * bench/redaction/ordinary.txt (lines from ML notebooks: code and outputs).
 * Usage: node bench/redaction.mjs [--runs N] [--verbose]
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// ---------------------------------------------------------------- values
let seed = 20260101;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = chars => chars[Math.floor(random() * chars.length)];
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const CLASSES = {
  A: LOWER + UPPER + DIGITS,
  a: LOWER + DIGITS,
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: DIGITS,
  u: UPPER + DIGITS,
  b: LOWER + UPPER + DIGITS + '+/',
  s: LOWER + UPPER + DIGITS + '_-',
  G: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  p: LOWER + UPPER + DIGITS + '!#%*+-_~^'
};
const WORDS = [
  'correct',
  'horse',
  'battery',
  'staple',
  'violet',
  'harbor',
  'lemon',
  'quartz',
  'meadow',
  'tiger',
  'velvet',
  'orbit'
];
function chunk(cls, n) {
  if (cls === 'w') {
    return Array.from({ length: n }, () => pick(WORDS)).join(' ');
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    out += pick(CLASSES[cls]);
  }
  if (cls === 'p') {
    // A password mixes classes: make sure it does.
    out = pick(UPPER) + out.slice(3) + pick(DIGITS) + pick('!#%*+');
  }
  return out;
}
function expand(template) {
  if (template === 'BASIC64') {
    return Buffer.from(`ana:${chunk('p', 12)}`).toString('base64');
  }
  return template
    .replace(/<<(\w):(\d+)>>/g, (_, cls, n) => chunk(cls, Number(n)))
    .replace(/\\n/g, '\n');
}

// ---------------------------------------------------------------- places
const esc = s =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** IPython's colours on a code line of a traceback. */
function colour(line) {
  return (
    '\x1b[0;32m----> 3\x1b[0m ' +
    line
      .replace(/("[^"\n]*"|'[^'\n]*')/g, '\x1b[38;5;124m$1\x1b[39m')
      .replace(/ = /g, ' \x1b[38;5;241m=\x1b[39m ')
      .replace(/\b(os|config|print)\b/g, '\x1b[38;5;28m$1\x1b[39m')
  );
}
function completed(execution) {
  return {
    id: 'e',
    kind: 'execution.completed',
    execution: {
      id: 'x',
      sessionId: 's',
      seq: 1,
      notebookPath: 'n.ipynb',
      cellId: 'c',
      code: '',
      executionCount: 1,
      status: 'ok',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 0,
      timing: 'kernel',
      outputs: [],
      ...execution
    }
  };
}
const display = data => ({ output_type: 'display_data', data, metadata: {} });
/** Each place: the event that carries `line` there (null: not applicable). */
const PLACES = {
  code: line => completed({ code: `x = 1\n${line}\nprint(x)` }),
  stream: line =>
    completed({
      outputs: [
        { output_type: 'stream', name: 'stdout', text: `loaded\n${line}\n` }
      ]
    }),
  'text/plain': line =>
    completed({
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 1,
          data: { 'text/plain': line },
          metadata: {}
        }
      ]
    }),
  'text/html': line =>
    completed({
      outputs: [display({ 'text/html': `<div><pre>${esc(line)}</pre></div>` })]
    }),
  'text/markdown': line =>
    completed({
      outputs: [display({ 'text/markdown': `Config:\n\n    ${line}\n` })]
    }),
  'application/json': line =>
    completed({
      outputs: [display({ 'application/json': { log: [line], n: 1 } })]
    }),
  'image/svg+xml': line =>
    completed({
      outputs: [
        display({
          'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="12">${esc(line)}</text></svg>`
        })
      ]
    }),
  'application/javascript': line =>
    completed({
      outputs: [
        display({
          'application/javascript': `element.textContent = \`${line.replace(/[`\\]/g, '\\$&')}\`;`
        })
      ]
    }),
  traceback: line =>
    completed({
      status: 'error',
      outputs: [
        {
          output_type: 'error',
          ename: 'ValueError',
          evalue: 'bad config',
          traceback: [
            '\x1b[0;31m---------------------------------------------------------------------------\x1b[0m',
            colour(line),
            '\x1b[0;31mValueError\x1b[0m: bad config'
          ]
        }
      ]
    }),
  'error message': line =>
    completed({
      status: 'error',
      error: { ename: 'ValueError', evalue: `bad config: ${line}` }
    }),
  'git diff': line => ({
    id: 'e',
    kind: 'environment.captured',
    sessionId: 's',
    fromSeq: 1,
    environment: {
      capturedAt: '2026-01-01T00:00:00.000Z',
      language: { name: 'python', version: '3.11' },
      platform: { system: 'Linux' },
      packages: [],
      git: {
        commit: 'abc',
        dirty: true,
        diff: `--- a/nb.py\n+++ b/nb.py\n@@ -1 +1,2 @@\n x = 1\n+${line}\n`
      }
    }
  }),
  'param value': line =>
    line.length > 5000
      ? null
      : completed({ capture: { params: { setting: line } } }),
  tag: line =>
    line.length > 250 || line.includes('\n')
      ? null
      : completed({ capture: { tags: [line] } })
};
/** Places that take the secret alone, not its line. */
const VALUE_PLACES = {
  'param by name': (secret, entry) =>
    entry.name && !secret.includes('\n')
      ? completed({ capture: { params: { [entry.name]: secret } } })
      : null,
  'file path': (secret, entry) =>
    secret.includes('\n') || secret.includes(' ')
      ? null
      : completed({
          capture: {
            files: [
              {
                path: `exports/${entry.name ?? 'token'}=${secret}/part-0.csv`,
                access: 'read',
                kind: 'file'
              }
            ]
          }
        })
};

/** The pieces of a secret that must not reach the server. */
function fragments(secret) {
  const size = Math.min(10, secret.length);
  const out = new Set();
  for (const piece of secret.split('\n')) {
    for (
      let i = 0;
      i + size <= piece.length;
      i += Math.max(1, Math.floor(size / 2))
    ) {
      out.add(piece.slice(i, i + size));
    }
  }
  return [...out].filter(f => f.length >= Math.min(6, secret.length));
}
function leaked(event, secret, line) {
  const text = JSON.stringify(event) + '\n' + eventStrings(event).join('\n');
  // Fragments that the carrier line holds by itself (prefixes like sk-proj-)
  // are not the secret's.
  const carrier = line.replace('{secret}', '');
  return fragments(secret).some(f => !carrier.includes(f) && text.includes(f));
}
function eventStrings(value, out = []) {
  if (typeof value === 'string') {
    out.push(value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      eventStrings(v, out);
    }
  }
  return out;
}

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
}
// DataFrame reprs: a column named like a secret, in HTML and in text.
const DATAFRAME_COLUMNS = [
  'password',
  'api_token',
  'secret',
  'passwd',
  'access_token',
  'client_secret'
];
for (const column of DATAFRAME_COLUMNS) {
  const rows = Array.from({ length: 5 }, (_, i) => ({
    user: ['ana', 'bob', 'chen', 'dara', 'eli'][i],
    plan: ['pro', 'free', 'team', 'pro', 'free'][i],
    value: column.includes('pass') ? chunk('p', 8 + i) : chunk('A', 20 + i)
  }));
  secrets += rows.length;
  const header = ['', 'user', 'plan', column];
  const cells = rows.map((r, i) => [String(i), r.user, r.plan, r.value]);
  const widths = header.map((h, c) =>
    Math.max(h.length, ...cells.map(row => row[c].length))
  );
  const textRepr = [header, ...cells]
    .map(row =>
      row
        .map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c])))
        .join('  ')
    )
    .join('\n');
  const html =
    '<div>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n' +
    header
      .slice(1)
      .map(h => `      <th>${h}</th>\n`)
      .join('') +
    '    </tr>\n  </thead>\n  <tbody>\n' +
    cells
      .map(
        row =>
          `    <tr>\n      <th>${row[0]}</th>\n` +
          row
            .slice(1)
            .map(v => `      <td>${esc(v)}</td>\n`)
            .join('') +
          '    </tr>\n'
      )
      .join('') +
    '  </tbody>\n</table>\n<p>5 rows × 3 columns</p>\n</div>';
  for (const [place, event] of [
    [
      'DataFrame text',
      completed({
        outputs: [
          {
            output_type: 'execute_result',
            execution_count: 1,
            data: { 'text/plain': textRepr },
            metadata: {}
          }
        ]
      })
    ],
    [
      'DataFrame HTML',
      completed({ outputs: [display({ 'text/html': html })] })
    ],
    [
      'DataFrame print',
      completed({
        outputs: [
          { output_type: 'stream', name: 'stdout', text: textRepr + '\n' }
        ]
      })
    ]
  ]) {
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

#!/usr/bin/env node
/**
 * The recorder's added main-thread time per execution, in a real JupyterLab
 * in Chromium, with a real kernel and the embedded Trail server.
 *
 * Starts `jupyter lab` on a free port with a throw-away notebook folder and
 * Trail data folder, runs a notebook of N cells (prints, HTML, images,
 * errors) with Run All, several rounds, then reads the recorder's own
 * per-execution timing through the `trail:recorder-cost` command.
 *
 *   node bench/recorder-mainthread.mjs [cells=200] [rounds=3] [profiled rounds=3] [traced rounds=3]
 * Goal (issue #2): p99 <= 1 ms.
 *
 * That timing covers the recorder's synchronous work in its message
 * handler (building the record, redaction, handing it to the delivery
 * queue). The queue's asynchronous part (IndexedDB writes, sends), the
 * status bar and the panel run later, outside it; so the bench then
 * profiles more Run All rounds (Chrome DevTools Protocol, V8 sampling
 * profiler) and sums the samples with any frame of Trail's bundle on the
 * stack: all the JavaScript Trail runs on the main thread, per execution.
 * (Comparing whole main-thread time with recording on and off could not
 * tell: JupyterLab's own work for a Run All varies by more between two
 * rounds than Trail's total.)
 *
 * The handler timing is wall-clock: on this 2-core machine the kernel,
 * Jupyter's server, Trail's server and the browser's other processes take
 * the renderer's core now and then, and a pause that lands inside a handler
 * counts as the recorder's. So the bench also runs traced rounds (browser
 * trace, the recorder marking each handler call): each mark carries the
 * main thread's CPU clock, and the bench prints per-execution CPU time
 * beside the wall time of the same calls.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'ui-tests', 'package.json'));
const { chromium } = require('playwright');

const cells = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const port = 8950 + Math.floor(Math.random() * 40);
const work = mkdtempSync(join(tmpdir(), 'trail-bench-'));
const token = 'bench';

const sources = [];
for (let i = 0; i < cells; i++) {
  const kind = i % 5;
  sources.push(
    kind === 0
      ? `print("cell ${i}", ${i} * 2)`
      : kind === 1
        ? `from IPython.display import HTML\nHTML("<b>cell ${i}</b>" * 20)`
        : kind === 2
          ? `import base64\nfrom IPython.display import Image\nImage(data=base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP8z4AATEhsPBwAM9EBBzDn4UwAAAAASUVORK5CYII="))`
          : kind === 3
            ? `for j in range(20):\n    print("line", j)`
            : `x_${i} = sum(range(1000))\nx_${i}`
  );
}
const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: {
      name: 'python3',
      display_name: 'Python 3',
      language: 'python'
    }
  },
  cells: sources.map((source, i) => ({
    cell_type: 'code',
    id: `cell-${i}`,
    metadata: {},
    execution_count: null,
    outputs: [],
    source
  }))
};
writeFileSync(join(work, 'bench.ipynb'), JSON.stringify(notebook));

const lab = spawn(
  join(root, '.venv', 'bin', 'jupyter'),
  [
    'lab',
    '--no-browser',
    '--allow-root',
    `--port=${port}`,
    `--ServerApp.root_dir=${work}`,
    `--IdentityProvider.token=${token}`,
    '--LabApp.extension_manager=readonly',
    '--ServerApp.port_retries=0',
    '--LabApp.expose_app_in_browser=True',
    // Cross-origin isolation: performance.now() then has microsecond
    // resolution instead of 100 us with jitter, which summed over an
    // execution's messages blurred each figure by a few tenths of a ms.
    '--ServerApp.tornado_settings=' +
      JSON.stringify({
        headers: {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp'
        }
      })
  ],
  {
    env: {
      ...process.env,
      TRAIL_DATA_DIR: join(work, 'trail-data'),
      // Its own settings: the on/off rounds toggle recording, a setting.
      JUPYTERLAB_SETTINGS_DIR: join(work, 'settings'),
      JUPYTERLAB_WORKSPACES_DIR: join(work, 'workspaces')
    },
    stdio: 'ignore'
  }
);
const stop = () => lab.kill('SIGTERM');
process.on('exit', stop);

async function waitForLab() {
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(
        `http://127.0.0.1:${port}/api/status?token=${token}`
      );
      if (r.ok) return;
    } catch {}
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('JupyterLab did not start');
}

await waitForLab();
const browser = await chromium.launch({
  executablePath: process.env.TRAIL_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync'
  ]
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
page.on('crash', () => console.error('page crashed'));
page.on('pageerror', e => console.error('page error:', e.message));
await page.goto(`http://127.0.0.1:${port}/lab/tree/bench.ipynb?token=${token}`);
const isolated = await page.evaluate(() => window.crossOriginIsolated);
console.log(
  `page cross-origin isolated: ${isolated} (timer resolution ${isolated ? '~5 us' : '100 us'})`
);
await page.waitForSelector('.jp-NotebookPanel .jp-Notebook', {
  timeout: 120000
});
await page.waitForFunction(
  () =>
    document.querySelector(
      '.jp-NotebookPanel-toolbar .jp-Toolbar-kernelStatus, .jp-Notebook-ExecutionIndicator[data-status="idle"]'
    ) !== null,
  null,
  { timeout: 120000 }
);
// JupyterLab may ask which kernel to start: accept the notebook's own.
await page
  .locator('.jp-Dialog .jp-mod-accept')
  .click({ timeout: 15000 })
  .catch(() => undefined);
const exec = async (command, args = {}) => {
  const result = await page.evaluate(
    async ([c, a]) => {
      try {
        const value = await window.jupyterapp.commands.execute(c, a);
        // Only plain data crosses back (a command may return a widget).
        return {
          ok: true,
          value: c.startsWith('trail:') ? value : typeof value
        };
      } catch (e) {
        return { ok: false, value: String(e) };
      }
    },
    [command, args]
  );
  return result.value;
};

/**
 * Run All, not awaited (it resolves late); resolves with the recorder's
 * cost summary (samples included) once every cell's execution is recorded.
 */
async function runAllRecorded() {
  const t0 = Date.now();
  await page.evaluate(
    () => void window.jupyterapp.commands.execute('notebook:run-all-cells')
  );
  for (;;) {
    const summary = await exec('trail:recorder-cost', { samples: true });
    if (summary.count >= cells) return { summary, ms: Date.now() - t0 };
    if (Date.now() - t0 > 120000) {
      await page.screenshot({ path: '/tmp/bench-fail.png' });
      throw new Error(`only ${summary.count} executions recorded`);
    }
    if (process.env.TRAIL_BENCH_DEBUG)
      console.error('recorded so far', summary.count);
    await new Promise(r => setTimeout(r, 250));
  }
}

// A warm-up round (JIT, kernel imports), then the measured rounds.
const all = [];
for (let round = 0; round <= rounds; round++) {
  await exec('trail:recorder-cost', { reset: true });
  const { summary, ms } = await runAllRecorded();
  if (round > 0) all.push(summary);
  const label = round === 0 ? 'warm-up' : `round ${round}`;
  console.log(
    `${label.padEnd(8)} executions=${summary.count} p50=${summary.p50.toFixed(3)} ms p90=${summary.p90.toFixed(3)} ms p99=${summary.p99.toFixed(3)} ms max=${summary.max.toFixed(3)} ms (run-all took ${(ms / 1000).toFixed(1)} s)`
  );
}
const worst = Math.max(...all.map(s => s.p99));
const pooled = all.flatMap(s => s.samples).sort((a, b) => a - b);
const pooledP99 =
  pooled[Math.min(pooled.length - 1, Math.ceil(0.99 * pooled.length) - 1)];
console.log(
  `\nrecorder handler wall time per execution: p99 over all ${pooled.length} measured executions = ${pooledP99.toFixed(3)} ms, ` +
    `p99 of the worst round = ${worst.toFixed(3)} ms (wall clock: includes moments the OS ran another process; ` +
    `the traced rounds below give the main thread's CPU time, which the goal of p99 <= 1 ms is read on)`
);

/** Run All with counts cleared; resolves once every cell has run. */
async function runAllAndWait() {
  await exec('notebook:clear-all-cell-outputs');
  await page.evaluate(
    () => void window.jupyterapp.commands.execute('notebook:run-all-cells')
  );
  // A cheap check, rarely: cells run in order.
  await page.waitForFunction(
    () => {
      const panel = window.jupyterapp.shell.currentWidget;
      const cells = panel?.content?.widgets;
      return (
        cells?.[cells.length - 1]?.model.executionCount != null &&
        panel.sessionContext.session?.kernel?.status === 'idle'
      );
    },
    null,
    { timeout: 180000, polling: 1000 }
  );
  // Let the recorder's asynchronous work (queue writes, sends) finish.
  await new Promise(r => setTimeout(r, 2000));
}

/** Milliseconds of samples with a frame of Trail's bundle on the stack. */
function trailMs(profile) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const ours = new Map();
  const isOurs = id => {
    if (!ours.has(id)) {
      const url = byId.get(id).callFrame.url;
      const up = parent.get(id);
      ours.set(
        id,
        url.includes('/extensions/jupyterlab-trail/') ||
          (up !== undefined && isOurs(up))
      );
    }
    return ours.get(id);
  };
  let us = 0;
  profile.samples.forEach((id, i) => {
    if (isOurs(id)) {
      us += profile.timeDeltas[i + 1] ?? 0;
    }
  });
  return us / 1000;
}

// Thread time: the same Run All rounds under a browser trace, with the
// recorder marking each handler call (console.timeStamp). Each mark carries
// the main thread's CPU clock beside the wall clock, so an execution's
// handler time splits into the recorder's own work and the moments the
// operating system ran another process (the kernel, Jupyter's and Trail's
// servers, the browser's other processes: 2 cores here) while a handler
// was on the stack. The wall figure above counts both.
const tracedRounds = Number(process.argv[5] ?? 3);
if (tracedRounds < 1) {
  console.log(
    `wall-clock p99 against the goal (no traced rounds): ${pooledP99 <= 1 ? 'MET' : 'NOT MET'}`
  );
}
if (tracedRounds > 0) {
  const thread = [];
  const wall = [];
  const inPage = [];
  for (let round = 1; round <= tracedRounds; round++) {
    await exec('trail:recorder-cost', { reset: true, trace: true });
    const path = join(work, `trace-${round}.json`);
    await browser.startTracing(page, {
      path,
      categories: ['devtools.timeline']
    });
    const { summary } = await runAllRecorded();
    await browser.stopTracing();
    await exec('trail:recorder-cost', { trace: false });
    const marks = traceMarks(path);
    inPage.push(...summary.samples);
    thread.push(...marks.thread);
    wall.push(...marks.wall);
    console.log(
      `traced round ${round}  executions=${marks.thread.length} (in page ${summary.count})  ` +
        `thread p50=${pct(marks.thread, 0.5)} p90=${pct(marks.thread, 0.9)} p99=${pct(marks.thread, 0.99)} max=${pct(marks.thread, 1)} ms  ` +
        `wall p99=${pct(marks.wall, 0.99)} ms (in page ${summary.p99.toFixed(3)})  ` +
        `descheduled ${marks.descheduledShare}% of handler wall time`
    );
  }
  console.log(
    `\nrecorder main-thread CPU time per execution (traced, ${thread.length} executions): ` +
      `p50 ${pct(thread, 0.5)} ms, p90 ${pct(thread, 0.9)} ms, p99 ${pct(thread, 0.99)} ms  goal <= 1 ms  ` +
      `${Number(pct(thread, 0.99)) <= 1 ? 'MET' : 'NOT MET'}; wall p99 of the same executions ${pct(wall, 0.99)} ms ` +
      `(in page ${pct(inPage, 0.99)} ms)`
  );
}

/** The q-quantile of a list of numbers, as text with 3 decimals. */
function pct(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 'n/a';
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  ].toFixed(3);
}

/**
 * Per-execution handler time from a trace's `trail<` / `trail>` marks:
 * thread (CPU) and wall milliseconds, summed over each execution's calls.
 */
function traceMarks(path) {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  const events = (Array.isArray(data) ? data : data.traceEvents)
    .filter(
      e => e.name === 'TimeStamp' && e.args?.data?.message?.startsWith('trail')
    )
    .sort((a, b) => a.ts - b.ts);
  const open = new Map();
  const thread = [];
  const wall = [];
  let start = null;
  let wallSum = 0;
  let threadSum = 0;
  for (const e of events) {
    const message = e.args.data.message;
    if (message === 'trail<') {
      start = e;
      continue;
    }
    if (!start || start.tid !== e.tid || e.tts === undefined) {
      start = null;
      continue;
    }
    const cpu = (e.tts - start.tts) / 1000;
    const elapsed = (e.ts - start.ts) / 1000;
    start = null;
    wallSum += elapsed;
    threadSum += cpu;
    const done = message.endsWith('!');
    const id = message.slice(6, done ? -1 : undefined);
    if (!id) continue;
    const sums = open.get(id) ?? { cpu: 0, elapsed: 0 };
    sums.cpu += cpu;
    sums.elapsed += elapsed;
    open.set(id, sums);
    if (done) {
      thread.push(sums.cpu);
      wall.push(sums.elapsed);
      open.delete(id);
    }
  }
  return {
    thread,
    wall,
    descheduledShare:
      wallSum > 0 ? Math.round((100 * (wallSum - threadSum)) / wallSum) : 0
  };
}

const profiled = Number(process.argv[4] ?? 3);
const perExecution = [];
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
for (let i = 0; i < profiled; i++) {
  await cdp.send('Profiler.start');
  await runAllAndWait();
  const { profile } = await cdp.send('Profiler.stop');
  perExecution.push(trailMs(profile) / cells);
}
console.log(
  `\nall of Trail's JavaScript on the main thread (sampling profiler, ${profiled} Run All rounds), ` +
    `async work included: ${perExecution.map(v => v.toFixed(3)).join(' / ')} ms per execution (mean per round)`
);
await browser.close();
stop();
process.exit(0);

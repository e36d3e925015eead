#!/usr/bin/env node
/**
 * Measures the recorder's main-thread work per execution by replaying the
 * real kernel captures in tests/fixtures/kernel through it (Node figure; the
 * in-browser figure is measured separately with galata).
 *
 * The recorder sources are bundled with esbuild to a temp file first.
 * Usage: node bench/recorder-replay.mjs [iterations]
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Signal } = require('@lumino/signaling');

const iterations = Number(process.argv[2] ?? 2000);
const outDir = mkdtempSync(join(tmpdir(), 'trail-bench-'));
const bundle = join(outDir, 'recorder.cjs');
await build({
  entryPoints: [join(root, 'src', 'recorder', 'index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'error'
});
const { TrailRecorder } = require(bundle);

/** The recorder's seam: the signals of a kernel connection. */
function fakeKernel(fixture) {
  const kernel = {
    id: fixture.kernel.id,
    name: fixture.kernel.name,
    info: Promise.resolve(fixture.kernel.info),
    isDisposed: false
  };
  kernel.anyMessage = new Signal(kernel);
  kernel.statusChanged = new Signal(kernel);
  kernel.connectionStatusChanged = new Signal(kernel);
  kernel.disposed = new Signal(kernel);
  return kernel;
}

function replay(kernel, events) {
  for (const event of events) {
    if (event.type === 'message') {
      kernel.anyMessage.emit({ msg: event.msg, direction: event.direction });
    } else if (event.type === 'status') {
      kernel.statusChanged.emit(event.status);
    } else {
      kernel.connectionStatusChanged.emit(event.status);
    }
  }
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(name, fixture) {
  const perExecution = [];
  let executions = 0;
  for (let i = 0; i < iterations + 200; i++) {
    const kernel = fakeKernel(fixture);
    const recorder = new TrailRecorder({
      client: { name: 'bench', version: '0' }
    });
    let count = 0;
    recorder.eventRecorded.connect((_, event) => {
      if (event.kind === 'execution.completed') {
        count++;
      }
    });
    recorder.observe(kernel, { notebookPath: () => 'bench.ipynb' });
    await kernel.info;
    await Promise.resolve();
    const start = process.hrtime.bigint();
    replay(kernel, fixture.events);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    recorder.dispose();
    if (i >= 200 && count > 0) {
      perExecution.push(elapsed / count);
      executions = count;
    }
  }
  perExecution.sort((a, b) => a - b);
  const messages = fixture.events.filter(e => e.type === 'message').length;
  console.log(
    `${name.padEnd(22)} ${String(executions).padStart(3)} exec ${String(messages).padStart(4)} msgs` +
      `  per execution: p50 ${percentile(perExecution, 50).toFixed(3)} ms` +
      `  p99 ${percentile(perExecution, 99).toFixed(3)} ms` +
      `  max ${perExecution[perExecution.length - 1].toFixed(3)} ms`
  );
}

const fixtureDir = join(root, 'tests', 'fixtures', 'kernel');
const fixtures = readdirSync(fixtureDir)
  .filter(f => f.endsWith('.json'))
  .sort()
  .map(f => [
    f.replace(/\.json$/, ''),
    JSON.parse(readFileSync(join(fixtureDir, f), 'utf8'))
  ]);

// A 5 MB image in the image capture: copying must not grow with its size.
const image = fixtures.find(([name]) => name === 'image')[1];
const big = structuredClone(image);
for (const event of big.events) {
  if (
    event.type === 'message' &&
    event.msg.header.msg_type === 'display_data'
  ) {
    event.msg.content.data['image/png'] = 'A'.repeat(5 * 1024 * 1024);
  }
}
fixtures.push(['image-5MB (synthetic)', big]);

console.log(
  `Node ${process.version}, ${iterations} iterations per capture (after 200 warm-up)`
);
try {
  for (const [name, fixture] of fixtures) {
    await measure(name, fixture);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

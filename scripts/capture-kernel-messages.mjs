#!/usr/bin/env node
/**
 * Captures real kernel message sequences for the recorder's replay tests.
 *
 * Starts a throw-away `jupyter server` (from the project venv), connects to a
 * fresh ipykernel per scenario with @jupyterlab/services' KernelConnection,
 * runs the scenario's requests the way JupyterLab's notebook does (cellId and
 * the cell metadata spread into the execute_request metadata,
 * stop_on_error unless tagged `raises-exception`) and saves everything the
 * recorder can see, in order: `kernel.anyMessage` (both directions, as
 * delivered), `statusChanged` and `connectionStatusChanged`.
 *
 * Usage: node scripts/capture-kernel-messages.mjs [scenario...]
 * Writes tests/fixtures/kernel/<scenario>.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  KernelAPI,
  KernelConnection,
  ServerConnection
} = require('@jupyterlab/services');
const WebSocket = require('ws');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'tests', 'fixtures', 'kernel');
const jupyter = join(root, '.venv', 'bin', 'jupyter');

/** A 4x4 red PNG, so the image fixture stays tiny without matplotlib. */
const PNG_CODE = `import base64
from IPython.display import Image, display
png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==')
display(Image(data=png))`;

/**
 * Each step is one of: { cell } (execute like a notebook cell; `wait: false`
 * sends without waiting for the reply), { request } (execute with explicit
 * content/metadata), { sleep }, { interrupt }, { restart }, { settle }
 * (wait for the kernel to be idle with nothing outstanding).
 */
const scenarios = {
  'simple-print': {
    description: 'One cell printing one line.',
    steps: [{ cell: 'print("hello trail")', cellId: 'cell-simple' }]
  },
  'several-outputs': {
    description:
      'stdout and stderr interleaved, a display_data and an execute_result in one cell.',
    steps: [
      {
        cellId: 'cell-several',
        cell: [
          'import sys',
          'print("out 1", flush=True)',
          'print("err 1", file=sys.stderr, flush=True)',
          'print("out 2", flush=True)',
          'print("out 3", flush=True)',
          'display({"application/json": {"a": [1, 2]}, "text/plain": "{a}"}, raw=True)',
          'display("shown")',
          '6 * 7'
        ].join('\n')
      }
    ]
  },
  error: {
    description: 'A ZeroDivisionError after some output.',
    steps: [
      { cellId: 'cell-error', cell: 'print("before")\n1 / 0', tags: ['demo'] }
    ]
  },
  interrupt: {
    description:
      'A long sleep interrupted through the kernel interrupt endpoint, with one cell queued behind it.',
    steps: [
      {
        cellId: 'cell-sleep',
        cell: 'import time\nprint("sleeping", flush=True)\ntime.sleep(20)',
        wait: false
      },
      { cellId: 'cell-queued', cell: 'print("queued")', wait: false },
      { sleep: 1200 },
      { interrupt: true },
      { settle: true }
    ]
  },
  'aborted-after-error': {
    description:
      'Three cells queued at once: ok, error, then one that the kernel aborts (stop_on_error).',
    steps: [
      { cellId: 'cell-ok', cell: 'x = 1\nx', wait: false },
      { cellId: 'cell-raise', cell: 'raise ValueError("boom")', wait: false },
      { cellId: 'cell-skipped', cell: 'print("never")', wait: false },
      { settle: true },
      { cellId: 'cell-after', cell: 'print("runs again")' }
    ]
  },
  'clear-output': {
    description:
      'clear_output without wait, with wait followed by output, and with wait at the end.',
    steps: [
      {
        cellId: 'cell-clear',
        cell: 'from IPython.display import clear_output\nprint("a", flush=True)\nclear_output()\nprint("b", flush=True)'
      },
      {
        cellId: 'cell-clear-wait',
        cell: 'from IPython.display import clear_output, display\nprint("x", flush=True)\nclear_output(wait=True)\ndisplay("y")\nprint("z", flush=True)'
      },
      {
        cellId: 'cell-clear-wait-last',
        cell: 'from IPython.display import clear_output\nprint("p", flush=True)\nclear_output(wait=True)'
      }
    ]
  },
  'update-display': {
    description:
      'display(display_id=True) then handle.update in the same cell; a display shown twice under one id; an update from a later cell.',
    steps: [
      {
        cellId: 'cell-display',
        cell: 'from IPython.display import display\nh = display("first", display_id=True)\nprint("between", flush=True)\nh.update("second")'
      },
      {
        cellId: 'cell-display-twice',
        cell: 'from IPython.display import display, update_display\ndisplay("a", display_id="twice")\ndisplay("a", display_id="twice")\nupdate_display("b", display_id="twice")'
      },
      { cellId: 'cell-update-later', cell: 'h.update("third")' }
    ]
  },
  image: {
    description: 'A small PNG shown with IPython.display.Image.',
    steps: [{ cellId: 'cell-image', cell: PNG_CODE }]
  },
  html: {
    description: 'HTML output through IPython.display.HTML.',
    steps: [
      {
        cellId: 'cell-html',
        cell: 'from IPython.display import HTML, display\ndisplay(HTML("<b>bold</b> move"))'
      }
    ]
  },
  'big-stream': {
    description: 'One stream written in many small chunks.',
    steps: [
      {
        cellId: 'cell-big-stream',
        cell: 'import sys, time\nfor i in range(80):\n    print(f"line {i:03d}", flush=True)\n    time.sleep(0.002)'
      }
    ]
  },
  'mixed-requests': {
    description:
      'A silent request, a cell tagged trail-skip, a console-like request without cellId, and a normal cell.',
    steps: [
      {
        request: {
          content: {
            code: 'silent_value = 1',
            silent: true,
            store_history: false
          },
          metadata: {}
        }
      },
      { cellId: 'cell-tagged', cell: 'print("tagged")', tags: ['trail-skip'] },
      {
        request: {
          content: { code: 'print("from console")', stop_on_error: true },
          metadata: {}
        }
      },
      { cellId: 'cell-normal', cell: 'print("normal")', tags: ['keep'] }
    ]
  },
  restart: {
    description:
      'A cell, a restart while a second cell is still sleeping, then a cell on the fresh kernel.',
    steps: [
      { cellId: 'cell-before-restart', cell: 'a = 1\nprint("before restart")' },
      {
        cellId: 'cell-during-restart',
        cell: 'import time\nprint("sleeping", flush=True)\ntime.sleep(20)',
        wait: false
      },
      { sleep: 800 },
      { restart: true },
      { settle: true },
      { cellId: 'cell-after-restart', cell: 'print("after restart")' }
    ]
  },
  'help-page': {
    description:
      'Help shown through the pager: `obj?`, `obj??` and %quickref answer with a `page` payload in the execute_reply and no iopub output (%magic too: 100 kB, left out).',
    steps: [
      { cellId: 'cell-help', cell: 'len?' },
      { cellId: 'cell-source', cell: 'len??' },
      { cellId: 'cell-quickref', cell: '%quickref' },
      { cellId: 'cell-help-after-print', cell: 'print("before help")\nlen?' }
    ]
  }
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function startServer() {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const rootDir = mkdtempSync(join(tmpdir(), 'trail-capture-'));
  const proc = spawn(
    jupyter,
    [
      'server',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      '--ServerApp.ip=127.0.0.1',
      `--IdentityProvider.token=${token}`,
      '--ServerApp.allow_root=True',
      '--ServerApp.open_browser=False',
      `--ServerApp.root_dir=${rootDir}`
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } }
  );
  let log = '';
  proc.stderr.on('data', d => (log += d));
  const baseUrl = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${baseUrl}api/status`, {
        headers: { Authorization: `token ${token}` }
      });
      if (res.ok) {
        return { proc, baseUrl, token, rootDir };
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  proc.kill();
  throw new Error(`jupyter server did not start:\n${log}`);
}

/** Copies a message the way it was delivered, without binary buffers. */
function wireCopy(msg) {
  const { header, parent_header, metadata, content, channel } = msg;
  return JSON.parse(
    JSON.stringify({ header, parent_header, metadata, content, channel })
  );
}

async function runScenario(name, scenario, settings) {
  const model = await KernelAPI.startNew({ name: 'python3' }, settings);
  const kernel = new KernelConnection({ model, serverSettings: settings });
  const t0 = Date.now();
  const events = [];
  const stamp = () => Date.now() - t0;
  kernel.anyMessage.connect((_, args) => {
    events.push({
      t: stamp(),
      type: 'message',
      direction: args.direction,
      msg: wireCopy(args.msg)
    });
  });
  kernel.statusChanged.connect((_, status) => {
    events.push({ t: stamp(), type: 'status', status });
  });
  kernel.connectionStatusChanged.connect((_, status) => {
    events.push({ t: stamp(), type: 'connectionStatus', status });
  });
  const info = await kernel.info;
  const outstanding = [];
  for (const step of scenario.steps) {
    if ('cell' in step) {
      const tags = step.tags ?? [];
      const metadata = {
        ...(tags.length ? { tags } : {}),
        trusted: true,
        deletedCells: [],
        recordTiming: false,
        cellId: step.cellId
      };
      const future = kernel.requestExecute(
        {
          code: step.cell,
          stop_on_error: !tags.includes('raises-exception')
        },
        false,
        metadata
      );
      const done = future.done.catch(() => undefined);
      if (step.wait === false) {
        outstanding.push(done);
      } else {
        await done;
      }
    } else if ('request' in step) {
      await kernel
        .requestExecute(step.request.content, false, step.request.metadata)
        .done.catch(() => undefined);
    } else if ('sleep' in step) {
      await sleep(step.sleep);
    } else if ('interrupt' in step) {
      await kernel.interrupt();
    } else if ('restart' in step) {
      await kernel.restart();
      await kernel.info;
    } else if ('settle' in step) {
      await Promise.race([Promise.all(outstanding), sleep(5000)]);
      outstanding.length = 0;
      await sleep(300);
    }
  }
  await Promise.race([Promise.all(outstanding), sleep(5000)]);
  // Let trailing iopub messages (idle status) arrive.
  await sleep(300);
  const fixture = {
    scenario: name,
    description: scenario.description,
    kernel: { id: model.id, name: model.name, info },
    events
  };
  kernel.dispose();
  await KernelAPI.shutdownKernel(model.id, settings).catch(() => undefined);
  return fixture;
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(scenarios);
  const server = await startServer();
  const settings = ServerConnection.makeSettings({
    baseUrl: server.baseUrl,
    token: server.token,
    WebSocket,
    fetch,
    Request,
    Headers
  });
  mkdirSync(outDir, { recursive: true });
  try {
    for (const name of names) {
      const scenario = scenarios[name];
      if (!scenario) {
        throw new Error(`unknown scenario ${name}`);
      }
      const fixture = await runScenario(name, scenario, settings);
      // One event per line: small, and diffs stay readable.
      const body =
        '{\n' +
        `  "scenario": ${JSON.stringify(fixture.scenario)},\n` +
        `  "description": ${JSON.stringify(fixture.description)},\n` +
        `  "kernel": ${JSON.stringify(fixture.kernel)},\n` +
        '  "events": [\n' +
        fixture.events.map(e => '    ' + JSON.stringify(e)).join(',\n') +
        '\n  ]\n}\n';
      writeFileSync(join(outDir, `${name}.json`), body);
      console.log(`${name}: ${fixture.events.length} events`);
    }
  } finally {
    server.proc.kill('SIGTERM');
    await new Promise(resolve => server.proc.once('exit', resolve));
    rmSync(server.rootDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err);
    process.exit(1);
  }
);

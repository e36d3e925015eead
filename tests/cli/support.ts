/**
 * What the `trail replay` tests stand on: the bundled command, run as a
 * child process; a session recorded through the one recorder in a real
 * kernel (a private jupyter server, as the command starts its own) and
 * delivered to a real Trail server; and a copy of it with a tampered
 * environment.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import { TrailRecorder } from '../../src/recorder';
import type { TrailEvent } from '../../src/records/schema';
import { startJupyterServer } from '../../src/cli/jupyter';
import { EventUploader } from '../../src/cli/upload';
import { ROOT } from '../server/support/process';

/** The project's Python (its `jupyter server` runs the kernels). */
export const PYTHON = join(ROOT, '.venv', 'bin', 'python');

/** Bundles the command into `outfile` as the package build does. */
export function bundleCli(outfile: string): void {
  // The recorder embeds the kernel helper's joined source.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-helper.mjs')], {
    cwd: ROOT,
    stdio: 'pipe'
  });
  execFileSync(
    process.execPath,
    [join(ROOT, 'scripts', 'bundle-cli.mjs'), '--outfile', outfile],
    { cwd: ROOT, stdio: 'pipe' }
  );
}

/** What a run of the command did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the caller's Trail configuration. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TRAIL_') && !key.startsWith('JEST_')) {
      env[key] = value;
    }
  }
  return { ...env, TRAIL_PYTHON: PYTHON, ...extra };
}

/** Runs `node <bundle> ...args` in `cwd` and waits for it to exit. */
export function runCli(
  bundle: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    child.once('error', reject);
    child.once('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A cell a recording runs: `fails` when it is meant to raise (its reply
 * must then be an error, every other reply ok).
 */
export interface RecordedCell {
  id: string;
  code: string;
  fails?: boolean;
}

/** The cells of the recorded session, in the order they ran. */
export const CELLS: RecordedCell[] = [
  { id: 'cell-import', code: 'import pandas as pd' },
  {
    id: 'cell-read',
    code: 'df = pd.read_csv("data.csv")\nprint(df.shape)\nprint(list(df.columns))'
  },
  {
    id: 'cell-total',
    code: 'total = int(df["y"].sum())\nprint("total", total)'
  },
  { id: 'cell-table', code: 'df["z"] = df["x"] * 2\ndf' },
  {
    id: 'cell-guard',
    code:
      'import os, pathlib, time\n' +
      'if pathlib.Path("die.flag").exists():\n' +
      '    print("dying", flush=True)\n' +
      '    time.sleep(0.5)\n' +
      '    os._exit(1)\n' +
      'print("alive", object())'
  }
];

/** The CSV the recording reads (written before it, so it is an input). */
export const CSV = 'x,y\n1,10\n2,20\n3,30\n';

/**
 * Records `cells` (default CELLS) in a real kernel started in `cwd`, as a
 * notebook would run them, and delivers the events to the server, once
 * the `input` file (default data.csv) and every path of `hashed` are
 * recorded with their hash. Resolves with the session id and every event
 * recorded (redacted, as sent).
 */
export async function recordSession(
  client: TrailClient,
  cwd: string,
  options: { cells?: RecordedCell[]; input?: string; hashed?: string[] } = {}
): Promise<{ sessionId: string; events: TrailEvent[] }> {
  const cells = options.cells ?? CELLS;
  const input = options.input ?? 'data.csv';
  const jupyter = await startJupyterServer(cwd, cleanEnv({}));
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' },
    injectHelper: true
  });
  const uploader = new EventUploader(client);
  const events: TrailEvent[] = [];
  recorder.eventRecorded.connect((_, event) => {
    events.push(event);
    uploader.add(event);
  });
  try {
    const kernel = await jupyter.startKernel('python3');
    recorder.observe(kernel, { notebookPath: () => 'analysis.ipynb' });
    await kernel.info;
    await until(
      () => recorder.helperOf(kernel)?.state !== 'pending',
      'the helper'
    );
    for (const cell of cells) {
      const future = kernel.requestExecute(
        { code: cell.code, stop_on_error: true },
        false,
        { cellId: cell.id }
      );
      const reply = await future.done;
      expect(reply.content.status).toBe(cell.fails ? 'error' : 'ok');
    }
    const completed = () =>
      events.filter(event => event.kind === 'execution.completed').length;
    await until(() => completed() === cells.length, 'the executions');
    await until(
      () => events.some(event => event.kind === 'environment.captured'),
      'the environment'
    );
    for (const path of [input, ...(options.hashed ?? [])]) {
      await until(
        () =>
          JSON.stringify(events).includes(`"path":${JSON.stringify(path)}`) &&
          events.some(
            event =>
              (event.kind === 'execution.completed' &&
                hashed(event.execution.capture, path)) ||
              (event.kind === 'execution.annotated' &&
                hashed(event.capture, path))
          ),
        `the hash of ${path}`
      );
    }
  } finally {
    recorder.dispose();
    const delivery = await uploader.finish();
    await jupyter.stop();
    expect(delivery).toMatchObject({ delivered: true });
  }
  const started = events.find(event => event.kind === 'session.started');
  if (started?.kind !== 'session.started') {
    throw new Error('no session was recorded');
  }
  return { sessionId: started.session.id, events };
}

function hashed(capture: unknown, path: string): boolean {
  const files = (capture as { files?: { path: string; sha256?: string }[] })
    ?.files;
  return !!files?.some(file => file.path === path && !!file.sha256);
}

/**
 * The same session under new ids, its environment changed by `tamper`:
 * a recording made with other packages.
 */
export async function ingestCopy(
  client: TrailClient,
  events: TrailEvent[],
  tamper: (packages: { name: string; version: string }[]) => void
): Promise<string> {
  const ids = new Map<string, string>();
  const text = JSON.stringify(events).replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    id => {
      if (!ids.has(id)) {
        ids.set(id, randomUUID());
      }
      return ids.get(id)!;
    }
  );
  const copy = JSON.parse(text) as TrailEvent[];
  let sessionId = '';
  for (const event of copy) {
    if (event.kind === 'session.started') {
      sessionId = event.session.id;
    } else if (event.kind === 'environment.captured') {
      tamper(event.environment.packages);
      event.environment.packages.sort((a, b) => a.name.localeCompare(b.name));
    }
  }
  const result = await client.ingest({ events: copy });
  expect(result.accepted).toHaveLength(copy.length);
  return sessionId;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

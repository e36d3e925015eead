/**
 * The real parts the replay benchmark runs against: the recorder and the
 * client bundled from src/ (esbuild, as bench/recorder-replay.mjs does), a
 * Trail server process (server/dist), and a `jupyter server` from the
 * project's venv with kernels reached through @jupyterlab/services.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The recorder (TrailRecorder, with the kernel helper's source built in)
 * and the client (TrailClient), bundled for Node into `outDir`.
 */
export async function bundleRecorder(root, outDir) {
  const entry = join(outDir, 'entry.ts');
  writeFileSync(
    entry,
    `export { TrailRecorder } from ${JSON.stringify(join(root, 'src', 'recorder'))};\n` +
      `export { TrailClient } from ${JSON.stringify(join(root, 'src', 'client'))};\n`
  );
  const outfile = join(outDir, 'recorder.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
    // The packages resolve from the repository, not from the temp folder.
    nodePaths: [join(root, 'node_modules')]
  });
  return require(outfile);
}

/** A child process's end: SIGTERM, then SIGKILL after `ms`. */
export async function stopChild(child, ms = 10000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/**
 * A Trail server on a free loopback port with its own data folder and
 * token: `{ url, token, dataDir, child, stop }`.
 */
export async function startTrailServer(root) {
  const cli = join(root, 'server', 'dist', 'server', 'index.js');
  if (!existsSync(cli)) {
    throw new Error(
      'server/dist is missing: run `npx tsc -p server/tsconfig.json` first'
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'trail-replay-bench-data-'));
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const child = spawn(
    process.execPath,
    [
      cli,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      dataDir,
      '--token',
      token
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let log = '';
  child.stderr.on('data', chunk => (log = (log + chunk).slice(-20000)));
  const url = await new Promise((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`the Trail server exited with ${code}:\n${log}`))
    );
    createInterface({ input: child.stdout }).once('line', line =>
      resolve(JSON.parse(line).url)
    );
  });
  child.removeAllListeners('exit');
  return { url, token, dataDir, child, stop: () => stopChild(child) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A `jupyter server` rooted at `rootDir` (kernels run there, so the
 * notebooks' `data/...` paths resolve in it), and a way to start kernels
 * on it: `{ baseUrl, settings, startKernel(name), stop }`.
 */
export async function startJupyter(root, rootDir) {
  const { KernelAPI, KernelConnection, ServerConnection } = require(
    join(root, 'node_modules', '@jupyterlab', 'services')
  );
  const WebSocket = require(join(root, 'node_modules', 'ws'));
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const child = spawn(
    join(root, '.venv', 'bin', 'jupyter'),
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
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: rootDir }
  );
  let log = '';
  child.stderr.on('data', chunk => (log = (log + chunk).slice(-20000)));
  const baseUrl = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 600) {
      await stopChild(child);
      throw new Error(`jupyter server did not start:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}api/status`, {
        headers: { Authorization: `token ${token}` }
      });
      if (res.ok) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  const settings = ServerConnection.makeSettings({
    baseUrl,
    token,
    WebSocket,
    fetch,
    Request,
    Headers
  });
  const kernels = [];
  return {
    baseUrl,
    settings,
    /** A kernel connection, returned before its info arrives. */
    async startKernel(name = 'python3') {
      const model = await KernelAPI.startNew({ name }, settings);
      const kernel = new KernelConnection({ model, serverSettings: settings });
      kernels.push(kernel);
      return kernel;
    },
    async shutdownKernel(kernel) {
      const id = kernel.id;
      kernel.dispose();
      await KernelAPI.shutdownKernel(id, settings).catch(() => undefined);
    },
    async stop() {
      for (const kernel of kernels) {
        if (!kernel.isDisposed) {
          kernel.dispose();
        }
      }
      await stopChild(child);
    }
  };
}

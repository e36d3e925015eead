/**
 * A private Jupyter server for the replay: started in the current folder
 * (so the steps' relative data paths resolve as they did beside the
 * recorded notebook), on a free loopback port with a random token, with no
 * browser and no server extensions (no JupyterLab, no second Trail
 * server). Kernels are reached with @jupyterlab/services over `ws`.
 */
import {
  KernelAPI,
  KernelConnection,
  KernelSpecAPI,
  ServerConnection,
  type Kernel
} from '@jupyterlab/services';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './exit-codes';
import { stopChild } from './local-server';

// ws has no types of its own here; @jupyterlab/services only needs the constructor.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const WebSocket = require('ws');

/** A running private Jupyter server. */
export interface JupyterServer {
  settings: ServerConnection.ISettings;
  /** The kernel specs it offers, and its default. */
  specs(): Promise<{ default: string; names: string[] }>;
  /** Starts a kernel of spec `name` and connects to it. */
  startKernel(name: string): Promise<Kernel.IKernelConnection>;
  /** Shuts its kernels down and stops it. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * How to run `jupyter`: with the Python that installed `trail` (the shim
 * sets `TRAIL_PYTHON`), else `TRAIL_JUPYTER`, else `jupyter` on PATH.
 */
export function jupyterCommand(env: NodeJS.ProcessEnv): string[] {
  if (env.TRAIL_PYTHON?.trim()) {
    return [env.TRAIL_PYTHON.trim(), '-m', 'jupyter'];
  }
  return [env.TRAIL_JUPYTER?.trim() || 'jupyter'];
}

/**
 * The names of the kernel specs `jupyter kernelspec list` finds in `cwd`
 * (the ones the replay's server will offer: same command, folder and
 * environment), in about a second instead of a server's start; null when
 * it cannot tell (the server's own list then decides).
 */
export function installedKernels(
  cwd: string,
  env: NodeJS.ProcessEnv
): Promise<string[] | null> {
  const [command, ...prefix] = jupyterCommand(env);
  return new Promise(resolve => {
    execFile(
      command,
      [...prefix, 'kernelspec', 'list', '--json'],
      { cwd, env, timeout: 30000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout) => {
        if (error) {
          resolve(null);
          return;
        }
        try {
          const specs = (JSON.parse(stdout) as { kernelspecs?: unknown })
            .kernelspecs;
          resolve(
            specs && typeof specs === 'object'
              ? Object.keys(specs).sort()
              : null
          );
        } catch {
          resolve(null);
        }
      }
    );
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Starts the server in `cwd` and waits until its REST API answers. */
export async function startJupyterServer(
  cwd: string,
  env: NodeJS.ProcessEnv
): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  // Its own config folder: the user's server extensions (Trail's own
  // among them, which would start a local Trail server) stay off.
  const configDir = mkdtempSync(join(tmpdir(), 'trail-replay-'));
  const configFile = join(configDir, 'jupyter_server_config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ServerApp: {
        jpserver_extensions: {
          jupyterlab_trail: false,
          jupyterlab: false,
          jupyter_lsp: false,
          jupyter_server_terminals: false,
          notebook_shim: false
        }
      }
    })
  );
  const [command, ...prefix] = jupyterCommand(env);
  const child: ChildProcess = spawn(
    command,
    [
      ...prefix,
      'server',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      '--ServerApp.ip=127.0.0.1',
      `--IdentityProvider.token=${token}`,
      // A private loopback server behind a token; root may run it.
      '--ServerApp.allow_root=True',
      '--ServerApp.open_browser=False',
      `--ServerApp.root_dir=${cwd}`,
      `--config=${configFile}`
    ],
    { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  // Whatever ends this process, the server (and its kernels) go with it.
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  let log = '';
  child.stderr?.on('data', chunk => {
    // Only the tail matters, for a failure message.
    log = (log + chunk).slice(-20000);
  });
  let spawnError: Error | null = null;
  child.once('error', error => (spawnError = error));
  const settings = ServerConnection.makeSettings({
    baseUrl: `http://127.0.0.1:${port}/`,
    token,
    // ws cannot send headers the browser way: the token goes in the URL.
    appendToken: true,
    WebSocket,
    fetch,
    Request,
    Headers
  });
  const kernels: Kernel.IKernelConnection[] = [];
  const stop = async () => {
    for (const kernel of kernels) {
      const id = kernel.id;
      kernel.dispose();
      await KernelAPI.shutdownKernel(id, settings).catch(() => undefined);
    }
    await stopChild(child);
    process.removeListener('exit', onExit);
    rmSync(configDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    if (spawnError || child.exitCode !== null) {
      break;
    }
    try {
      const response = await fetch(`${settings.baseUrl}api/status`, {
        headers: { Authorization: `token ${token}` }
      });
      if (response.ok) {
        return {
          settings,
          specs: async () => {
            const specs = await KernelSpecAPI.getSpecs(settings);
            return {
              default: specs.default,
              names: Object.keys(specs.kernelspecs).sort()
            };
          },
          startKernel: async name => {
            const model = await KernelAPI.startNew({ name }, settings);
            const kernel = new KernelConnection({
              model,
              serverSettings: settings
            });
            kernels.push(kernel);
            return kernel;
          },
          stop
        };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await stop();
  const why = spawnError
    ? `${command} could not be run (${(spawnError as Error).message}); install jupyter_server or set TRAIL_PYTHON`
    : `it exited or did not answer:\n${log}`;
  throw new CliError(`Could not start a Jupyter server for the replay: ${why}`);
}

/**
 * A real `jupyter server` from the project venv, on a free loopback port
 * with a token, in a temporary root directory; and a real kernel on it
 * behind @jupyterlab/services' own KernelConnection, as the real-kernel
 * tests use it.
 */
import {
  Kernel,
  KernelAPI,
  KernelConnection,
  ServerConnection
} from '@jupyterlab/services';
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const WebSocket = require('ws');

const jupyter = join(__dirname, '..', '..', '..', '.venv', 'bin', 'jupyter');

/**
 * A running server; `stop()` ends it and removes its directory.
 */
export interface IJupyterServer {
  baseUrl: string;
  token: string;
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

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Starts the server and waits until its REST API answers. The free port
 * probed can be taken by another test's process before the server binds
 * it: then the server is started again on a new one (three tries).
 */
export async function startJupyterServer(): Promise<IJupyterServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('is already in use')) {
        throw error;
      }
    }
  }
}

async function startOnce(port: number): Promise<IJupyterServer> {
  const token = randomBytes(16).toString('hex');
  const rootDir = mkdtempSync(join(tmpdir(), 'trail-recorder-'));
  const child: ChildProcess = spawn(
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
    // Kernels started without a path run in the server's working folder:
    // keep whatever they write out of the repository.
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: rootDir }
  );
  let log = '';
  child.stderr?.on('data', chunk => (log += chunk));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve())
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(rootDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) {
      break;
    }
    try {
      const response = await fetch(`${baseUrl}api/status`, {
        headers: { Authorization: `token ${token}` }
      });
      if (response.ok) {
        return { baseUrl, token, stop };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`jupyter server did not start:\n${log}`);
}

/**
 * A kernel started on its own jupyter server; `stop()` disposes the
 * connection, shuts the kernel down and stops the server.
 */
export interface IRealKernel {
  server: IJupyterServer;
  settings: ServerConnection.ISettings;
  kernel: Kernel.IKernelConnection;
  stop(): Promise<void>;
}

/**
 * Starts a jupyter server and a kernel of spec `name` on it, and connects
 * to it with a KernelConnection over the `ws` WebSocket. The connection is
 * returned at once: callers attach their listeners (and a recorder) before
 * they await `kernel.info`, so they see every message.
 */
export async function startKernel(name: string): Promise<IRealKernel> {
  const server = await startJupyterServer();
  const settings = ServerConnection.makeSettings({
    baseUrl: server.baseUrl,
    token: server.token,
    WebSocket,
    fetch,
    Request,
    Headers
  });
  let model: Kernel.IModel;
  try {
    model = await KernelAPI.startNew({ name }, settings);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const kernel = new KernelConnection({ model, serverSettings: settings });
  const stop = async () => {
    const id = kernel.id;
    await followRestart(kernel, settings);
    kernel.dispose();
    await KernelAPI.shutdownKernel(id, settings).catch(() => undefined);
    await server.stop();
  };
  return { server, settings, kernel, stop };
}

/**
 * Lets a connection that is following a restart of its kernel by the
 * server (after the kernel died) reach the restarted kernel, so that it
 * can be disposed of cleanly: @jupyterlab/services reconnects from a
 * promise nobody awaits, which rejects, unhandled, if the connection is
 * disposed of before it connects. Its reconnection waits grow at random
 * up to a minute, so once the server has the kernel running again the
 * connection is told to reconnect now.
 */
async function followRestart(
  kernel: Kernel.IKernelConnection,
  settings: ServerConnection.ISettings
): Promise<void> {
  if (kernel.isDisposed || kernel.connectionStatus !== 'connecting') {
    return;
  }
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline && kernel.connectionStatus === 'connecting') {
    const model = await KernelAPI.getKernelModel(kernel.id, settings).catch(
      () => undefined
    );
    if (model?.execution_state === 'idle') {
      break;
    }
    await sleep(200);
  }
  const connected = new Promise<void>(resolve => {
    const check = () => {
      if (kernel.connectionStatus !== 'connecting') {
        kernel.connectionStatusChanged.disconnect(check);
        resolve();
      }
    };
    kernel.connectionStatusChanged.connect(check);
    check();
  });
  if (kernel.connectionStatus === 'connecting') {
    // Its promise is the one the connection's own, unawaited, also waits on.
    kernel.reconnect().catch(() => undefined);
  }
  await Promise.race([connected, sleep(Math.max(0, deadline - Date.now()))]);
}

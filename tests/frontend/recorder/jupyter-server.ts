/**
 * A real `jupyter server` from the project venv, on a free loopback port
 * with a token, in a temporary root directory.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

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
 * Starts the server and waits until its REST API answers.
 */
export async function startJupyterServer(): Promise<IJupyterServer> {
  const port = await freePort();
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

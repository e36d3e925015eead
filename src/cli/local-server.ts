/**
 * The local Trail server, found or started the way the Jupyter server
 * extension does it (jupyterlab_trail/embedded.py): one server per data
 * folder, whose `server.json` names its URL and whose `token` file holds
 * its token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CliError } from './exit-codes';

/** A local server this command uses; `stop()` ends it only if this command started it. */
export interface LocalServer {
  url: string;
  token: string;
  dataDir: string;
  /** Whether this command started it (and so stops it when done). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * jupyter_core's `jupyter_data_dir()`: `JUPYTER_DATA_DIR`, else the
 * platform's user data folder.
 */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) {
    return env.JUPYTER_DATA_DIR;
  }
  const home = env.HOME || homedir();
  if (process.platform === 'darwin') {
    return join(home, 'Library', 'Jupyter');
  }
  if (process.platform === 'win32') {
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'jupyter');
  }
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

/**
 * The local server's data folder: `TRAIL_DATA_DIR`, else the one the
 * Python package computed (`TRAIL_DEFAULT_DATA_DIR`, set by the `trail`
 * shim), else `<jupyter data dir>/trail`.
 */
export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TRAIL_DATA_DIR?.trim() ||
    env.TRAIL_DEFAULT_DATA_DIR?.trim() ||
    join(jupyterDataDir(env), 'trail')
  );
}

/** Whether a Trail server answers its health check at `url`. */
export async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/health`, {
      signal: AbortSignal.timeout(2000)
    });
    return response.ok;
  } catch {
    return false;
  }
}

function readToken(dataDir: string): string {
  try {
    return readFileSync(join(dataDir, 'token'), 'utf8').trim();
  } catch {
    return '';
  }
}

async function runningUrl(dataDir: string): Promise<string | null> {
  try {
    const info = JSON.parse(
      readFileSync(join(dataDir, 'server.json'), 'utf8')
    ) as { url?: unknown };
    if (typeof info.url === 'string' && (await isHealthy(info.url))) {
      return info.url;
    }
  } catch {
    // No server.json, or not one we can read: none is running.
  }
  return null;
}

/**
 * The bundled server beside this command's bundle
 * (jupyterlab_trail/server/trail-server.cjs), or `TRAIL_SERVER_SCRIPT`.
 */
export function serverScript(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TRAIL_SERVER_SCRIPT?.trim() ||
    join(__dirname, '..', 'server', 'trail-server.cjs')
  );
}

/**
 * The local server of `dataDir`: the running one, or one started now (on
 * loopback, any free port unless `TRAIL_PORT`), as JupyterLab would.
 */
export async function localServer(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined
): Promise<LocalServer> {
  const dataDir = localDataDir(env);
  const running = await runningUrl(dataDir);
  if (running) {
    const token = readToken(dataDir);
    log(`Trail server: the local server at ${running} (data in ${dataDir})`);
    return {
      url: running,
      token,
      dataDir,
      started: false,
      stop: async () => undefined
    };
  }
  const script = serverScript(env);
  if (!existsSync(script)) {
    throw new CliError(
      `No Trail server is configured (TRAIL_URL is not set), no local server runs for ${dataDir}, ` +
        `and the local server cannot be started: its bundle ${script} is missing (rebuild the package).`
    );
  }
  mkdirSync(dataDir, { recursive: true });
  // Its log goes where JupyterLab's embedded server writes it.
  const logPath = join(dataDir, 'server.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(
    process.execPath,
    [
      script,
      '--host',
      '127.0.0.1',
      '--port',
      env.TRAIL_PORT?.trim() || '0',
      '--data',
      dataDir,
      '--token-file',
      join(dataDir, 'token')
    ],
    { stdio: ['ignore', 'pipe', logFd], env: serverEnv(env) }
  );
  closeSync(logFd);
  // Whatever ends this process, a server it started goes with it.
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  const line = await firstLine(child);
  let message: { event?: string; url?: string };
  try {
    message = JSON.parse(line ?? '');
  } catch {
    throw new CliError(
      `The local Trail server did not start (data in ${dataDir}); see ${logPath}`
    );
  }
  if (typeof message.url !== 'string') {
    throw new CliError(`The local Trail server answered ${line}`);
  }
  const url = message.url;
  const started = message.event === 'listening';
  log(
    started
      ? `Trail server: started the local server at ${url} (data in ${dataDir}); it stops when this command ends`
      : `Trail server: the local server at ${url} (data in ${dataDir})`
  );
  return {
    url,
    token: readToken(dataDir),
    dataDir,
    started,
    stop: async () => {
      process.removeListener('exit', onExit);
      if (started) {
        await stopChild(child);
      }
    }
  };
}

/**
 * The environment of a started server: its token is the data folder's
 * token file (as JupyterLab starts it), never a TRAIL_TOKEN meant for
 * another server.
 */
function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.TRAIL_TOKEN;
  delete copy.TRAIL_TOKEN_FILE;
  return copy;
}

/** The server's first stdout line, or null when it exited first. */
function firstLine(child: ChildProcess): Promise<string | null> {
  const lines = createInterface({ input: child.stdout! });
  return new Promise(resolve => {
    lines.once('line', resolve);
    child.once('exit', () => resolve(null));
    child.once('error', () => resolve(null));
  });
}

/** SIGTERM (the server syncs its log and removes server.json), then waits. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve())
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
}

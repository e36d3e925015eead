/**
 * Runs the real server CLI (server/dist/server/index.js) as a child process:
 * {@link startCli} with any arguments (the CLI tests), {@link startServer}
 * for a server on a free port with a data folder and an owner token.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { placeArgs, placeOf } from './backend';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..', '..');
/** The compiled CLI. */
export const CLI = join(ROOT, 'server', 'dist', 'server', 'index.js');

/**
 * Compiles the server with tsc (the CLI tests run the real build), unless
 * server/dist was built from exactly the sources there are now: every
 * process test file asks for a build, in both server jest projects, and
 * one tsc run costs 7 s of CPU (~45 s wall on a loaded two-core CI box).
 * The build's stamp is the SHA-256 of every TypeScript source it compiles
 * (server/ and the src/ files it imports) and its tsconfig, taken before
 * tsc runs and written after it succeeds; a failed build writes none.
 */
export function buildServer(): void {
  const stamp = join(ROOT, 'server', 'dist', '.sources-sha256');
  const sources = sourcesHash();
  try {
    if (existsSync(CLI) && readFileSync(stamp, 'utf8') === sources) {
      return;
    }
  } catch {
    // no stamp: build
  }
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(ROOT, 'server', 'tsconfig.json')
      ],
      { cwd: ROOT, stdio: 'pipe' }
    );
  } catch (err: any) {
    // tsc names the type errors on stdout; "Command failed" alone does not.
    throw new Error(
      `the server does not build (tsc -p server/tsconfig.json):\n${String(
        err.stdout ?? ''
      ).slice(0, 4000)}${String(err.stderr ?? '').slice(0, 1000)}`
    );
  }
  writeFileSync(stamp, sources);
}

/** The SHA-256 of the server build's inputs; see {@link buildServer}. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort(
      (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules') {
          walk(path);
        }
      } else if (entry.name.endsWith('.ts') || entry.name === 'tsconfig.json') {
        hash.update(path).update('\0').update(readFileSync(path)).update('\0');
      }
    }
  };
  walk(join(ROOT, 'server'));
  walk(join(ROOT, 'src'));
  return hash.digest('hex');
}

/** A started server process and the JSON line it printed. */
export interface ServerProcess {
  child: ChildProcess;
  line: { event: string; url: string; pid: number };
  stderr(): string;
}

/** Spawns the CLI and resolves with its first stdout line. */
export async function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let err = '';
  child.stderr!.on('data', chunk => (err += chunk));
  const lines = createInterface({ input: child.stdout! });
  const first = once(lines, 'line');
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the server exited (${code}) before printing: ${err}`);
  });
  const [text] = (await Promise.race([first, exited])) as [string];
  exited.catch(() => undefined);
  return { child, line: JSON.parse(text), stderr: () => err };
}

/** Waits for a child to exit; resolves with its exit code or signal. */
export async function exitOf(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) {
    return child.exitCode;
  }
  if (child.signalCode !== null) {
    return child.signalCode;
  }
  const [code, signal] = await once(child, 'exit');
  return code ?? signal;
}

/**
 * Sends a request to the API of `server` (`path` after /api/v1) as
 * `token`. A string or Buffer body is sent as it is, anything else as
 * JSON; `headers` are added last (they may replace Content-Type).
 */
export function callApi(
  server: ServerProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<Response> {
  return fetch(`${server.line.url}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...headers
    },
    body:
      body === undefined || typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body)
  });
}

/** A server process that printed its listening line. */
export interface RunningServer extends ServerProcess {
  /** {@link callApi} on this server. */
  call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<Response>;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the server CLI on a free port over the data folder `dir` with the
 * owner token `token`, and waits for its `listening` line. On the
 * PostgreSQL test backend (support/backend.ts) the server also gets the
 * database and bucket of that folder (the same ones on a restart).
 */
export async function startServer(
  dir: string,
  token: string,
  env: NodeJS.ProcessEnv = {}
): Promise<RunningServer> {
  const place = await placeOf(dir);
  const server = await startCli(
    ['--port', '0', ...placeArgs(place), '--token', token],
    { ...place.env, ...env }
  );
  const stop = async () => {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
  };
  if (server.line.event !== 'listening') {
    await stop();
    throw new Error(`the server printed ${JSON.stringify(server.line)}`);
  }
  return {
    ...server,
    call: (...args) => callApi(server, ...args),
    stop
  };
}

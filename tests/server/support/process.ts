/**
 * Runs the real server CLI (server/dist/index.js) as a child process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..', '..');
/** The compiled CLI. */
export const CLI = join(ROOT, 'server', 'dist', 'index.js');

/** Compiles the server with tsc (the CLI tests run the real build). */
export function buildServer(): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'server', 'tsconfig.json')
    ],
    {
      cwd: ROOT,
      stdio: 'pipe'
    }
  );
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

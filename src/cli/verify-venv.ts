/**
 * The clean environment `trail export --verify` runs a pipeline in: a new
 * venv (`python -m venv`) with nothing but the pipeline folder's
 * requirements.txt installed by pip, from the index pip is configured with,
 * through a cache under the user's cache folder so that a second
 * verification of the same requirements downloads nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a child process did. */
export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** It was stopped after its time ran out. */
  timedOut: boolean;
  /** It could not be started (the program not found). */
  spawnError?: string;
  /** It was stopped (or never started) because the caller's signal aborted. */
  aborted?: boolean;
}

/** Process groups of their own, so that a stop reaches what they started (pip's builds). */
const OWN_GROUP = process.platform !== 'win32';

/** Kills the child and, where it leads one, its process group. */
function killGroup(child: ChildProcess): void {
  if (OWN_GROUP && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch {
      // The group is gone already; the child itself below.
    }
  }
  child.kill('SIGKILL');
}

/**
 * Runs a program to its end, keeping its output. On `timeoutMs` or when
 * `signal` aborts, the program and every process of its group are killed.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    signal?: AbortSignal;
  } = {}
): Promise<ProcessRun> {
  const { signal } = options;
  if (signal?.aborted) {
    return Promise.resolve({
      code: null,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      aborted: true
    });
  }
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: OWN_GROUP
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    let done = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, options.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      killGroup(child);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (
      run: Omit<ProcessRun, 'stdout' | 'stderr' | 'timedOut'>
    ) => {
      if (done) {
        return;
      }
      done = true;
      if (timer) {
        clearTimeout(timer);
      }
      signal?.removeEventListener('abort', onAbort);
      resolve({
        ...run,
        stdout: Buffer.concat(stdout).toString('utf-8'),
        stderr: Buffer.concat(stderr).toString('utf-8'),
        timedOut,
        ...(aborted ? { aborted } : {})
      });
    };
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', error =>
      finish({ code: null, signal: null, spawnError: error.message })
    );
    child.on('close', (code, killedBy) => finish({ code, signal: killedBy }));
  });
}

/** The cache pip keeps downloaded and built wheels in for verifications. */
export function pipCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRAIL_PIP_CACHE_DIR) {
    return env.TRAIL_PIP_CACHE_DIR;
  }
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Caches')
      : process.platform === 'win32'
        ? env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local')
        : join(homedir(), '.cache'));
  return join(base, 'trail', 'pip');
}

/** The venv's interpreter. */
export function venvPython(venv: string): string {
  return process.platform === 'win32'
    ? join(venv, 'Scripts', 'python.exe')
    : join(venv, 'bin', 'python');
}

/** The lines of requirements.txt that ask pip for something (not comments, not -c). */
export function requirementLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(line => line && !/^(-c|--constraint)\b/.test(line));
}

/** pip's own ERROR lines (what it could not install), else its last lines. */
export function pipFailure(run: ProcessRun): string {
  if (run.spawnError) {
    return run.spawnError;
  }
  if (run.timedOut) {
    return 'pip did not finish in time';
  }
  const errors = run.stderr
    .split(/\r?\n/)
    .filter(line => line.startsWith('ERROR:'))
    .map(line => line.slice('ERROR:'.length).trim());
  const lines = errors.length
    ? errors
    : (run.stderr.trim() || run.stdout.trim()).split(/\r?\n/).slice(-5);
  return lines.join('; ') || `pip exited with ${run.code}`;
}

/** pip's answers when it is missing or has no --python. */
const NO_PIP_PYTHON = /No module named pip|no such option: --python/;

/** How the venv was made and filled. */
export interface VenvResult {
  installed: boolean;
  error?: string;
  /** How many requirement lines pip was given (0: nothing to install). */
  requirements: number;
  /** Milliseconds spent making the venv and installing. */
  createMs: number;
  installMs: number;
}

/**
 * Makes `venv` from `python` without pip of its own (ensurepip is the slow
 * part) and installs `requirementsFile` into it with `python`'s pip
 * (`pip --python`, one start of pip fewer than the venv's own); when
 * `python` has no pip that can, the venv gets its own.
 */
export async function makeVenv(options: {
  python: string;
  venv: string;
  folder: string;
  requirementsFile: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  onInstall: () => void;
  /** Stops the venv's making and pip (their processes killed). */
  signal?: AbortSignal;
}): Promise<VenvResult> {
  const { python, venv, env, signal } = options;
  const started = Date.now();
  const made = await runProcess(python, ['-m', 'venv', '--without-pip', venv], {
    env,
    timeoutMs: options.timeoutMs,
    signal
  });
  const createMs = Date.now() - started;
  if (made.code !== 0) {
    const why =
      made.spawnError ??
      (made.stderr.trim().split(/\r?\n/).slice(-3).join('; ') ||
        `exited with ${made.code}`);
    return {
      installed: false,
      error: `could not make a venv with ${python}: ${why}`,
      requirements: 0,
      createMs,
      installMs: 0
    };
  }
  const text = existsSync(options.requirementsFile)
    ? readFileSync(options.requirementsFile, 'utf-8')
    : '';
  const requirements = requirementLines(text).length;
  if (requirements === 0) {
    return { installed: true, requirements, createMs, installMs: 0 };
  }
  options.onInstall();
  const installStarted = Date.now();
  const target = venvPython(venv);
  const pipArgs = [
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--cache-dir',
    options.cacheDir,
    '-r',
    options.requirementsFile
  ];
  let installed = await runProcess(
    python,
    ['-m', 'pip', '--python', target, ...pipArgs],
    { cwd: options.folder, env, timeoutMs: options.timeoutMs, signal }
  );
  if (installed.code !== 0 && NO_PIP_PYTHON.test(installed.stderr)) {
    // No pip beside `python`, or one older than --python (pip 22.3): the
    // venv gets its own.
    const ensured = await runProcess(
      target,
      ['-m', 'ensurepip', '--default-pip'],
      { env, timeoutMs: options.timeoutMs, signal }
    );
    if (ensured.code !== 0) {
      return {
        installed: false,
        error: `could not install pip into the venv: ${pipFailure(ensured)}`,
        requirements,
        createMs,
        installMs: Date.now() - installStarted
      };
    }
    installed = await runProcess(target, ['-m', 'pip', ...pipArgs], {
      cwd: options.folder,
      env,
      timeoutMs: options.timeoutMs,
      signal
    });
  }
  const installMs = Date.now() - installStarted;
  if (installed.code !== 0) {
    return {
      installed: false,
      error: `pip could not install requirements.txt: ${pipFailure(installed)}`,
      requirements,
      createMs,
      installMs
    };
  }
  return { installed: true, requirements, createMs, installMs };
}

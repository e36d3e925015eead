/**
 * Runs `trail replay <session> --json` (part C's command) the way a person
 * runs it from a terminal: in the folder the data sits in (so the steps'
 * relative paths resolve), with TRAIL_URL and TRAIL_TOKEN naming the
 * benchmark's Trail server and TRAIL_PYTHON the venv that has the kernel.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The command to run: `cli` when given (a .cjs bundle), else a bundle of
 * the current source made by scripts/bundle-cli.mjs into `outDir` (so the
 * benchmark measures the tree as it is, not a stale build).
 */
export async function prepareCli(root, outDir, cli) {
  if (cli) {
    return cli;
  }
  const outfile = join(outDir, 'trail.cjs');
  await new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [join(root, 'scripts', 'bundle-cli.mjs'), '--outfile', outfile],
      { cwd: root },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`bundle-cli failed:\n${stderr || stdout}`))
          : resolve()
    )
  );
  if (!existsSync(outfile)) {
    throw new Error(`bundle-cli wrote no ${outfile}`);
  }
  return outfile;
}

/**
 * `trail replay` of `sessionId`: `{ code, document, stderr, ms, timedOut }`,
 * the document being the parsed `--json` output (null when it printed
 * none). It runs in a process group of its own: past `timeoutMs` the whole
 * group (the command, its jupyter server and kernel) is ended.
 */
export function runReplay({
  root,
  cli,
  sessionId,
  cwd,
  trail,
  extra = [],
  timeoutMs = 10 * 60 * 1000
}) {
  const started = Date.now();
  const env = {
    ...process.env,
    TRAIL_URL: trail.url,
    TRAIL_TOKEN: trail.token,
    TRAIL_PYTHON: join(root, '.venv', 'bin', 'python'),
    PATH: `${join(root, '.venv', 'bin')}:${process.env.PATH}`
  };
  delete env.TRAIL_TOKEN_FILE;
  return new Promise(resolve => {
    const child = spawn(
      process.execPath,
      [cli, 'replay', sessionId, '--json', '--yes', ...extra],
      {
        cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on(
      'data',
      chunk => (stderr = (stderr + chunk).slice(-200000))
    );
    let timedOut = false;
    const group = signal => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      setTimeout(() => group('SIGKILL'), 10000).unref();
    }, timeoutMs);
    child.once('exit', code => {
      clearTimeout(timer);
      // Whatever it left behind (a kernel of a killed run) goes too.
      setTimeout(() => group('SIGKILL'), 2000).unref();
      let document = null;
      try {
        document = JSON.parse(stdout);
      } catch {
        // No document: the caller reports stderr.
      }
      resolve({ code, document, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

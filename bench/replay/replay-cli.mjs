/**
 * Runs `trail replay <session> --json` (part C's command) the way a person
 * runs it from a terminal: in the folder the data sits in (so the steps'
 * relative paths resolve), with TRAIL_URL and TRAIL_TOKEN naming the
 * benchmark's Trail server and TRAIL_PYTHON the venv that has the kernel.
 */
import { execFile } from 'node:child_process';
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
        error ? reject(new Error(`bundle-cli failed:\n${stderr || stdout}`)) : resolve()
    )
  );
  if (!existsSync(outfile)) {
    throw new Error(`bundle-cli wrote no ${outfile}`);
  }
  return outfile;
}

/**
 * `trail replay` of `sessionId`: `{ code, document, stderr, ms }`, the
 * document being the parsed `--json` output (null when it printed none).
 */
export function runReplay({ root, cli, sessionId, cwd, trail, extra = [] }) {
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
    execFile(
      process.execPath,
      [cli, 'replay', sessionId, '--json', '--yes', ...extra],
      { cwd, env, maxBuffer: 256 * 1024 * 1024, timeout: 30 * 60 * 1000 },
      (error, stdout, stderr) => {
        let document = null;
        try {
          document = JSON.parse(stdout);
        } catch {
          // No document: the caller reports stderr.
        }
        resolve({
          code: error ? (error.code ?? 1) : 0,
          document,
          stderr: String(stderr),
          ms: Date.now() - started
        });
      }
    );
  });
}

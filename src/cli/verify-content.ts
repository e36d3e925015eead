/**
 * A verification's content comparison: a file whose hash differs from the
 * recorded one (a pickle holding an id(), a CSV written with other float
 * digits) is compared by what it holds with the file the RECORDING wrote,
 * by `python -m jupyterlab_trail.content_compare` run with the
 * verification venv's Python (the pickled classes are importable there).
 *
 * The recorded side is only a hash, so the file the recording wrote is
 * taken from the notebook's folder when it is still there with the
 * recorded sha256. The run writes the same path, so verify moves the
 * user's file aside during the run and puts it back after it
 * (verify-keep.ts); the reproduced file is compared where it was kept.
 * Loading a pickle runs code: these are only ever files the user's own
 * pipeline and own recording wrote.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  statSync,
  symlinkSync
} from 'node:fs';
import { extname, join } from 'node:path';
import {
  fileToleranceOf,
  type ContentComparison,
  type ContentResult,
  type VerifyExpected,
  type VerifyTolerance
} from './verify-compare';
import { placed, sha256 } from './verify-folder';
import { runProcess } from './verify-venv';

/** The extensions content_compare reads (jupyterlab_trail/content_compare/load.py FORMATS). */
export const CONTENT_FORMATS: readonly string[] = [
  '.pkl',
  '.pickle',
  '.joblib',
  '.npy',
  '.npz',
  '.csv',
  '.tsv',
  '.parquet',
  '.json'
];

/** Whether a file's content can be compared (by its extension). */
export function comparableByContent(path: string): boolean {
  return CONTENT_FORMATS.includes(extname(path).toLowerCase());
}

export const NOT_ON_DISK = 'the recorded file is not on disk';

/**
 * Each recorded output the content comparison may need (a supported
 * format, no `exists` tolerance) while it is the file the recording wrote
 * (its recorded sha256): copied into `into`, or without `into` the file
 * itself. By recorded path: the file, or why there is none.
 */
export function keepRecorded(
  files: VerifyExpected['files'],
  notebookFolder: string,
  into: string | undefined,
  tolerance: VerifyTolerance
): Map<string, string | { error: string }> {
  const kept = new Map<string, string | { error: string }>();
  files.forEach(({ path, sha256: recorded }, index) => {
    if (
      !comparableByContent(path) ||
      fileToleranceOf(path, tolerance)?.mode === 'exists'
    ) {
      return;
    }
    const where = placed(notebookFolder, path);
    if (
      !existsSync(where) ||
      !statSync(where).isFile() ||
      sha256(where) !== recorded
    ) {
      kept.set(path, { error: NOT_ON_DISK });
      return;
    }
    if (into === undefined) {
      kept.set(path, where);
      return;
    }
    mkdirSync(into, { recursive: true });
    const copy = join(into, `${index}${extname(path)}`);
    copyFileSync(where, copy);
    kept.set(path, copy);
  });
  return kept;
}

/** `python -I -c COMPARE_PY LINK ARGS...`: content_compare from a folder holding only the package. */
export const COMPARE_PY =
  'import sys; sys.path.insert(0, sys.argv.pop(1)); from jupyterlab_trail.content_compare import main; sys.exit(main())';

/** Parses content_compare's answer; undefined when it is not one. */
export function parseComparison(text: string): ContentComparison | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const answer = value as Partial<ContentComparison> | null;
  if (
    !answer ||
    typeof answer.comparable !== 'boolean' ||
    typeof answer.same !== 'boolean' ||
    !Array.isArray(answer.differences) ||
    typeof answer.count !== 'number'
  ) {
    return undefined;
  }
  return {
    ...answer,
    complete: answer.complete !== false
  } as ContentComparison;
}

/**
 * The content comparison of each file the run wrote whose hash differs and
 * whose recorded file was kept (`kept`, from {@link keepRecorded}), with
 * the venv's `python`; `link` makes the folder that holds only
 * jupyterlab_trail (or says why there is none), asked once when a file
 * needs it. By recorded path.
 */
export async function compareContents(options: {
  python: string;
  link: () => Promise<{ path?: string; why?: string }>;
  files: VerifyExpected['files'];
  hashes: ReadonlyMap<string, string | undefined>;
  kept: ReadonlyMap<string, string | { error: string }>;
  /** Where each reproduced file is (default: its recorded path in the notebook's folder). */
  reproducedAt?: ReadonlyMap<string, string>;
  notebookFolder: string;
  pipelineFolder: string;
  tolerance: VerifyTolerance;
  env: NodeJS.ProcessEnv;
  /** Milliseconds for each file (default 2 minutes). */
  timeoutMs?: number;
  /** Stops the comparison (Ctrl-C): the files not compared yet are left out. */
  signal?: AbortSignal;
}): Promise<Map<string, ContentResult>> {
  const results = new Map<string, ContentResult>();
  const timeoutMs = options.timeoutMs ?? 120_000;
  let link: { path?: string; why?: string } | undefined;
  for (const { path, sha256: recorded } of options.files) {
    const reproduced = options.hashes.get(path);
    const copy = options.kept.get(path);
    if (options.signal?.aborted) {
      break;
    }
    if (reproduced === undefined || reproduced === recorded || !copy) {
      continue;
    }
    if (typeof copy !== 'string') {
      results.set(path, copy);
      continue;
    }
    link = link ?? (await options.link());
    if (!link.path) {
      results.set(path, {
        error: `the comparison cannot be run: ${link.why ?? 'jupyterlab_trail not found'}`
      });
      continue;
    }
    const accepted = fileToleranceOf(path, options.tolerance);
    const tolerance = accepted?.mode === 'content' ? accepted.tolerance : 0;
    const run = await runProcess(
      options.python,
      [
        '-I',
        '-c',
        COMPARE_PY,
        link.path,
        copy,
        options.reproducedAt?.get(path) ?? placed(options.notebookFolder, path),
        '--tolerance',
        String(tolerance),
        '--timeout',
        String(Math.max(1, Math.floor(timeoutMs / 2000))),
        // Classes pickled from the notebook's own modules import as they did there.
        '--path',
        options.notebookFolder,
        '--path',
        options.pipelineFolder
      ],
      {
        cwd: options.notebookFolder,
        env: options.env,
        timeoutMs,
        signal: options.signal
      }
    );
    const answer = run.code === 0 ? parseComparison(run.stdout) : undefined;
    if (answer) {
      results.set(path, answer);
    } else {
      const why = run.timedOut
        ? `it took longer than ${timeoutMs / 1000} s`
        : (run.spawnError ??
          (run.stderr.trim().split('\n').slice(-1)[0] ||
            `exit ${run.code ?? run.signal}`));
      results.set(path, { error: `the comparison failed: ${why}` });
    }
  }
  return results;
}

/**
 * A folder in `scratch` holding nothing but a link to the jupyterlab_trail
 * package (`packageDir`, default: the one `python` imports), made once: the
 * recorder of the run and the content comparison import it from there,
 * and nothing else of `python`'s site-packages. Or why it cannot be made.
 */
export async function trailPackageLink(
  python: string,
  scratch: string,
  env: NodeJS.ProcessEnv,
  packageDir?: string,
  signal?: AbortSignal
): Promise<{ path?: string; why?: string }> {
  const shim = join(scratch, 'trail-path');
  if (existsSync(join(shim, 'jupyterlab_trail'))) {
    return { path: shim };
  }
  if (!packageDir) {
    const found = await runProcess(
      python,
      [
        '-c',
        'import os, jupyterlab_trail; print(os.path.dirname(os.path.realpath(jupyterlab_trail.__file__)))'
      ],
      { env, timeoutMs: 60000, signal }
    );
    if (found.code !== 0) {
      return { why: `${python} cannot import jupyterlab_trail` };
    }
    packageDir = found.stdout.trim();
  }
  mkdirSync(shim, { recursive: true });
  try {
    symlinkSync(
      packageDir,
      join(shim, 'jupyterlab_trail'),
      process.platform === 'win32' ? 'junction' : 'dir'
    );
  } catch (error) {
    return {
      why: `jupyterlab_trail could not be linked into the run's path (${(error as Error).message})`
    };
  }
  return { path: shim };
}

/**
 * `trail export`: a recorded session (up to step K, or what produced one
 * file or one metric) as a pipeline folder (contract B of #15). The server
 * slices the run and writes the files (POST /sessions/:id/export); this
 * command writes them as the folder --out, with nothing half-written,
 * prints what was kept and dropped and how to run it, and with --verify
 * runs the pipeline in a clean venv and compares it with the recording.
 *
 * In order, so that bad input changes nothing: the options and the
 * destination are checked (a non-empty --out is refused unless --force)
 * before the server is asked; the server's answer is written into a
 * temporary folder beside --out, then renamed into place.
 */
import { relative, resolve, sep } from 'node:path';
import type { ExportTarget } from '../records/export/slice';
import { connect, type TrailConnection } from './config';
import { requestExport, type ExportResult } from './export-api';
import { checkDestination, contains, writeFolder } from './export-folder';
import { exportLines, targetText } from './export-report';
import { CliError, ExitCode } from './exit-codes';
import type { CliIO } from './session-command';
import { orNull, resolveTarget } from './target';
import { VerifyFailed, verifyExport, type Tolerance } from './export-verify';
import { tolerancePath, type FileTolerance } from './verify-compare';

/** The options of `trail export` as commander gives them. */
export interface ExportOptions {
  upto?: number;
  target?: string;
  out?: string;
  verify?: boolean;
  tolerance?: string[];
  force?: boolean;
  json?: boolean;
}

/** What `--json` prints: the answer (file contents left out), where it went, the verification. */
export interface ExportDocument extends Omit<ExportResult, 'files'> {
  server: string;
  /** The folder written (absolute). */
  out: string;
  files: { path: string; bytes: number }[];
  verify?: unknown;
}

/** `--target PATH` or `--target metric:NAME`. */
export function parseTarget(text: string | undefined): ExportTarget {
  if (text === undefined) {
    return { kind: 'session' };
  }
  const value = text.trim();
  if (value.startsWith('metric:')) {
    const name = value.slice('metric:'.length).trim();
    if (!name) {
      throw new CliError('--target metric:NAME: the metric has no name.');
    }
    return { kind: 'metric', name };
  }
  if (!value) {
    throw new CliError('--target: give a file path or metric:NAME.');
  }
  return { kind: 'file', path: value };
}

/**
 * `--tolerance file:PATH=content`, `file:PATH=content:X` (numbers within X)
 * or `file:PATH=exists`: what a recorded file whose hash differs is
 * accepted as (see FileTolerance).
 */
function parseFileTolerance(option: string, tolerance: Tolerance): void {
  const at = option.lastIndexOf('=');
  const path = at < 0 ? '' : tolerancePath(option.slice('file:'.length, at));
  const value = at < 0 ? '' : option.slice(at + 1).trim();
  if (!path || path === '.') {
    throw new CliError(
      `--tolerance ${option}: expected file:PATH=content, file:PATH=content:X or file:PATH=exists (PATH as recorded, relative to the notebook's folder).`
    );
  }
  let file: FileTolerance;
  if (value === 'exists') {
    file = { mode: 'exists' };
  } else if (value === 'content') {
    file = { mode: 'content', tolerance: 0 };
  } else if (value.startsWith('content:')) {
    const text = value.slice('content:'.length).trim();
    const number = Number(text);
    if (!text || !Number.isFinite(number) || number < 0) {
      throw new CliError(
        `--tolerance ${option}: content:X expects X a number >= 0 (an absolute difference between numbers), e.g. content:1e-6.`
      );
    }
    file = { mode: 'content', tolerance: number };
  } else {
    throw new CliError(
      `--tolerance ${option}: a file is accepted as content (the same content), content:X (numbers within X) or exists (written, not compared); got ${JSON.stringify(value)}.`
    );
  }
  tolerance.files = tolerance.files ?? {};
  if (path in tolerance.files) {
    throw new CliError(
      `--tolerance ${option}: the file ${path} is given twice.`
    );
  }
  tolerance.files[path] = file;
}

/**
 * `--tolerance X` (every metric), `--tolerance NAME=X` (one metric) and
 * `--tolerance file:PATH=content|content:X|exists` (one file).
 */
export function parseTolerance(given: readonly string[]): Tolerance {
  const tolerance: Tolerance = {};
  const number = (text: string, option: string): number => {
    const value = Number(text.trim());
    if (!text.trim() || !Number.isFinite(value) || value < 0) {
      throw new CliError(
        `--tolerance ${option}: expected a number >= 0 (an absolute difference), e.g. 0.01.`
      );
    }
    return value;
  };
  for (const option of given) {
    if (option.trim().startsWith('file:')) {
      parseFileTolerance(option.trim(), tolerance);
      continue;
    }
    const at = option.lastIndexOf('=');
    if (at < 0) {
      if (tolerance.default !== undefined) {
        throw new CliError(
          `--tolerance ${option}: the default tolerance is given twice.`
        );
      }
      tolerance.default = number(option, option);
      continue;
    }
    const name = option.slice(0, at).trim();
    if (!name) {
      throw new CliError(`--tolerance ${option}: the metric has no name.`);
    }
    tolerance.metrics = tolerance.metrics ?? {};
    if (name in tolerance.metrics) {
      throw new CliError(
        `--tolerance ${option}: the metric ${name} is given twice.`
      );
    }
    tolerance.metrics[name] = number(option.slice(at + 1), option);
  }
  return tolerance;
}

/** The folder as the API takes it: relative to the notebook's folder (here). */
export function apiFolder(dir: string, cwd: string): string {
  const path = relative(cwd, dir);
  if (path === '') {
    throw new CliError(
      '--out is the current folder; the pipeline needs a folder of its own (e.g. --out pipelines/train).'
    );
  }
  if (!contains(cwd, dir)) {
    throw new CliError(
      `--out ${dir} is outside the current folder ${cwd}. Run trail export from the notebook's folder (where the recorded relative paths resolve) with --out inside it, so the pipeline finds its inputs.`
    );
  }
  return path.split(sep).join('/');
}

/** Runs the command; resolves with the exit code. */
export async function exportPipeline(
  target: string,
  options: ExportOptions,
  io: CliIO
): Promise<ExitCode> {
  const say = options.json ? io.err : io.out;
  let connection: TrailConnection | null = null;
  // Once written, the export is in the --json document whatever follows.
  let document: ExportDocument | null = null;
  try {
    if (!options.out) {
      throw new CliError('--out DIR: say where to write the pipeline folder.');
    }
    const what = parseTarget(options.target);
    const tolerance = parseTolerance(options.tolerance ?? []);
    if (options.tolerance?.length && !options.verify) {
      throw new CliError(
        '--tolerance is for --verify (it compares metrics and files with the recording); add --verify.'
      );
    }
    const dir = resolve(io.cwd, options.out);
    const folder = apiFolder(dir, io.cwd);
    const force = options.force ?? false;
    checkDestination(dir, { force, cwd: io.cwd });

    connection = await connect(io.env, line => io.err(line));
    const { client } = connection;
    const resolved = await resolveTarget(client, target);
    let upto = options.upto;
    if (upto === undefined && resolved.execution) {
      // A link to an execution exports up to it.
      const steps = await orNull(client.getSteps(resolved.sessionId));
      upto = steps?.steps.find(s => s.seq === resolved.execution!.seq)?.step;
    }
    io.err(
      `Exporting ${targetText(what)} of session ${resolved.sessionId}${upto ? ` up to step ${upto}` : ''}…`
    );
    const result = await unlessInterrupted(
      io,
      'nothing was written',
      requestExport(client, resolved.sessionId, {
        ...(upto !== undefined ? { upto } : {}),
        target: what,
        folder,
        ...(force ? { force } : {})
      })
    );
    const inside = result.inputs.find(input =>
      contains(dir, resolve(io.cwd, input.path))
    );
    if (inside) {
      throw new CliError(
        `--out ${dir} holds ${inside.path}, an input of the pipeline; choose a folder of its own.`
      );
    }
    writeFolder(dir, result.files, { force, cwd: io.cwd });
    for (const line of exportLines(result, {
      dir,
      cwd: io.cwd,
      verifying: options.verify ?? false
    })) {
      say(line);
    }
    document = {
      ...result,
      server: connection.url,
      out: dir,
      files: result.files.map(file => ({
        path: file.path,
        bytes: Buffer.byteLength(file.content)
      }))
    };
    let exitCode: ExitCode = ExitCode.Same;
    if (options.verify) {
      // Ctrl-C stops the verification, which kills its processes and
      // removes its venv before it rejects (exit 130).
      const stop = new AbortController();
      void io.interrupted.then(() => stop.abort());
      const verified = await verifyExport(result, {
        dir,
        tolerance,
        connection,
        io,
        say,
        signal: stop.signal
      });
      document.verify = verified.report;
      exitCode = verified.exitCode;
    }
    if (options.json) {
      io.out(JSON.stringify(document, null, 2));
    }
    return exitCode;
  } catch (error) {
    if (!(error instanceof CliError)) {
      throw error;
    }
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            ...document,
            ...(error instanceof VerifyFailed && error.report
              ? { verify: error.report }
              : {}),
            error: { message: error.message, exitCode: error.code }
          },
          null,
          2
        )
      );
    }
    io.err(`trail export: ${error.message}`);
    return error.code;
  } finally {
    await connection?.close();
  }
}

/** `work`, or an exit 130 saying `state` when the user stops it (Ctrl-C). */
async function unlessInterrupted<T>(
  io: CliIO,
  state: string,
  work: Promise<T>
): Promise<T> {
  let settled = false;
  const stopped = io.interrupted.then((): Promise<T> => {
    if (settled) {
      // Too late to matter: nothing waits for it.
      return new Promise<T>(() => undefined);
    }
    throw new CliError(`interrupted: ${state}.`, ExitCode.Interrupted);
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    settled = true;
  }
}

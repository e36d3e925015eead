/**
 * Runs the code analysis of an export (`python -m jupyterlab_trail.analysis`,
 * JSON on stdin and stdout) from Node: the `trail export` command and the
 * Trail server both call it (the server is installed by the Python package,
 * the command finds its Python in `TRAIL_PYTHON`). The rules over its answer
 * live in `src/records/export/`; this module only runs it.
 */
import { spawn } from 'node:child_process';
import type { CellFacts, CellSource } from '../records/export/facts';

/** Why the analysis gave no facts. */
export type AnalysisFailure = 'no-python' | 'failed' | 'bad-answer' | 'timeout';

/** The analysis could not be run, or answered something unreadable. */
export class AnalysisError extends Error {
  constructor(
    readonly code: AnalysisFailure,
    message: string
  ) {
    super(message);
    this.name = 'AnalysisError';
  }
}

/** Options of one run of the analysis. */
export interface AnalysisOptions {
  /** Milliseconds before the run is stopped (default 60 s). */
  timeoutMs?: number;
  /** The environment of the Python process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Its working folder (default: this process's). */
  cwd?: string;
}

/** The Python that runs the analysis: `TRAIL_PYTHON`, else `python3`. */
export function analysisPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRAIL_PYTHON?.trim() || 'python3';
}

/**
 * The facts of each cell, in the order given. `params` are the names of the
 * params the run logged (they name the params of a cell that logs a dict the
 * analysis cannot read).
 */
export async function analyzeCells(
  python: string,
  cells: readonly CellSource[],
  params: readonly string[] = [],
  options: AnalysisOptions = {}
): Promise<CellFacts[]> {
  if (cells.length === 0) {
    return [];
  }
  const answer = await runAnalysis(
    python,
    { cells: cells.map(({ id, code }) => ({ id, code })), params },
    options
  );
  const facts = (answer as { cells?: unknown }).cells;
  if (
    !Array.isArray(facts) ||
    facts.length !== cells.length ||
    facts.some((fact, i) => !isFacts(fact) || fact.id !== cells[i].id)
  ) {
    throw new AnalysisError(
      'bad-answer',
      'the analysis answered facts that do not match the cells asked about'
    );
  }
  // An analysis from before side effects were found answers none.
  return (facts as CellFacts[]).map(fact =>
    Array.isArray(fact.sideEffects) ? fact : { ...fact, sideEffects: [] }
  );
}

/**
 * `python` with the literal of each param's target replaced by
 * `PARAMS["name"]` (`params`: param name -> the name bound to the literal,
 * as `CellFacts.params` gives it); the rest of the code byte for byte.
 */
export async function rewriteParams(
  python: string,
  code: string,
  params: Readonly<Record<string, string>>,
  options: AnalysisOptions = {}
): Promise<string> {
  if (Object.keys(params).length === 0) {
    return code;
  }
  const answer = await runAnalysis(
    python,
    { rewrite: { python: code, params } },
    options
  );
  const rewritten = (answer as { python?: unknown }).python;
  if (typeof rewritten !== 'string') {
    throw new AnalysisError(
      'bad-answer',
      'the analysis answered no code to a params rewrite'
    );
  }
  return rewritten;
}

function isFacts(value: unknown): value is CellFacts {
  const facts = value as CellFacts;
  return (
    typeof facts === 'object' &&
    facts !== null &&
    typeof facts.id === 'string' &&
    typeof facts.ok === 'boolean' &&
    Array.isArray(facts.defines) &&
    Array.isArray(facts.uses) &&
    (facts.effects === 'state' || facts.effects === 'display') &&
    Array.isArray(facts.imports) &&
    Array.isArray(facts.requirements) &&
    typeof facts.python === 'string' &&
    Array.isArray(facts.translations) &&
    Array.isArray(facts.params)
  );
}

function runAnalysis(
  python: string,
  request: unknown,
  options: AnalysisOptions
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 60000;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-m', 'jupyterlab_trail.analysis'], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const finish = (error: AnalysisError | null, value?: unknown) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (error) {
        reject(error);
      } else {
        resolve(value);
      }
    };
    const timer = setTimeout(() => {
      child.kill();
      finish(
        new AnalysisError(
          'timeout',
          `the code analysis took longer than ${Math.round(timeoutMs / 1000)} s`
        )
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', error =>
      finish(
        new AnalysisError(
          'no-python',
          `${python} could not be run for the code analysis (${error.message}); set TRAIL_PYTHON to the Python that has jupyterlab-trail`
        )
      )
    );
    child.once('close', status => {
      const errorText = Buffer.concat(stderr).toString('utf8').trim();
      if (status !== 0) {
        const missing = /No module named '?jupyterlab_trail/.test(errorText);
        finish(
          new AnalysisError(
            missing ? 'no-python' : 'failed',
            missing
              ? `${python} has no jupyterlab-trail; set TRAIL_PYTHON to the Python that has it`
              : `the code analysis failed: ${lastLine(errorText) || `exit status ${status}`}`
          )
        );
        return;
      }
      try {
        finish(null, JSON.parse(Buffer.concat(stdout).toString('utf8')));
      } catch {
        finish(
          new AnalysisError('bad-answer', 'the code analysis answered no JSON')
        );
      }
    });
    // A Python that exits before reading (no package) closes stdin: the
    // close above says why, not this write.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request), 'utf8');
  });
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter(line => line.trim());
  return lines[lines.length - 1] ?? '';
}

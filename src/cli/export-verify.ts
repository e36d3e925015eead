/**
 * `trail export --verify`: the written pipeline run in a clean venv on the
 * recorded inputs (`verifyPipeline`, contract C), its report printed, and
 * the exit code: 0 reproduced, 1 not reproduced, 6 could not run (an input
 * missing, the requirements not installable: the message names it).
 */
import { analysisPython } from './analysis';
import type { TrailConnection } from './config';
import type { ExportResult } from './export-api';
import { CliError, ExitCode } from './exit-codes';
import type { CliIO } from './session-command';
import {
  verifyOutcome,
  verifyPipeline,
  VerifyError,
  VerifyInterrupted,
  type FileCheck,
  type VerifyReport,
  type VerifyTolerance
} from './verify';
import { fileToleranceText } from './verify-compare';

export type Tolerance = VerifyTolerance;

/** A verification that could not run; `report` when it got that far. */
export class VerifyFailed extends CliError {
  constructor(
    message: string,
    readonly report?: VerifyReport
  ) {
    super(message, ExitCode.CannotVerify);
  }
}

/** Runs the verification; resolves with its report and the exit code. */
export async function verifyExport(
  result: ExportResult,
  options: {
    dir: string;
    tolerance: Tolerance;
    connection: TrailConnection;
    io: CliIO;
    say: (line: string) => void;
    /** Ctrl-C: the run's processes killed, its venv removed, exit 130. */
    signal?: AbortSignal;
  }
): Promise<{ report: VerifyReport; exitCode: ExitCode }> {
  const { io, say } = options;
  say('');
  say(
    'Verifying: a clean venv from its requirements.txt, then python pipeline.py on the recorded inputs…'
  );
  let report: VerifyReport;
  try {
    report = await verifyPipeline({
      folder: options.dir,
      python: analysisPython(io.env),
      expected: result.expected,
      tolerance: options.tolerance,
      inputs: result.inputs,
      // The run's recorder is run by this same Node.
      env: { ...io.env, TRAIL_NODE: io.env.TRAIL_NODE ?? process.execPath },
      onProgress: message => io.err(`  ${message}`),
      onNotice: message => io.err(`  note: ${message}`),
      signal: options.signal,
      record: {
        url: options.connection.url,
        token: options.connection.token,
        sessionId: result.sessionId,
        step: result.upto
      }
    });
  } catch (error) {
    if (error instanceof VerifyInterrupted) {
      throw new CliError(
        `interrupted: the pipeline folder ${options.dir} was written; ${error.message}.`,
        ExitCode.Interrupted
      );
    }
    if (error instanceof VerifyError) {
      // The folder was written; only the run could not be made.
      throw error.code === 'input-missing'
        ? new VerifyFailed(`Cannot verify: ${error.message}`)
        : new CliError(`--verify: ${error.message}`);
    }
    throw error;
  }
  for (const line of verifyLines(report)) {
    say(line);
  }
  switch (verifyOutcome(report)) {
    case 'could-not-run':
      throw new VerifyFailed(
        `Cannot verify: the pipeline's environment could not be made (${report.environment.error ?? 'pip failed'}). The pipeline was written; it was not run.`,
        report
      );
    case 'reproduced':
      return { report, exitCode: ExitCode.Same };
    default:
      return { report, exitCode: ExitCode.Diverged };
  }
}

const short = (hash: string | undefined) => hash?.slice(0, 12);

/** The verification report's lines. */
export function verifyLines(report: VerifyReport): string[] {
  const lines: string[] = [];
  const { environment, run } = report;
  if (environment.installed) {
    lines.push(
      `  venv: ${environment.requirements ?? 0} requirement line${environment.requirements === 1 ? '' : 's'} installed`
    );
  }
  for (const input of report.inputs) {
    if (input.same === false) {
      lines.push(
        `  note: the input ${input.path} changed since the recording (recorded ${short(input.recorded)}, now ${short(input.found)}): outputs may differ for that reason`
      );
    }
  }
  if (run) {
    const seconds = (run.durationMs / 1000).toFixed(1);
    lines.push(
      run.exitCode === 0
        ? `  python pipeline.py ran in ${seconds} s (${run.recording})`
        : `  python pipeline.py ${run.timedOut ? 'timed out' : `exited ${run.exitCode ?? run.signal}`} after ${seconds} s:\n${indent(run.stderr)}`
    );
  }
  for (const file of report.files) {
    lines.push(...fileLines(file));
  }
  if (report.kept && report.files.some(file => file.reproducedAt)) {
    lines.push(
      `  the files the run wrote are kept in ${report.kept.reproduced}` +
        (report.kept.restored.length
          ? `; your own (${report.kept.restored.join(', ')}) were put back`
          : '')
    );
  }
  for (const metric of report.metrics) {
    lines.push(
      `  ${metric.within ? 'same   ' : 'DIFFERS'} metric ${metric.name}: recorded ${metric.recorded}, ` +
        `${metric.reproduced === undefined ? 'not logged' : `reproduced ${metric.reproduced}`}` +
        `${metric.tolerance ? ` (tolerance ${metric.tolerance})` : ''}`
    );
  }
  for (const param of report.params) {
    lines.push(
      `  ${param.same ? 'same   ' : 'DIFFERS'} param ${param.name}: recorded ${JSON.stringify(param.recorded)}, used ${param.used === undefined ? 'none' : JSON.stringify(param.used)}`
    );
  }
  const seconds = (report.durationMs / 1000).toFixed(1);
  const accepted = report.files.filter(file => file.within && !file.same);
  lines.push(
    report.reproduced
      ? accepted.length
        ? `Reproduced: every recorded file and metric, ${accepted.length} file${accepted.length === 1 ? '' : 's'} as --tolerance accepts (${seconds} s).`
        : `Reproduced: every recorded file hash and metric (${seconds} s).`
      : `Not reproduced (${seconds} s): see the lines marked DIFFERS.`
  );
  return lines;
}

/** Differences listed in the text report (the --json report has up to 10). */
const LISTED = 5;

/** A file's lines: its verdict, then what its content comparison found. */
export function fileLines(file: FileCheck): string[] {
  const mark = file.same
    ? 'same   '
    : !file.within
      ? 'DIFFERS'
      : file.tolerance?.mode === 'exists'
        ? 'written'
        : 'content';
  const lines = [
    `  ${mark} ${file.path}: recorded ${short(file.recorded)}, ` +
      `${file.reproduced ? `reproduced ${short(file.reproduced)}` : 'not written'}` +
      (file.tolerance && !file.same
        ? ` (--tolerance file:${file.path}=${fileToleranceText(file.tolerance)})`
        : '')
  ];
  if (file.sameContent === true) {
    lines.push(
      file.within
        ? '    the same content (the bytes differ)'
        : `    the same content, the bytes differ: --tolerance file:${file.path}=content accepts it`
    );
  } else if (file.sameContent === false) {
    const count = file.differenceCount ?? file.differences?.length ?? 0;
    lines.push(
      `    the content differs in ${count} place${count === 1 ? '' : 's'}:`
    );
    for (const difference of (file.differences ?? []).slice(0, LISTED)) {
      lines.push(
        `      ${difference.path}: recorded ${difference.recorded}, reproduced ${difference.reproduced}` +
          (difference.note ? ` (${difference.note})` : '')
      );
    }
    if (count > LISTED) {
      lines.push(`      … and ${count - LISTED} more`);
    }
  }
  if (file.contentNote) {
    lines.push(`    ${file.contentNote}`);
  }
  if (file.hint) {
    lines.push(`    hint: ${file.hint}`);
  }
  return lines;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map(line => `    ${line}`)
    .join('\n');
}

/**
 * `trail verify <folder>`: verifies a pipeline folder Trail exported, as
 * `trail export --verify` does right after writing it, but later and with
 * nothing but the folder: what the run should reproduce is the folder's
 * trail-expected.json (written by the export). The export report's Verify
 * button in JupyterLab runs this command through the Jupyter server
 * (`POST /trail/verify`), as `--json`.
 *
 * The verification run is recorded when TRAIL_URL names a Trail server
 * (TRAIL_TOKEN its token), as the export's source session's lineage.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EXPECTED_FILE,
  parseExpectedFile,
  type ExpectedFile
} from '../records/export/pipeline/expected-file';
import { analysisPython } from './analysis';
import { CliError, ExitCode } from './exit-codes';
import { parseTolerance } from './export';
import { verifyLines } from './export-verify';
import type { CliIO } from './session-command';
import {
  verifyOutcome,
  verifyPipeline,
  VerifyError,
  VerifyInterrupted,
  type VerifyReport
} from './verify';

/** The options of `trail verify` as commander gives them. */
export interface VerifyCommandOptions {
  tolerance?: string[];
  json?: boolean;
}

/** What `--json` prints. */
export interface VerifyDocument {
  folder: string;
  source?: ExpectedFile['source'];
  /** 'reproduced' | 'not-reproduced' | 'could-not-run'. */
  outcome?: ReturnType<typeof verifyOutcome>;
  report?: VerifyReport;
  error?: { message: string; exitCode: number };
  exitCode: number;
}

/** The folder's trail-expected.json; a CliError saying what is missing. */
export function readExpected(folder: string): ExpectedFile {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new CliError(`${folder} is not a folder.`);
  }
  if (!existsSync(join(folder, 'pipeline.py'))) {
    throw new CliError(
      `${folder} holds no pipeline.py: not a pipeline folder exported by Trail.`
    );
  }
  const path = join(folder, EXPECTED_FILE);
  if (!existsSync(path)) {
    throw new CliError(
      `${folder} holds no ${EXPECTED_FILE} (what the run should reproduce); export it again with this version of Trail, or use trail export --verify.`
    );
  }
  try {
    return parseExpectedFile(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${folder}: ${(error as Error).message}`);
  }
}

/** Runs the command; resolves with the exit code. */
export async function verifyFolder(
  given: string,
  options: VerifyCommandOptions,
  io: CliIO
): Promise<ExitCode> {
  const say = options.json ? io.err : io.out;
  const folder = resolve(io.cwd, given);
  const document: VerifyDocument = { folder, exitCode: ExitCode.Same };
  try {
    const tolerance = parseTolerance(options.tolerance ?? []);
    const file = readExpected(folder);
    document.source = file.source;
    const url = io.env.TRAIL_URL?.trim();
    say(
      `Verifying ${folder}: a clean venv from its requirements.txt, then python pipeline.py on the recorded inputs…`
    );
    let report: VerifyReport;
    // Ctrl-C kills the venv's making, pip or the run, and removes the venv.
    const stop = new AbortController();
    void io.interrupted.then(() => stop.abort());
    try {
      report = await verifyPipeline({
        signal: stop.signal,
        folder,
        python: analysisPython(io.env),
        expected: file.expected,
        tolerance,
        inputs: file.inputs,
        env: { ...io.env, TRAIL_NODE: io.env.TRAIL_NODE ?? process.execPath },
        // A line per phase: `phase <name>: <message>` (read by the Jupyter handler).
        onProgress: (message, phase) => io.err(`phase ${phase}: ${message}`),
        onNotice: message => io.err(`note: ${message}`),
        ...(url
          ? {
              record: {
                url: url.replace(/\/+$/, ''),
                token: io.env.TRAIL_TOKEN?.trim() || undefined,
                sessionId: file.source.sessionId,
                step: file.source.step
              }
            }
          : {})
      });
    } catch (error) {
      if (error instanceof VerifyInterrupted) {
        throw new CliError(error.message, ExitCode.Interrupted);
      }
      if (error instanceof VerifyError) {
        throw new CliError(
          `Cannot verify: ${error.message}`,
          error.code === 'input-missing'
            ? ExitCode.CannotVerify
            : ExitCode.BadInput
        );
      }
      throw error;
    }
    document.report = report;
    document.outcome = verifyOutcome(report);
    for (const line of verifyLines(report)) {
      say(line);
    }
    if (document.outcome === 'could-not-run') {
      throw new CliError(
        `Cannot verify: the pipeline's environment could not be made (${report.environment.error ?? 'pip failed'}); it was not run.`,
        ExitCode.CannotVerify
      );
    }
    document.exitCode =
      document.outcome === 'reproduced' ? ExitCode.Same : ExitCode.Diverged;
    if (options.json) {
      io.out(JSON.stringify(document, null, 2));
    }
    return document.exitCode as ExitCode;
  } catch (error) {
    if (!(error instanceof CliError)) {
      throw error;
    }
    document.error = { message: error.message, exitCode: error.code };
    document.exitCode = error.code;
    if (options.json) {
      io.out(JSON.stringify(document, null, 2));
    }
    io.err(`trail verify: ${error.message}`);
    return error.code;
  }
}

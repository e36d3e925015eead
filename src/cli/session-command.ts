/**
 * What `trail replay` and `trail fork` share around their run: the Trail
 * server, the recorded session's steps, the private Jupyter server and the
 * kernel to run with, an error the user can act on printed once (and as a
 * JSON document with `--json`), and everything stopped at the end.
 */
import { connect, type TrailConnection } from './config';
import { CliError, type ExitCode } from './exit-codes';
import {
  installedKernels,
  startJupyterServer,
  type JupyterServer
} from './jupyter';
import { loadSource, type SourceSession } from './source';

/** Where a command reads and writes. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout (the result: report text, or the JSON document). */
  out(text: string): void;
  /** stderr (progress and logs). */
  err(text: string): void;
  /** Asks a yes/no question when a person is at the terminal; null when none is. */
  confirm: ((question: string) => Promise<boolean>) | null;
  /** Resolves when the user asks to stop (Ctrl-C). */
  interrupted: Promise<void>;
}

/** The options every session command takes. */
export interface SessionCommandOptions {
  upto?: number;
  kernel?: string;
  strict?: boolean;
  json?: boolean;
}

/** What a session command has once its kernel can start. */
export interface SessionContext {
  connection: TrailConnection;
  jupyter: JupyterServer;
  source: SourceSession;
  kernelName: string;
}

/** A session command's own parts, called in this order. */
export interface SessionCommand<P, D> {
  /** `replay` or `fork`: prefixes the error line. */
  name: string;
  /** Checks the command's own options before anything is asked or started. */
  validate?(): void;
  /**
   * Checks the command's own input once the session is known, before any
   * Jupyter server starts: a failure here has run nothing.
   */
  prepare(connection: TrailConnection, source: SourceSession): Promise<P>;
  /** Runs; resolves with the `--json` document and the exit code. */
  run(
    context: SessionContext,
    prepared: P
  ): Promise<{ document: D; exitCode: ExitCode }>;
  /**
   * Extra fields of the `--json` error document (e.g. the fork's contract
   * report that stopped it), when the command has them.
   */
  errorDetail?(): Record<string, unknown>;
}

/** Runs a session command; resolves with the exit code. */
export async function runSessionCommand<P, D>(
  command: SessionCommand<P, D>,
  target: string,
  options: SessionCommandOptions,
  io: CliIO
): Promise<ExitCode> {
  let connection: TrailConnection | null = null;
  let jupyter: JupyterServer | null = null;
  // A kernel asked for by name is looked up while the session loads, so a
  // name not installed fails in a second, before the server starts.
  const installed =
    options.kernel === undefined ? null : installedKernels(io.cwd, io.env);
  try {
    command.validate?.();
    connection = await connect(io.env, line => io.err(line));
    const source = await loadSource(connection.client, target, options.upto);
    const prepared = await command.prepare(connection, source);
    const names = await installed;
    if (options.kernel !== undefined && names) {
      checkInstalled(options.kernel, names);
    }
    jupyter = await startJupyterServer(io.cwd, io.env);
    const kernelName = await chooseKernel(jupyter, options.kernel, source, io);
    const { document, exitCode } = await command.run(
      { connection, jupyter, source, kernelName },
      prepared
    );
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
            ...command.errorDetail?.(),
            error: { message: error.message, exitCode: error.code }
          },
          null,
          2
        )
      );
    }
    io.err(`trail ${command.name}: ${error.message}`);
    return error.code;
  } finally {
    await jupyter?.stop();
    await connection?.close();
  }
}

/**
 * `--kernel`, else the recorded session's kernel when installed, else the
 * server's default. A kernel asked for by name must be installed.
 */
async function chooseKernel(
  jupyter: JupyterServer,
  asked: string | undefined,
  source: SourceSession,
  io: CliIO
): Promise<string> {
  const specs = await jupyter.specs();
  const installed = specs.names.length ? specs.names.join(', ') : 'none';
  if (asked !== undefined) {
    checkInstalled(asked, specs.names);
    return asked;
  }
  const recorded = source.session.kernel?.name;
  if (recorded && specs.names.includes(recorded)) {
    return recorded;
  }
  if (!specs.default || !specs.names.includes(specs.default)) {
    throw new CliError(
      `No kernel to run with. Installed kernels: ${installed}.`
    );
  }
  if (recorded) {
    io.err(
      `The recorded kernel "${recorded}" is not installed; running with "${specs.default}" (choose with --kernel; installed: ${installed}).`
    );
  }
  return specs.default;
}

/** Fails (exit 2) when the kernel `asked` is not among `names`. */
function checkInstalled(asked: string, names: readonly string[]): void {
  if (!names.includes(asked)) {
    throw new CliError(
      `The kernel "${asked}" is not installed. Installed kernels: ${names.length ? names.join(', ') : 'none'}.`
    );
  }
}

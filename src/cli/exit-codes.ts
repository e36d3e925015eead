/**
 * What `trail` exits with, and the error that carries an exit code up to
 * the command line.
 */

/** The exit codes of `trail replay` and `trail fork` (listed by their --help). */
export const ExitCode = {
  /** Every replayed step gave the same result as the recording. */
  Same: 0,
  /** At least one step diverged (differs, new error, error gone). */
  Diverged: 1,
  /**
   * Bad input or configuration: unknown or private session, step past the
   * end, kernel not installed, no Trail server, bad option. Nothing ran.
   */
  BadInput: 2,
  /** The kernel died during the replay (reported at its step). */
  KernelDied: 3,
  /**
   * The Trail server failed the replay midway: a recorded step could not be
   * read, or the replay could not be delivered.
   */
  Incomplete: 4,
  /**
   * `trail fork`: the data contract check found an error (a new file
   * missing, unreadable or empty, a column the code read missing, …).
   * Nothing ran and nothing was recorded (--force runs anyway).
   */
  ContractFailed: 5,
  /**
   * `trail export --verify`: the pipeline could not be run to compare it
   * (an input missing, its requirements not installable); it was written.
   */
  CannotVerify: 6,
  /** Stopped by the user (Ctrl-C). */
  Interrupted: 130
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The help text's table of exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0    every step replayed the same as recorded
  1    a step diverged (differs, new error, error gone)
  2    bad input or configuration (unknown or private session, step past
       the end, kernel not installed, no Trail server); nothing was run
  3    the kernel died during the replay (the step is named and recorded)
  4    the Trail server failed midway: a recorded step could not be read,
       or the replay could not be sent to it
  130  interrupted (Ctrl-C)`;

/** The exit codes of `trail fork` (its --help). */
export const FORK_EXIT_CODES_HELP = `Exit codes:
  0    the fork ran every step (outputs that differ from the parent are
       expected: other data)
  1    a step raised an error the parent did not (a new error)
  2    bad input or configuration (unknown or private session, step past
       the end, a --map without "=" or naming a file the experiment did
       not read, the same input mapped twice, kernel not installed, no
       Trail server); nothing was run
  3    the kernel died during the fork (the step is named and recorded)
  4    the Trail server failed midway: a recorded step could not be read,
       or the fork could not be sent to it
  5    the data contract check found an error; nothing was run or
       recorded (--force runs it anyway)
  130  interrupted (Ctrl-C)`;

/** The exit codes as `trail --help` lists them, for both commands. */
export const ALL_EXIT_CODES_HELP = `Exit codes (each command's --help says more):
  0    replay: every step the same as recorded; fork: every step ran
       (outputs that differ from the parent are expected)
  1    replay: a step diverged; fork: a step raised a new error;
       export --verify: the pipeline did not reproduce the recording
  2    bad input or configuration; nothing was run or written
  3    the kernel died (the step is named and recorded)
  4    the Trail server failed midway (export: it failed to export)
  5    fork: the data contract check found an error; nothing was run
  6    export --verify: the pipeline could not be run to compare it
  130  interrupted (Ctrl-C)`;

/** The exit codes of `trail export` (its --help). */
export const EXPORT_EXIT_CODES_HELP = `Exit codes:
  0    the pipeline folder was written (and, with --verify, it reproduced
       every recorded file hash and metric)
  1    --verify: the pipeline ran but did not reproduce the recording (the
       report marks each file or metric that differs)
  2    bad input or configuration (unknown or private session, step past
       the end, a target nothing produced, a session with no successful
       step, --out existing and not empty without --force, no Trail
       server); nothing was written
  4    the Trail server failed (its export or its code analysis); nothing
       was written
  6    --verify could not run the pipeline (an input missing, requirements
       not installable: the message names it); the folder was written
  130  interrupted (Ctrl-C)`;

/**
 * A failure the user can act on: its message is printed as it is (no stack)
 * and the command exits with `code`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = ExitCode.BadInput
  ) {
    super(message);
    this.name = 'CliError';
  }
}

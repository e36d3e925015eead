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
  1    replay: a step diverged; fork: a step raised a new error
  2    bad input or configuration; nothing was run
  3    the kernel died (the step is named and recorded)
  4    the Trail server failed midway
  5    fork: the data contract check found an error; nothing was run
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

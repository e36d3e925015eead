/**
 * What `trail` exits with, and the error that carries an exit code up to
 * the command line.
 */

/** The exit codes of `trail replay` (also listed by `trail replay --help`). */
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

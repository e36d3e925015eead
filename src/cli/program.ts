/**
 * The `trail` command line: its commands, options and help (commander).
 */
import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option
} from 'commander';
import { PACKAGE_VERSION } from '../_generated/version';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes';
import { replay, type CliIO, type ReplayOptions } from './replay';

const CONFIGURATION_HELP = `Configuration (as the JupyterLab extension):
  TRAIL_URL           the Trail server (e.g. a team server); with
  TRAIL_TOKEN         its API token, or
  TRAIL_TOKEN_FILE    a file holding it.
  Without TRAIL_URL, the local server of TRAIL_DATA_DIR (default
  <jupyter data dir>/trail) is used, and started if it does not run.
  TRAIL_PYTHON        the Python whose \`jupyter server\` runs the kernel
                      (set by the installed \`trail\` command).`;

const REPLAY_HELP = `
Runs steps 1..K of a recorded session, each recorded execution in order
(as executed), in a new kernel of a private Jupyter server started in the
current folder, so relative data paths resolve as beside the notebook.
First a preflight compares the recorded Python, packages and input files
with this kernel's; a preflight that is not ready is reported and the
replay goes on (it shows which steps the differences change; at a terminal
you are asked first, unless --yes). Each step prints its cell, the first
line of its code and its verdict: same, differs, new error, error gone.
The replay is recorded to the Trail server as a session of its own that
names its source session and step, with its notebook as executed (one
cell per step), which the replay viewer shows.

Examples:
  trail replay 5b2f0c1e-...                    every step of a session
  trail replay 5b2f0c1e-... --upto 12          steps 1..12
  trail replay 'http://hub/lab?trail-execution=9a...'   up to that execution
  trail replay 5b2f0c1e-... --json > replay.json

${EXIT_CODES_HELP}

${CONFIGURATION_HELP}`;

function positiveInteger(value: string): number {
  const number = Number(value);
  if (
    !/^\d+$/.test(value.trim()) ||
    !Number.isSafeInteger(number) ||
    number < 1
  ) {
    throw new InvalidArgumentError('expected a step number (1, 2, …).');
  }
  return number;
}

/** Builds the program; `run` is called with the chosen command's result. */
export function buildProgram(
  io: CliIO,
  done: (code: ExitCode) => void
): Command {
  const program = new Command('trail')
    .description(
      'Trail from a terminal: replay a recorded notebook session in a fresh kernel.'
    )
    .version(PACKAGE_VERSION, '-V, --version', 'print the version of Trail')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: text => io.out(text.replace(/\n$/, '')),
      writeErr: text => io.err(text.replace(/\n$/, ''))
    })
    .exitOverride()
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONFIGURATION_HELP}`);

  program
    .command('replay')
    .description(
      'Replay steps 1..K of a recorded session in a fresh kernel, compare each step with the recording and record the replay.'
    )
    .argument(
      '<session>',
      'a session id, an execution id, or a Trail link (…?trail-execution=<id>; replays up to that execution)'
    )
    .addOption(
      new Option(
        '--upto <K>',
        'replay steps 1..K (default: the last step, or the linked execution)'
      ).argParser(positiveInteger)
    )
    .option(
      '--kernel <name>',
      'the kernel spec to run (default: the recorded one if installed, else the default kernel)'
    )
    .option(
      '--strict',
      'compare every character: memory addresses, timestamps, timings and object ids count as divergences'
    )
    .option(
      '--json',
      'print one JSON document on stdout (preflight, steps, summary); logs go to stderr'
    )
    .option(
      '-y, --yes',
      'do not ask before replaying when the preflight is not ready'
    )
    .addHelpText('after', REPLAY_HELP)
    .exitOverride()
    .action(async (session: string, options: ReplayOptions) => {
      done(await replay(session, options, io));
    });
  return program;
}

/** Parses `argv` (without node and the script) and runs the command. */
export async function runProgram(argv: string[], io: CliIO): Promise<ExitCode> {
  let code: ExitCode | null = null;
  const program = buildProgram(io, result => (code = result));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; any usage error is bad input.
      return error.exitCode === 0 ? ExitCode.Same : ExitCode.BadInput;
    }
    throw error;
  }
  if (code === null) {
    // `trail` alone: say what there is.
    program.outputHelp({ error: true });
    return ExitCode.BadInput;
  }
  return code;
}

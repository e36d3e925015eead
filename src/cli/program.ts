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
import {
  ALL_EXIT_CODES_HELP,
  EXIT_CODES_HELP,
  EXPORT_EXIT_CODES_HELP,
  ExitCode,
  FORK_EXIT_CODES_HELP
} from './exit-codes';
import { exportPipeline, type ExportOptions } from './export';
import { fork, type ForkOptions } from './fork';
import { verifyFolder, type VerifyCommandOptions } from './verify-command';
import { recordRun, type RecordRunOptions } from './record-run';
import { replay, type ReplayOptions } from './replay';
import type { CliIO } from './session-command';

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

const FORK_HELP = `
Runs steps 1..K of a recorded session on your own data. Each --map names an
input the experiment read, as the session recorded it (a --map naming a
path it did not read lists them), and the file or folder to read instead;
a folder maps to a folder. The code runs unchanged (as executed), in a new
kernel of a private Jupyter server started in the current folder: the
Trail helper in the kernel redirects every open of a recorded path, however
the code builds it (os.path.join, f-strings, pathlib, a glob over a folder)
and whichever reader opens it, to your file. Relative paths on either side
resolve against the current folder.

First the data contract: each new file is checked against what the
recording read, and the report lists, per input, recorded path -> new
path, both sides' hash, size, rows and columns. Errors stop the fork with
nothing run or recorded (exit 5) unless --force: the file is missing,
unreadable or empty, a folder stands for a file (or back), a column the
code read is missing. Warnings (a column's type changed, another format)
and notes (extra columns, other rows or size) do not stop it.

Each step prints its cell, the first line of its code and how it compares
with the parent: same; differs from parent (expected: the data differ);
new error (a problem: the step raised where the parent did not); error
gone. The fork is recorded as a session of its own whose lineage names the
parent session and step and the substitutions (with the new files'
sha256); the parent lists it with its replays and forks.

Examples:
  trail fork 5b2f0c1e-... --map data.csv=mine.csv
  trail fork 5b2f0c1e-... --upto 12 --map data/train.csv=/data/me/train.csv \\
      --map data/images=/data/me/images
  trail fork 'http://hub/lab?trail-execution=9a...' --map data.csv=mine.csv
  trail fork 5b2f0c1e-... --map data.csv=mine.csv --json > fork.json
  trail fork 5b2f0c1e-... --map data.csv=partial.csv --force

${FORK_EXIT_CODES_HELP}

${CONFIGURATION_HELP}`;

const EXPORT_HELP = `
Writes the code that produced a recorded result as a pipeline folder: the
steps it depends on, in execution order, with dead ends dropped (failed or
interrupted steps, runs superseded by a later run of the same cell, steps
that only display), IPython magics turned into plain Python (or left as
comments with the reason), the logged params read from params.yaml and
overridable (python pipeline.py --lr 0.01), the logged metrics written to
metrics.json. The folder also holds requirements.txt pinned from the
recorded environment (and the full freeze as a lock), dvc.yaml, MLproject,
a Dockerfile, a papermill notebook and a README with the provenance.

Run it from the notebook's folder (where the recorded relative paths
resolve, beside the data), with --out inside it. The files are written
into a temporary folder beside --out, then renamed into place: nothing is
half-written. An --out that exists and is not empty is refused unless
--force, which replaces it as a whole.

--verify then builds a clean venv from the folder's requirements.txt, runs
python pipeline.py in it on the recorded inputs and compares each file the
run wrote (sha256) and each metric with the recording. Metrics must be
equal unless a --tolerance allows an absolute difference (for training that
is not deterministic). A file whose hash differs is also compared by
content when its format allows (.pkl .pickle .joblib .npy .npz .csv .tsv
.parquet .json: loaded with the venv's Python, against the file the
recording wrote if it is still in the notebook's folder) and the report
says where it differs; it counts as reproduced only with
--tolerance file:PATH=content (the same content; content:X numbers within
X) or file:PATH=exists (written, not compared). Loading a pickle runs code:
only your own run's files are ever loaded. The verification run is
recorded as a session linked to the exported one.

Examples:
  trail export 5b2f0c1e-... --out pipelines/train          the whole run
  trail export 5b2f0c1e-... --upto 12 --out pipelines/train
  trail export 'http://hub/lab?trail-execution=9a...' --out pipelines/train
                                                  up to that execution
  trail export 5b2f0c1e-... --target model.pkl --out pipelines/model
                                                  what produced model.pkl
  trail export 5b2f0c1e-... --target metric:accuracy --out pipelines/acc
  trail export 5b2f0c1e-... --out pipelines/train --force --verify \\
      --tolerance 1e-6 --tolerance loss=0.01 \\
      --tolerance file:out/model.pkl=content
  trail export 5b2f0c1e-... --out pipelines/train --json > export.json

${EXPORT_EXIT_CODES_HELP}

${CONFIGURATION_HELP}`;

/** Collects the repeated --map options as given (parsed by the command). */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

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
      'Trail from a terminal: replay a recorded notebook session in a fresh kernel, fork it onto your own data, or export it as a pipeline.'
    )
    .version(PACKAGE_VERSION, '-V, --version', 'print the version of Trail')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: text => io.out(text.replace(/\n$/, '')),
      writeErr: text => io.err(text.replace(/\n$/, ''))
    })
    .exitOverride()
    .addHelpText('after', `\n${ALL_EXIT_CODES_HELP}\n\n${CONFIGURATION_HELP}`);

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

  program
    .command('fork')
    .description(
      'Run steps 1..K of a recorded session on your own files: check them against the recorded data contract, run the same code reading them, and record the fork linked to its parent.'
    )
    .argument(
      '<session>',
      'a session id, an execution id, or a Trail link (…?trail-execution=<id>; forks up to that execution)'
    )
    .addOption(
      new Option(
        '--upto <K>',
        'fork steps 1..K (default: the last step, or the linked execution)'
      ).argParser(positiveInteger)
    )
    .requiredOption(
      '--map <RECORDED=NEW>',
      'read NEW instead of the input RECORDED (a path the experiment read, as recorded); repeat for each input',
      collect
    )
    .option(
      '--kernel <name>',
      'the kernel spec to run (default: the recorded one if installed, else the default kernel)'
    )
    .option(
      '--strict',
      'compare every character with the parent: memory addresses, timestamps, timings and object ids count as differences'
    )
    .option('--force', 'run even when the data contract check found an error')
    .option(
      '--json',
      'print one JSON document on stdout (contract, substitutions, steps, summary); logs go to stderr'
    )
    .addHelpText('after', FORK_HELP)
    .exitOverride()
    .action(async (session: string, options: ForkOptions) => {
      done(await fork(session, options, io));
    });

  program
    .command('export')
    .description(
      'Export the code that produced a recorded result (a session up to step K, a written file or a logged metric) as a pipeline folder that runs unmodified (script, params, pinned requirements, DVC, MLflow, Docker); --verify checks that it reproduces the recording.'
    )
    .argument(
      '<session>',
      'a session id, an execution id, or a Trail link (…?trail-execution=<id>; exports up to that execution)'
    )
    .addOption(
      new Option(
        '--upto <K>',
        'consider steps 1..K (default: the last step, or the linked execution)'
      ).argParser(positiveInteger)
    )
    .option(
      '--target <PATH|metric:NAME>',
      'export only what produced this file (its path as recorded) or this metric (default: every result of the run)'
    )
    .requiredOption(
      '--out <DIR>',
      'the pipeline folder to write (new or empty unless --force)'
    )
    .option(
      '--verify',
      'run the pipeline in a clean venv on the recorded inputs and compare its files and metrics with the recording'
    )
    .option(
      '--tolerance <X|NAME=X|file:PATH=MODE>',
      'with --verify: how far a metric may be from the recorded value (absolute); X for every metric, NAME=X for one; file:PATH=content, content:X or exists: what a file whose hash differs is accepted as; repeatable',
      collect
    )
    .option('--force', 'replace --out as a whole when it is not empty')
    .option(
      '--json',
      'print one JSON document on stdout (the export without file contents, the verification); logs go to stderr'
    )
    .addHelpText('after', EXPORT_HELP)
    .exitOverride()
    .action(async (session: string, options: ExportOptions) => {
      done(await exportPipeline(session, options, io));
    });
  program
    .command('verify')
    .description(
      'Verify a pipeline folder Trail exported: run it in a clean venv from its requirements.txt on the recorded inputs and compare its files and metrics with what its trail-expected.json recorded.'
    )
    .argument('<folder>', 'the pipeline folder (written by trail export)')
    .option(
      '--tolerance <X|NAME=X|file:PATH=MODE>',
      'how far a metric may be from the recorded value (absolute); X for every metric, NAME=X for one; file:PATH=content (the same content), content:X (numbers within X) or exists (written, not compared): what a file whose hash differs is accepted as; repeatable',
      collect
    )
    .option(
      '--json',
      'print one JSON document on stdout (folder, source, outcome, report or error); progress lines (phase NAME: ...) go to stderr'
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 reproduced, 1 ran but did not reproduce, 2 bad input (not a
pipeline folder, no trail-expected.json, a bad --tolerance), 6 could not
run (an input missing, requirements not installable).

With TRAIL_URL (and TRAIL_TOKEN), the verification run is recorded there
as a session linked to the exported one.

The run writes the paths the recording wrote: your own files there are
moved into <folder>/.trail-verify/<run>/recorded/ for the run and put back
after it (also after Ctrl-C; after a crash, by the next trail verify); what
the run wrote is kept in .trail-verify/<run>/reproduced/ (the last 3 runs).`
    )
    .exitOverride()
    .action(async (folder: string, options: VerifyCommandOptions) => {
      done(await verifyFolder(folder, options, io));
    });
  program
    .command('record-run')
    .description(
      'Record one run of an exported pipeline (called by its pipeline.py through jupyterlab_trail.pipeline_run): a session of one execution linked to the session it was exported from.'
    )
    .argument(
      '<capture>',
      'the JSON file jupyterlab_trail.pipeline_run wrote at the end of the run'
    )
    .option(
      '--json',
      'print where the run was recorded as JSON (sessionId, executionId, server, lineage)'
    )
    .exitOverride()
    .action(async (capture: string, options: RecordRunOptions) => {
      done(await recordRun(capture, options, io));
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

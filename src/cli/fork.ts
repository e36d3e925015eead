/**
 * `trail fork`: runs steps 1..k of a recorded session on the user's own
 * data. Each `--map RECORDED=NEW` names an input the experiment read and
 * the file or folder to read instead; the code runs unchanged, the kernel
 * helper redirecting the recorded paths (contract 6).
 *
 * In order, so that bad input runs and records nothing:
 * 1. the maps are parsed, and checked against the inputs of steps 1..k
 *    (the server's `GET /inputs`): a map naming a file the experiment did
 *    not read, or an input mapped twice, exits 2 before any kernel starts;
 * 2. a kernel starts, observed by the recorder (which sends nothing
 *    before the first step runs), and probes the new paths with detail;
 * 3. the data contract (`checkContract`, the rule the server's
 *    `POST /contract` applies too) is printed; an error stops here with
 *    exit 5 unless `--force`;
 * 4. the redirects are installed, the steps run as a replay's do, and the
 *    fork is recorded with lineage `{kind: "fork", sessionId, step,
 *    substitutions}`, the new files' sha256 from the probe.
 */
import type { Kernel } from '@jupyterlab/services';
import { describeError } from '../client/errors';
import type { InputList } from '../client/api-schema';
import { installRedirects } from '../model/replay-run/redirect';
import {
  checkContract,
  parseMapping,
  type ContractReport,
  type ForkMapping
} from '../records/fork/contract';
import type { InputFile } from '../records/replay/inputs';
import { MAX_SUBSTITUTIONS } from '../records/limits';
import type { Lineage } from '../records/schema';
import type { TrailConnection } from './config';
import { CliError, ExitCode } from './exit-codes';
import {
  summarizeFork,
  type ForkDocument,
  type LineageSubstitution
} from './fork-document';
import {
  contractLines,
  contractVerdict,
  forkSummaryLines
} from './fork-report';
import { probeTarget } from './probe';
import { stepLine } from './report';
import {
  runSessionCommand,
  type CliIO,
  type SessionCommandOptions,
  type SessionContext
} from './session-command';
import type { SourceSession } from './source';
import { StepsRun } from './steps-run';

/** The options of `trail fork`. */
export interface ForkOptions extends SessionCommandOptions {
  /** The `--map` options as given (RECORDED=NEW). */
  map: string[];
  force?: boolean;
}

/** Problems of a map that are bad input (exit 2), not a contract finding. */
const MAP_ERRORS = new Set(['unknown-input', 'duplicate']);

/** Runs the command; resolves with the exit code. */
export function fork(
  target: string,
  options: ForkOptions,
  io: CliIO
): Promise<ExitCode> {
  const command = new ForkCommand(options, io);
  return runSessionCommand(command, target, options, io);
}

/** The fork's parts, in the order runSessionCommand calls them. */
class ForkCommand {
  constructor(
    private readonly options: ForkOptions,
    private readonly io: CliIO
  ) {
    // With --json, stdout carries only the document.
    this.say = options.json ? io.err : io.out;
  }

  readonly name = 'fork';

  /** Parses the maps: a malformed one fails before the server is asked. */
  validate(): void {
    const given = this.options.map ?? [];
    if (given.length === 0) {
      throw new CliError(
        'Name at least one input to substitute: --map RECORDED=NEW.'
      );
    }
    if (given.length > MAX_SUBSTITUTIONS) {
      throw new CliError(
        `--map: ${given.length} maps; a fork substitutes at most ${MAX_SUBSTITUTIONS} inputs.`
      );
    }
    this._map = given.map(text => {
      try {
        return parseMapping(text);
      } catch (error) {
        throw new CliError(`--map: ${(error as Error).message}`);
      }
    });
  }

  /**
   * Reads the inputs of steps 1..k and checks that each map names one of
   * them, once (the contract rule's own findings, with no file probed yet).
   */
  async prepare(
    connection: TrailConnection,
    source: SourceSession
  ): Promise<InputFile[]> {
    let list: InputList;
    try {
      list = await connection.client.getInputs(source.session.id, source.upto);
    } catch (error) {
      throw new CliError(
        `Could not read the inputs of session ${source.session.id} from ${connection.url}: ${describeError(error)}`
      );
    }
    const inputs = list.inputs as InputFile[];
    const bad = checkContract(inputs, this._map, [])
      .entries.flatMap(entry => entry.problems)
      .filter(problem => MAP_ERRORS.has(problem.code));
    if (bad.length) {
      throw new CliError(
        `--map: ${bad.map(problem => problem.message).join('\n  ')}`
      );
    }
    return inputs;
  }

  async run(
    context: SessionContext,
    inputs: InputFile[]
  ): Promise<{ document: ForkDocument; exitCode: ExitCode }> {
    const { source, connection, kernelName } = context;
    // Completed once the probe answered; asked when the first step starts.
    let substitutions: LineageSubstitution[] = [];
    const run = new StepsRun({
      connection,
      jupyter: context.jupyter,
      source,
      io: this.io,
      strict: this.options.strict ?? false,
      say: this.say,
      lineage: (): Lineage => ({
        kind: 'fork',
        sessionId: source.session.id,
        step: source.upto,
        substitutions
      }),
      line: result => stepLine(result, source.upto, { fork: true })
    });
    const kernel = await run.start(kernelName);
    const author = source.session.author?.name;
    this.say(
      `Forking steps 1-${source.upto} of ${source.total} of session ${source.session.id}` +
        ` (${source.session.notebookPath}${author ? `, by ${author}` : ''})` +
        ` in a new "${kernelName}" kernel, in ${this.io.cwd}`
    );
    let redirects: ForkDocument['redirects'];
    let map: ForkMapping[];
    try {
      const report = await this.contract(kernel, inputs, source.upto);
      // The recorded side as the session names the input.
      map = report.entries.map(entry => ({
        recorded: entry.input?.path ?? entry.recorded,
        path: entry.path
      }));
      substitutions = report.entries.map(entry => ({
        recorded: entry.input?.path ?? entry.recorded,
        path: entry.path,
        ...(entry.target?.sha256 ? { sha256: entry.target.sha256 } : {})
      }));
      redirects = await this.redirect(kernel, map);
    } catch (error) {
      // Stopped before the first step: nothing is recorded.
      run.discard();
      throw error;
    }
    const outcome = await run.runSteps();
    const summary = summarizeFork(
      outcome.steps,
      {
        sourceSessionId: source.session.id,
        upto: source.upto,
        forkSessionId: outcome.sessionId,
        recorded: outcome.delivery.delivered,
        recordError: outcome.delivery.error
      },
      outcome.interrupted
    );
    for (const line of forkSummaryLines(summary)) {
      this.say(line);
    }
    return {
      document: {
        source: describeSource(source),
        server: connection.url,
        kernel: kernelName,
        map: this._map,
        contract: this._report!,
        // Only --force gets a report with errors this far.
        forced: !this._report!.ok,
        substitutions,
        redirects,
        steps: outcome.steps,
        summary
      },
      exitCode: summary.exitCode
    };
  }

  /** With --json, a fork the contract stopped still says why, in full. */
  errorDetail(): Record<string, unknown> {
    return this._report ? { map: this._map, contract: this._report } : {};
  }

  /** Probes the new paths, prints the report; stops on an error unless forced. */
  private async contract(
    kernel: Kernel.IKernelConnection,
    inputs: InputFile[],
    upto: number
  ): Promise<ContractReport> {
    const paths = [...new Set(this._map.map(mapping => mapping.path))];
    const probe = await probeTarget(kernel, paths, this.io.cwd, {
      detail: true
    });
    const report = checkContract(inputs, this._map, probe.files);
    this._report = report;
    for (const line of contractLines(report, { upto })) {
      this.say(line);
    }
    if (probe.source === 'local') {
      this.say(
        `  Note: ${probe.problem ?? 'the kernel has no probe'}; the files were checked from here, without table schemas.`
      );
    }
    const force = this.options.force ?? false;
    this.say(contractVerdict(report, force));
    if (!report.ok && !force) {
      const first = report.entries
        .flatMap(entry => entry.problems)
        .find(problem => problem.level === 'error');
      throw new CliError(
        `the data contract check found ${report.errors} error${report.errors === 1 ? '' : 's'}` +
          `${first ? `: ${first.message}` : '.'}` +
          `${report.errors > 1 ? ` (and ${report.errors - 1} more above)` : ''}` +
          ' Nothing was run or recorded; fix the map or the files, or run again with --force.',
        ExitCode.ContractFailed
      );
    }
    return report;
  }

  /** Installs the kernel's redirects; a kernel that cannot is bad input. */
  private async redirect(
    kernel: Kernel.IKernelConnection,
    map: ForkMapping[]
  ): Promise<ForkDocument['redirects']> {
    let redirects: ForkDocument['redirects'];
    try {
      redirects = await installRedirects(kernel, map);
    } catch (error) {
      throw new CliError(
        `This kernel cannot redirect the inputs (${(error as Error).message}); a fork needs a Python kernel with the Trail helper.`
      );
    }
    for (const redirect of redirects) {
      this.say(
        `Redirecting ${redirect.recorded} -> ${redirect.path} (${redirect.kind})`
      );
    }
    return redirects;
  }

  private readonly say: (line: string) => void;
  private _map: ForkMapping[] = [];
  private _report: ContractReport | null = null;
}

function describeSource(source: SourceSession): ForkDocument['source'] {
  const author = source.session.author?.name;
  return {
    sessionId: source.session.id,
    notebookPath: source.session.notebookPath,
    ...(author ? { author } : {}),
    total: source.total,
    upto: source.upto,
    structured: source.structured
  };
}

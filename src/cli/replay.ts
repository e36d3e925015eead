/**
 * `trail replay`: runs steps 1..k of a recorded session in a fresh kernel,
 * compares each new execution with the recorded one, and records the
 * replay (with its lineage) to the Trail server. The preflight and the run
 * are the replay models of the extension (src/model/replay-run), driven
 * from a terminal.
 */
import type { Kernel } from '@jupyterlab/services';
import {
  PreflightModel,
  type IPreflightServer
} from '../model/replay-run/preflight';
import { KernelStepExecutor } from '../model/replay-run/executor';
import { ReplayRunModel, type IStepResult } from '../model/replay-run/runner';
import type { IReplayStep } from '../model/replay-run/steps';
import { compareExecutions } from '../records/replay/compare';
import { connect, type TrailConnection } from './config';
import { CliError, ExitCode } from './exit-codes';
import {
  installedKernels,
  startJupyterServer,
  type JupyterServer
} from './jupyter';
import { probeTarget, type TargetProbe } from './probe';
import { ReplayRecording } from './recording';
import { replayNotebook, type ReplayNotebook } from './replay-structure';
import {
  firstCodeLine,
  preflightLines,
  stepLine,
  summaryLines
} from './report';
import {
  diverged,
  summarize,
  type ReplayDocument,
  type ReplayStepResult
} from './replay-document';
import { loadSource, type SessionStep, type SourceSession } from './source';

/** The options of `trail replay`. */
export interface ReplayOptions {
  upto?: number;
  kernel?: string;
  strict?: boolean;
  json?: boolean;
  yes?: boolean;
}

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

/** Runs the command; resolves with the exit code. */
export async function replay(
  target: string,
  options: ReplayOptions,
  io: CliIO
): Promise<ExitCode> {
  let connection: TrailConnection | null = null;
  let jupyter: JupyterServer | null = null;
  // A kernel asked for by name is looked up while the session loads, so a
  // name not installed fails in a second, before the server starts.
  const installed =
    options.kernel === undefined ? null : installedKernels(io.cwd, io.env);
  try {
    connection = await connect(io.env, line => io.err(line));
    const source = await loadSource(connection.client, target, options.upto);
    const names = await installed;
    if (options.kernel !== undefined && names) {
      checkInstalled(options.kernel, names);
    }
    jupyter = await startJupyterServer(io.cwd, io.env);
    const kernelName = await chooseKernel(jupyter, options.kernel, source, io);
    const run = new ReplayRun(connection, jupyter, source, options, io);
    const document = await run.run(kernelName);
    if (options.json) {
      io.out(JSON.stringify(document, null, 2));
    }
    return document.summary.exitCode;
  } catch (error) {
    if (!(error instanceof CliError)) {
      throw error;
    }
    if (options.json) {
      io.out(
        JSON.stringify(
          { error: { message: error.message, exitCode: error.code } },
          null,
          2
        )
      );
    }
    io.err(`trail replay: ${error.message}`);
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
      `No kernel to replay with. Installed kernels: ${installed}.`
    );
  }
  if (recorded) {
    io.err(
      `The recorded kernel "${recorded}" is not installed; replaying with "${specs.default}" (choose with --kernel; installed: ${installed}).`
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

/** One replay, from the kernel's start to the delivery of its record. */
class ReplayRun {
  constructor(
    private readonly connection: TrailConnection,
    private readonly jupyter: JupyterServer,
    private readonly source: SourceSession,
    private readonly options: ReplayOptions,
    private readonly io: CliIO
  ) {
    // With --json, stdout carries only the document.
    this.say = options.json ? io.err : io.out;
  }

  async run(kernelName: string): Promise<ReplayDocument> {
    const { source } = this;
    const recording = new ReplayRecording(this.connection.client);
    const kernel = await this.jupyter.startKernel(kernelName);
    const author = source.session.author?.name;
    this.say(
      `Replaying steps 1-${source.upto} of ${source.total} of session ${source.session.id}` +
        ` (${source.session.notebookPath}${author ? `, by ${author}` : ''})` +
        ` in a new "${kernelName}" kernel, in ${this.io.cwd}`
    );
    // Steps that did not run to their end in the recording (aborted,
    // interrupted) are skipped: running them would not replay what
    // happened, and may not end.
    const notebook = replayNotebook(
      source.steps.filter(step => !skipped(step)),
      id => source.codeOf(id)
    );
    await recording.observe(
      kernel,
      source.session.notebookPath,
      { kind: 'replay', sessionId: source.session.id, step: source.upto },
      notebook.structure
    );

    const preflight = await this.preflight(probe =>
      probeTarget(kernel, probe, this.io.cwd)
    );
    const executor = new KernelStepExecutor({
      kernel,
      recorder: recording.recorder,
      notebookPath: source.session.notebookPath,
      codeOf: step =>
        this._code.get(step.executionId) ??
        source.codeOf(step.executionId) ??
        ''
    });
    const results = await this.runSteps(executor, kernel, notebook);
    executor.dispose();
    // Every step sent to the kernel is recorded, the one it died in too.
    await recording.settle(
      results.filter(
        result => result.replayedExecutionId || result.verdict === 'kernel-died'
      ).length
    );

    const delivery = await recording.finish();
    const summary = summarize(
      results,
      {
        sourceSessionId: source.session.id,
        upto: source.upto,
        replaySessionId: recording.sessionId,
        recorded: delivery.delivered,
        recordError: delivery.error
      },
      this._interrupted
    );
    for (const line of summaryLines(summary)) {
      this.say(line);
    }
    return {
      source: {
        sessionId: source.session.id,
        notebookPath: source.session.notebookPath,
        ...(author ? { author } : {}),
        total: source.total,
        upto: source.upto,
        structured: source.structured
      },
      server: this.connection.url,
      kernel: kernelName,
      preflight,
      steps: results,
      summary
    };
  }

  /** The preflight model: inputs from the server, the probe, the server's report. */
  private async preflight(
    probe: (paths: string[]) => Promise<TargetProbe>
  ): Promise<ReplayDocument['preflight']> {
    const { source } = this;
    let probed: TargetProbe | null = null;
    const server: IPreflightServer = this.connection.client;
    const model = new PreflightModel({
      sessionId: source.session.id,
      step: source.upto,
      server,
      probe: async paths => (probed = await probe(paths))
    });
    await model.run();
    const report = model.report;
    model.dispose();
    if (!report || !probed) {
      // The replay itself still tells what differs.
      this.io.err(
        `Preflight: not available (${model.error?.message ?? 'no report'}); replaying without it.`
      );
      return null;
    }
    const { source: via, problem } = probed as TargetProbe;
    for (const line of preflightLines(report, {
      upto: source.upto,
      probe: via,
      problem
    })) {
      this.say(line);
    }
    if (
      !report.ready &&
      !this.options.yes &&
      !this.options.json &&
      this.io.confirm &&
      !(await this.io.confirm('Replay anyway?'))
    ) {
      throw new CliError(
        'Stopped before the replay: the preflight is not ready.',
        ExitCode.Interrupted
      );
    }
    return { ...report, probe: via, ...(problem ? { problem } : {}) };
  }

  /**
   * Runs the steps with the replay runner (no pause at a divergence: every
   * step runs, the first divergence is flagged), the steps of `notebook`.
   */
  private async runSteps(
    executor: KernelStepExecutor,
    kernel: Kernel.IKernelConnection,
    notebook: ReplayNotebook
  ): Promise<ReplayStepResult[]> {
    const { source } = this;
    const toRun: IReplayStep[] = notebook.steps;
    const client = this.connection.client;
    const model = new ReplayRunModel({
      sessionId: source.session.id,
      upto: source.upto,
      steps: toRun,
      executor,
      recorded: {
        getExecution: async id => {
          const record = await client.getExecution(id);
          this._code.set(id, record.code);
          return record;
        },
        resolveOutputs: outputs => client.resolveOutputs(outputs)
      },
      compare: compareExecutions,
      strict: this.options.strict ?? false,
      pauseOnDivergence: false
    });
    const byStep = new Map<number, IStepResult>();
    for (const result of model.results) {
      byStep.set(result.step.step, result);
    }
    const results: ReplayStepResult[] = [];
    const printed = new Set<number>();
    let sawDivergence = false;
    const report = () => {
      for (const step of source.steps) {
        if (printed.has(step.step)) {
          continue;
        }
        const result = byStep.get(step.step);
        if (
          result &&
          (result.state === 'pending' || result.state === 'running')
        ) {
          // In order: nothing after a step still to come.
          return;
        }
        if (!result && model.state === 'ready') {
          return;
        }
        const line = this.stepResult(step, result);
        if (diverged(line.verdict) && !sawDivergence) {
          sawDivergence = true;
          line.firstDivergence = true;
        }
        printed.add(step.step);
        results.push(line);
        if (line.verdict !== 'not-run') {
          this.say(stepLine(line, source.upto));
        }
      }
    };
    model.changed.connect(report);
    void this.io.interrupted.then(() => {
      // Stop after the running step, and interrupt it (a long step would
      // otherwise keep the user waiting).
      this._interrupted = true;
      model.stop();
      void kernel.interrupt().catch(() => undefined);
    });
    await model.start();
    report();
    model.dispose();
    if (model.state === 'stopped' && this._interrupted) {
      this.say('Interrupted: the remaining steps were not run.');
    } else if (model.state === 'failed' && model.message) {
      this.say(model.message);
    }
    return results;
  }

  /** One step's line, from the runner's result (none for a skipped step). */
  private stepResult(
    step: SessionStep,
    result: IStepResult | undefined
  ): ReplayStepResult {
    const line: ReplayStepResult = {
      step: step.step,
      seq: step.seq,
      executionId: step.executionId,
      cellId: step.cellId,
      ...source(this.source, step.cellId),
      ...firstLineOf(this.source.codeOf(step.executionId)),
      verdict: 'not-run',
      differences: [],
      ignored: [],
      firstDivergence: false
    };
    if (!result) {
      line.verdict = 'skipped';
      line.note = `${step.status} in the recording`;
      return line;
    }
    const { recorded, replayed, comparison } = result;
    if (recorded?.error) {
      line.recordedError = `${recorded.error.ename}: ${recorded.error.evalue}`;
    }
    if (replayed?.error) {
      line.replayedError = `${replayed.error.ename}: ${replayed.error.evalue}`;
    }
    if (replayed?.sessionId) {
      line.replayedExecutionId = replayed.id;
    }
    if (
      this._interrupted &&
      result.state === 'compared' &&
      replayed?.error?.ename === 'KeyboardInterrupt'
    ) {
      // The user stopped it: not a divergence of the replay.
      line.verdict = 'interrupted';
    } else if (result.state === 'compared' && comparison) {
      line.verdict = comparison.verdict;
      line.differences = comparison.differences;
      line.ignored = comparison.ignored;
    } else if (result.state === 'kernel-died') {
      line.verdict = 'kernel-died';
      line.note = result.message;
    } else if (result.state === 'failed') {
      line.verdict = 'failed';
      line.note = result.message;
    }
    return line;
  }

  private readonly say: (line: string) => void;
  private _code = new Map<string, string>();
  private _interrupted = false;
}

/** Whether a recorded step is left out of the replay (see `run`). */
function skipped(step: SessionStep): boolean {
  return step.status === 'aborted' || step.status === 'interrupted';
}

/** The first code line, when the code is known and not blank. */
function firstLineOf(code: string | undefined): { firstLine?: string } {
  const line = code === undefined ? '' : firstCodeLine(code);
  return line ? { firstLine: line } : {};
}

/** The cell's position, when known. */
function source(
  session: SourceSession,
  cellId: string | null
): { cell?: number } {
  const cell = session.cellNumber(cellId);
  return cell === undefined ? {} : { cell };
}

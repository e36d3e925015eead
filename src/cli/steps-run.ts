/**
 * The run that `trail replay` and `trail fork` share: a new kernel observed
 * by the one recorder as the recorded notebook, the recorded steps run in
 * it one by one by the replay runner (src/model/replay-run), each compared
 * with the recorded execution, and the new session delivered to the Trail
 * server with its lineage.
 *
 * Between `start` (kernel up, recorder watching, helper injected) and
 * `runSteps` a command may talk to the kernel silently (the fork probes
 * and redirects its inputs there): silent requests are not recorded, and
 * nothing is sent to the server before the first step runs. `discard`
 * then ends it with nothing recorded.
 */
import type { Kernel } from '@jupyterlab/services';
import { KernelStepExecutor } from '../model/replay-run/executor';
import { ReplayRunModel, type IStepResult } from '../model/replay-run/runner';
import { compareExecutions } from '../records/replay/compare';
import type { Lineage } from '../records/schema';
import type { TrailConnection } from './config';
import type { JupyterServer } from './jupyter';
import { ReplayRecording } from './recording';
import { replayNotebook, type ReplayNotebook } from './replay-structure';
import { diverged, type ReplayStepResult } from './replay-document';
import { firstCodeLine } from './report';
import type { CliIO } from './session-command';
import type { SessionStep, SourceSession } from './source';
import type { DeliveryOutcome } from './upload';

/** What a run needs. */
export interface StepsRunOptions {
  connection: TrailConnection;
  jupyter: JupyterServer;
  source: SourceSession;
  io: CliIO;
  /** Compare every character (no normalisation of addresses, times…). */
  strict: boolean;
  /** Where progress lines go (stderr with --json, else stdout). */
  say: (line: string) => void;
  /**
   * The new session's lineage; asked when its first step starts, so a
   * command may complete it after `start` (the fork's file hashes).
   */
  lineage: () => Lineage;
  /** A finished step's line. */
  line: (result: ReplayStepResult) => string;
}

/** How the steps went. */
export interface StepsOutcome {
  steps: ReplayStepResult[];
  interrupted: boolean;
  /** The new session's id, once it started. */
  sessionId: string | null;
  delivery: DeliveryOutcome;
}

/** One run of steps 1..k of a recorded session in a new kernel. */
export class StepsRun {
  constructor(private readonly options: StepsRunOptions) {
    // Steps that did not run to their end in the recording (aborted,
    // interrupted) are skipped: running them would not replay what
    // happened, and may not end.
    const { source } = options;
    this.notebook = replayNotebook(
      source.steps.filter(step => !skipped(step)),
      id => source.codeOf(id)
    );
    this.recording = new ReplayRecording(options.connection.client);
  }

  /** The steps run and the notebook (as executed) they make. */
  readonly notebook: ReplayNotebook;
  /** The recorder and delivery of the new session. */
  readonly recording: ReplayRecording;

  /**
   * Starts a `kernelName` kernel and has the recorder observe it (with the
   * Trail helper, for the kernels that get it); resolves with the kernel.
   */
  async start(kernelName: string): Promise<Kernel.IKernelConnection> {
    const { source } = this.options;
    const kernel = await this.options.jupyter.startKernel(kernelName);
    this._kernel = kernel;
    await this.recording.observe(
      kernel,
      source.session.notebookPath,
      this.options.lineage,
      this.notebook.structure
    );
    return kernel;
  }

  /** Ends a started run without running a step: nothing is recorded. */
  discard(): void {
    this.recording.discard();
  }

  /**
   * Runs the steps (no pause at a divergence: every step runs, the first
   * divergence is flagged), then waits for the new session's delivery.
   */
  async runSteps(): Promise<StepsOutcome> {
    const kernel = this._kernel;
    if (!kernel) {
      throw new Error('StepsRun.runSteps before start');
    }
    const { source } = this.options;
    const executor = new KernelStepExecutor({
      kernel,
      recorder: this.recording.recorder,
      notebookPath: source.session.notebookPath,
      codeOf: step =>
        this._code.get(step.executionId) ??
        source.codeOf(step.executionId) ??
        ''
    });
    const steps = await this._run(executor, kernel);
    executor.dispose();
    // Every step sent to the kernel is recorded, the one it died in too.
    await this.recording.settle(
      steps.filter(
        result => result.replayedExecutionId || result.verdict === 'kernel-died'
      ).length
    );
    const delivery = await this.recording.finish();
    return {
      steps,
      interrupted: this._interrupted,
      sessionId: this.recording.sessionId,
      delivery
    };
  }

  private async _run(
    executor: KernelStepExecutor,
    kernel: Kernel.IKernelConnection
  ): Promise<ReplayStepResult[]> {
    const { source, connection, say, io } = this.options;
    const client = connection.client;
    const model = new ReplayRunModel({
      sessionId: source.session.id,
      upto: source.upto,
      steps: this.notebook.steps,
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
      strict: this.options.strict,
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
        const line = this._stepResult(step, result);
        if (diverged(line.verdict) && !sawDivergence) {
          sawDivergence = true;
          line.firstDivergence = true;
        }
        printed.add(step.step);
        results.push(line);
        if (line.verdict !== 'not-run') {
          say(this.options.line(line));
        }
      }
    };
    model.changed.connect(report);
    void io.interrupted.then(() => {
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
      say('Interrupted: the remaining steps were not run.');
    } else if (model.state === 'failed' && model.message) {
      say(model.message);
    }
    return results;
  }

  /** One step's line, from the runner's result (none for a skipped step). */
  private _stepResult(
    step: SessionStep,
    result: IStepResult | undefined
  ): ReplayStepResult {
    const { source } = this.options;
    const line: ReplayStepResult = {
      step: step.step,
      seq: step.seq,
      executionId: step.executionId,
      cellId: step.cellId,
      ...cellOf(source, step.cellId),
      ...firstLineOf(source.codeOf(step.executionId)),
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

  private _kernel: Kernel.IKernelConnection | null = null;
  private _code = new Map<string, string>();
  private _interrupted = false;
}

/** Whether a recorded step is left out of the run (see the constructor). */
function skipped(step: SessionStep): boolean {
  return step.status === 'aborted' || step.status === 'interrupted';
}

/** The first code line, when the code is known and not blank. */
function firstLineOf(code: string | undefined): { firstLine?: string } {
  const line = code === undefined ? '' : firstCodeLine(code);
  return line ? { firstLine: line } : {};
}

/** The cell's position, when known. */
function cellOf(
  session: SourceSession,
  cellId: string | null
): { cell?: number } {
  const cell = session.cellNumber(cellId);
  return cell === undefined ? {} : { cell };
}

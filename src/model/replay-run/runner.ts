/**
 * Replay in my kernel (issue #13 item 5): runs the steps of a notebook
 * opened from a recorded session one by one, compares each new execution
 * with the recorded one, and pauses at the first divergence.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { describeError } from '../../client/errors';
import type { ExecutionRecord, Output } from '../../records/schema';
import type { ExecutionComparison } from './contracts';
import { IStepExecutor, KernelDiedError } from './executor';
import type { IReplayStep } from './steps';

/** Where the whole run is. */
export type ReplayRunState =
  /** Made, not started. */
  | 'ready'
  | 'running'
  /** Waiting at a divergence for Continue or Stop. */
  | 'paused'
  /** Stopped by the user before the last step. */
  | 'stopped'
  /** Every step ran. */
  | 'finished'
  /** A step could not run (kernel died, recorded execution unreadable). */
  | 'failed';

/** What the run is for: see `ReplayRunModel.mode`. */
export type ReplayRunMode = 'replay' | 'fork';

/** Where one step is. */
export type StepState =
  | 'pending'
  | 'running'
  /** Ran and was compared: see `comparison`. */
  | 'compared'
  /** The kernel died or restarted while it ran. */
  | 'kernel-died'
  /** It could not run or be compared: see `message`. */
  | 'failed'
  /** The run stopped before it. */
  | 'not-run';

/** One step's outcome. */
export interface IStepResult {
  readonly step: IReplayStep;
  state: StepState;
  /** The recorded execution (outputs resolved), once read. */
  recorded?: ExecutionRecord;
  /** The new execution, once run. */
  replayed?: ExecutionRecord;
  /** The divergence rule's answer, once compared. */
  comparison?: ExecutionComparison;
  /** Why it failed. */
  message?: string;
}

/** Where the recorded executions come from (the Trail client). */
export interface IRecordedExecutions {
  getExecution(id: string): Promise<ExecutionRecord>;
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}

/** The divergence rule (contract 5: `compareExecutions`). */
export type CompareExecutions = (
  recorded: ExecutionRecord,
  replayed: ExecutionRecord,
  options?: { strict?: boolean }
) => ExecutionComparison;

/**
 * One replay run. `start()` runs the steps in order; at the first
 * divergence it pauses (when `pauseOnDivergence`) until `continue()` or
 * `stop()`. A dead kernel fails the run at its step; what ran stays.
 */
export class ReplayRunModel {
  constructor(options: ReplayRunModel.IOptions) {
    this.sessionId = options.sessionId;
    this.upto = options.upto;
    this._executor = options.executor;
    this._recorded = options.recorded;
    this._compare = options.compare;
    this._prepare = options.prepare ?? null;
    this.mode = options.mode ?? 'replay';
    this._strict = options.strict ?? false;
    this.pauseOnDivergence = options.pauseOnDivergence ?? true;
    this._results = options.steps.map(step => ({ step, state: 'pending' }));
  }

  /** The source session. */
  readonly sessionId: string;
  /** The source step the run goes up to. */
  readonly upto: number;
  /**
   * `replay` re-runs the recording to reproduce it: any divergence counts.
   * `fork` runs it on other data (issue #14): outputs that differ from the
   * parent are expected, only a new error (or a dead kernel) is a problem.
   */
  readonly mode: ReplayRunMode;
  /** Whether the run pauses at the first divergence (read when it happens). */
  pauseOnDivergence: boolean;

  /** Emitted on every change of the run or a step. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Where the run is. */
  get state(): ReplayRunState {
    return this._state;
  }

  /** The steps and their outcomes, in run order. */
  get results(): readonly IStepResult[] {
    return this._results;
  }

  /** How many steps are done (compared, failed or not run). */
  get done(): number {
    return this._results.filter(
      result => result.state !== 'pending' && result.state !== 'running'
    ).length;
  }

  /** The step running now, or null. */
  get current(): IStepResult | null {
    return this._results.find(result => result.state === 'running') ?? null;
  }

  /**
   * The first step whose outcome is not "same" (in a fork: the first new
   * error), or null.
   */
  get firstDivergence(): IStepResult | null {
    return (
      this._results.find(
        result =>
          (result.state === 'compared' &&
            result.comparison !== undefined &&
            this._isProblem(result.comparison)) ||
          result.state === 'kernel-died'
      ) ?? null
    );
  }

  /** Why the run failed, when it did. */
  get message(): string | null {
    return this._message;
  }

  /**
   * Whether nondeterministic output counts as a divergence. Changing it
   * compares the steps already run again.
   */
  get strict(): boolean {
    return this._strict;
  }
  set strict(value: boolean) {
    if (value === this._strict) {
      return;
    }
    this._strict = value;
    for (const result of this._results) {
      if (result.recorded && result.replayed && result.state === 'compared') {
        result.comparison = this._compareSafely(
          result.recorded,
          result.replayed
        );
      }
    }
    this._emit();
  }

  /**
   * Run the steps. Resolves when the run ends (finished, stopped or
   * failed); never rejects.
   */
  async start(): Promise<void> {
    if (this._state !== 'ready') {
      return;
    }
    this._set('running');
    if (this._prepare) {
      try {
        await this._prepare();
      } catch (reason) {
        // Nothing ran: a fork whose redirects are not in place would read
        // the recorded files and be recorded as if it read the new ones.
        this._message = `The run could not start: ${describeError(reason)}`;
        this._skipFrom(0);
        this._set('failed');
        return;
      }
    }
    let paused = false;
    for (let i = 0; i < this._results.length; i++) {
      if (this._stopRequested || this._disposed) {
        this._skipFrom(i);
        this._set('stopped');
        return;
      }
      const result = this._results[i];
      if (!(await this._runStep(result, i))) {
        this._skipFrom(i + 1);
        this._set('failed');
        return;
      }
      const diverged =
        result.comparison !== undefined && this._isProblem(result.comparison);
      if (diverged && !paused && this.pauseOnDivergence) {
        paused = true;
        if (i < this._results.length - 1) {
          this._set('paused');
          const go = await new Promise<boolean>(resolve => {
            this._decide = resolve;
          });
          this._decide = null;
          if (!go) {
            this._skipFrom(i + 1);
            this._set('stopped');
            return;
          }
          this._set('running');
        }
      }
    }
    this._set('finished');
  }

  /** Go on after a pause. */
  continue(): void {
    this._decide?.(true);
  }

  /**
   * Stop: at once when paused, else once the step running now is done.
   */
  stop(): void {
    this._stopRequested = true;
    this._decide?.(false);
    this._emit();
  }

  /** Whether a stop was asked and the running step is finishing. */
  get stopping(): boolean {
    return this._stopRequested && this._state === 'running';
  }

  /** Stop the run and emit nothing more. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.stop();
    this._disposed = true;
    Signal.clearData(this);
  }

  /** Runs one step; false when the run cannot go on. */
  private async _runStep(result: IStepResult, index: number): Promise<boolean> {
    const { step } = result;
    result.state = 'running';
    this._emit();
    this._executor.reveal?.(step, 'running');
    // The next step's record is read while this one runs.
    const recordedNow = this._fetchRecorded(index);
    void this._fetchRecorded(index + 1)?.catch(() => undefined);
    try {
      result.recorded = await recordedNow!;
    } catch (reason) {
      result.state = 'failed';
      result.message = `The recorded execution of step ${step.step} could not be read: ${describeError(reason)}`;
      this._message = result.message;
      this._executor.reveal?.(step, 'failed');
      return false;
    }
    try {
      result.replayed = await this._executor.execute(step);
    } catch (reason) {
      const died = reason instanceof KernelDiedError;
      result.state = died ? 'kernel-died' : 'failed';
      result.message = died
        ? (reason as Error).message
        : `Step ${step.step} could not run: ${describeError(reason)}`;
      this._message = result.message;
      this._executor.reveal?.(step, 'failed');
      return false;
    }
    result.comparison = this._compareSafely(result.recorded, result.replayed);
    result.state = 'compared';
    // In a fork, output that differs from the parent is what was asked
    // for: the cell is marked as run; only a new error is marked.
    this._executor.reveal?.(
      step,
      !this._isProblem(result.comparison)
        ? 'same'
        : this.mode === 'fork'
          ? 'failed'
          : 'diverged'
    );
    this._emit();
    return true;
  }

  /** Whether a step's verdict stops the run's flow (see `mode`). */
  private _isProblem(comparison: ExecutionComparison): boolean {
    return this.mode === 'fork'
      ? comparison.verdict === 'new-error'
      : comparison.verdict !== 'same';
  }

  private _fetchRecorded(index: number): Promise<ExecutionRecord> | null {
    const result = this._results[index];
    if (!result) {
      return null;
    }
    let pending = this._fetches.get(index);
    if (!pending) {
      pending = this._recorded
        .getExecution(result.step.executionId)
        .then(async record => ({
          ...record,
          outputs: await this._recorded.resolveOutputs(record.outputs)
        }));
      this._fetches.set(index, pending);
    }
    return pending;
  }

  private _compareSafely(
    recorded: ExecutionRecord,
    replayed: ExecutionRecord
  ): ExecutionComparison {
    try {
      return this._compare(recorded, replayed, { strict: this._strict });
    } catch (reason) {
      // A rule that throws must not stop the user's run: say so instead.
      console.warn('Trail: a replayed step could not be compared', reason);
      return {
        verdict: 'differs',
        differences: [
          {
            index: 0,
            kind: 'type',
            summary: `Could not be compared: ${describeError(reason)}`
          }
        ],
        ignored: []
      };
    }
  }

  private _skipFrom(index: number): void {
    for (let i = index; i < this._results.length; i++) {
      if (this._results[i].state === 'pending') {
        this._results[i].state = 'not-run';
      }
    }
  }

  private _set(state: ReplayRunState): void {
    this._state = state;
    this._emit();
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _compare: CompareExecutions;
  private _decide: ((go: boolean) => void) | null = null;
  private _disposed = false;
  private _executor: IStepExecutor;
  private _fetches = new Map<number, Promise<ExecutionRecord>>();
  private _message: string | null = null;
  private _prepare: (() => Promise<void>) | null;
  private _recorded: IRecordedExecutions;
  private _results: IStepResult[];
  private _state: ReplayRunState = 'ready';
  private _stopRequested = false;
  private _strict: boolean;
}

/** The namespace for `ReplayRunModel` statics. */
export namespace ReplayRunModel {
  export interface IOptions {
    sessionId: string;
    upto: number;
    /** The steps in run order (see `replayStepsOf`). */
    steps: readonly IReplayStep[];
    executor: IStepExecutor;
    recorded: IRecordedExecutions;
    compare: CompareExecutions;
    strict?: boolean;
    pauseOnDivergence?: boolean;
    /** `replay` (the default) or `fork`: see `ReplayRunModel.mode`. */
    mode?: ReplayRunMode;
    /**
     * Runs before step 1 (a fork installs its redirects here); when it
     * throws, the run fails with its message and no step runs.
     */
    prepare?: () => Promise<void>;
  }
}

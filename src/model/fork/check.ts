/**
 * The check before a fork runs (issue #14 item 3): the data contract of
 * each substituted input (its new file probed in the notebook's kernel
 * with detail, against the recorded input: `checkContract`), beside the
 * replay's environment preflight for the packages and the inputs kept.
 * The fork may run when the contract has no error, or when the user
 * chose to run anyway.
 */
import { ISignal, Signal } from '@lumino/signaling';
import {
  checkContract,
  type ContractReport,
  type ForkMapping
} from '../../records/fork/contract';
import type {
  PreflightReport,
  SessionInputs,
  TargetFile
} from '../replay-run/contracts';
import {
  IPreflightError,
  IPreflightServer,
  preflightError
} from '../replay-run/preflight';
import type { ProbeResult } from '../replay-run/probe';

/** What is happening, or what went wrong. */
export type ForkCheckPhase =
  'idle' | 'inputs' | 'probe' | 'compare' | 'ready' | 'error';

/** Probes paths in the fork's kernel (see `runProbe`). */
export type ForkProbe = (
  paths: string[],
  options: { detail: boolean }
) => Promise<ProbeResult>;

/**
 * One check of a fork notebook's substitutions and environment.
 */
export class ForkCheckModel {
  constructor(options: ForkCheckModel.IOptions) {
    this.sessionId = options.sessionId;
    this.step = options.step;
    this.substitutions = options.substitutions;
    this._server = options.server;
    this._probe = options.probe;
  }

  /** The parent session. */
  readonly sessionId: string;
  /** The last step the fork runs. */
  readonly step: number;
  /** What the fork reads in place of what (paths as its kernel sees them). */
  readonly substitutions: readonly ForkMapping[];

  /** Emitted when anything changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Where the check is. */
  get phase(): ForkCheckPhase {
    return this._phase;
  }

  /** Whether a check is under way. */
  get running(): boolean {
    return (
      this._phase === 'inputs' ||
      this._phase === 'probe' ||
      this._phase === 'compare'
    );
  }

  /** Why the last check failed. */
  get error(): IPreflightError | null {
    return this._error;
  }

  /** The recorded inputs, once read. */
  get inputs(): SessionInputs | null {
    return this._inputs;
  }

  /** The data contract of the substitutions, once checked. */
  get contract(): ContractReport | null {
    return this._contract;
  }

  /** The environment preflight, once made. */
  get report(): PreflightReport | null {
    return this._report;
  }

  /** The recorded inputs the fork reads as recorded (not substituted). */
  get keptPaths(): string[] {
    const mapped = new Set(this.substitutions.map(sub => sub.recorded));
    return (this._inputs?.inputs ?? [])
      .map(input => input.path)
      .filter(path => !mapped.has(path));
  }

  /**
   * Whether the user chose to run despite contract errors. Reset by every
   * new check: a forced run is a decision about one report.
   */
  get forced(): boolean {
    return this._forced;
  }
  set forced(value: boolean) {
    if (value !== this._forced) {
      this._forced = value;
      this._emit();
    }
  }

  /** Whether "Run fork" may go: the contract read, clean or forced. */
  get canRun(): boolean {
    const contract = this._contract;
    return (
      this._phase === 'ready' &&
      contract !== null &&
      (contract.ok || this._forced)
    );
  }

  /**
   * Check (again). Never rejects: a failure lands in `error`.
   */
  async run(): Promise<void> {
    const generation = ++this._generation;
    const current = () => generation === this._generation && !this._disposed;
    this._error = null;
    this._contract = null;
    this._report = null;
    this._forced = false;
    try {
      this._set('inputs');
      const inputs = await this._server.getInputs(this.sessionId, this.step);
      if (!current()) {
        return;
      }
      this._inputs = inputs;
      this._set('probe');
      const kept = [...new Set(this.keptPaths)];
      const fresh = [...new Set(this.substitutions.map(sub => sub.path))];
      // The kept inputs as a replay probes them (with the environment);
      // the new files with detail (kind, readability, rows) for the contract.
      const keptProbe = await this._probe(kept, { detail: false });
      if (!current()) {
        return;
      }
      const freshProbe = fresh.length
        ? await this._probe(fresh, { detail: true })
        : { files: [] as TargetFile[] };
      if (!current()) {
        return;
      }
      this._contract = checkContract(
        inputs.inputs,
        [...this.substitutions],
        freshProbe.files
      );
      this._set('compare');
      const environment = keptProbe.environment ?? freshProbe.environment;
      const report = await this._server.preflight(this.sessionId, {
        upto: this.step,
        ...(environment ? { environment } : {}),
        files: keptProbe.files
      });
      if (!current()) {
        return;
      }
      const keptSet = new Set(kept);
      // The substituted inputs are the contract's: the preflight keeps
      // the rest.
      this._report = {
        ...report,
        files: report.files.filter(file => keptSet.has(file.path))
      };
      this._set('ready');
    } catch (reason) {
      if (current()) {
        this._error = preflightError(reason);
        this._set('error');
      }
    }
  }

  /** Drop results still coming; emit nothing more. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  private _set(phase: ForkCheckPhase): void {
    this._phase = phase;
    this._emit();
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _contract: ContractReport | null = null;
  private _disposed = false;
  private _error: IPreflightError | null = null;
  private _forced = false;
  private _generation = 0;
  private _inputs: SessionInputs | null = null;
  private _phase: ForkCheckPhase = 'idle';
  private _probe: ForkProbe;
  private _report: PreflightReport | null = null;
  private _server: IPreflightServer;
}

/** The namespace for `ForkCheckModel` statics. */
export namespace ForkCheckModel {
  export interface IOptions {
    sessionId: string;
    step: number;
    substitutions: readonly ForkMapping[];
    server: IPreflightServer;
    probe: ForkProbe;
  }
}

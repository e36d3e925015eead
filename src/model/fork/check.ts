/**
 * The check before a fork runs (issue #14 item 3): the data contract of
 * each substituted input (its new file probed in the notebook's kernel
 * with detail, against the recorded input: `checkContract`), beside the
 * replay's environment preflight for the packages and the inputs kept.
 * The fork may run when the contract has no error, or when the user
 * chose to run anyway.
 */
import {
  checkContract,
  type ContractReport,
  type ForkMapping
} from '../../records/fork/contract';
import type { TargetFile } from '../replay-run/contracts';
import {
  IPreflightServer,
  PreflightBase,
  type PreflightPhase
} from '../replay-run/preflight';
import type { ProbeResult } from '../replay-run/probe';

/** What is happening, or what went wrong. */
export type ForkCheckPhase = PreflightPhase;

/** Probes paths in the fork's kernel (see `runProbe`). */
export type ForkProbe = (
  paths: string[],
  options: { detail: boolean }
) => Promise<ProbeResult>;

/**
 * One check of a fork notebook's substitutions and environment.
 */
export class ForkCheckModel extends PreflightBase {
  constructor(options: ForkCheckModel.IOptions) {
    super(options);
    this.substitutions = options.substitutions;
    this._probe = options.probe;
  }

  /** What the fork reads in place of what (paths as its kernel sees them). */
  readonly substitutions: readonly ForkMapping[];

  /** The data contract of the substitutions, once checked. */
  get contract(): ContractReport | null {
    return this._contract;
  }

  /** The recorded inputs the fork reads as recorded (not substituted). */
  get keptPaths(): string[] {
    const mapped = new Set(this.substitutions.map(sub => sub.recorded));
    return (this.inputs?.inputs ?? [])
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
      this.phase === 'ready' &&
      contract !== null &&
      (contract.ok || this._forced)
    );
  }

  /**
   * Check (again). Never rejects: a failure lands in `error`.
   */
  async run(): Promise<void> {
    this._contract = null;
    this._forced = false;
    await this._run(async (inputs, current) => {
      const kept = [...new Set(this.keptPaths)];
      const fresh = [...new Set(this.substitutions.map(sub => sub.path))];
      // The kept inputs as a replay probes them (with the environment);
      // the new files with detail (kind, readability, rows) for the contract.
      const keptProbe = await this._probe(kept, { detail: false });
      if (!current()) {
        return null;
      }
      const freshProbe = fresh.length
        ? await this._probe(fresh, { detail: true })
        : { files: [] as TargetFile[] };
      if (!current()) {
        return null;
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
      const keptSet = new Set(kept);
      // The substituted inputs are the contract's: the preflight keeps
      // the rest.
      return {
        ...report,
        files: report.files.filter(file => keptSet.has(file.path))
      };
    });
  }

  private _contract: ContractReport | null = null;
  private _forced = false;
  private _probe: ForkProbe;
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

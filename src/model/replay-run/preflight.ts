/**
 * The preflight of a replay (issue #13 item 4): what the recorded steps
 * 1..k read and ran with, against what the user's kernel has, as the
 * server's preflight rule reports it.
 */
import { ISignal, Signal } from '@lumino/signaling';
import {
  TrailNetworkError,
  TrailResponseError,
  describeError
} from '../../client/errors';
import type { EnvironmentSnapshot } from '../../records/schema';
import type { PreflightReport, SessionInputs, TargetFile } from './contracts';
import { ProbeError, ProbeResult } from './probe';

/**
 * The server side of a preflight (the Trail client satisfies it).
 */
export interface IPreflightServer {
  /** The recorded environment and input files of steps 1..upto. */
  getInputs(sessionId: string, upto: number): Promise<SessionInputs>;
  /** The recorded run against the target's environment and files. */
  preflight(
    sessionId: string,
    body: {
      upto: number;
      environment?: EnvironmentSnapshot;
      files: TargetFile[];
    }
  ): Promise<PreflightReport>;
}

/** What is happening, or what went wrong. */
export type PreflightPhase =
  'idle' | 'inputs' | 'probe' | 'compare' | 'ready' | 'error';

/**
 * What went wrong, for the view to offer the right way out: start the
 * kernel (`no-kernel`), check the server (`unreachable`), nothing to do
 * (`not-found`: the session is unknown, private or shorter), or read the
 * message (`unsupported`, `failed`).
 */
export type PreflightErrorKind =
  'no-kernel' | 'unsupported' | 'unreachable' | 'not-found' | 'failed';

/** A preflight failure. */
export interface IPreflightError {
  kind: PreflightErrorKind;
  message: string;
}

/**
 * What a replay's preflight and a fork's check share: the recorded inputs
 * read first, then a subclass's probing and comparing, the phases on the
 * way, the last failure, and results of an older run dropped.
 */
export abstract class PreflightBase {
  constructor(options: {
    sessionId: string;
    step: number;
    server: IPreflightServer;
  }) {
    this.sessionId = options.sessionId;
    this.step = options.step;
    this._server = options.server;
  }

  /** The recorded session. */
  readonly sessionId: string;
  /** The last step to re-run. */
  readonly step: number;

  /** Emitted when anything changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Where the run is. */
  get phase(): PreflightPhase {
    return this._phase;
  }

  /** Whether a run is under way. */
  get running(): boolean {
    return (
      this._phase === 'inputs' ||
      this._phase === 'probe' ||
      this._phase === 'compare'
    );
  }

  /** The recorded inputs, once read. */
  get inputs(): SessionInputs | null {
    return this._inputs;
  }

  /** The server's report, once made. */
  get report(): PreflightReport | null {
    return this._report;
  }

  /** Why the last run failed, or null. */
  get error(): IPreflightError | null {
    return this._error;
  }

  /** Drop results still coming; emit nothing more. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  /**
   * One run: reads the recorded inputs of steps 1..step, then `probe`
   * ends in the report (null when a newer run took over). Never rejects:
   * a failure lands in `error`.
   */
  protected async _run(
    probe: (
      inputs: SessionInputs,
      current: () => boolean
    ) => Promise<PreflightReport | null>
  ): Promise<void> {
    const generation = ++this._generation;
    const current = () => generation === this._generation && !this._disposed;
    this._error = null;
    this._report = null;
    try {
      this._set('inputs');
      const inputs = await this._server.getInputs(this.sessionId, this.step);
      if (!current()) {
        return;
      }
      this._inputs = inputs;
      this._set('probe');
      const report = await probe(inputs, current);
      if (!report || !current()) {
        return;
      }
      this._report = report;
      this._set('ready');
    } catch (reason) {
      if (current()) {
        this._error = preflightError(reason);
        this._set('error');
      }
    }
  }

  protected _set(phase: PreflightPhase): void {
    this._phase = phase;
    this._emit();
  }

  protected _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  protected readonly _server: IPreflightServer;
  private _changed = new Signal<this, void>(this);
  private _disposed = false;
  private _error: IPreflightError | null = null;
  private _generation = 0;
  private _inputs: SessionInputs | null = null;
  private _phase: PreflightPhase = 'idle';
  private _report: PreflightReport | null = null;
}

/**
 * One preflight: `run()` asks the server which inputs steps 1..step read,
 * probes them in the kernel, and asks the server to compare.
 */
export class PreflightModel extends PreflightBase {
  constructor(options: PreflightModel.IOptions) {
    super(options);
    this._probe = options.probe;
  }

  /** What the kernel answered, once probed. */
  get probed(): ProbeResult | null {
    return this._probed;
  }

  /**
   * How many things differ: packages missing, older or newer, files not
   * the same, and the Python version.
   */
  get differences(): number {
    const report = this.report;
    if (!report) {
      return 0;
    }
    const { packages } = report;
    return (
      (report.python.same ? 0 : 1) +
      packages.missing.length +
      packages.older.length +
      packages.newer.length +
      report.files.filter(file => file.state !== 'same').length
    );
  }

  /**
   * Run the preflight (again). Never rejects: a failure lands in `error`.
   */
  async run(): Promise<void> {
    this._probed = null;
    await this._run(async (inputs, current) => {
      const paths = [...new Set(inputs.inputs.map(input => input.path))];
      const probed = await this._probe(paths);
      if (!current()) {
        return null;
      }
      this._probed = probed;
      this._set('compare');
      return this._server.preflight(this.sessionId, {
        upto: this.step,
        ...(probed.environment ? { environment: probed.environment } : {}),
        files: probed.files
      });
    });
  }

  private _probe: (paths: string[]) => Promise<ProbeResult>;
  private _probed: ProbeResult | null = null;
}

/** The namespace for `PreflightModel` statics. */
export namespace PreflightModel {
  export interface IOptions {
    sessionId: string;
    step: number;
    server: IPreflightServer;
    /** Probes the paths in the target kernel (see `runProbe`). */
    probe: (paths: string[]) => Promise<ProbeResult>;
  }
}

/** A failure of any part of the preflight, classified for the view. */
export function preflightError(reason: unknown): IPreflightError {
  if (reason instanceof ProbeError) {
    return {
      kind: reason.reason === 'no-kernel' ? 'no-kernel' : reason.reason,
      message: reason.message
    };
  }
  if (reason instanceof TrailNetworkError) {
    return {
      kind: 'unreachable',
      message: `The Trail server could not be reached: ${reason.message}`
    };
  }
  if (reason instanceof TrailResponseError && reason.status === 404) {
    return {
      kind: 'not-found',
      message:
        'The Trail server does not know this session or step (or you may not read it).'
    };
  }
  return { kind: 'failed', message: describeError(reason) };
}

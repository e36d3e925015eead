/**
 * Verifying an exported pipeline from its report (#15 item 4): the Jupyter
 * server runs `trail verify <folder> --json` (POST /trail/verify; the
 * browser cannot make a venv), which builds a clean venv from the folder's
 * requirements.txt, installs them, runs pipeline.py and compares its files
 * and metrics with the recording. One request; the model keeps the
 * tolerances the user typed and the report. No DOM here.
 */
import { ISignal, Signal } from '@lumino/signaling';

/** The phases the command goes through, in order. */
export const VERIFY_PHASES = ['venv', 'install', 'run', 'compare'] as const;
export type VerifyPhaseName = (typeof VERIFY_PHASES)[number];

/** Tolerances as the handler takes them (absolute differences). */
export interface IVerifyTolerance {
  default?: number;
  metrics?: Record<string, number>;
}

/** One file of the report (src/cli/verify-compare.ts FileCheck). */
export interface IVerifiedFile {
  path: string;
  recorded: string;
  reproduced?: string;
  same: boolean;
}

/** One metric of the report (MetricCheck). */
export interface IVerifiedMetric {
  name: string;
  recorded: number | null;
  reproduced?: unknown;
  within: boolean;
  tolerance: number;
  difference?: number;
}

/** `trail verify --json`'s document (src/cli/verify-command.ts), as much as the report shows. */
export interface IVerifyDocument {
  folder: string;
  outcome?: 'reproduced' | 'not-reproduced' | 'could-not-run';
  report?: {
    environment: {
      installed: boolean;
      error?: string;
      requirements?: number;
      createMs?: number;
      installMs?: number;
    };
    run?: { exitCode: number | null; durationMs: number; stderr: string };
    files: IVerifiedFile[];
    metrics: IVerifiedMetric[];
    reproduced: boolean;
    durationMs: number;
  };
  error?: { message: string; exitCode: number };
  exitCode: number;
}

/** The seam: runs the verification of a workspace folder. */
export interface IPipelineVerifier {
  verify(folder: string, tolerance: IVerifyTolerance): Promise<IVerifyDocument>;
  /** The phase a running verification of the folder is in (polled while it runs). */
  phase?(folder: string): Promise<VerifyPhaseName | null>;
}

/** What the report says of one file or metric. */
export type VerifyVerdict = 'reproduced' | 'differs' | 'could-not-run';

export type VerifyState = 'idle' | 'running' | 'done' | 'error';

export class VerifyModel {
  constructor(options: {
    folder: string;
    verifier: IPipelineVerifier;
    /** How often the phase is asked while it runs (ms; default 1000). */
    pollMs?: number;
  }) {
    this.folder = options.folder;
    this._verifier = options.verifier;
    this._pollMs = options.pollMs ?? 1000;
  }

  /** The phase the running verification is in, when the server said. */
  get phase(): VerifyPhaseName | null {
    return this._phase;
  }

  readonly folder: string;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): VerifyState {
    return this._state;
  }

  get document(): IVerifyDocument | null {
    return this._document;
  }

  /** Why the request failed (not: why the pipeline did not reproduce). */
  get error(): string | null {
    return this._error;
  }

  /** The default tolerance as typed ('' none). */
  get defaultTolerance(): string {
    return this._default;
  }

  set defaultTolerance(value: string) {
    this._default = value;
    this._changed.emit();
  }

  /** A metric's own tolerance as typed ('' none). */
  metricTolerance(name: string): string {
    return this._metrics.get(name) ?? '';
  }

  setMetricTolerance(name: string, value: string): void {
    this._metrics.set(name, value);
    this._changed.emit();
  }

  /** The tolerances typed, or a message saying which one is not a number >= 0. */
  tolerance(): IVerifyTolerance | string {
    const parse = (text: string): number | null | undefined => {
      if (!text.trim()) {
        return undefined;
      }
      const value = Number(text);
      return Number.isFinite(value) && value >= 0 ? value : null;
    };
    const tolerance: IVerifyTolerance = {};
    const all = parse(this._default);
    if (all === null) {
      return `Tolerance "${this._default}": expected a number >= 0.`;
    }
    if (all !== undefined) {
      tolerance.default = all;
    }
    for (const [name, text] of this._metrics) {
      const value = parse(text);
      if (value === null) {
        return `Tolerance of ${name} "${text}": expected a number >= 0.`;
      }
      if (value !== undefined) {
        tolerance.metrics = { ...tolerance.metrics, [name]: value };
      }
    }
    return tolerance;
  }

  /** Runs the verification; resolves when it is over (never rejects). */
  async run(): Promise<void> {
    if (this._state === 'running') {
      return;
    }
    const tolerance = this.tolerance();
    if (typeof tolerance === 'string') {
      this._error = tolerance;
      this._state = 'error';
      this._changed.emit();
      return;
    }
    this._state = 'running';
    this._error = null;
    this._document = null;
    this._phase = null;
    this._changed.emit();
    const poll = this._verifier.phase
      ? setInterval(() => void this._poll(), this._pollMs)
      : null;
    try {
      this._document = await this._verifier.verify(this.folder, tolerance);
      this._state = 'done';
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._state = 'error';
    } finally {
      if (poll !== null) {
        clearInterval(poll);
      }
    }
    this._phase = null;
    this._changed.emit();
  }

  private async _poll(): Promise<void> {
    try {
      const phase = (await this._verifier.phase?.(this.folder)) ?? null;
      if (this._state === 'running' && phase && phase !== this._phase) {
        this._phase = phase;
        this._changed.emit();
      }
    } catch {
      // Progress is a nicety: the verification's own answer counts.
    }
  }

  private _verifier: IPipelineVerifier;
  private _pollMs: number;
  private _phase: VerifyPhaseName | null = null;
  private _state: VerifyState = 'idle';
  private _document: IVerifyDocument | null = null;
  private _error: string | null = null;
  private _default = '';
  private _metrics = new Map<string, string>();
  private _changed = new Signal<this, void>(this);
}

/** A file's verdict. */
export function fileVerdict(
  document: IVerifyDocument,
  file: IVerifiedFile
): VerifyVerdict {
  if (document.outcome === 'could-not-run') {
    return 'could-not-run';
  }
  return file.same ? 'reproduced' : 'differs';
}

/** A metric's verdict. */
export function metricVerdict(
  document: IVerifyDocument,
  metric: IVerifiedMetric
): VerifyVerdict {
  if (document.outcome === 'could-not-run') {
    return 'could-not-run';
  }
  return metric.within ? 'reproduced' : 'differs';
}

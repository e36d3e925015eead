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

/**
 * How a file whose hash differs may still count as reproduced (`trail
 * verify --tolerance file:PATH=...`): 'content' (the same content),
 * 'content:X' (numbers within X) or 'exists' (written, not compared).
 */
export type FileToleranceText = 'content' | 'exists' | `content:${string}`;

/** Tolerances as the handler takes them (absolute differences). */
export interface IVerifyTolerance {
  default?: number;
  metrics?: Record<string, number>;
  /** By recorded path. */
  files?: Record<string, FileToleranceText>;
}

/** One file of the report (src/cli/verify-compare.ts FileCheck). */
export interface IVerifiedFile {
  path: string;
  recorded: string;
  reproduced?: string;
  /** The same hash. */
  same: boolean;
  /** The verdict: the same hash, or accepted by the file's --tolerance (absent from older reports). */
  within?: boolean;
  tolerance?: { mode: 'content'; tolerance: number } | { mode: 'exists' };
  /** The hash differs and the content was compared: the same content. */
  sameContent?: boolean;
  /** Where the content differs (at most 10). */
  differences?: {
    path: string;
    recorded: string;
    reproduced: string;
    note?: string;
  }[];
  differenceCount?: number;
  /** Why the content was not compared, or what the comparison noted. */
  contentNote?: string;
  hint?: string;
  /** Where the file the run wrote is kept (the user's own was put back at its path). */
  reproducedAt?: string;
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
    /** Where the verification kept files: what the run wrote is in `reproduced`. */
    kept?: { folder: string; reproduced: string; restored: string[] };
  };
  error?: { message: string; exitCode: number };
  exitCode: number;
}

/** What the Jupyter server says of a folder's verification (GET /trail/verify). */
export interface IVerifyStatus {
  running: boolean;
  phase?: VerifyPhaseName | null;
  /** When the running verification started (ISO 8601). */
  startedAt?: string;
  /** Every phase it has gone through so far, in order (install only when there was something to install). */
  seen?: VerifyPhaseName[];
  /** Once none runs: the last verification's document, when the server kept it. */
  last?: IVerifyDocument;
}

/**
 * The folder is already being verified (by another tab, or before a
 * reload): the handler's 409, with that verification's status.
 */
export class VerifyBusyError extends Error {
  constructor(readonly status: IVerifyStatus) {
    super('This folder is already being verified');
    this.name = 'VerifyBusyError';
  }
}

/** The seam: runs the verification of a workspace folder. */
export interface IPipelineVerifier {
  /** Rejects with {@link VerifyBusyError} when the folder is being verified. */
  verify(folder: string, tolerance: IVerifyTolerance): Promise<IVerifyDocument>;
  /** The phase a running verification of the folder is in (polled while it runs). */
  phase?(folder: string): Promise<VerifyPhaseName | null>;
  /** The folder's verification status (preferred to `phase` when given). */
  status?(folder: string): Promise<IVerifyStatus>;
  /** Stops the folder's running verification (its answer is then exit 130). */
  cancel?(folder: string): Promise<void>;
}

/** `trail verify`'s exit code when it was stopped. */
export const VERIFY_INTERRUPTED = 130;

/** What the report says of one file or metric. */
export type VerifyVerdict = 'reproduced' | 'differs' | 'could-not-run';

export type VerifyState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

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

  /**
   * A phase before the current one that the verification went without
   * (install, when requirements.txt lists nothing): only when the server
   * says which phases it went through.
   */
  skipped(phase: VerifyPhaseName): boolean {
    return this._seen !== null && !this._seen.includes(phase);
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

  /**
   * When the running verification is another one (the folder was already
   * being verified when Verify was pressed), when it started; else null.
   */
  get followingSince(): Date | null {
    return this._followingSince;
  }

  /** Whether the running verification can be stopped from here. */
  get canCancel(): boolean {
    return (
      this._state === 'running' && !!this._verifier.cancel && !this._cancelling
    );
  }

  /** Stops the running verification; its answer then says it was cancelled. */
  async cancel(): Promise<void> {
    if (!this.canCancel) {
      return;
    }
    this._cancelling = true;
    this._changed.emit();
    try {
      await this._verifier.cancel!(this.folder);
    } catch (error) {
      // It may have just finished; its answer says what became of it.
      console.warn('Trail: could not cancel the verification', error);
    }
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

  /** The files given a tolerance (by recorded path), in the order given. */
  get fileTolerances(): ReadonlyMap<string, FileToleranceText> {
    return this._files;
  }

  /** Gives a file a tolerance (null: none) for the next verification. */
  setFileTolerance(path: string, value: FileToleranceText | null): void {
    if (value === null) {
      this._files.delete(path);
    } else {
      this._files.set(path, value);
    }
    this._changed.emit();
  }

  /**
   * Accepts a file of the report as `value` says (by content, or as
   * written) and verifies again with that tolerance.
   */
  async accept(path: string, value: FileToleranceText): Promise<void> {
    if (this._state === 'running') {
      return;
    }
    this.setFileTolerance(path, value);
    await this.run();
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
    if (this._files.size > 0) {
      tolerance.files = Object.fromEntries(this._files);
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
    this._seen = null;
    this._followingSince = null;
    this._cancelling = false;
    this._changed.emit();
    const poll =
      this._verifier.status || this._verifier.phase
        ? setInterval(() => void this._poll(), this._pollMs)
        : null;
    let busy: VerifyBusyError | null = null;
    try {
      this._finish(await this._verifier.verify(this.folder, tolerance));
    } catch (error) {
      if (error instanceof VerifyBusyError && this._verifier.status) {
        busy = error;
      } else {
        this._error = error instanceof Error ? error.message : String(error);
        this._state = 'error';
      }
    } finally {
      if (poll !== null) {
        clearInterval(poll);
      }
    }
    if (busy) {
      await this._follow(busy.status);
    }
    this._phase = null;
    this._cancelling = false;
    this._changed.emit();
  }

  /** The report, or cancelled when the command was stopped. */
  private _finish(document: IVerifyDocument): void {
    this._document = document;
    this._state =
      document.exitCode === VERIFY_INTERRUPTED ? 'cancelled' : 'done';
  }

  /**
   * Follows another verification of the folder (its phase) to its end,
   * then shows its report when the server kept it.
   */
  private async _follow(status: IVerifyStatus): Promise<void> {
    const started = status.startedAt ? new Date(status.startedAt) : null;
    this._followingSince =
      started && !isNaN(started.getTime()) ? started : new Date();
    this._phase = status.phase ?? null;
    this._seen = status.seen ?? null;
    this._changed.emit();
    let failures = 0;
    for (;;) {
      await new Promise(resolve => setTimeout(resolve, this._pollMs));
      let now: IVerifyStatus;
      try {
        now = await this._verifier.status!(this.folder);
        failures = 0;
      } catch (error) {
        if (++failures < 5) {
          continue;
        }
        this._error = `Lost track of the verification already running: ${error instanceof Error ? error.message : String(error)}`;
        this._state = 'error';
        break;
      }
      if (now.running) {
        this._seen = now.seen ?? null;
        if ((now.phase ?? null) !== this._phase) {
          this._phase = now.phase ?? null;
          this._changed.emit();
        }
        continue;
      }
      if (now.last) {
        this._finish(now.last);
      } else {
        this._state = 'idle';
      }
      break;
    }
    this._followingSince = null;
  }

  private async _poll(): Promise<void> {
    try {
      let phase: VerifyPhaseName | null;
      if (this._verifier.status) {
        const status = await this._verifier.status(this.folder);
        phase = status.phase ?? null;
        this._seen = status.seen ?? null;
      } else {
        phase = (await this._verifier.phase?.(this.folder)) ?? null;
      }
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
  private _seen: VerifyPhaseName[] | null = null;
  private _followingSince: Date | null = null;
  private _cancelling = false;
  private _state: VerifyState = 'idle';
  private _document: IVerifyDocument | null = null;
  private _error: string | null = null;
  private _default = '';
  private _metrics = new Map<string, string>();
  private _files = new Map<string, FileToleranceText>();
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
  return (file.within ?? file.same) ? 'reproduced' : 'differs';
}

/**
 * What a file of the report can be accepted as, when its hash differs and
 * the content comparison says it may: 'content' when its content is the
 * same, 'exists' when it differs only by an id() (the hint). Null otherwise.
 */
export function acceptableAs(
  document: IVerifyDocument,
  file: IVerifiedFile
): FileToleranceText | null {
  if (fileVerdict(document, file) !== 'differs' || !file.reproduced) {
    return null;
  }
  if (file.sameContent === true) {
    return 'content';
  }
  return file.hint ? 'exists' : null;
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

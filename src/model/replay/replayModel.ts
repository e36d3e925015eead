import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { ExecutionRecord, SessionSummary } from '../../records/schema';
import { toError } from '../loadable';
import { StepCache } from './stepCache';
import type {
  CellAtStep,
  IReplayReader,
  NotebookAtStep,
  SessionStep,
  StepList
} from './types';

/**
 * How long a step asked waits at most for the load of a step asked before
 * it (see `goTo`).
 */
const SUPERSEDED_WAIT_MS = 400;

/** Where the viewer stands. */
export type ReplayState = 'loading' | 'ready' | 'not-found' | 'error';

/**
 * One session stepped through: its steps, the step shown and the notebook
 * as it stood then, with blob references in outputs resolved.
 *
 * Stepping is fast on long sessions: loaded steps are kept (least recently
 * used out first), the steps either side of the one shown are fetched in
 * the background, a step asked while it loads waits for that request, a
 * step asked while another loads (a dragged slider) is only loaded if it
 * is still the one asked when that lands, and
 * a cell's execution keeps the same object across steps (resolved once),
 * so views can tell an unchanged cell by identity.
 */
export class ReplayModel implements IDisposable {
  /**
   * Create the model; nothing is read until `open()`.
   */
  constructor(options: ReplayModel.IOptions) {
    this._reader = options.reader;
    this._sessionId = options.sessionId ?? null;
    this._executionId = options.executionId ?? null;
    this._initialStep = options.step ?? null;
    this._cache = new StepCache<NotebookAtStep>({
      load: step => this._loadStep(step),
      capacity: options.cacheSize ?? 64
    });
    this._executionsCapacity = Math.max(
      256,
      options.executionCacheSize ?? 4096
    );
  }

  /** Emitted when anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Where the session is read from. */
  get reader(): IReplayReader {
    return this._reader;
  }

  /** The session stepped through (known once opened). */
  get sessionId(): string | null {
    return this._sessionId;
  }

  get state(): ReplayState {
    return this._state;
  }

  /** Why the session could not be shown, when `state` is `error`. */
  get error(): Error | null {
    return this._error;
  }

  /** The session's summary (notebook, author, kernel), once loaded. */
  get session(): SessionSummary | null {
    return this._session;
  }

  /** The session's steps, once loaded. */
  get steps(): StepList | null {
    return this._steps;
  }

  /** How many steps the session has (0 until loaded). */
  get total(): number {
    return this._steps?.total ?? 0;
  }

  /** The step asked for (1..total; 0 before any). */
  get step(): number {
    return this._step;
  }

  /** The entry of the step asked for, if any. */
  get currentStep(): SessionStep | null {
    return this._steps?.steps[this._step - 1] ?? null;
  }

  /** The notebook at the step shown; it may lag `step` while loading. */
  get notebook(): NotebookAtStep | null {
    return this._notebook;
  }

  /** Why the step asked for could not be loaded, or null. */
  get stepError(): Error | null {
    return this._stepError;
  }

  /** Whether the step asked for is being loaded. */
  get stepLoading(): boolean {
    return this._notebook === null || this._notebook.step !== this._step;
  }

  /** The step cache (exposed for measurements and tests). */
  get cache(): StepCache<NotebookAtStep> {
    return this._cache;
  }

  /**
   * Read the session and its steps and show the first step asked for (the
   * step of `executionId`, else `step`, else 1). Never rejects.
   */
  async open(): Promise<void> {
    this._state = 'loading';
    this._changed.emit();
    try {
      if (!this._sessionId && this._executionId) {
        const record = await this._reader.getExecution(this._executionId);
        this._sessionId = record.sessionId;
      }
      if (!this._sessionId) {
        throw Object.assign(new Error('No session to replay.'), {
          status: 404
        });
      }
      const [session, steps] = await Promise.all([
        this._reader.getSession(this._sessionId),
        this._reader.getSteps(this._sessionId)
      ]);
      if (this._disposed) {
        return;
      }
      this._session = session;
      this._steps = steps;
      this._state = 'ready';
    } catch (reason) {
      if (this._disposed) {
        return;
      }
      const error = toError(reason);
      this._error = error;
      this._state = isNotFound(error) ? 'not-found' : 'error';
      this._changed.emit();
      return;
    }
    const fromExecution = this._executionId
      ? this.stepOf(this._executionId)
      : null;
    const first = fromExecution ?? this._initialStep ?? 1;
    if (this.total === 0) {
      this._changed.emit();
      return;
    }
    await this.goTo(first);
  }

  /** The step of an execution of this session, or null. */
  stepOf(executionId: string): number | null {
    const found = this._steps?.steps.find(
      step => step.executionId === executionId
    );
    return found?.step ?? null;
  }

  /**
   * Show step `k` (clamped to 1..total). The step number changes at once;
   * the notebook when loaded (the latest ask wins). Then the steps either
   * side are fetched in the background. Never rejects.
   */
  async goTo(k: number): Promise<void> {
    const total = this.total;
    if (total === 0 || this._disposed) {
      return;
    }
    const step = Math.min(total, Math.max(1, Math.round(k)));
    const ask = ++this._ask;
    this._step = step;
    this._stepError = null;
    const cached = this._cache.peek(step);
    if (cached) {
      this._notebook = cached;
      this._changed.emit();
    } else {
      this._changed.emit();
      try {
        // A slider dragged asks for step after step: while a step asked
        // before is loading, wait for it (a while at most: a stuck request
        // must not hold the viewer) rather than send one request per
        // position, each delaying the last; then load only if this is
        // still the step asked.
        if (this._loading && !this._cache.has(step)) {
          await Private.settledWithin(this._loading, SUPERSEDED_WAIT_MS);
          if (ask !== this._ask || this._disposed) {
            return;
          }
        }
        const loading = this._cache.get(step);
        const settled: Promise<void> = loading.then(
          () => undefined,
          () => undefined
        );
        this._loading = settled;
        void settled.then(() => {
          if (this._loading === settled) {
            this._loading = null;
          }
        });
        const notebook = await loading;
        if (ask !== this._ask || this._disposed) {
          return;
        }
        this._notebook = notebook;
      } catch (reason) {
        if (ask !== this._ask || this._disposed) {
          return;
        }
        this._stepError = toError(reason);
      }
      this._changed.emit();
    }
    this._prefetchAround(step);
  }

  first(): Promise<void> {
    return this.goTo(1);
  }

  previous(): Promise<void> {
    return this.goTo(this._step - 1);
  }

  next(): Promise<void> {
    return this.goTo(this._step + 1);
  }

  last(): Promise<void> {
    return this.goTo(this.total);
  }

  /**
   * Read the shown step again (after an error).
   */
  retry(): Promise<void> {
    if (this._state !== 'ready') {
      return this.open();
    }
    return this.goTo(this._step);
  }

  /**
   * A full execution of the session with resolved outputs (shared with
   * the steps' cells): what "open as notebook" writes.
   */
  async execution(id: string): Promise<ExecutionRecord> {
    const known = this._executions.get(id);
    if (known) {
      return known;
    }
    return this._resolved(await this._reader.getExecution(id));
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._cache.clear();
    this._executions.clear();
    Signal.clearData(this);
  }

  private _prefetchAround(step: number): void {
    for (const near of [step + 1, step - 1]) {
      if (near >= 1 && near <= this.total) {
        this._cache.prefetch(near);
      }
    }
  }

  private async _loadStep(step: number): Promise<NotebookAtStep> {
    const sessionId = this._sessionId!;
    const answer = await this._reader.getStep(sessionId, step);
    const cells = await Promise.all(
      answer.cells.map(async (cell): Promise<CellAtStep> => {
        if (!cell.execution) {
          return cell;
        }
        return { ...cell, execution: await this._resolved(cell.execution) };
      })
    );
    return { ...answer, cells };
  }

  /** The record with resolved outputs, one object per execution id. */
  private async _resolved(record: ExecutionRecord): Promise<ExecutionRecord> {
    const known = this._executions.get(record.id);
    if (known) {
      return known;
    }
    const outputs = await this._reader.resolveOutputs(record.outputs ?? []);
    const again = this._executions.get(record.id);
    if (again) {
      return again;
    }
    const resolved = { ...record, outputs };
    this._executions.set(record.id, resolved);
    if (this._executions.size > this._executionsCapacity) {
      const oldest = this._executions.keys().next().value as string;
      this._executions.delete(oldest);
    }
    return resolved;
  }

  private _ask = 0;
  private _cache: StepCache<NotebookAtStep>;
  private _changed = new Signal<this, void>(this);
  private _disposed = false;
  private _error: Error | null = null;
  private _executionId: string | null;
  private _executions = new Map<string, ExecutionRecord>();
  private _executionsCapacity: number;
  private _initialStep: number | null;
  /** The step asked last being loaded (settles, never rejects), or null. */
  private _loading: Promise<void> | null = null;
  private _notebook: NotebookAtStep | null = null;
  private _reader: IReplayReader;
  private _session: SessionSummary | null = null;
  private _sessionId: string | null;
  private _state: ReplayState = 'loading';
  private _step = 0;
  private _stepError: Error | null = null;
  private _steps: StepList | null = null;
}

/**
 * The namespace for `ReplayModel` statics.
 */
export namespace ReplayModel {
  export interface IOptions {
    reader: IReplayReader;
    /** The session to step through… */
    sessionId?: string;
    /** …or the execution whose session and step to open at. */
    executionId?: string;
    /** The step to open at (1 when absent). */
    step?: number;
    /** Loaded steps kept (default 64). */
    cacheSize?: number;
    /** Resolved executions kept (default 4096). */
    executionCacheSize?: number;
  }
}

namespace Private {
  /** Resolves when `promise` settles or after `ms`, whichever is first. */
  export function settledWithin(
    promise: Promise<void>,
    ms: number
  ): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      void promise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Unknown and private sessions both answer 404. */
function isNotFound(error: Error): boolean {
  return (error as { status?: unknown }).status === 404;
}

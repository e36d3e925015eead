/**
 * The state of the Fork widget (issue #14 item 2): which session and step
 * are forked, the inputs of steps 1..k, and for each the user's file or
 * folder (unmapped inputs keep their recorded path). `create()` writes the
 * fork notebook and says where.
 */
import type { Contents } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { describeError } from '../../client/errors';
import type { ForkMapping } from '../../records/fork/contract';
import type { InputFile } from '../../records/replay/inputs';
import type { SessionInputs } from '../replay-run/contracts';
import type { SessionSummary } from '../types';
import {
  buildForkNotebook,
  ForkStep,
  IForkSource,
  pathFromNotebook,
  writeForkNotebook
} from './notebook';

/** What the Fork widget needs of the server (the Trail client satisfies it). */
export interface IForkReader extends IForkSource {
  getSession(id: string): Promise<SessionSummary>;
  getSteps(id: string): Promise<{ total: number; steps: ForkStep[] }>;
  getInputs(id: string, upto: number): Promise<SessionInputs>;
}

/** Where the widget is. */
export type ForkPhase = 'loading' | 'ready' | 'error';

/** One input of the steps and what the user maps it to. */
export interface IForkRow {
  input: InputFile;
  /** The user's path in the workspace; empty keeps the recorded file. */
  path: string;
}

/**
 * One fork being prepared.
 */
export class ForkModel {
  constructor(options: ForkModel.IOptions) {
    this.sessionId = options.sessionId;
    this._reader = options.reader;
    this._askedStep = options.step ?? null;
    this._executionId = options.executionId ?? null;
    this._folder = options.folder ?? '';
    this._server = options.server;
  }

  /** The session forked. */
  readonly sessionId: string;

  /** Emitted when anything changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Whether the session is read. */
  get phase(): ForkPhase {
    return this._phase;
  }

  /** Why the session or its inputs could not be read. */
  get error(): string | null {
    return this._error;
  }

  /** The session, once read. */
  get session(): SessionSummary | null {
    return this._session;
  }

  /** How many steps the session has (0 until read). */
  get total(): number {
    return this._steps.length;
  }

  /** The last step the fork runs (1..total). */
  get step(): number {
    return this._step;
  }

  /** The inputs of steps 1..step with their mappings, once read. */
  get rows(): readonly IForkRow[] {
    return this._rows;
  }

  /** Whether the inputs of the chosen step are being read. */
  get inputsLoading(): boolean {
    return this._inputsLoading;
  }

  /** The folder the notebook is written to (workspace path). */
  get folder(): string {
    return this._folder;
  }
  set folder(value: string) {
    this._folder = value;
    this._emit();
  }

  /** Whether the notebook is being written. */
  get creating(): boolean {
    return this._creating;
  }

  /** Why the last "create" failed. */
  get createError(): string | null {
    return this._createError;
  }

  /**
   * The substitutions as the user gave them (workspace paths), one per
   * mapped input, in the inputs' order.
   */
  get mappings(): ForkMapping[] {
    return this._rows
      .filter(row => row.path.trim() !== '')
      .map(row => ({ recorded: row.input.path, path: row.path.trim() }));
  }

  /**
   * Why the fork cannot be created yet, or null: it needs the inputs and
   * at least one of them mapped.
   */
  get blocker(): string | null {
    if (this._phase !== 'ready' || this._inputsLoading) {
      return 'Reading the session…';
    }
    if (this._rows.length === 0) {
      return `Steps 1–${this._step} read no data file: there is nothing to map (replay it instead).`;
    }
    if (this.mappings.length === 0) {
      return 'Map at least one input to a file or folder of yours.';
    }
    return null;
  }

  /**
   * Read the session, its steps and the inputs of the step asked (the
   * execution's step, else the last). Never rejects.
   */
  async open(): Promise<void> {
    this._phase = 'loading';
    this._error = null;
    this._emit();
    try {
      const [session, steps] = await Promise.all([
        this._reader.getSession(this.sessionId),
        this._reader.getSteps(this.sessionId)
      ]);
      if (this._disposed) {
        return;
      }
      this._session = session;
      this._steps = steps.steps;
      if (this._steps.length === 0) {
        throw new Error('This session has no executions to fork.');
      }
      const fromExecution = this._executionId
        ? this._steps.find(entry => entry.executionId === this._executionId)
            ?.step
        : undefined;
      const wanted = fromExecution ?? this._askedStep ?? this._steps.length;
      this._step = Math.min(Math.max(1, wanted), this._steps.length);
      this._phase = 'ready';
      await this._loadInputs();
    } catch (reason) {
      if (!this._disposed) {
        this._error = describeError(reason);
        this._phase = 'error';
        this._emit();
      }
    }
  }

  /** Fork up to another step: its inputs are read; mappings kept by path. */
  async setStep(step: number): Promise<void> {
    const k = Math.min(Math.max(1, Math.round(step)), this.total || 1);
    if (k === this._step && this._rows.length > 0) {
      return;
    }
    this._step = k;
    await this._loadInputs();
  }

  /** Map an input (by its recorded path) to the user's path; '' unmaps. */
  setPath(recorded: string, path: string): void {
    const row = this._rows.find(entry => entry.input.path === recorded);
    if (!row) {
      return;
    }
    row.path = path;
    this._kept.set(recorded, path);
    this._createError = null;
    this._emit();
  }

  /**
   * Write the fork notebook in `folder` and resolve with its path; on a
   * failure `createError` says why and it resolves with null.
   */
  async create(
    contents: Pick<Contents.IManager, 'get' | 'save'>
  ): Promise<string | null> {
    const blocker = this.blocker;
    const session = this._session;
    if (blocker || !session || this._creating) {
      this._createError = blocker;
      this._emit();
      return null;
    }
    this._creating = true;
    this._createError = null;
    this._emit();
    const step = this._step;
    const inputs = this._rows.map(row => row.input);
    const mappings = this.mappings;
    try {
      return await writeForkNotebook({
        contents,
        folder: this._folder,
        notebookPath: session.notebookPath ?? '',
        step,
        build: folder =>
          buildForkNotebook({
            source: this._reader,
            session,
            steps: this._steps,
            total: this._steps.length,
            step,
            inputs,
            // The kernel resolves relative paths from the notebook's folder.
            substitutions: mappings.map(mapping => ({
              recorded: mapping.recorded,
              path: pathFromNotebook(folder, mapping.path)
            })),
            server: this._server
          })
      });
    } catch (reason) {
      this._createError = describeError(reason);
      return null;
    } finally {
      this._creating = false;
      this._emit();
    }
  }

  /** Emit nothing more; results still coming are dropped. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _loadInputs(): Promise<void> {
    const step = this._step;
    const generation = ++this._generation;
    this._inputsLoading = true;
    this._error = null;
    this._emit();
    try {
      const answer = await this._reader.getInputs(this.sessionId, step);
      if (generation !== this._generation || this._disposed) {
        return;
      }
      this._rows = answer.inputs.map(input => ({
        input,
        path: this._kept.get(input.path) ?? ''
      }));
    } catch (reason) {
      if (generation !== this._generation || this._disposed) {
        return;
      }
      this._rows = [];
      this._error = describeError(reason);
    }
    this._inputsLoading = false;
    this._emit();
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _askedStep: number | null;
  private _changed = new Signal<this, void>(this);
  private _createError: string | null = null;
  private _creating = false;
  private _disposed = false;
  private _error: string | null = null;
  private _executionId: string | null;
  private _folder: string;
  private _generation = 0;
  private _inputsLoading = false;
  /** What the user mapped, by recorded path, across step changes. */
  private _kept = new Map<string, string>();
  private _phase: ForkPhase = 'loading';
  private _reader: IForkReader;
  private _rows: IForkRow[] = [];
  private _server?: string;
  private _session: SessionSummary | null = null;
  private _step = 1;
  private _steps: ForkStep[] = [];
}

/** The namespace for `ForkModel` statics. */
export namespace ForkModel {
  export interface IOptions {
    sessionId: string;
    reader: IForkReader;
    /** Fork up to this step (default: the last). */
    step?: number;
    /** Fork up to this execution's step (wins over `step`). */
    executionId?: string;
    /** Where the notebook goes (workspace path; default the root). */
    folder?: string;
    /** The Trail server's URL, for the notebook's metadata. */
    server?: string;
  }
}

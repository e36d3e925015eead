/**
 * The inputs of a session as its view in the panel shows them (issue #14
 * item 1): the data files steps 1..k read that they did not write, with
 * their role, size, hash, table columns and the step that read them first
 * (GET /sessions/{id}/inputs?upto=k).
 */
import { TrailResponseError } from '../../client/errors';
import { LoadableModel } from '../loadable';
import type { SessionInputs } from '../replay-run/contracts';
import type { InputFile } from '../../records/replay/inputs';

/** What the model needs of the server (the Trail client satisfies it). */
export interface IInputsReader {
  getInputs(sessionId: string, upto: number): Promise<SessionInputs>;
  /** The session's steps, to learn its last step when the count was off. */
  getSteps?(sessionId: string): Promise<{ total: number }>;
}

/**
 * The inputs of one session up to a step (its last step by default).
 */
export class SessionInputsModel extends LoadableModel {
  constructor(options: SessionInputsModel.IOptions) {
    super();
    this.sessionId = options.sessionId;
    const reader = options.reader;
    this._reader = reader?.getInputs ? (reader as IInputsReader) : null;
    this._minIntervalMs = options.minIntervalMs ?? 5000;
  }

  /** The session. */
  readonly sessionId: string;

  /** Whether the server can list inputs at all. */
  get available(): boolean {
    return this._reader !== null;
  }

  /** The inputs read so far, in the order they were first read. */
  get inputs(): readonly InputFile[] {
    return this._inputs;
  }

  /** The step the inputs are for, once read. */
  get upto(): number | null {
    return this._upto;
  }

  /** Whether the inputs were read (for the step asked last). */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Read the inputs of steps 1..`upto` (a session's step count); again when
   * `upto` changed. A session without executions has none, unasked.
   */
  load(upto: number): Promise<void> {
    const reader = this._reader;
    if (this._asked === upto && (this._loaded || this.loading)) {
      return Promise.resolve();
    }
    // A running session grows by a step per execution: its inputs (read
    // over all its executions by the server) are read again at most every
    // `minIntervalMs`, for the latest step.
    const wait = this._readAt + this._minIntervalMs - Date.now();
    if (this._loaded && upto > 0 && wait > 0) {
      this._later = upto;
      if (this._timer === null) {
        this._timer = setTimeout(() => {
          this._timer = null;
          if (!this.isDisposed && this._later !== null) {
            void this.load(this._later);
          }
        }, wait);
      }
      return Promise.resolve();
    }
    this._later = null;
    this._asked = upto;
    if (!reader || upto < 1) {
      this.invalidate();
      this._inputs = [];
      this._upto = null;
      this._loaded = true;
      this.emitChanged();
      return Promise.resolve();
    }
    this._loaded = false;
    return this.enqueue(async isCurrent => {
      let answer: SessionInputs;
      try {
        answer = await reader.getInputs(this.sessionId, upto);
      } catch (reason) {
        // The count said more steps than the person may read (a cell
        // opted out): ask again for the last readable step.
        if (!isStepNotFound(reason) || !reader.getSteps) {
          throw reason;
        }
        const { total } = await reader.getSteps(this.sessionId);
        answer =
          total > 0
            ? await reader.getInputs(this.sessionId, total)
            : { sessionId: this.sessionId, upto: 0, inputs: [] };
      }
      this._readAt = Date.now();
      if (isCurrent()) {
        this._inputs = answer.inputs;
        this._upto = answer.upto || null;
        this._loaded = true;
      }
    });
  }

  /** Stop; a read still waiting is dropped. */
  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    super.dispose();
  }

  /** Read the last asked step again. */
  refresh(): Promise<void> {
    const upto = this._asked;
    if (upto === null) {
      return Promise.resolve();
    }
    this._asked = null;
    return this.load(upto);
  }

  private _asked: number | null = null;
  private _later: number | null = null;
  private _minIntervalMs: number;
  private _readAt = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _inputs: InputFile[] = [];
  private _loaded = false;
  private _reader: IInputsReader | null;
  private _upto: number | null = null;
}

/** The namespace for `SessionInputsModel` statics. */
export namespace SessionInputsModel {
  export interface IOptions {
    sessionId: string;
    /** Where inputs are read from; none are without `getInputs`. */
    reader: Partial<IInputsReader> | null;
    /** The least time between two reads for a growing session. */
    minIntervalMs?: number;
  }
}

function isStepNotFound(reason: unknown): boolean {
  return (
    reason instanceof TrailResponseError &&
    reason.status === 404 &&
    reason.code === 'step_not_found'
  );
}

/**
 * One export from the panel (#15, contract E): the export API cuts the run
 * and writes the pipeline's files in its answer; the model then writes
 * them into the workspace folder (see `writeExportFolder`) and keeps the
 * answer for the report. No DOM here.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { describeError, TrailResponseError } from '../../client/errors';
import {
  ExportFolderError,
  folderFromNotebook,
  IExportContents,
  normalisePath,
  writeExportFolder
} from './folder';
import type {
  ExportRequest,
  ExportResult,
  ExportTarget,
  IPipelineExporter
} from './types';

/** Where the export is. */
export type ExportPhase = 'exporting' | 'writing' | 'done' | 'error';

/** Why it stopped, and at which stage. */
export interface IExportFailure {
  /** export: the server's answer; write: the workspace folder. */
  stage: 'export' | 'write';
  /** The server's code (`no-success`, `target-not-produced`, …) or ours. */
  code: string;
  /** For the user, as the server said it when it said something precise. */
  message: string;
  /** The HTTP status, for a server answer. */
  status?: number;
}

/**
 * An export of a session (up to a step, or what produced a file or a
 * metric) into a workspace folder.
 */
export class ExportModel {
  constructor(options: ExportModel.IOptions) {
    this.sessionId = options.sessionId;
    this.notebookPath = options.notebookPath;
    this.folder = normalisePath(options.folder);
    this.upto = options.upto;
    this.target = options.target ?? { kind: 'session' };
    this.replace = options.replace ?? false;
    this._exporter = options.exporter;
    this._contents = options.contents;
  }

  readonly sessionId: string;
  /** The session's notebook as recorded (names and places the pipeline). */
  readonly notebookPath: string;
  /** The workspace folder the pipeline is written to. */
  readonly folder: string;
  readonly upto: number | undefined;
  readonly target: ExportTarget;
  /** Whether a non-empty folder may be replaced (the user confirmed). */
  readonly replace: boolean;

  /** Emitted when anything changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get phase(): ExportPhase {
    return this._phase;
  }

  /** The API's answer, once it came. */
  get result(): ExportResult | null {
    return this._result;
  }

  /** Why it stopped, when it did. */
  get failure(): IExportFailure | null {
    return this._failure;
  }

  /** Files written so far, and how many there are. */
  get progress(): { done: number; total: number } {
    return this._progress;
  }

  /** The workspace paths written, once done. */
  get written(): readonly string[] {
    return this._written;
  }

  /** The request the API is sent. */
  get request(): ExportRequest {
    const body: ExportRequest = {
      target: this.target,
      folder: folderFromNotebook(this.notebookPath, this.folder)
    };
    if (this.upto !== undefined) {
      body.upto = this.upto;
    }
    return body;
  }

  /**
   * Export and write. Answers whether the folder was written; a second
   * call while one runs waits for it.
   */
  run(): Promise<boolean> {
    if (!this._running) {
      this._running = this._run().finally(() => {
        this._running = null;
      });
    }
    return this._running;
  }

  private async _run(): Promise<boolean> {
    this._result = null;
    this._failure = null;
    this._written = [];
    this._progress = { done: 0, total: 0 };
    this._set('exporting');
    let result: ExportResult;
    try {
      result = await this._exporter.exportPipeline(
        this.sessionId,
        this.request
      );
    } catch (reason) {
      this._failure = exportFailure(reason, this.sessionId);
      this._set('error');
      return false;
    }
    this._result = result;
    this._progress = { done: 0, total: result.files.length };
    this._set('writing');
    try {
      this._written = await writeExportFolder({
        contents: this._contents,
        folder: this.folder,
        files: result.files,
        replace: this.replace,
        onProgress: (done, total) => {
          this._progress = { done, total };
          this._changed.emit();
        }
      });
    } catch (reason) {
      this._failure = {
        stage: 'write',
        code: reason instanceof ExportFolderError ? 'folder' : 'write-failed',
        message: describeError(reason)
      };
      this._set('error');
      return false;
    }
    this._set('done');
    return true;
  }

  private _set(phase: ExportPhase): void {
    this._phase = phase;
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _contents: IExportContents;
  private _exporter: IPipelineExporter;
  private _failure: IExportFailure | null = null;
  private _phase: ExportPhase = 'exporting';
  private _progress = { done: 0, total: 0 };
  private _result: ExportResult | null = null;
  private _running: Promise<boolean> | null = null;
  private _written: string[] = [];
}

export namespace ExportModel {
  export interface IOptions {
    sessionId: string;
    notebookPath: string;
    /** The workspace folder to write the pipeline into. */
    folder: string;
    upto?: number;
    target?: ExportTarget;
    replace?: boolean;
    exporter: IPipelineExporter;
    contents: IExportContents;
  }
}

/** A failed export call, for the user: the server's 422 message as is. */
export function exportFailure(
  reason: unknown,
  sessionId: string
): IExportFailure {
  if (reason instanceof TrailResponseError) {
    const { status, code } = reason;
    if (status === 404) {
      return {
        stage: 'export',
        status,
        code,
        message: `Trail knows no session ${sessionId} you may read.`
      };
    }
    if (status === 503) {
      return {
        stage: 'export',
        status,
        code,
        message: `The Trail server cannot analyse the recorded code now: ${reason.message}`
      };
    }
    return { stage: 'export', status, code, message: describeError(reason) };
  }
  return { stage: 'export', code: 'network', message: describeError(reason) };
}

import type { ExecutionRecord } from '../records/schema';
import { FileChange, fileChange } from '../records/files';
import { hashSettled } from '../records/capture';
import { LoadableModel, toError } from './loadable';
import type { ExecutionSummary, FileAccess, ITrailReader } from './types';

/**
 * One execution's full record, with blob references in its outputs
 * replaced by their values so that renderers get plain nbformat outputs,
 * and the previous run of its cell, to tell which files changed.
 */
export class ExecutionDetailModel extends LoadableModel {
  /**
   * Create the model; nothing is requested until `refresh()`.
   */
  constructor(options: ExecutionDetailModel.IOptions) {
    super();
    this._reader = options.reader;
    this.executionId = options.executionId;
  }

  /**
   * The execution shown.
   */
  readonly executionId: string;

  /**
   * The record with resolved outputs, or null until loaded.
   */
  get record(): ExecutionRecord | null {
    return this._record;
  }

  /**
   * The previous run of the same cell: undefined until known (or when it
   * could not be loaded), null when this is the cell's first run.
   */
  get previous(): ExecutionSummary | null | undefined {
    return this._previous;
  }

  /**
   * Why the previous run could not be loaded, or null. The record is
   * still shown; only the change badges are missing.
   */
  get previousError(): Error | null {
    return this._previousError;
  }

  /**
   * How a file of this execution compares with the previous run.
   */
  changeOf(file: FileAccess): FileChange {
    // Without a previous run (unknown, or this is the cell's first run)
    // there is nothing to compare with.
    const previous = this._previous;
    return fileChange(
      file,
      previous ? (previous.capture?.files ?? []) : undefined
    );
  }

  /**
   * Whether some of the record's file hashes were still being computed
   * when it was loaded: they arrive later, so the record is worth loading
   * again.
   */
  get hasPendingHashes(): boolean {
    return (this._record?.capture?.files ?? []).some(
      file => file.hashPending === true && !hashSettled(file)
    );
  }

  /**
   * Load the record unless it is already complete: stored outputs never
   * change, so a loaded record is fetched again only while file hashes
   * are pending (they come as later annotations).
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      if (this._record !== null && !this.hasPendingHashes) {
        if (this._previous === undefined) {
          await this._loadPrevious(isCurrent);
        }
        return;
      }
      const record = await this._reader.getExecution(this.executionId);
      if (!isCurrent()) {
        return;
      }
      const outputs =
        this._record !== null
          ? this._record.outputs
          : await this._reader.resolveOutputs(record.outputs ?? []);
      if (!isCurrent()) {
        return;
      }
      this._record = { ...record, outputs };
      this.emitChanged();
      if (this._previous === undefined) {
        await this._loadPrevious(isCurrent);
      }
    });
  }

  private async _loadPrevious(isCurrent: () => boolean): Promise<void> {
    if (!this._record?.capture?.files?.length) {
      // Only files need the previous run.
      return;
    }
    try {
      const previous = await this._reader.getPreviousExecution(
        this.executionId
      );
      if (isCurrent()) {
        this._previous = previous;
        this._previousError = null;
      }
    } catch (reason) {
      if (isCurrent()) {
        this._previousError = toError(reason);
      }
    }
  }

  private _reader: ITrailReader;
  private _record: ExecutionRecord | null = null;
  private _previous: ExecutionSummary | null | undefined = undefined;
  private _previousError: Error | null = null;
}

/**
 * The namespace for `ExecutionDetailModel` statics.
 */
export namespace ExecutionDetailModel {
  /**
   * Options to create an execution detail model.
   */
  export interface IOptions {
    /** Where the record is read from. */
    reader: ITrailReader;
    /** The execution to show. */
    executionId: string;
  }
}

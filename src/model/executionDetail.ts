import type { ExecutionRecord } from '../_schema/records';
import { LoadableModel } from './loadable';
import type { ITrailReader } from './types';

/**
 * One execution's full record, with blob references in its outputs
 * replaced by their values so that renderers get plain nbformat outputs.
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
   * Load the record unless it is already loaded: records never change once
   * stored, so a loaded record is never fetched again.
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      if (this._record !== null) {
        return;
      }
      const record = await this._reader.getExecution(this.executionId);
      if (!isCurrent()) {
        return;
      }
      const outputs = await this._reader.resolveOutputs(record.outputs ?? []);
      if (isCurrent()) {
        this._record = { ...record, outputs };
      }
    });
  }

  private _reader: ITrailReader;
  private _record: ExecutionRecord | null = null;
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

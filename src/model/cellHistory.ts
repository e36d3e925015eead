import { toError } from './loadable';
import { PagedListModel } from './pagedList';
import type {
  ExecutionRecord,
  ExecutionSummary,
  ITrailReader,
  Page,
  SessionSummary
} from './types';

/**
 * Every run of one notebook cell across sessions (and people), newest
 * first, and two of them compared: code and outputs.
 *
 * #### Notes
 * By default the run the history was opened from (B) is compared with the
 * latest earlier run whose code differs (or simply the one before it) as
 * A; opened from the oldest run, that run is A and the earliest later run
 * whose code differs (or simply the next one) is B.
 */
export class CellHistoryModel extends PagedListModel<ExecutionSummary> {
  constructor(options: CellHistoryModel.IOptions) {
    super(options);
    this._reader = options.reader;
    this.notebookPath = options.notebookPath;
    this.cellId = options.cellId;
    this.executionId = options.executionId ?? null;
  }

  /** The notebook of the cell. */
  readonly notebookPath: string;
  /** The nbformat id of the cell. */
  readonly cellId: string;
  /** The run the history was opened from, if any. */
  readonly executionId: string | null;

  /** The older side of the comparison (execution id), or null. */
  get left(): string | null {
    return this._left;
  }

  /** The newer side of the comparison (execution id), or null. */
  get right(): string | null {
    return this._right;
  }

  /** The left run with its outputs, once loaded. */
  get leftRecord(): ExecutionRecord | null {
    return (this._left && this._records.get(this._left)) || null;
  }

  /** The right run with its outputs, once loaded. */
  get rightRecord(): ExecutionRecord | null {
    return (this._right && this._records.get(this._right)) || null;
  }

  /** Whether the compared runs are being loaded. */
  get comparing(): boolean {
    return this._comparing;
  }

  /** Why the compared runs could not be loaded, or null. */
  get compareError(): Error | null {
    return this._compareError;
  }

  /**
   * The session of a run, once read (for its author and kernel).
   */
  sessionOf(sessionId: string): SessionSummary | null {
    return this._sessions.get(sessionId) ?? null;
  }

  /**
   * How a run's code compares with the run listed after it (the one before
   * it in time): `'changed'` or `'same'`; `'first'` for the cell's first
   * recorded run; null for the oldest run loaded while older ones remain
   * unread (not known yet).
   */
  codeChange(id: string): CellHistoryModel.CodeChange | null {
    const items = this.items;
    const index = items.findIndex(item => item.id === id);
    if (index < 0) {
      return null;
    }
    const older = items[index + 1];
    if (!older) {
      return this.hasMore ? null : 'first';
    }
    return older.code !== items[index].code ? 'changed' : 'same';
  }

  /**
   * Compare two runs (either may be null to leave that side empty).
   */
  compare(left: string | null, right: string | null): Promise<void> {
    this._left = left;
    this._right = right;
    this._chosen = true;
    this.emitChanged();
    return this._loadRecords();
  }

  /**
   * Load the first page again; the first time, choose what to compare.
   */
  async refresh(): Promise<void> {
    await super.refresh();
    if (!this._chosen && this.loaded && !this.isDisposed) {
      this._chooseDefaults();
    }
    await Promise.all([this._loadRecords(), this._loadSessions()]);
  }

  async loadMore(): Promise<void> {
    await super.loadMore();
    await this._loadSessions();
  }

  /**
   * Read the sessions of the runs listed (a few: most cells run in a
   * handful of sessions), each once.
   */
  private async _loadSessions(): Promise<void> {
    const wanted = [...new Set(this.items.map(item => item.sessionId))]
      .filter(id => !this._sessions.has(id) && !this._asked.has(id))
      .slice(0, MAX_SESSIONS_READ);
    if (wanted.length === 0) {
      return;
    }
    wanted.forEach(id => this._asked.add(id));
    const found = await Promise.all(
      wanted.map(id => this._reader.getSession(id).catch(() => null))
    );
    if (this.isDisposed) {
      return;
    }
    for (const session of found) {
      if (session) {
        this._sessions.set(session.id, session);
      }
    }
    this.emitChanged();
  }

  protected fetchPage(cursor?: string): Promise<Page<ExecutionSummary>> {
    return this._reader.listCellExecutions({
      notebook: this.notebookPath,
      cellId: this.cellId,
      limit: this.pageSize,
      ...(cursor !== undefined ? { cursor } : {})
    });
  }

  protected keyOf(item: ExecutionSummary): string {
    return item.id;
  }

  private _chooseDefaults(): void {
    const items = this.items;
    if (items.length === 0) {
      return;
    }
    this._chosen = true;
    let index = items.findIndex(item => item.id === this.executionId);
    if (index < 0) {
      index = 0;
    }
    const opened = items[index];
    const older = items.slice(index + 1);
    if (older.length === 0 && index > 0) {
      // The oldest run: it is A, against the next newer run with other
      // code (or simply the next one).
      const newer = items.slice(0, index).reverse();
      this._left = opened.id;
      this._right = (
        newer.find(item => item.code !== opened.code) ?? newer[0]
      ).id;
    } else {
      const left = older.find(item => item.code !== opened.code) ?? older[0];
      this._right = opened.id;
      this._left = left?.id ?? null;
    }
    this.emitChanged();
  }

  private async _loadRecords(): Promise<void> {
    const wanted = [this._left, this._right].filter(
      (id): id is string => id !== null && !this._records.has(id)
    );
    if (wanted.length === 0) {
      return;
    }
    const ticket = ++this._ticket;
    this._comparing = true;
    this._compareError = null;
    this.emitChanged();
    try {
      const records = await Promise.all(
        wanted.map(async id => {
          const record = await this._reader.getExecution(id);
          const outputs = await this._reader.resolveOutputs(
            record.outputs ?? []
          );
          return { ...record, outputs };
        })
      );
      for (const record of records) {
        this._records.set(record.id, record);
      }
    } catch (reason) {
      if (ticket === this._ticket) {
        this._compareError = toError(reason);
      }
    } finally {
      if (ticket === this._ticket) {
        this._comparing = false;
      }
      this.emitChanged();
    }
  }

  private _chosen = false;
  private _compareError: Error | null = null;
  private _comparing = false;
  private _left: string | null = null;
  private _reader: ITrailReader;
  private _records = new Map<string, ExecutionRecord>();
  private _right: string | null = null;
  private _sessions = new Map<string, SessionSummary>();
  private _asked = new Set<string>();
  private _ticket = 0;
}

/** Sessions read per page of runs, at most. */
const MAX_SESSIONS_READ = 20;

/**
 * The namespace for `CellHistoryModel` statics.
 */
export namespace CellHistoryModel {
  export interface IOptions {
    reader: ITrailReader;
    notebookPath: string;
    cellId: string;
    /** The run the history is opened from. */
    executionId?: string | null;
    pageSize?: number;
  }

  /** How a run's code compares with the run before it. */
  export type CodeChange = 'changed' | 'same' | 'first';
}

/**
 * The production store: an append-only segment log of events, indexed in
 * memory (rebuilt by scanning the log at startup), content-addressed blob
 * files, and meta.json. Layout of a data folder:
 *
 *     meta.json          format version, server id, creation time (lowdb)
 *     log/00000001.log   events, one per line (see segment-log.ts and
 *                        log-records.ts)
 *     blobs/ab/cdef…     large mime values and environment snapshots by
 *                        SHA-256
 *
 * Writes use group commit: batches that arrive while a write is in flight
 * are appended together with one fdatasync, and each batch is acknowledged
 * only once its bytes are synced. Blob files are written as soon as a batch
 * arrives (while earlier commits run) and synced by the batch's commit at
 * the same time as the log, not before it: a blob guard record and a check
 * at startup keep a durable record from citing a blob that is not (see
 * log-records.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  EnvironmentSnapshot,
  ExecutionAnnotatedEvent,
  ExecutionCompletedEvent,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary
} from '../../src/_schema/records';
import { AppError } from '../errors';
import { FileBlobStore, type StagedBlob } from './blob-store';
import { mergeCaptures } from './capture-merge';
import { DuplicateFilter } from './duplicates';
import { HistoryIndex } from './history-index';
import { LocationTable } from './location-table';
import {
  blobGuardRecord,
  checkLastBlobGuard,
  indexRecord,
  toLogRecord,
  type RecordTables
} from './log-records';
import { scanLogBodies } from './body-scan';
import { SegmentLog, type LogLocation, type LogWarnings } from './segment-log';
import { openStoreMeta, type StoreMeta } from './store-meta';
import {
  readEnvironment,
  summarizeExecution,
  type CellQuery,
  type ExecutionKey,
  type ExecutionQuery,
  type SessionKey,
  type SessionQuery,
  type StoredEvent,
  type StorePage,
  type TrailStore
} from './types';

interface PendingBatch {
  events: StoredEvent[];
  /** Its blobs, being written (null: already durable). */
  blobs: Promise<(StagedBlob | null)[]>;
  /** Whether `blobs` has settled: the batch can join a commit. */
  staged: boolean;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

/** A batch in its commit: its new events and its answer. */
interface Committing {
  batch: PendingBatch;
  fresh: StoredEvent[];
  result: IngestResult;
}

function storageFailure(cause: unknown): AppError {
  const failure = new AppError(
    503,
    'storage_unavailable',
    'The server could not store the events; try again later.'
  );
  failure.cause = cause;
  return failure;
}

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** Log segment size limit (default 64 MiB). */
  segmentBytes?: number;
  warnings?: LogWarnings;
}

/** Reads of format-1 records at startup run this many at a time. */
const BACKFILL_READS = 64;

/** See the module comment. */
export class FileStore implements TrailStore {
  private queue: PendingBatch[] = [];
  private committing: Promise<void> | null = null;
  private closed = false;
  /** Set when a commit's log write may cite blobs whose sync failed. */
  private broken: AppError | null = null;

  private constructor(
    readonly meta: StoreMeta,
    readonly blobs: FileBlobStore,
    private readonly logDir: string,
    private readonly log: SegmentLog,
    private readonly index: HistoryIndex,
    private readonly tables: RecordTables
  ) {}

  /** Opens a data folder, creating it if needed, and rebuilds the index. */
  static async open(
    dataDir: string,
    options: FileStoreOptions = {}
  ): Promise<FileStore> {
    await mkdir(dataDir, { recursive: true });
    const meta = await openStoreMeta(dataDir);
    const blobs = await FileBlobStore.open(join(dataDir, 'blobs'));
    const index = new HistoryIndex();
    const tables: RecordTables = {
      executions: new LocationTable(),
      annotations: new LocationTable(),
      withoutCell: []
    };
    index.beginBulkLoad();
    const log = await SegmentLog.open(
      join(dataDir, 'log'),
      record => indexRecord(index, tables, record),
      {
        ...options,
        checkTail: records =>
          checkLastBlobGuard(records, sha256 => blobs.holds(sha256))
      }
    );
    const store = new FileStore(
      meta,
      blobs,
      join(dataDir, 'log'),
      log,
      index,
      tables
    );
    await store.indexCellsOfOldRecords();
    return store;
  }

  /**
   * Format-1 execution headers have no cell id: read those records to put
   * them in their cells' histories. Only data written by an older server
   * has them, and new records never do.
   */
  private async indexCellsOfOldRecords(): Promise<void> {
    const numbers = this.tables.withoutCell;
    this.tables.withoutCell = [];
    for (let i = 0; i < numbers.length; i += BACKFILL_READS) {
      const records = await Promise.all(
        numbers
          .slice(i, i + BACKFILL_READS)
          .map(async n => ({ n, record: await this.readRecord(n) }))
      );
      for (const { n, record } of records) {
        if (record.cellId !== null) {
          this.index.addToCell(
            n,
            record.notebookPath,
            record.cellId,
            record.startedAt
          );
        }
      }
    }
  }

  /** How many executions are stored. */
  get executionCount(): number {
    return this.index.executionCount;
  }

  /** How many sessions are known. */
  get sessionCount(): number {
    return this.index.sessionCount;
  }

  hasEvent(id: string): boolean {
    return this.index.hasEvent(id);
  }

  append(
    events: StoredEvent[],
    blobs: ReadonlyMap<string, Buffer> = new Map()
  ): Promise<IngestResult> {
    if (this.closed) {
      return Promise.reject(
        new AppError(503, 'shutting_down', 'The server is shutting down.')
      );
    }
    if (this.broken) {
      return Promise.reject(this.broken);
    }
    // Written now, synced by the commit that takes this batch.
    const blobsStaged = Promise.all(
      [...blobs].map(([sha256, content]) => this.blobs.stage(sha256, content))
    );
    return new Promise((resolve, reject) => {
      const batch: PendingBatch = {
        events,
        blobs: blobsStaged,
        staged: blobs.size === 0,
        resolve,
        reject
      };
      const settled = () => {
        batch.staged = true;
      };
      blobsStaged.then(settled, settled); // the commit handles a failure
      this.queue.push(batch);
      this.committing ??= this.commitQueued();
    });
  }

  /**
   * Commits queued batches, one group per write, until the queue is empty.
   * A batch whose blob files are still being written (file creation can
   * stall behind the journal commits of other syncs) waits for a later
   * commit instead of holding this one, and every batch behind it, up.
   */
  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.filter(batch => batch.staged);
      if (group.length === 0) {
        const settled = () => undefined;
        await Promise.race(this.queue.map(b => b.blobs.then(settled, settled)));
        continue;
      }
      this.queue = this.queue.filter(batch => !batch.staged);
      try {
        await this.commitGroup(group);
      } catch (err) {
        // A settled promise ignores a second settlement, so this only
        // reaches the batches the failure left waiting.
        group.forEach(batch => batch.reject(err));
      }
    }
    this.committing = null;
  }

  /*
   * One commit: one write of the group's new records and one fdatasync,
   * run together with the syncs of the group's blobs. Batches citing no new
   * blob need the log only: their records come first and they are answered
   * as soon as the log is synced. The others' records follow a blob guard
   * (see log-records.ts) and are answered once their blobs are synced too;
   * a crash before that cuts the log at the guard, i.e. them only.
   */
  private async commitGroup(group: PendingBatch[]): Promise<void> {
    const plain: Committing[] = [];
    const withBlobs: Committing[] = [];
    const staged: StagedBlob[] = [];
    const filter = new DuplicateFilter(this.index);
    for (const batch of group) {
      let blobs: StagedBlob[];
      try {
        blobs = (await batch.blobs).filter(b => b !== null);
      } catch (err) {
        batch.reject(storageFailure(err));
        continue;
      }
      const { fresh, result } = filter.split(batch.events);
      staged.push(...blobs);
      (blobs.length > 0 ? withBlobs : plain).push({ batch, fresh, result });
    }
    const now = Date.now();
    // Session records stored before, or written earlier in this commit.
    const written = new Map<string, string>();
    const sessionPath = (id: string) =>
      this.index.sessionRecordPath(id) ?? written.get(id);
    const toRecords = (part: Committing[]) =>
      part.flatMap(c =>
        c.fresh.map(event => {
          const record = toLogRecord(event, now, sessionPath);
          if (event.kind === 'session.started') {
            written.set(event.session.id, event.session.notebookPath);
          }
          return record;
        })
      );
    const records = toRecords(plain);
    const guardAt = records.length;
    const guarded = withBlobs.some(c => c.fresh.length > 0);
    if (guarded) {
      const shas = [...new Set(staged.map(b => b.sha256))];
      records.push(blobGuardRecord(shas), ...toRecords(withBlobs));
    }
    const logged =
      records.length > 0 ? this.log.append(records) : Promise.resolve([]);
    const synced = this.blobs.sync(staged);
    synced.catch(() => undefined); // awaited below, after the log
    let locations: LogLocation[];
    try {
      locations = await logged;
    } catch (err) {
      const failure = storageFailure(err);
      await synced.catch(() => undefined);
      for (const c of [...plain, ...withBlobs]) {
        c.batch.reject(failure);
      }
      return;
    }
    this.settle(plain, locations);
    try {
      await synced;
    } catch (err) {
      const failure = storageFailure(err);
      if (guarded) {
        // Durable records may cite blobs that are not: write nothing more
        // until a restart has checked them (see log-records.ts).
        this.broken = failure;
      }
      withBlobs.forEach(c => c.batch.reject(failure));
      return;
    }
    this.settle(withBlobs, locations.slice(guardAt + (guarded ? 1 : 0)));
  }

  /** Indexes committed batches (records at `locations`) and answers them. */
  private settle(part: Committing[], locations: LogLocation[]): void {
    let i = 0;
    for (const { batch, fresh, result } of part) {
      fresh.forEach(event => this.indexEvent(event, locations[i++]));
      batch.resolve(result);
    }
  }

  private indexEvent(event: StoredEvent, at: LogLocation): void {
    switch (event.kind) {
      case 'session.started':
        this.index.addSession(event.id, event.session);
        break;
      case 'execution.completed':
        this.tables.executions.set(
          this.index.addExecution(event.id, event.execution),
          at
        );
        break;
      case 'execution.annotated':
        this.tables.annotations.set(
          this.index.addAnnotation(event.id, event.executionId),
          at
        );
        break;
      case 'environment.captured':
        this.index.addEnvironment(event.id, event.sessionId, {
          id: event.environmentId,
          fromSeq: event.fromSeq,
          capturedAt: event.capturedAt
        });
        break;
    }
  }

  getSession(id: string): SessionSummary | null {
    return this.index.session(id);
  }

  listSessions(query: SessionQuery): StorePage<SessionSummary, SessionKey> {
    return this.index.listSessions(query);
  }

  async listExecutions(
    sessionId: string,
    query: ExecutionQuery
  ): Promise<StorePage<ExecutionSummary, ExecutionKey> | null> {
    const page = this.index.listExecutions(sessionId, query.limit, query.after);
    if (!page) {
      return null;
    }
    return { items: await this.summaries(page.items), next: page.next };
  }

  async getExecution(id: string): Promise<ExecutionRecord | null> {
    const n = this.index.executionNumber(id);
    return n === undefined ? null : this.readExecution(n);
  }

  async listCellExecutions(
    query: CellQuery
  ): Promise<StorePage<ExecutionSummary, string> | null> {
    const page = this.index.listCell(
      query.notebook,
      query.cellId,
      query.limit,
      query.after
    );
    if (!page) {
      return null;
    }
    return {
      items: await this.summaries(page.items),
      next: page.next === null ? null : this.index.executionId(page.next)
    };
  }

  async previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null } | null> {
    const n = this.index.executionNumber(id);
    if (n === undefined) {
      return null;
    }
    const previous = this.index.previousInCell(n);
    return {
      execution:
        previous < 0
          ? null
          : summarizeExecution(await this.readExecution(previous))
    };
  }

  getEnvironment(id: string): Promise<EnvironmentSnapshot | null> {
    return readEnvironment(
      this.blobs,
      id,
      this.index.environmentCapturedAt(id)
    );
  }

  private async summaries(numbers: number[]): Promise<ExecutionSummary[]> {
    const records = await Promise.all(numbers.map(n => this.readExecution(n)));
    return records.map(summarizeExecution);
  }

  /** An execution with its annotations merged into its capture. */
  private async readExecution(n: number): Promise<ExecutionRecord> {
    const [record, events] = await Promise.all([
      this.readRecord(n),
      Promise.all(this.index.annotationsOf(n).map(a => this.readAnnotation(a)))
    ]);
    if (events.length === 0) {
      return record;
    }
    const capture = mergeCaptures([
      record.capture,
      // An annotation names its session too: one that disagrees with the
      // execution's does not describe it.
      ...events
        .filter(e => e.sessionId === record.sessionId)
        .map(e => e.capture)
    ]);
    return capture ? { ...record, capture } : record;
  }

  private async readRecord(n: number): Promise<ExecutionRecord> {
    const body = await this.log.read(this.tables.executions.get(n));
    return (JSON.parse(body) as ExecutionCompletedEvent).execution;
  }

  private async readAnnotation(a: number): Promise<ExecutionAnnotatedEvent> {
    return JSON.parse(await this.log.read(this.tables.annotations.get(a)));
  }

  /**
   * Calls `onRecord` with every stored execution in storage order (see
   * {@link TrailStore.scanExecutions}).
   */
  async scanExecutions(
    onRecord: (record: ExecutionRecord) => void,
    shouldStop?: () => boolean
  ): Promise<void> {
    await scanLogBodies(
      this.logDir,
      kind => kind === 'xc' || kind === 'x',
      (_kind, body) => {
        const event = JSON.parse(body) as StoredEvent;
        if (event.kind === 'execution.completed') {
          onRecord(event.execution);
        }
      },
      shouldStop
    );
  }

  /** Stops taking writes, waits for pending ones, and closes files. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    while (this.committing) {
      await this.committing;
    }
    await this.log.close();
  }
}

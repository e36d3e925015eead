/**
 * The production store: an append-only segment log of events and blobs,
 * indexed in memory (rebuilt by scanning the log at startup), and
 * meta.json. Layout of a data folder:
 *
 *     meta.json          format version, server id, creation time (lowdb)
 *     log/00000001.log   events and blobs, one per line (see
 *                        segment-log.ts and log-records.ts)
 *     blobs/ab/cdef…     blobs written by store format 2 (read only)
 *
 * Writes use group commit: batches that arrive while a write is in flight
 * are appended together with one synchronous write (O_DSYNC, see
 * segment-log.ts), and each batch is acknowledged only once its bytes are
 * on disk. The new blobs a batch
 * cites (large mime values, environment snapshots; each stored once by
 * SHA-256) go into the same write, before the records citing them: one
 * synchronous write makes both durable, and no file is created on the way to an
 * acknowledgement.
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
  SessionSummary,
  StructureCell
} from '../../src/records/schema';
import { AppError } from '../errors';
import { BlobFolder, SHA256_HEX } from './blob-store';
import { mergeCaptures } from '../../src/records/capture';
import { summarizeExecution } from '../../src/records/summary';
import { listCellExecutions, previousExecution } from './cell-index';
import {
  eventBodies,
  planCommit,
  storageFailure,
  type PendingBatch
} from './commit-plan';
import { HistoryIndex } from './history-index';
import { BodyBuild } from './body-build';
import { StoreFingerprints } from './store-fingerprints';
import type {
  FingerprintMatch,
  FingerprintQuery,
  StoredFingerprint
} from './fingerprint-types';
import type {
  ExecutionFingerprint,
  FingerprintInput
} from '../../src/records/fingerprint';
import { LocationTable } from './location-table';
import {
  blobContent,
  checkLastBlobGuard,
  indexRecord,
  type RecordTables
} from './log-records';
import { scanLogBodies } from './body-scan';
import { SegmentLog, type LogLocation, type LogWarnings } from './segment-log';
import { BodyCache } from './body-cache';
import { StepTable } from './step-table';
import { StoreRuns } from './store-runs';
import { openStoreMeta, type StoreMeta } from './store-meta';
import {
  readEnvironment,
  type CellQuery,
  type ExecutionKey,
  type ExecutionQuery,
  type RunNameCounts,
  type RunOwners,
  type RunQuery,
  type RunQueryResult,
  type SessionKey,
  type SessionQuery,
  type StepRecord,
  type StoredEvent,
  type StoredStructureEvent,
  type StructureSnapshotRecord,
  type StorePage,
  type TrailStore,
  type WriteFailure
} from './types';

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** Log segment size limit (default 64 MiB). */
  segmentBytes?: number;
  warnings?: LogWarnings;
}

/** The header kinds of event records (log-records.ts), format 1's `x` too. */
const EVENT_KINDS = new Set(['s', 'xc', 'x', 'a', 'e', 't']);

/** Reads of format-1 records at startup run this many at a time. */
const BACKFILL_READS = 64;

/** See the module comment. */
export class FileStore implements TrailStore {
  private queue: PendingBatch[] = [];
  private committing: Promise<void> | null = null;
  private closed = false;
  /** Execution, structure and blob bodies read lately (see body-cache.ts). */
  private readonly recent = new BodyCache();
  /** Blobs in the log, then blob files of format 2. */
  readonly blobs = { get: (sha256: string) => this.readBlob(sha256) };
  /** The runs: rebuilt from the log's bodies at open, then kept as stored. */
  private readonly runs = new StoreRuns({
    session: id => this.index.session(id),
    executionPlace: id => {
      const n = this.index.executionNumber(id);
      return n === undefined
        ? undefined
        : {
            sessionId: this.index.sessionOfExecution(id)!,
            seq: this.index.seqOf(n),
            n
          };
    }
  });
  /** Fingerprints of the executions (see store-fingerprints.ts). */
  private readonly fingerprints: StoreFingerprints;
  /** The background pass over the log's bodies at open (body-build.ts). */
  private build: BodyBuild | null = null;

  private constructor(
    readonly meta: StoreMeta,
    private readonly blobFolder: BlobFolder,
    private readonly logDir: string,
    private readonly log: SegmentLog,
    private readonly index: HistoryIndex,
    private readonly tables: RecordTables
  ) {
    this.fingerprints = new StoreFingerprints(index, {
      load: n => this.readExecution(n),
      startedAt: n => this.startedAtOf(n),
      summaries: n => this.summaries(n),
      environment: id => this.getEnvironment(id)
    });
  }

  /** Opens a data folder, creating it if needed, and rebuilds the index. */
  static async open(
    dataDir: string,
    options: FileStoreOptions = {}
  ): Promise<FileStore> {
    await mkdir(dataDir, { recursive: true });
    const meta = await openStoreMeta(dataDir);
    const blobFolder = new BlobFolder(join(dataDir, 'blobs'));
    const index = new HistoryIndex();
    const tables: RecordTables = {
      executions: new LocationTable(),
      annotations: new LocationTable(),
      withoutCell: [],
      blobs: new Map(),
      structures: new LocationTable(),
      steps: new StepTable()
    };
    index.beginBulkLoad();
    const log = await SegmentLog.open(
      join(dataDir, 'log'),
      record => indexRecord(index, tables, record),
      {
        ...options,
        checkTail: records =>
          checkLastBlobGuard(records, sha256 => blobFolder.holds(sha256))
      }
    );
    const store = new FileStore(
      meta,
      blobFolder,
      join(dataDir, 'log'),
      log,
      index,
      tables
    );
    await store.indexCellsOfOldRecords();
    // The runs and the fingerprints need the bodies: one background pass
    // over them (body-build.ts) after open returns; their queries wait.
    const sessionIds = (): Iterable<string> => store.sessionIds();
    const build = new BodyBuild(join(dataDir, 'log'), log.end);
    build.start([
      store.runs.rebuildIn(build, sessionIds),
      store.fingerprints.rebuildIn(build, sessionIds)
    ]);
    store.build = build;
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

  async writeFailure(): Promise<WriteFailure | null> {
    const failure = this.log.writeFailure;
    if (!failure) {
      return null;
    }
    const code = (failure.error as NodeJS.ErrnoException).code;
    return {
      code: typeof code === 'string' ? code : 'unknown',
      since: failure.at.toISOString()
    };
  }

  async hasEvent(id: string): Promise<boolean> {
    return this.index.hasEvent(id);
  }

  async sessionOfEvent(id: string): Promise<string | undefined> {
    return this.index.sessionOfEvent(id);
  }

  async sessionOfExecution(id: string): Promise<string | undefined> {
    return this.index.sessionOfExecution(id);
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
    let bodies: Map<StoredEvent, string>;
    try {
      bodies = eventBodies(events);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ events, bodies, blobs, resolve, reject });
      this.committing ??= this.commitQueued();
    });
  }

  /** Commits queued batches, one group per write, until the queue is empty. */
  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.commitGroup(group);
      } catch (err) {
        // A settled promise ignores a second settlement, so this only
        // reaches the batches the failure left waiting.
        group.forEach(batch => batch.reject(storageFailure(err)));
      }
    }
    this.committing = null;
  }

  /** One commit: one synchronous write of the group's new records. */
  private async commitGroup(group: PendingBatch[]): Promise<void> {
    const { records, parts, newBlobs } = planCommit(
      group,
      this.index,
      this.tables,
      Date.now()
    );
    const locations = records.length > 0 ? await this.log.append(records) : [];
    for (const [sha256, i] of newBlobs) {
      this.tables.blobs.set(sha256, locations[i]);
    }
    for (const { fresh, first } of parts) {
      fresh.forEach((event, i) => this.indexEvent(event, locations[first + i]));
    }
    await this.updateFingerprints(parts.flatMap(part => part.fresh));
    for (const { batch, result } of parts) {
      batch.resolve(result);
    }
  }

  /**
   * Brings the fingerprints up to date with events just stored (before
   * they are acknowledged, so a lookup after an ingest sees them); the
   * records in hand are not read again. A failure leaves them unknown and
   * never fails the write, which is durable by then.
   */
  private async updateFingerprints(events: StoredEvent[]): Promise<void> {
    const inHand = new Map<number, FingerprintInput>();
    for (const event of events) {
      if (event.kind === 'execution.completed') {
        const n = this.index.executionNumber(event.execution.id);
        if (n !== undefined && this.index.annotationsOf(n).length === 0) {
          inHand.set(n, event.execution);
        }
      }
    }
    try {
      await this.fingerprints.stored(events, inHand);
    } catch (err) {
      console.error('fingerprints: an update failed', err);
    }
  }

  /** When execution number `n` started (from its header). */
  private startedAtOf(n: number): string {
    return this.tables.steps.startedAt(n);
  }

  fingerprintOf(executionId: string): Promise<StoredFingerprint | null> {
    return this.fingerprints.fingerprintOf(executionId);
  }

  executionsByFingerprint(
    fingerprint: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.fingerprints.executionsByFingerprint(fingerprint, query);
  }

  executionsByPathKey(
    pathKey: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return this.fingerprints.executionsByPathKey(pathKey, query);
  }

  sessionFingerprints(
    sessionId: string
  ): Promise<ExecutionFingerprint[] | null> {
    return this.fingerprints.sessionFingerprints(sessionId);
  }

  /** A blob from the log, or from the blob files of format 2. */
  private async readBlob(sha256: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(sha256)) {
      return null;
    }
    const at = this.tables.blobs.get(sha256);
    return at
      ? blobContent(await this.recent.read(at, where => this.log.read(where)))
      : this.blobFolder.get(sha256);
  }

  private indexEvent(event: StoredEvent, at: LogLocation): void {
    this.indexEventOnly(event, at);
    this.runs.stored(event);
  }

  private indexEventOnly(event: StoredEvent, at: LogLocation): void {
    switch (event.kind) {
      case 'session.started':
        // The index keeps the record: a copy, as the log does, so that the
        // caller's later changes to its objects never reach it (sessions
        // are few; executions keep only scalar facts).
        this.index.addSession(event.id, structuredClone(event.session));
        break;
      case 'execution.completed': {
        const x = event.execution;
        const n = this.index.addExecution(event.id, x);
        this.tables.executions.set(n, at);
        this.tables.steps.set(n, x.startedAt, x.status, x.durationMs);
        break;
      }
      case 'structure.captured':
        this.tables.structures.set(
          this.index.addStructure(event.id, event.sessionId, event.fromSeq),
          at
        );
        break;
      case 'execution.annotated':
        this.tables.annotations.set(
          this.index.addAnnotation(
            event.id,
            event.executionId,
            event.sessionId
          ),
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

  async getSession(id: string): Promise<SessionSummary | null> {
    return this.index.session(id);
  }

  async listSessions(
    query: SessionQuery
  ): Promise<StorePage<SessionSummary, SessionKey>> {
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

  listCellExecutions(
    query: CellQuery
  ): Promise<StorePage<ExecutionSummary, string> | null> {
    return listCellExecutions(this.index, query, n => this.summaries(n));
  }

  previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null } | null> {
    return previousExecution(this.index, id, n => this.summaries(n));
  }

  getEnvironment(id: string): Promise<EnvironmentSnapshot | null> {
    return readEnvironment(
      this.blobs,
      id,
      this.index.environmentCapturedAt(id)
    );
  }

  async listSteps(sessionId: string): Promise<StepRecord[] | null> {
    const numbers = this.index.sessionExecutions(sessionId);
    if (!numbers) {
      return null;
    }
    const steps = this.tables.steps;
    // Executions stored before headers carried their status: read once.
    const unknown = numbers.filter(n => !steps.has(n));
    for (let i = 0; i < unknown.length; i += BACKFILL_READS) {
      await Promise.all(
        unknown.slice(i, i + BACKFILL_READS).map(async n => {
          const record = await this.readRecord(n);
          steps.set(n, record.startedAt, record.status, record.durationMs);
        })
      );
    }
    return numbers.map(n => ({
      seq: this.index.seqOf(n),
      executionId: this.index.executionId(n),
      cellId: this.index.cellIdOf(n),
      ...steps.get(n)
    }));
  }

  async replaysOf(id: string): Promise<string[]> {
    return [...this.index.replaysOf(id)];
  }

  async structureCount(sessionId: string): Promise<number> {
    return this.index.structuresOf(sessionId).length;
  }

  async listStructures(sessionId: string): Promise<StructureSnapshotRecord[]> {
    return Promise.all(
      this.index.structuresOf(sessionId).map(async entry => {
        const body = await this.recent.read(
          this.tables.structures.get(entry.ref),
          at => this.log.read(at)
        );
        const cells: StructureCell[] = (
          JSON.parse(body) as StoredStructureEvent
        ).cells;
        return { fromSeq: entry.fromSeq, cells };
      })
    );
  }

  queryRuns(query: RunQuery): Promise<RunQueryResult> {
    return this.runs.query(query);
  }

  getRun(id: string, owners?: RunOwners) {
    return this.runs.get(id, owners);
  }

  runNames(
    excludeIds?: ReadonlySet<string>,
    owners?: RunOwners
  ): Promise<RunNameCounts> {
    return this.runs.names(excludeIds, owners);
  }

  /** Every stored session's id. */
  private sessionIds(): string[] {
    const ids: string[] = [];
    let after: SessionKey | undefined;
    do {
      const page = this.index.listSessions({ limit: 10000, after });
      page.items.forEach(s => ids.push(s.id));
      after = page.next ?? undefined;
    } while (after);
    return ids;
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
    const body = await this.recent.read(this.tables.executions.get(n), at =>
      this.log.read(at)
    );
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

  /**
   * Calls `onEvents` with every event of the log as stored, in log order,
   * `batchSize` at a time (see {@link TrailStore.scanEvents}); records
   * appended after the scan starts are left out.
   */
  async scanEvents(
    onEvents: (events: StoredEvent[]) => Promise<void> | void,
    options: { batchSize?: number } = {}
  ): Promise<void> {
    const batchSize = options.batchSize ?? 500;
    let batch: StoredEvent[] = [];
    await scanLogBodies(
      this.logDir,
      kind => EVENT_KINDS.has(kind),
      (_kind, body) => {
        batch.push(JSON.parse(body) as StoredEvent);
        if (batch.length < batchSize) {
          return;
        }
        const full = batch;
        batch = [];
        return onEvents(full);
      },
      () => false,
      this.log.end
    );
    if (batch.length > 0) {
      await onEvents(batch);
    }
  }

  /** Stops taking writes, waits for pending ones, and closes files. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.build?.stop();
    while (this.committing) {
      await this.committing;
    }
    await this.log.close();
  }
}

/**
 * The production store: an append-only segment log of events, indexed in
 * memory (rebuilt by scanning the log at startup), content-addressed blob
 * files, and meta.json. Layout of a data folder:
 *
 *     meta.json          format version, server id, creation time (lowdb)
 *     log/00000001.log   events, one per line (see segment-log.ts)
 *     blobs/ab/cdef…     large mime values by SHA-256
 *
 * Writes use group commit: batches that arrive while a write is in flight
 * are appended together with one fdatasync, and each batch is acknowledged
 * only once its bytes are synced.
 */
import { join } from 'node:path';
import type {
  ExecutionCompletedEvent,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionStartedEvent,
  SessionSummary,
  TrailEvent
} from '../../src/_schema/records';
import { AppError } from '../errors';
import { FileBlobStore } from './blob-store';
import { DuplicateFilter } from './duplicates';
import {
  HistoryIndex,
  type ExecutionEntry,
  type ExecutionFacts
} from './history-index';
import {
  SegmentLog,
  type LogLocation,
  type LogRecord,
  type LogWarnings,
  type ScannedRecord
} from './segment-log';
import { openStoreMeta, type StoreMeta } from './store-meta';
import {
  summarizeExecution,
  type ExecutionKey,
  type ExecutionQuery,
  type SessionKey,
  type SessionQuery,
  type StorePage,
  type TrailStore
} from './types';

/** An execution in the index: its id, seq and where its line is. */
interface FileExecutionEntry extends ExecutionEntry {
  segment: number;
  offset: number;
  length: number;
}

/** The header of an execution line: what the index is rebuilt from. */
interface ExecutionHeader {
  k: 'x';
  /** event id */
  e: string;
  /** execution id, session id, seq, notebook path, start, end */
  x: string;
  s: string;
  q: number;
  p: string;
  a: string;
  b: string;
  /** received at (ms since epoch) */
  r: number;
}

interface SessionHeader {
  k: 's';
  e: string;
  r: number;
}

interface PendingBatch {
  events: TrailEvent[];
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** Log segment size limit (default 64 MiB). */
  segmentBytes?: number;
  warnings?: LogWarnings;
}

function factsOf(header: ExecutionHeader): ExecutionFacts {
  return {
    id: header.x,
    sessionId: header.s,
    seq: header.q,
    notebookPath: header.p,
    startedAt: header.a,
    endedAt: header.b
  };
}

function entryOf(header: ExecutionHeader, at: LogLocation): FileExecutionEntry {
  return {
    id: header.x,
    seq: header.q,
    segment: at.segment,
    offset: at.offset,
    length: at.length
  };
}

/** See the module comment. */
export class FileStore implements TrailStore {
  private queue: PendingBatch[] = [];
  private committing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    readonly meta: StoreMeta,
    readonly blobs: FileBlobStore,
    private readonly log: SegmentLog,
    private readonly index: HistoryIndex<FileExecutionEntry>
  ) {}

  /** Opens a data folder, creating it if needed, and rebuilds the index. */
  static async open(
    dataDir: string,
    options: FileStoreOptions = {}
  ): Promise<FileStore> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
    const meta = await openStoreMeta(dataDir);
    const blobs = await FileBlobStore.open(join(dataDir, 'blobs'));
    const index = new HistoryIndex<FileExecutionEntry>();
    index.beginBulkLoad();
    const log = await SegmentLog.open(
      join(dataDir, 'log'),
      record => FileStore.indexRecord(index, record),
      options
    );
    return new FileStore(meta, blobs, log, index);
  }

  private static indexRecord(
    index: HistoryIndex<FileExecutionEntry>,
    record: ScannedRecord
  ): void {
    const header = record.header as unknown as ExecutionHeader | SessionHeader;
    if (header.k === 'x') {
      index.addExecution(
        header.e,
        factsOf(header),
        entryOf(header, record.location)
      );
    } else if (header.k === 's') {
      const event = JSON.parse(record.body()) as SessionStartedEvent;
      index.addSession(header.e, event.session);
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

  append(events: TrailEvent[]): Promise<IngestResult> {
    if (this.closed) {
      return Promise.reject(
        new AppError(503, 'shutting_down', 'The server is shutting down.')
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
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
        group.forEach(batch => batch.reject(err));
      }
    }
    this.committing = null;
  }

  private async commitGroup(group: PendingBatch[]): Promise<void> {
    const filter = new DuplicateFilter(this.index);
    const results: IngestResult[] = [];
    const fresh: TrailEvent[] = [];
    for (const batch of group) {
      const split = filter.split(batch.events);
      results.push(split.result);
      fresh.push(...split.fresh);
    }
    if (fresh.length > 0) {
      let locations: LogLocation[];
      try {
        locations = await this.log.append(fresh.map(toLogRecord));
      } catch (err) {
        const failure = new AppError(
          503,
          'storage_unavailable',
          'The server could not store the events; try again later.'
        );
        failure.cause = err;
        for (const batch of group) {
          batch.reject(failure);
        }
        return;
      }
      fresh.forEach((event, i) => this.indexEvent(event, locations[i]));
    }
    group.forEach((batch, i) => batch.resolve(results[i]));
  }

  private indexEvent(event: TrailEvent, at: LogLocation): void {
    if (event.kind === 'session.started') {
      this.index.addSession(event.id, event.session);
    } else {
      const header = executionHeader(event, 0);
      this.index.addExecution(event.id, factsOf(header), entryOf(header, at));
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
    const records = await Promise.all(
      page.items.map(entry => this.readExecution(entry))
    );
    return { items: records.map(summarizeExecution), next: page.next };
  }

  async getExecution(id: string): Promise<ExecutionRecord | null> {
    const entry = this.index.execution(id);
    return entry ? this.readExecution(entry) : null;
  }

  private async readExecution(
    entry: FileExecutionEntry
  ): Promise<ExecutionRecord> {
    const body = await this.log.read(entry);
    return (JSON.parse(body) as ExecutionCompletedEvent).execution;
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

function executionHeader(
  event: ExecutionCompletedEvent,
  receivedAt: number
): ExecutionHeader {
  const x = event.execution;
  return {
    k: 'x',
    e: event.id,
    x: x.id,
    s: x.sessionId,
    q: x.seq,
    p: x.notebookPath,
    a: x.startedAt,
    b: x.endedAt,
    r: receivedAt
  };
}

function toLogRecord(event: TrailEvent): LogRecord {
  const now = Date.now();
  const header: ExecutionHeader | SessionHeader =
    event.kind === 'session.started'
      ? { k: 's', e: event.id, r: now }
      : executionHeader(event, now);
  return {
    header: header as unknown as Record<string, unknown>,
    body: JSON.stringify(event)
  };
}

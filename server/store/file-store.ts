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
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ExecutionCompletedEvent,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionRecord,
  SessionSummary,
  TrailEvent
} from '../../src/_schema/records';
import { AppError } from '../errors';
import { FileBlobStore } from './blob-store';
import { DuplicateFilter } from './duplicates';
import { HistoryIndex } from './history-index';
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

/*
 * Header fields of log lines (after the CRC the log puts first):
 *   execution: ['x', eventId, executionId, sessionId, seq, startedAt,
 *               endedAt, receivedAtMs, notebookPath or null]
 *   session:   ['s', eventId, receivedAtMs, session record]
 * The notebook path is left out (null) when the session's record was
 * already stored: it is only needed to derive a session without one.
 */

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

/** Where each numbered execution's line is, in growable columns. */
class LocationTable {
  private segments = new Uint32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);

  set(n: number, at: LogLocation): void {
    if (n >= this.segments.length) {
      const size = Math.max(n + 1, this.segments.length * 2);
      this.segments = grow(this.segments, new Uint32Array(size));
      this.offsets = grow(this.offsets, new Float64Array(size));
      this.lengths = grow(this.lengths, new Uint32Array(size));
    }
    this.segments[n] = at.segment;
    this.offsets[n] = at.offset;
    this.lengths[n] = at.length;
  }

  get(n: number): LogLocation {
    return {
      segment: this.segments[n],
      offset: this.offsets[n],
      length: this.lengths[n]
    };
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
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
    private readonly index: HistoryIndex,
    private readonly locations: LocationTable
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
    const locations = new LocationTable();
    index.beginBulkLoad();
    const log = await SegmentLog.open(
      join(dataDir, 'log'),
      record => FileStore.indexRecord(index, locations, record),
      options
    );
    return new FileStore(meta, blobs, log, index, locations);
  }

  private static indexRecord(
    index: HistoryIndex,
    locations: LocationTable,
    record: ScannedRecord
  ): void {
    const h = record.header;
    if (h[1] === 'x') {
      const n = index.addExecution(h[2] as string, {
        id: h[3] as string,
        sessionId: h[4] as string,
        seq: h[5] as number,
        startedAt: h[6] as string,
        endedAt: h[7] as string,
        notebookPath: h[9] as string | null
      });
      locations.set(n, record.location);
    } else if (h[1] === 's') {
      index.addSession(h[2] as string, h[4] as SessionRecord);
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
      const records = fresh.map(event => this.toLogRecord(event));
      try {
        locations = await this.log.append(records);
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
      this.locations.set(
        this.index.addExecution(event.id, event.execution),
        at
      );
    }
  }

  private toLogRecord(event: TrailEvent): LogRecord {
    const now = Date.now();
    const body = JSON.stringify(event);
    if (event.kind === 'session.started') {
      return { fields: ['s', event.id, now, event.session], body };
    }
    const x = event.execution;
    const path = this.index.hasSessionRecord(x.sessionId)
      ? null
      : x.notebookPath;
    return {
      fields: [
        'x',
        event.id,
        x.id,
        x.sessionId,
        x.seq,
        x.startedAt,
        x.endedAt,
        now,
        path
      ],
      body
    };
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
      page.items.map(n => this.readExecution(n))
    );
    return { items: records.map(summarizeExecution), next: page.next };
  }

  async getExecution(id: string): Promise<ExecutionRecord | null> {
    const n = this.index.executionNumber(id);
    return n === undefined ? null : this.readExecution(n);
  }

  private async readExecution(n: number): Promise<ExecutionRecord> {
    const body = await this.log.read(this.locations.get(n));
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

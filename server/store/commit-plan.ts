/**
 * What one group commit of the file store writes: the batches queued
 * while a write was in flight, sorted into new events and duplicates, and
 * the log records of the new ones, each new blob once and before the first
 * record citing it. Planning reads the index only; the store writes the
 * records with one synchronous write, then indexes and answers.
 */
import type { IngestResult } from '../../src/records/schema';
import { AppError } from '../errors';
import { DuplicateFilter } from './duplicates';
import type { HistoryIndex } from './history-index';
import { blobRecord, toLogRecord, type RecordTables } from './log-records';
import type { LogRecord } from './segment-log';
import type { StoredEvent } from './types';

/** A batch waiting for its commit. */
export interface PendingBatch {
  events: StoredEvent[];
  /** The JSON of each event, written before the batch joined the queue. */
  bodies: ReadonlyMap<StoredEvent, string>;
  /** The blobs its events cite, by SHA-256. */
  blobs: ReadonlyMap<string, Buffer>;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

/** A batch in its commit: its new events, their first record, its answer. */
export interface Committing {
  batch: PendingBatch;
  fresh: StoredEvent[];
  first: number;
  result: IngestResult;
}

/** The records of one commit, and where each batch's and blob's are. */
export interface CommitPlan {
  records: LogRecord[];
  parts: Committing[];
  /** New blobs of this commit: the index of their record. */
  newBlobs: Map<string, number>;
}

/** The 503 of a commit whose write failed. */
export function storageFailure(cause: unknown): AppError {
  const failure = new AppError(
    503,
    'storage_unavailable',
    'The server could not store the events; try again later.'
  );
  failure.cause = cause;
  return failure;
}

/**
 * The JSON of each event. Written in the caller's request, not in the
 * shared commit: an event that cannot be written (a value nested deeper
 * than JSON.stringify can recurse) fails its own batch only, never the
 * others of its commit.
 */
export function eventBodies(events: StoredEvent[]): Map<StoredEvent, string> {
  const bodies = new Map<StoredEvent, string>();
  for (const [i, event] of events.entries()) {
    try {
      bodies.set(event, JSON.stringify(event));
    } catch (err) {
      const failure = new AppError(
        400,
        'invalid_request',
        `Event ${i} cannot be stored: it cannot be written as JSON (nested too deeply).`,
        [{ path: `/events/${i}`, message: 'cannot be written as JSON' }]
      );
      failure.cause = err;
      throw failure;
    }
  }
  return bodies;
}

/*
 * One commit: the group's new records. Each blob not stored yet is
 * written once, before the first batch that cites it; a batch whose events
 * are all duplicates writes nothing.
 */
export function planCommit(
  group: PendingBatch[],
  index: HistoryIndex,
  tables: RecordTables,
  now: number
): CommitPlan {
  const filter = new DuplicateFilter(index);
  const records: LogRecord[] = [];
  const parts: Committing[] = [];
  const newBlobs = new Map<string, number>();
  // Session records stored before, or written earlier in this commit.
  const written = new Map<string, string>();
  const sessionPath = (id: string) =>
    index.sessionRecordPath(id) ?? written.get(id);
  for (const batch of group) {
    const { fresh, result } = filter.split(batch.events);
    if (fresh.length > 0) {
      for (const [sha256, content] of batch.blobs) {
        if (!tables.blobs.has(sha256) && !newBlobs.has(sha256)) {
          newBlobs.set(sha256, records.length);
          records.push(blobRecord(sha256, content));
        }
      }
    }
    parts.push({ batch, fresh, first: records.length, result });
    for (const event of fresh) {
      records.push(
        toLogRecord(event, batch.bodies.get(event)!, now, sessionPath)
      );
      if (event.kind === 'session.started') {
        written.set(event.session.id, event.session.notebookPath);
      }
    }
  }
  return { records, parts, newBlobs };
}

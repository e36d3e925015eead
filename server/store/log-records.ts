/**
 * How the file store's events become log records and how the headers of
 * those records rebuild the index at startup.
 *
 * Header fields (after the CRC the log puts first):
 *
 *     session      ['s', eventId, receivedAtMs, sessionRecord]
 *     execution    ['xc', eventId, executionId, sessionId, seq, startedAt,
 *                   endedAt, receivedAtMs, notebookPath | null,
 *                   cellId | null, status, durationMs]
 *     annotation   ['a', eventId, executionId, sessionId, receivedAtMs]
 *     environment  ['e', eventId, sessionId, fromSeq, environmentId,
 *                   capturedAt, receivedAtMs]
 *     structure    ['t', eventId, sessionId, fromSeq, receivedAtMs]
 *     blob         ['B', sha256]
 *     blob guard   ['b', [sha256, …]]          (format 2, read only)
 *
 * A blob record holds a large mime value or an environment snapshot, once
 * per content: its body is the blob's text as a JSON string (or
 * `{"base64": …}` for bytes that are not UTF-8). A commit writes a blob's
 * record before the records that cite it, in the same write and the same
 * fdatasync, so a durable record never cites a blob that is not: a torn
 * write is cut at its first damaged line, and everything after it goes too.
 *
 * Store format 2 kept blobs as files synced alongside the log instead; a
 * blob guard opened each commit citing new ones. At startup the blobs of
 * the last guard are checked and that commit (never acknowledged if they
 * are bad) is cut off whole.
 *
 * An execution's notebook path is null when it is the path of its
 * session's record, stored before it (the common case: the header, parsed
 * once per execution at every startup, stays short). Bodies are the
 * events' JSON (an environment.captured event as stored: its snapshot is
 * a blob; a structure.captured event as stored: its sources are blobs).
 * Execution headers written before structure capture end at the cell id:
 * their status and duration are read from the body when a step listing
 * needs them (see step-table.ts). Store format 1 wrote executions as ['x', …, receivedAtMs,
 * notebookPath | null]: no cell id. Those are still read; their cell ids
 * come from their bodies (see FileStore.open).
 */
import { isUtf8 } from 'node:buffer';
import type { SessionRecord } from '../../src/records/schema';
import type { HistoryIndex } from './history-index';
import type { LocationTable } from './location-table';
import type { StepTable } from './step-table';
import type { LogLocation, LogRecord, ScannedRecord } from './segment-log';
import type { StoredEvent } from './types';

/**
 * Builds the log record of an event received at `now` (ms) whose JSON is
 * `body`; `sessionPath` gives the notebook path of a stored session record.
 */
export function toLogRecord(
  event: StoredEvent,
  body: string,
  now: number,
  sessionPath: (sessionId: string) => string | undefined
): LogRecord {
  switch (event.kind) {
    case 'session.started':
      return { fields: ['s', event.id, now, event.session], body };
    case 'execution.completed': {
      const x = event.execution;
      return {
        fields: [
          'xc',
          event.id,
          x.id,
          x.sessionId,
          x.seq,
          x.startedAt,
          x.endedAt,
          now,
          sessionPath(x.sessionId) === x.notebookPath ? null : x.notebookPath,
          x.cellId,
          x.status,
          x.durationMs
        ],
        body
      };
    }
    case 'execution.annotated':
      return {
        fields: ['a', event.id, event.executionId, event.sessionId, now],
        body
      };
    case 'structure.captured':
      return {
        fields: ['t', event.id, event.sessionId, event.fromSeq, now],
        body
      };
    case 'environment.captured':
      return {
        fields: [
          'e',
          event.id,
          event.sessionId,
          event.fromSeq,
          event.environmentId,
          event.capturedAt,
          now
        ],
        body
      };
  }
}

/** The record of a blob. */
export function blobRecord(sha256: string, content: Buffer): LogRecord {
  const body = isUtf8(content)
    ? JSON.stringify(content.toString('utf8'))
    : JSON.stringify({ base64: content.toString('base64') });
  return { fields: ['B', sha256], body };
}

/** The content of a blob from its record's body. */
export function blobContent(body: string): Buffer {
  const value = JSON.parse(body) as string | { base64: string };
  return typeof value === 'string'
    ? Buffer.from(value, 'utf8')
    : Buffer.from(value.base64, 'base64');
}

/**
 * How many records of the last segment to keep: all, unless the blobs of
 * its last blob guard fail `holds`, then those before that guard.
 */
export async function checkLastBlobGuard(
  records: ScannedRecord[],
  holds: (sha256: string) => Promise<boolean>
): Promise<number> {
  for (let i = records.length - 1; i >= 0; i--) {
    const h = records[i].header;
    if (h[1] === 'b') {
      const blobs = Array.isArray(h[2]) ? (h[2] as string[]) : [];
      const found = await Promise.all(blobs.map(holds));
      return found.every(Boolean) ? records.length : i;
    }
  }
  return records.length;
}

/** Where the file store keeps what the index does not. */
export interface RecordTables {
  executions: LocationTable;
  annotations: LocationTable;
  /** Execution numbers whose header had no cell id (format 1). */
  withoutCell: number[];
  /** Where each blob stored in the log is. */
  blobs: Map<string, LogLocation>;
  /** Where each structure snapshot is, by its number in the index. */
  structures: LocationTable;
  /** The status, start and duration of each execution, by number. */
  steps: StepTable;
}

/**
 * Indexes a record met at startup. Kinds this server does not know (from
 * a newer server, or internal ones such as blob guards) are skipped.
 */
export function indexRecord(
  index: HistoryIndex,
  tables: RecordTables,
  record: ScannedRecord
): void {
  const h = record.header;
  switch (h[1]) {
    case 'xc':
    case 'x': {
      const legacy = h[1] === 'x';
      const n = index.addExecution(h[2] as string, {
        id: h[3] as string,
        sessionId: h[4] as string,
        seq: h[5] as number,
        startedAt: h[6] as string,
        endedAt: h[7] as string,
        notebookPath: h[9] as string | null,
        cellId: legacy ? undefined : (h[10] as string | null)
      });
      tables.executions.set(n, record.location);
      tables.steps.set(n, h[6] as string, h[11], h[12]);
      if (legacy) {
        tables.withoutCell.push(n);
      }
      break;
    }
    case 's':
      index.addSession(h[2] as string, h[4] as SessionRecord);
      break;
    case 'a':
      tables.annotations.set(
        index.addAnnotation(h[2] as string, h[3] as string, h[4] as string),
        record.location
      );
      break;
    case 'B':
      tables.blobs.set(h[2] as string, record.location);
      break;
    case 't':
      tables.structures.set(
        index.addStructure(h[2] as string, h[3] as string, h[4] as number),
        record.location
      );
      break;
    case 'e':
      index.addEnvironment(h[2] as string, h[3] as string, {
        id: h[5] as string,
        fromSeq: h[4] as number,
        capturedAt: h[6] as string
      });
      break;
  }
}

/**
 * One batch appended to a transfer's target, with a refusal of the target
 * store named by event: PostgreSQL cannot keep a seq or fromSeq past its
 * integer columns (its store answers `unstorable_value` for the whole
 * batch), so a copy stops there and says which event of the source holds
 * one. (Text holding NUL it keeps, escaped: store/postgres/pg-json.ts.)
 */
import type { IngestResult } from '../../src/records/schema';
import { AppError } from '../errors';
import type { StoredEvent } from '../store/types';
import { TransferError, type HistoryEnd } from './history-end';

/** Appends `events` with their `blobs` to `target` (see the module comment). */
export async function appendBatch(
  target: HistoryEnd,
  events: StoredEvent[],
  blobs: ReadonlyMap<string, Buffer>
): Promise<IngestResult> {
  try {
    return await target.store.append(events, blobs);
  } catch (err) {
    if (err instanceof AppError && err.code === 'unstorable_value') {
      const bad = events.find(pastInteger);
      const which = bad
        ? `event ${bad.id} (${bad.kind} of session ${sessionOf(bad)})`
        : 'an event of the batch';
      throw new TransferError(
        `${target.where} refused ${which}: ${err.message}. ` +
          'The events before its batch are copied; nothing after it is.'
      );
    }
    throw err;
  }
}

/** The largest number a PostgreSQL integer column holds. */
const INT_MAX = 2 ** 31 - 1;

/** Whether the event's seq or fromSeq is past PostgreSQL's integers. */
function pastInteger(event: StoredEvent): boolean {
  const seq = event.kind === 'execution.completed' ? event.execution.seq : 0;
  const fromSeq = 'fromSeq' in event ? Number(event.fromSeq) : 0;
  return Math.abs(seq) > INT_MAX || Math.abs(fromSeq) > INT_MAX;
}

/** The session an event belongs to. */
function sessionOf(event: StoredEvent): string {
  switch (event.kind) {
    case 'session.started':
      return event.session.id;
    case 'execution.completed':
      return event.execution.sessionId;
    default:
      return event.sessionId;
  }
}

/**
 * Tells new events from duplicates within one commit, for both stores.
 */
import type { IngestResult } from '../../src/records/schema';
import type { HistoryIndex } from './history-index';
import type { StoredEvent } from './types';

/** What the filter asks about what is already stored. */
export type StoredIds = Pick<
  HistoryIndex,
  'hasEvent' | 'hasSessionRecord' | 'hasExecution'
>;

/**
 * Sorts events into new ones and duplicates against the index plus what is
 * already staged in the same commit. An event is a duplicate when its id is
 * stored, or when the record it carries is: a session.started for a session
 * that has its record, an execution whose id is stored. Records are
 * immutable history, so the first one stored wins. Annotations and
 * environment captures add to what is stored, so only their event ids
 * count.
 */
export class DuplicateFilter {
  private readonly eventIds = new Set<string>();
  private readonly sessionIds = new Set<string>();
  private readonly executionIds = new Set<string>();

  /**
   * @param index what is stored: a store's history index, or the ids a
   *   database store read at the start of its append.
   */
  constructor(private readonly index: StoredIds) {}

  /** Whether `event` is new; if so it is staged. */
  admit(event: StoredEvent): boolean {
    if (this.index.hasEvent(event.id) || this.eventIds.has(event.id)) {
      return false;
    }
    if (event.kind === 'session.started') {
      const id = event.session.id;
      if (this.index.hasSessionRecord(id) || this.sessionIds.has(id)) {
        return false;
      }
      this.sessionIds.add(id);
    } else if (event.kind === 'execution.completed') {
      const id = event.execution.id;
      if (this.index.hasExecution(id) || this.executionIds.has(id)) {
        return false;
      }
      this.executionIds.add(id);
    }
    this.eventIds.add(event.id);
    return true;
  }

  /** Splits a batch into its new events and its result. */
  split(events: StoredEvent[]): {
    fresh: StoredEvent[];
    result: IngestResult;
  } {
    const fresh: StoredEvent[] = [];
    const result: IngestResult = { accepted: [], duplicates: [] };
    for (const event of events) {
      if (this.admit(event)) {
        fresh.push(event);
        result.accepted.push(event.id);
      } else {
        result.duplicates.push(event.id);
      }
    }
    return { fresh, result };
  }
}

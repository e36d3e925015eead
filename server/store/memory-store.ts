/**
 * A store in memory with the file store's behaviour, for fast unit tests of
 * routes and services. Nothing survives the process.
 */
import type {
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary,
  TrailEvent
} from '../../src/_schema/records';
import { MemoryBlobStore } from './blob-store';
import { DuplicateFilter } from './duplicates';
import { HistoryIndex } from './history-index';
import {
  summarizeExecution,
  type ExecutionKey,
  type ExecutionQuery,
  type SessionKey,
  type SessionQuery,
  type StorePage,
  type TrailStore
} from './types';

/** See the module comment. */
export class MemoryStore implements TrailStore {
  readonly blobs = new MemoryBlobStore();
  private readonly index = new HistoryIndex();
  /** Records by execution number. */
  private readonly records: ExecutionRecord[] = [];

  hasEvent(id: string): boolean {
    return this.index.hasEvent(id);
  }

  async append(events: TrailEvent[]): Promise<IngestResult> {
    // Copy, as the file store does by serializing: later changes to the
    // caller's objects must not reach stored records.
    const copies = structuredClone(events);
    const { fresh, result } = new DuplicateFilter(this.index).split(copies);
    for (const event of fresh) {
      if (event.kind === 'session.started') {
        this.index.addSession(event.id, event.session);
      } else {
        this.records[this.index.addExecution(event.id, event.execution)] =
          event.execution;
      }
    }
    return result;
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
    return {
      items: page.items.map(n => summarizeExecution(this.records[n])),
      next: page.next
    };
  }

  async getExecution(id: string): Promise<ExecutionRecord | null> {
    const n = this.index.executionNumber(id);
    return n === undefined ? null : structuredClone(this.records[n]);
  }

  async close(): Promise<void> {}
}

/**
 * A store in memory with the file store's behaviour, for fast unit tests of
 * routes and services. Nothing survives the process.
 */
import type {
  EnvironmentSnapshot,
  ExecutionAnnotatedEvent,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary,
  StructureCell
} from '../../src/records/schema';
import { MemoryBlobStore } from './blob-store';
import { mergeCaptures } from '../../src/records/capture';
import { summarizeExecution } from '../../src/records/summary';
import { listCellExecutions, previousExecution } from './cell-index';
import { DuplicateFilter } from './duplicates';
import { HistoryIndex } from './history-index';
import { StoreRuns } from './store-runs';
import { StoreFingerprints } from './store-fingerprints';
import {
  readEnvironment,
  type CellQuery,
  type ExecutionKey,
  type RunNameCounts,
  type RunOwners,
  type RunQuery,
  type RunQueryResult,
  type ExecutionQuery,
  type SessionKey,
  type SessionQuery,
  type StepRecord,
  type StoredEvent,
  type StructureSnapshotRecord,
  type StorePage,
  type TrailStore
} from './types';

/** See the module comment. */
export class MemoryStore implements TrailStore {
  readonly blobs = new MemoryBlobStore();
  private readonly index = new HistoryIndex();
  /** Records by execution number. */
  private readonly records: ExecutionRecord[] = [];
  /** Annotation events by annotation number. */
  private readonly annotations: ExecutionAnnotatedEvent[] = [];
  /** Every stored event (a copy), in storage order, for scanEvents. */
  private readonly events: StoredEvent[] = [];
  /** Structure snapshots' cells by their number in the index. */
  private readonly structures: StructureCell[][] = [];
  /** The runs, kept as events are stored. */
  private readonly runs = new StoreRuns({
    session: id => this.index.session(id),
    executionPlace: id => {
      const n = this.index.executionNumber(id);
      return n === undefined
        ? undefined
        : {
            sessionId: this.records[n].sessionId,
            seq: this.records[n].seq,
            n
          };
    }
  });
  /** Fingerprints of the executions (see store-fingerprints.ts). */
  private readonly fingerprints = new StoreFingerprints(this.index, {
    load: async n => this.record(n),
    startedAt: n => this.records[n].startedAt,
    summaries: n => this.summaries(n),
    environment: id => this.getEnvironment(id)
  });
  readonly fingerprintOf = this.fingerprints.fingerprintOf.bind(
    this.fingerprints
  );
  readonly executionsByFingerprint =
    this.fingerprints.executionsByFingerprint.bind(this.fingerprints);
  readonly executionsByPathKey = this.fingerprints.executionsByPathKey.bind(
    this.fingerprints
  );
  readonly sessionFingerprints = this.fingerprints.sessionFingerprints.bind(
    this.fingerprints
  );

  async hasEvent(id: string): Promise<boolean> {
    return this.index.hasEvent(id);
  }

  async sessionOfEvent(id: string): Promise<string | undefined> {
    return this.index.sessionOfEvent(id);
  }

  async sessionOfExecution(id: string): Promise<string | undefined> {
    return this.index.sessionOfExecution(id);
  }

  async append(
    events: StoredEvent[],
    blobs: ReadonlyMap<string, Buffer> = new Map()
  ): Promise<IngestResult> {
    blobs.forEach((content, sha256) => this.blobs.put(sha256, content));
    // Copy, as the file store does by serializing: later changes to the
    // caller's objects must not reach stored records.
    const copies = structuredClone(events);
    const { fresh, result } = new DuplicateFilter(this.index).split(copies);
    for (const event of fresh) {
      this.events.push(structuredClone(event));
      switch (event.kind) {
        case 'session.started':
          this.index.addSession(event.id, event.session);
          break;
        case 'execution.completed':
          this.records[this.index.addExecution(event.id, event.execution)] =
            event.execution;
          break;
        case 'execution.annotated':
          this.annotations[
            this.index.addAnnotation(
              event.id,
              event.executionId,
              event.sessionId
            )
          ] = event;
          break;
        case 'structure.captured':
          this.structures[
            this.index.addStructure(event.id, event.sessionId, event.fromSeq)
          ] = event.cells;
          break;
        case 'environment.captured':
          this.index.addEnvironment(event.id, event.sessionId, {
            id: event.environmentId,
            fromSeq: event.fromSeq,
            capturedAt: event.capturedAt
          });
          break;
      }
      this.runs.stored(event);
    }
    await this.fingerprints.stored(fresh);
    return result;
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
    return {
      items: page.items.map(n => summarizeExecution(this.record(n))),
      next: page.next
    };
  }

  async getExecution(id: string): Promise<ExecutionRecord | null> {
    const n = this.index.executionNumber(id);
    return n === undefined ? null : this.record(n);
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
    return (
      numbers?.map(n => {
        const x = this.records[n];
        return {
          seq: x.seq,
          executionId: x.id,
          // Absent in the record: null in the listing, as the file store says.
          cellId: x.cellId ?? null,
          status: x.status,
          startedAt: x.startedAt,
          durationMs: x.durationMs
        };
      }) ?? null
    );
  }

  async replaysOf(id: string): Promise<string[]> {
    return [...this.index.replaysOf(id)];
  }

  async structureCount(sessionId: string): Promise<number> {
    return this.index.structuresOf(sessionId).length;
  }

  async listStructures(sessionId: string): Promise<StructureSnapshotRecord[]> {
    return this.index.structuresOf(sessionId).map(entry => ({
      fromSeq: entry.fromSeq,
      cells: structuredClone(this.structures[entry.ref])
    }));
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

  /** Every stored event in storage order (see TrailStore.scanEvents). */
  async scanEvents(
    onEvents: (events: StoredEvent[]) => Promise<void> | void,
    options: { batchSize?: number } = {}
  ): Promise<void> {
    const batchSize = options.batchSize ?? 500;
    const end = this.events.length;
    for (let i = 0; i < end; i += batchSize) {
      await onEvents(
        structuredClone(this.events.slice(i, Math.min(end, i + batchSize)))
      );
    }
  }

  async close(): Promise<void> {}

  private async summaries(numbers: number[]): Promise<ExecutionSummary[]> {
    return numbers.map(n => summarizeExecution(this.record(n)));
  }

  /** A copy of execution `n` with its annotations merged, as the file store. */
  private record(n: number): ExecutionRecord {
    const record = structuredClone(this.records[n]);
    const captures = this.index
      .annotationsOf(n)
      .map(a => this.annotations[a])
      .filter(e => e.sessionId === record.sessionId)
      .map(e => structuredClone(e.capture));
    const capture = mergeCaptures([record.capture, ...captures]);
    return capture ? { ...record, capture } : record;
  }
}

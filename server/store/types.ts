/**
 * The storage interface the services use. The file store is the production
 * store; the memory store gives unit tests the same behaviour without disk.
 */
import type {
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary,
  TrailEvent
} from '../../src/_schema/records';

/** Where a session sits in the newest-first listing. */
export interface SessionKey {
  /** Start time in milliseconds since the epoch. */
  startedAtMs: number;
  id: string;
}

/** Where an execution sits in its session's seq order. */
export interface ExecutionKey {
  seq: number;
  id: string;
}

/** One page of a listing and the key to continue after, if any. */
export interface StorePage<T, K> {
  items: T[];
  next: K | null;
}

/** Query of the session listing. */
export interface SessionQuery {
  /** Only sessions of this notebook path. */
  notebook?: string;
  limit: number;
  /** Continue after this session (exclusive). */
  after?: SessionKey;
}

/** Query of one session's executions. */
export interface ExecutionQuery {
  limit: number;
  /** Continue after this execution (exclusive). */
  after?: ExecutionKey;
}

/** Content-addressed storage of large mime values. */
export interface BlobStore {
  /**
   * Stores `content` under its SHA-256 (`sha256`, hex) unless already there;
   * resolves once the content is durable.
   */
  put(sha256: string, content: Buffer): Promise<void>;
  /** The content stored under `sha256`, or null. */
  get(sha256: string): Promise<Buffer | null>;
}

/** The history of sessions and executions, written once, read many times. */
export interface TrailStore {
  /** The blobs that records reference with BlobRefs. */
  readonly blobs: BlobStore;
  /**
   * Stores the events whose ids are new and resolves once they are durable.
   * An event is a duplicate when its id, or the id of the session or
   * execution it carries, is already stored; nothing changes for it.
   */
  append(events: TrailEvent[]): Promise<IngestResult>;
  /** Whether an event id is stored (a cheap early duplicate check). */
  hasEvent(id: string): boolean;
  /** The summary of a session, or null when nothing of it is stored. */
  getSession(id: string): SessionSummary | null;
  /** Sessions newest first (by startedAt, then id). */
  listSessions(query: SessionQuery): StorePage<SessionSummary, SessionKey>;
  /** A session's executions in seq order, or null for an unknown session. */
  listExecutions(
    sessionId: string,
    query: ExecutionQuery
  ): Promise<StorePage<ExecutionSummary, ExecutionKey> | null>;
  /** One execution with its outputs (large values as BlobRefs), or null. */
  getExecution(id: string): Promise<ExecutionRecord | null>;
  /** Finishes pending writes and releases files. */
  close(): Promise<void>;
}

/** The summary of an execution record: no outputs, their count and types. */
export function summarizeExecution(record: ExecutionRecord): ExecutionSummary {
  const { outputs, ...rest } = record;
  const outputTypes: ExecutionSummary['outputTypes'] = [];
  for (const output of outputs) {
    if (!outputTypes.includes(output.output_type)) {
      outputTypes.push(output.output_type);
    }
  }
  return { ...rest, outputCount: outputs.length, outputTypes };
}

/**
 * The storage interface the services use. The file store is the production
 * store; the memory store gives unit tests the same behaviour without disk.
 */
import type {
  EnvironmentCapturedEvent,
  EnvironmentSnapshot,
  ExecutionRecord,
  ExecutionSummary,
  IngestResult,
  SessionSummary,
  StructureCapturedEvent,
  StructureCell,
  TrailEvent
} from '../../src/records/schema';
import type { FingerprintStore } from './fingerprint-types';
import type { RunSummary } from '../../src/client/api-schema';
import type { FilterNode, SortKey } from '../../src/records/runs/filter';

/**
 * An environment.captured event as stored: the snapshot itself is kept
 * once, as the blob named by its id (the SHA-256 of its canonical JSON
 * without capturedAt, which is that blob's content).
 */
export interface StoredEnvironmentEvent {
  id: string;
  kind: 'environment.captured';
  sessionId: string;
  fromSeq: number;
  environmentId: string;
  capturedAt: string;
}

/**
 * A structure.captured event as stored: its sources are kept once per
 * content, as blobs named by their SHA-256 (the cells' `sha256`).
 */
export interface StoredStructureEvent {
  id: string;
  kind: 'structure.captured';
  sessionId: string;
  fromSeq: number;
  cells: StructureCell[];
}

/** An event as the store receives it. */
export type StoredEvent =
  | Exclude<TrailEvent, EnvironmentCapturedEvent | StructureCapturedEvent>
  | StoredEnvironmentEvent
  | StoredStructureEvent;

/** One structure snapshot of a session (its sources are blobs). */
export interface StructureSnapshotRecord {
  fromSeq: number;
  cells: StructureCell[];
}

/** What a session's step listing shows of one execution. */
export interface StepRecord {
  seq: number;
  executionId: string;
  cellId: string | null;
  status: ExecutionRecord['status'];
  startedAt: string;
  durationMs: number;
}

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

/**
 * Query of the session listing. The filters are plain data, not
 * callbacks, so that any backend can run them where the sessions are (a
 * SQL backend as `WHERE notebook_path = $1 AND id = ANY($2) AND id <>
 * ALL($3)`), and a page is cut after filtering: it is short only at the
 * end, and its key names the last session it holds.
 */
export interface SessionQuery {
  /** Only sessions of this notebook path. */
  notebook?: string;
  /** Only these sessions (e.g. one author's); every session when absent. */
  ids?: ReadonlySet<string>;
  /**
   * Never these sessions (e.g. the ones the caller may not read). A set
   * given is not modified afterwards: the store may know it again by
   * identity (its cached lists).
   */
  excludeIds?: ReadonlySet<string>;
  limit: number;
  /** Continue after this session (exclusive). */
  after?: SessionKey;
}

/**
 * Query of one cell's executions across sessions; like the session
 * listing's, its filter is data and applies before a page is cut.
 */
export interface CellQuery {
  notebook: string;
  cellId: string;
  /** Never runs of these sessions (e.g. the ones the caller may not read). */
  excludeSessionIds?: ReadonlySet<string>;
  limit: number;
  /** Continue after this execution id (exclusive). */
  after?: string;
}

/** Query of one session's executions. */
export interface ExecutionQuery {
  limit: number;
  /** Continue after this execution (exclusive). */
  after?: ExecutionKey;
}

/**
 * Where a run sits in a sorted run listing: the last run of a page as far
 * as the sort looks at it (the sort keys' params and metrics, the other
 * fields it may compare, startedAt and id for ties), so the next page
 * starts after it even when runs came or changed in between.
 */
export type RunKey = Pick<RunSummary, 'id' | 'startedAt'> & Partial<RunSummary>;

/**
 * Who recorded each session and who may see it: the access layer's facts,
 * which the store does not keep, lent to a run query so that `author` can
 * be filtered and sorted on where the runs are. `version` changes when a
 * fact an order may depend on changes (a display name).
 */
export interface RunOwners {
  of(sessionId: string): Pick<RunSummary, 'author' | 'visibility'> | undefined;
  readonly version?: number;
}

/**
 * Query of the runs (a run is a session summarised by what it logged; see
 * run-summary.schema.json). The filter and the sort are data (the filter
 * language's AST and sort keys, src/records/runs), so a SQL backend can
 * translate them; the filter applies before a page is cut, and `total`
 * counts every run it keeps.
 */
export interface RunQuery {
  filter?: FilterNode;
  sort: SortKey[];
  /** Only runs of this notebook path. */
  notebook?: string;
  /** Only runs started at or after this instant (ms since the epoch). */
  from?: number;
  /** Only runs started before this instant (ms since the epoch). */
  to?: number;
  /**
   * Never these sessions (e.g. the ones the caller may not read). A set
   * given is not modified afterwards: the store may know it again by
   * identity (its cached lists).
   */
  excludeIds?: ReadonlySet<string>;
  /** Authors and visibility (runs have none without). */
  owners?: RunOwners;
  limit: number;
  /** Continue after this run (exclusive). */
  after?: RunKey;
}

/** A page of runs, the key to continue after, and how many match in all. */
export interface RunQueryResult {
  items: RunSummary[];
  next: RunKey | null;
  total: number;
}

/** The names of the runs' params and metrics with how many runs have each. */
export interface RunNameCounts {
  params: { name: string; count: number }[];
  metrics: { name: string; count: number }[];
  tags: string[];
  /** Authors' user names (with `owners`). */
  authors: string[];
}

/** Content-addressed storage of large mime values. */
export interface BlobStore {
  /** The content stored under `sha256`, or null. */
  get(sha256: string): Promise<Buffer | null>;
  /**
   * The contents stored under `sha256s`, in their order (null for one not
   * stored): what many `get`s answer, read at once (one query, parallel
   * requests) by a store where each read is a round trip.
   */
  getMany?(sha256s: readonly string[]): Promise<(Buffer | null)[]>;
}

/**
 * A blob store that a store's appends write to before they commit (an
 * object store such as S3): a put is durable once it resolves and
 * idempotent by content, so a put whose commit failed leaves only an
 * unreferenced blob. A put the store refuses rejects with an AppError 503
 * (`blob_store_unavailable`), and the append that needed it stores nothing.
 */
export interface WritableBlobStore extends BlobStore {
  put(sha256: string, content: Buffer): Promise<void>;
  /** Whether the store answers (for GET /health); error codes only. */
  health?(): Promise<{ ok: boolean; error?: string }>;
  close?(): Promise<void>;
}

/** A store's failing writes, as health reports them. */
export interface WriteFailure {
  /** The system error code (`ENOSPC`, `EIO`, …), or `unknown`. */
  code: string;
  /** When the first failing write of the run failed (ISO 8601). */
  since: string;
}

/**
 * The history of sessions and executions, written once, read many times:
 * the contract every backend keeps (the file store in production, the
 * memory store in unit tests, a database later), and that
 * tests/server/store-contract runs against each of them. Every method is
 * asynchronous, so that a backend may answer from elsewhere than memory;
 * filters and paging happen in the store, never after reading.
 */
export interface TrailStore extends FingerprintStore {
  /** The blobs that records reference with BlobRefs. */
  readonly blobs: BlobStore;
  /**
   * Why the last write failed (e.g. `ENOSPC`) and since when, while no
   * write has succeeded since; null (or absent) when writes succeed.
   */
  writeFailure?(): Promise<WriteFailure | null>;
  /**
   * Stores the events whose ids are new, and the blobs they cite (content
   * by SHA-256 hex; stored once per content), and resolves once both are
   * durable. An event is a duplicate when its id, or the id of the session
   * or execution it carries, is already stored; nothing changes for it.
   */
  append(
    events: StoredEvent[],
    blobs?: ReadonlyMap<string, Buffer>
  ): Promise<IngestResult>;
  /** Whether an event id is stored (a cheap early duplicate check). */
  hasEvent(id: string): Promise<boolean>;
  /**
   * The session a stored event belongs to (its session.started record's,
   * its execution's, or the session it names), or undefined when the event
   * id is not stored; from the index, never reading a record.
   */
  sessionOfEvent(id: string): Promise<string | undefined>;
  /**
   * The session holding a stored execution id, or undefined when it is not
   * stored; from the index, never reading a record.
   */
  sessionOfExecution(id: string): Promise<string | undefined>;
  /** The summary of a session, or null when nothing of it is stored. */
  getSession(id: string): Promise<SessionSummary | null>;
  /**
   * Sessions newest first (by startedAt as an instant, then id), those
   * the query's filters keep.
   */
  listSessions(
    query: SessionQuery
  ): Promise<StorePage<SessionSummary, SessionKey>>;
  /** A session's executions in seq order, or null for an unknown session. */
  listExecutions(
    sessionId: string,
    query: ExecutionQuery
  ): Promise<StorePage<ExecutionSummary, ExecutionKey> | null>;
  /**
   * One execution with its outputs (large values as BlobRefs) and its
   * capture merged with its annotations, or null.
   */
  getExecution(id: string): Promise<ExecutionRecord | null>;
  /**
   * What `getExecution` answers for each of `ids`, in their order, read at
   * once (a backend where each read is a round trip answers in one).
   */
  getExecutions?(ids: readonly string[]): Promise<(ExecutionRecord | null)[]>;
  /**
   * A cell's executions across sessions, newest first (by startedAt, then
   * id); null when `after` is not an execution of that cell.
   */
  listCellExecutions(
    query: CellQuery
  ): Promise<StorePage<ExecutionSummary, string> | null>;
  /**
   * The execution of the same cell (notebook path and cell id) that started
   * just before execution `id`, in any session, as `{ execution }` (null
   * when there is none); null when `id` is unknown.
   */
  previousExecution(
    id: string
  ): Promise<{ execution: ExecutionSummary | null } | null>;
  /**
   * A stored environment snapshot with the capturedAt of its earliest
   * capture, or null.
   */
  getEnvironment(id: string): Promise<EnvironmentSnapshot | null>;
  /**
   * A session's executions in seq order as its steps, from the index
   * (never reading every record: a session may hold thousands), or null
   * for an unknown session.
   */
  listSteps(sessionId: string): Promise<StepRecord[] | null>;
  /**
   * The ids of the sessions whose session.started record's lineage names
   * session `id` (its replays and forks), from the index; empty when none.
   * Any reader's filter applies after, as a listing's `ids`.
   */
  replaysOf(id: string): Promise<string[]>;
  /**
   * A session's structure snapshots in fromSeq order (then arrival); empty
   * when it recorded none. Their sources are blobs (`blobs.get(sha256)`).
   */
  listStructures(sessionId: string): Promise<StructureSnapshotRecord[]>;
  /**
   * How many structure snapshots of a session are stored (0 when none),
   * from the index: whether a list read before is still whole.
   */
  structureCount(sessionId: string): Promise<number>;
  /**
   * Calls `onRecord` with every stored execution (as its event stored it:
   * large values as BlobRefs, captures not merged), in storage order, with
   * sequential reads; optional (background work falls back to the
   * listings).
   */
  scanExecutions?(
    onRecord: (record: ExecutionRecord) => void,
    shouldStop?: () => boolean
  ): Promise<void>;
  /**
   * Calls `onEvents` with every stored event, as stored (large values and
   * environment snapshots as blob references), in storage order, a batch at
   * a time, waiting for each call: what export and migration copy, so that
   * an import stores the same events under the same ids.
   */
  scanEvents?(
    onEvents: (events: StoredEvent[]) => Promise<void> | void,
    options?: { batchSize?: number }
  ): Promise<void>;
  /**
   * Runs (sessions summarised by their params, metrics, tags, inputs and
   * status) that the query keeps, in its order, a page at a time.
   */
  queryRuns(query: RunQuery): Promise<RunQueryResult>;
  /** One run (stored id), or null when nothing of the session is stored. */
  getRun(id: string, owners?: RunOwners): Promise<RunSummary | null>;
  /**
   * The param and metric names, tags and authors over the runs, those of
   * `excludeIds` left out.
   */
  runNames(
    excludeIds?: ReadonlySet<string>,
    owners?: RunOwners
  ): Promise<RunNameCounts>;
  /** Finishes pending writes and releases files. */
  close(): Promise<void>;
}

/**
 * The environment snapshot stored as blob `id`, with the capturedAt of its
 * earliest capture (undefined: not a stored snapshot), for both stores.
 */
export async function readEnvironment(
  blobs: BlobStore,
  id: string,
  capturedAt: string | undefined
): Promise<EnvironmentSnapshot | null> {
  if (capturedAt === undefined) {
    return null;
  }
  const content = await blobs.get(id);
  if (!content) {
    throw new Error(`the blob of environment ${id} is missing`);
  }
  return { capturedAt, ...JSON.parse(content.toString('utf8')) };
}

/** Sessions read at a time by {@link everySession}. */
const EVERY_SESSION_PAGE = 1000;

/**
 * Every session a query keeps, newest first, page after page: for what
 * sums over a person's sessions (their notebooks, their last activity).
 */
export async function everySession(
  store: Pick<TrailStore, 'listSessions'>,
  query: Omit<SessionQuery, 'limit' | 'after'>
): Promise<SessionSummary[]> {
  const sessions: SessionSummary[] = [];
  let after: SessionKey | undefined;
  do {
    const page = await store.listSessions({
      ...query,
      limit: EVERY_SESSION_PAGE,
      after
    });
    sessions.push(...page.items);
    after = page.next ?? undefined;
  } while (after);
  return sessions;
}

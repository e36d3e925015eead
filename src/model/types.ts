import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionRecord,
  ExecutionSummary,
  FileAccess,
  MetricPoint,
  NotebookSummary,
  Output,
  Person,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
} from '../records/schema';
import type { ISignal } from '@lumino/signaling';

/**
 * The listing shapes of the API, generated from schema/records and
 * re-exported so that panel code imports them from one place.
 */
export type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionRecord,
  ExecutionSummary,
  FileAccess,
  MetricPoint,
  NotebookSummary,
  Person,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
};

/**
 * What tells the panel that the server stored something it may show (the
 * client's ChangeFeed, a long poll of GET /changes, satisfies it).
 */
export interface ITrailFeed {
  /** Emitted with each batch of changes stored on the server. */
  readonly changed: ISignal<unknown, readonly unknown[]>;
  /**
   * Start following; `fromNow` skips what was stored while stopped (the
   * panel reloads what it shows anyway). Resolves once the feed knows
   * where it follows from (or could not learn it); never rejects.
   */
  start(options?: { fromNow?: boolean }): Promise<void>;
  /** Stop following: no request stays open. */
  stop(): void;
}

/**
 * One page of a cursor-paged listing.
 */
export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page, or null on the last page. */
  nextCursor: string | null;
}

/**
 * The read side of the Trail server that the panel needs.
 *
 * #### Notes
 * This is the seam between the panel models and the HTTP client: the
 * client satisfies it structurally, tests pass a fake.
 */
export interface ITrailReader {
  listSessions(query?: {
    notebook?: string;
    author?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<SessionSummary>>;
  listExecutions(
    sessionId: string,
    query?: { limit?: number; cursor?: string }
  ): Promise<Page<ExecutionSummary>>;
  getExecution(id: string): Promise<ExecutionRecord>;
  /** One session's summary, with its environment versions. */
  getSession(id: string): Promise<SessionSummary>;
  /** The latest earlier run of the same notebook cell, or null. */
  getPreviousExecution(id: string): Promise<ExecutionSummary | null>;
  /** An environment snapshot by id. */
  getEnvironment(id: string): Promise<EnvironmentSnapshot>;
  /** Replace blob references in outputs with their values. */
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
  /** Who the token belongs to. */
  getMe(): Promise<TeamMember>;
  /** The people of the team. */
  listUsers(): Promise<TeamMember[]>;
  /** One person's notebooks, most recently active first. */
  listNotebooks(query?: {
    author?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<NotebookSummary>>;
  /** The runs of one notebook cell across sessions, newest first. */
  listCellExecutions(query: {
    notebook: string;
    cellId: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<ExecutionSummary>>;
  /** Who may read one of my sessions. */
  setSessionVisibility(
    id: string,
    visibility: Visibility
  ): Promise<SessionSummary>;
  /** Who may read my sessions of one notebook, recorded and to come. */
  setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<{
    notebookPath: string;
    visibility: Visibility;
    sessions: number;
  }>;
  /**
   * The readable sessions that replay or fork one session (their lineage
   * names it), newest first; a reader without it lists none.
   */
  listReplays?(
    sessionId: string,
    query?: { limit?: number; cursor?: string }
  ): Promise<Page<SessionSummary>>;
  /** Searches code and outputs. */
  search(
    query: ISearchQuery & { limit?: number; cursor?: string }
  ): Promise<Page<SearchHit> & { truncated: boolean }>;
}

/**
 * What to search for: `q` is required by the server, the rest narrows.
 */
export interface ISearchQuery {
  q: string;
  /**
   * `words`: each word finds its forms (train finds training); else each
   * term is a piece of the text.
   */
  match?: 'substring' | 'words';
  author?: string;
  notebook?: string;
  /** ISO time, inclusive. */
  from?: string;
  /** ISO time, exclusive. */
  to?: string;
}

/**
 * Which kind of level of the panel is showing (`sessions`, `timeline`...):
 * the name a view is registered under, so that a new view adds itself
 * without editing a list here.
 */
export type TrailView = string;

/**
 * The top-level areas of the panel, each with its own way down.
 */
export type TrailArea = 'mine' | 'team' | 'search';

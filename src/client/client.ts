import type {
  EnvironmentSnapshot,
  EventBatch,
  ExecutionRecord,
  ExecutionSummary,
  HistoryChanges,
  IngestResult,
  Output,
  SessionSummary,
  TeamMember,
  Visibility
} from '../records/schema';
import type {
  ContractReport,
  ContractRequest,
  ExecutionPage,
  ExportRequest,
  ExportResult,
  FingerprintLookupRequest,
  FingerprintLookupResult,
  HealthStatus,
  IdenticalExecutions,
  IdenticalPrefix,
  InputList,
  LineageComparison,
  NotebookAtStep,
  NotebookPage,
  NotebookVisibilityResult,
  PreflightReport,
  PreflightRequest,
  RunMetrics,
  RunNames,
  RunPage,
  RunSummary,
  SearchPage,
  ServerVersion,
  SessionPage,
  StepList
} from './api-schema';
import { BlobCache } from './blob-cache';
import { BlobReader } from './blob-reader';
import { compatibilityMessage } from './compatibility';
import { enc, queryString } from './request';
import { TrailTransport } from './transport';
import type {
  BlobRef,
  CellExecutionQuery,
  ChangesQuery,
  NotebookQuery,
  PageQuery,
  RequestOptions,
  RunsQuery,
  SearchQuery,
  SessionQuery
} from './types';

/**
 * How a TrailClient reaches its server.
 */
export interface TrailClientOptions {
  /**
   * The server's root URL, e.g. `http://127.0.0.1:8765` (a trailing
   * `/api/v1` is accepted too).
   */
  baseUrl: string;
  /** The API token, sent as `Authorization: Bearer <token>`; none when empty. */
  token?: string | null;
  /** The fetch to use; defaults to the global fetch at the time of each call. */
  fetch?: typeof fetch;
  /** How long a request (answer and body) may take; 15 s by default. */
  timeoutMs?: number;
  /** Where fetched blobs are kept; a fresh 32 MiB cache by default. */
  blobCache?: BlobCache;
}

/**
 * Typed client of the Trail HTTP API: one method per endpoint.
 *
 * Every method rejects with a {@link TrailResponseError} when the server
 * answers with an error (or with a body of the wrong shape) and with a
 * {@link TrailNetworkError} when it cannot be reached in time.
 */
export class TrailClient {
  constructor(options: TrailClientOptions) {
    const root = options.baseUrl.trim().replace(/\/+$/, '');
    this._transport = new TrailTransport({
      baseUrl: root.replace(/\/api\/v1$/, ''),
      token: options.token ?? '',
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 15000
    });
    this.baseUrl = this._transport.baseUrl;
    this.apiUrl = this._transport.apiUrl;
    this.timeoutMs = this._transport.timeoutMs;
    this._blobs = new BlobReader(
      this._transport,
      options.blobCache ?? new BlobCache()
    );
    this.blobCache = this._blobs.cache;
  }

  /** The server's root URL, without a trailing slash or `/api/v1`. */
  readonly baseUrl: string;
  /** `baseUrl` + `/api/v1`. */
  readonly apiUrl: string;
  /** The timeout of each request in milliseconds. */
  readonly timeoutMs: number;
  /** The cache of blob contents used by getBlob and resolveOutputs. */
  readonly blobCache: BlobCache;

  /**
   * Stores a batch of events (POST /events). The server answers only once
   * the batch is durable; ids already stored come back as duplicates.
   */
  ingest(batch: EventBatch): Promise<IngestResult> {
    return this._transport.json('POST', '/events', 'IngestResult', batch);
  }

  /** Lists sessions, newest first (GET /sessions). */
  listSessions(query: SessionQuery = {}): Promise<SessionPage> {
    const search = queryString({
      notebook: query.notebook,
      author: query.author,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._transport.json('GET', `/sessions${search}`, 'SessionPage');
  }

  /** One session's summary (GET /sessions/:id). */
  getSession(id: string): Promise<SessionSummary> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(id)}`,
      'SessionSummary'
    );
  }

  /** A session's executions in order, without outputs (GET /sessions/:id/executions). */
  listExecutions(
    sessionId: string,
    query: PageQuery = {}
  ): Promise<ExecutionPage> {
    const search = queryString({ limit: query.limit, cursor: query.cursor });
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/executions${search}`,
      'ExecutionPage'
    );
  }

  /**
   * A session's steps: its executions in seq order as steps 1..total, and
   * whether it recorded its notebook's structure (GET /sessions/:id/steps).
   */
  getSteps(sessionId: string): Promise<StepList> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/steps`,
      'StepList'
    );
  }

  /**
   * The session's notebook as it stood at step `k` (1-based): every cell
   * in order, with its latest execution up to k (GET /sessions/:id/steps/:k).
   * A step past the end is a TrailResponseError with code `step_not_found`.
   * Large mime values are BlobRefs, as in {@link getExecution}.
   */
  getStep(sessionId: string, k: number): Promise<NotebookAtStep> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/steps/${enc(String(k))}`,
      'NotebookAtStep'
    );
  }

  /**
   * What replaying steps 1..`upto` needs: the environment of step `upto`
   * and the files those steps read that no earlier step wrote
   * (GET /sessions/:id/inputs?upto=k). A step past the end is a
   * TrailResponseError with code `step_not_found`.
   */
  getInputs(sessionId: string, upto: number): Promise<InputList> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/inputs${queryString({ upto })}`,
      'InputList'
    );
  }

  /**
   * What differs between the session's steps 1..`upto` and the kernel
   * about to replay them, as its probe saw it (POST /sessions/:id/preflight).
   */
  preflight(
    sessionId: string,
    request: PreflightRequest
  ): Promise<PreflightReport> {
    return this._transport.json(
      'POST',
      `/sessions/${enc(sessionId)}/preflight`,
      'PreflightReport',
      request
    );
  }

  /**
   * The data-contract check of a fork of steps 1..`upto`: each mapping's
   * new file (as the forking kernel's probe saw it) against the recorded
   * input it replaces (POST /sessions/:id/contract). `ok` is false when
   * the fork should not run.
   */
  contract(sessionId: string, body: ContractRequest): Promise<ContractReport> {
    return this._transport.json(
      'POST',
      `/sessions/${enc(sessionId)}/contract`,
      'ContractReport',
      body
    );
  }

  /**
   * The session's steps 1..`upto` (default: all), or what produced one file
   * or metric, as a pipeline folder's files with the report of what was
   * kept, dropped and translated and what a run should reproduce
   * (POST /sessions/:id/export). The server writes nothing. Errors: 422 with
   * the export's code (`no-success`, `target-not-produced`, ...), 503
   * `analysis_unavailable` when the server's Python cannot analyse the code.
   */
  exportPipeline(
    sessionId: string,
    body: ExportRequest = {}
  ): Promise<ExportResult> {
    return this._transport.json(
      'POST',
      `/sessions/${enc(sessionId)}/export`,
      'ExportResult',
      body
    );
  }

  /**
   * A replay or fork compared with its parent: substituted inputs, params,
   * metrics and each parent step's verdict
   * (GET /sessions/:id/parent-comparison). A session with no lineage, or
   * whose parent the caller may not read, is a 404 `not_found`.
   */
  parentComparison(sessionId: string): Promise<LineageComparison> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/parent-comparison`,
      'LineageComparison'
    );
  }

  /**
   * The sessions the caller may read that replay or fork this one (their
   * lineage names it), newest first (GET /sessions/:id/replays).
   */
  listReplays(sessionId: string, query: PageQuery = {}): Promise<SessionPage> {
    const search = queryString({ limit: query.limit, cursor: query.cursor });
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/replays${search}`,
      'SessionPage'
    );
  }

  /**
   * One execution with its outputs (GET /executions/:id). Large mime values
   * are BlobRefs: pass the outputs to {@link resolveOutputs} to get them.
   */
  getExecution(id: string): Promise<ExecutionRecord> {
    return this._transport.json(
      'GET',
      `/executions/${enc(id)}`,
      'ExecutionRecord'
    );
  }

  /**
   * The latest earlier run of the same notebook cell, with its merged
   * capture, or null when there is none (GET /executions/:id/previous).
   */
  async getPreviousExecution(id: string): Promise<ExecutionSummary | null> {
    const answer = await this._transport.json(
      'GET',
      `/executions/${enc(id)}/previous`,
      'PreviousExecution'
    );
    return answer.execution;
  }

  /**
   * An execution's fingerprint and the executions the caller may read that
   * computed the same (same code, data, environment and steps before),
   * newest first (GET /executions/:id/identical).
   */
  identicalExecutions(
    id: string,
    options?: RequestOptions
  ): Promise<IdenticalExecutions> {
    return this._transport.json(
      'GET',
      `/executions/${enc(id)}/identical`,
      'IdenticalExecutions',
      undefined,
      options
    );
  }

  /**
   * Before a cell runs: who already ran this code after the same steps on
   * the same environment (POST /fingerprints/lookup).
   */
  lookupFingerprint(
    request: FingerprintLookupRequest,
    options?: RequestOptions
  ): Promise<FingerprintLookupResult> {
    return this._transport.json(
      'POST',
      '/fingerprints/lookup',
      'FingerprintLookupResult',
      request,
      options
    );
  }

  /**
   * The other sessions whose first steps computed the same as this one's,
   * longest first (GET /sessions/:id/identical-prefix).
   */
  identicalPrefix(
    sessionId: string,
    options?: RequestOptions
  ): Promise<IdenticalPrefix> {
    return this._transport.json(
      'GET',
      `/sessions/${enc(sessionId)}/identical-prefix`,
      'IdenticalPrefix',
      undefined,
      options
    );
  }

  /**
   * The runs of one notebook cell across sessions, newest first
   * (GET /cells/executions).
   */
  listCellExecutions(query: CellExecutionQuery): Promise<ExecutionPage> {
    const search = queryString({
      notebook: query.notebook,
      cellId: query.cellId,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._transport.json(
      'GET',
      `/cells/executions${search}`,
      'ExecutionPage'
    );
  }

  /** Who the token belongs to (GET /me). */
  getMe(): Promise<TeamMember> {
    return this._transport.json('GET', '/me', 'TeamMember');
  }

  /**
   * The people of the team: those with sessions the caller may read, and
   * every user of the server's directory (GET /users).
   */
  async listUsers(): Promise<TeamMember[]> {
    return (await this._transport.json('GET', '/users', 'TeamMemberList'))
      .items;
  }

  /** One person's notebooks, most recently active first (GET /notebooks). */
  listNotebooks(query: NotebookQuery = {}): Promise<NotebookPage> {
    const search = queryString({
      author: query.author,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._transport.json('GET', `/notebooks${search}`, 'NotebookPage');
  }

  /**
   * Who may read one of the caller's sessions (PATCH /sessions/:id);
   * resolves with the updated session.
   */
  setSessionVisibility(
    id: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    return this._transport.json(
      'PATCH',
      `/sessions/${enc(id)}`,
      'SessionSummary',
      {
        visibility
      }
    );
  }

  /**
   * Who may read the caller's sessions of one notebook, those recorded and
   * those to come (PUT /notebooks/visibility).
   */
  setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<NotebookVisibilityResult> {
    return this._transport.json(
      'PUT',
      '/notebooks/visibility',
      'NotebookVisibilityResult',
      {
        notebookPath,
        visibility
      }
    );
  }

  /** Searches the code and outputs of every readable execution (GET /search). */
  search(query: SearchQuery): Promise<SearchPage> {
    const search = queryString({
      q: query.q,
      match: query.match,
      author: query.author,
      notebook: query.notebook,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._transport.json('GET', `/search${search}`, 'SearchPage');
  }

  /**
   * Runs the caller may read, filtered, sorted and paged (GET /runs); a
   * filter that does not parse is a 400 whose message gives the position.
   */
  listRuns(query: RunsQuery = {}): Promise<RunPage> {
    const search = queryString({
      filter: query.filter,
      sort: query.sort,
      columns: query.columns,
      notebook: query.notebook,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._transport.json('GET', `/runs${search}`, 'RunPage');
  }

  /** One run (GET /runs/:id). */
  getRun(id: string): Promise<RunSummary> {
    return this._transport.json('GET', `/runs/${enc(id)}`, 'RunSummary');
  }

  /**
   * The param and metric names, tags and authors of the runs the caller
   * may read (GET /runs/names): for completion and the column picker.
   */
  runNames(): Promise<RunNames> {
    return this._transport.json('GET', '/runs/names', 'RunNames');
  }

  /**
   * A run's metric series (GET /runs/:id/metrics), every metric when no
   * names are given; a name holding a comma is sent backquoted.
   */
  runMetrics(id: string, names?: readonly string[]): Promise<RunMetrics> {
    const search = queryString({
      names: names?.length
        ? names
            .map(n =>
              n.includes(',') || n.startsWith('`') || n.trim() !== n
                ? '`' + n.replace(/[`\\]/g, c => '\\' + c) + '`'
                : n
            )
            .join(',')
        : undefined
    });
    return this._transport.json(
      'GET',
      `/runs/${enc(id)}/metrics${search}`,
      'RunMetrics'
    );
  }

  /**
   * What was stored after a cursor (GET /changes): a long poll that the
   * server answers as soon as there is something, or empty after `wait`
   * ms. The request's timeout is extended by `wait`.
   */
  getChanges(
    query: ChangesQuery = {},
    options: RequestOptions = {}
  ): Promise<HistoryChanges> {
    const search = queryString({ after: query.after, wait: query.wait });
    return this._transport.json(
      'GET',
      `/changes${search}`,
      'HistoryChanges',
      undefined,
      {
        timeoutMs: this.timeoutMs + (query.wait ?? 0),
        ...options
      }
    );
  }

  /**
   * An environment snapshot by its content hash (GET /environments/:id).
   * Snapshots never change, so answers are cached.
   */
  getEnvironment(id: string): Promise<EnvironmentSnapshot> {
    let pending = this._environments.get(id);
    if (!pending) {
      pending = this._transport.json(
        'GET',
        `/environments/${enc(id)}`,
        'EnvironmentSnapshot'
      );
      pending.catch(() => this._environments.delete(id));
      this._environments.set(id, pending);
    }
    return pending;
  }

  /**
   * The content of a blob as a string (GET /blobs/:sha256). Blobs never
   * change, so answers are cached and concurrent requests for the same blob
   * share one fetch.
   */
  getBlob(sha256: string): Promise<string> {
    return this._blobs.get(sha256);
  }

  /** The value a BlobRef stands for: a string, or the parsed JSON value. */
  resolveBlob(ref: BlobRef): Promise<unknown> {
    return this._blobs.resolve(ref);
  }

  /**
   * Copies of the outputs with every BlobRef in their mime bundles replaced
   * by the value it stands for. Outputs without BlobRefs are returned as is.
   */
  resolveOutputs(outputs: Output[]): Promise<Output[]> {
    return this._blobs.resolveOutputs(outputs);
  }

  /** Whether the server is up (GET /health; no token needed). */
  health(): Promise<HealthStatus> {
    return this._transport.json('GET', '/health', 'HealthStatus');
  }

  /** The server's name, version and API version (GET /version; no token needed). */
  version(): Promise<ServerVersion> {
    return this._transport.json('GET', '/version', 'ServerVersion');
  }

  /**
   * Asks the server for its version. Resolves with null when this client can
   * talk to it, or with a sentence that says what to upgrade; rejects when
   * the server cannot be asked.
   */
  async checkCompatibility(): Promise<string | null> {
    return compatibilityMessage(await this.version(), this.baseUrl);
  }

  private readonly _transport: TrailTransport;
  private readonly _blobs: BlobReader;
  private _environments = new Map<string, Promise<EnvironmentSnapshot>>();
}

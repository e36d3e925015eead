import type {
  EnvironmentSnapshot,
  EventBatch,
  ExecutionRecord,
  IngestResult,
  Output
} from '../records/schema';
import { BlobCache } from './blob-cache';
import { TrailNetworkError, TrailResponseError, isObject } from './errors';
import { enc, errorOf, Exchange, queryString, reasonOf } from './request';
import {
  ShapeCheck,
  changesShape,
  environmentShape,
  executionRecordShape,
  previousExecutionShape,
  executionSummaryShape,
  healthShape,
  ingestResultShape,
  isBlobRef,
  notebookSummaryShape,
  notebookVisibilityShape,
  pageShape,
  searchPageShape,
  sessionSummaryShape,
  teamMemberShape,
  usersShape,
  versionShape
} from './response-shape';
import type {
  BlobRef,
  CellExecutionQuery,
  ChangesQuery,
  ExecutionSummary,
  HealthStatus,
  HistoryChanges,
  NotebookQuery,
  NotebookSummary,
  NotebookVisibilityResult,
  Page,
  PageQuery,
  RequestOptions,
  SearchPage,
  SearchQuery,
  SessionQuery,
  SessionSummary,
  TeamMember,
  VersionInfo,
  Visibility
} from './types';

/**
 * The version of the HTTP API this client speaks (the `apiVersion` of
 * GET /api/v1/version).
 */
export const API_VERSION = 1;

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
    this.baseUrl = root.replace(/\/api\/v1$/, '');
    this.apiUrl = `${this.baseUrl}/api/v1`;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.blobCache = options.blobCache ?? new BlobCache();
    this._token = options.token ?? '';
    // Resolved at call time and never called as a method of the options
    // object: browsers throw "Illegal invocation" for an unbound fetch.
    const injected = options.fetch;
    this._fetch = injected
      ? (input, init) => injected(input, init)
      : (input, init) => globalThis.fetch(input, init);
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
    return this._json('POST', '/events', ingestResultShape, batch);
  }

  /** Lists sessions, newest first (GET /sessions). */
  listSessions(query: SessionQuery = {}): Promise<Page<SessionSummary>> {
    const search = queryString({
      notebook: query.notebook,
      author: query.author,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._json(
      'GET',
      `/sessions${search}`,
      pageShape(sessionSummaryShape)
    );
  }

  /** One session's summary (GET /sessions/:id). */
  getSession(id: string): Promise<SessionSummary> {
    return this._json('GET', `/sessions/${enc(id)}`, sessionSummaryShape);
  }

  /** A session's executions in order, without outputs (GET /sessions/:id/executions). */
  listExecutions(
    sessionId: string,
    query: PageQuery = {}
  ): Promise<Page<ExecutionSummary>> {
    const search = queryString({ limit: query.limit, cursor: query.cursor });
    return this._json(
      'GET',
      `/sessions/${enc(sessionId)}/executions${search}`,
      pageShape(executionSummaryShape)
    );
  }

  /**
   * One execution with its outputs (GET /executions/:id). Large mime values
   * are BlobRefs: pass the outputs to {@link resolveOutputs} to get them.
   */
  getExecution(id: string): Promise<ExecutionRecord> {
    return this._json('GET', `/executions/${enc(id)}`, executionRecordShape);
  }

  /**
   * The latest earlier run of the same notebook cell, with its merged
   * capture, or null when there is none (GET /executions/:id/previous).
   */
  async getPreviousExecution(id: string): Promise<ExecutionSummary | null> {
    const answer = await this._json(
      'GET',
      `/executions/${enc(id)}/previous`,
      previousExecutionShape
    );
    return answer.execution;
  }

  /**
   * The runs of one notebook cell across sessions, newest first
   * (GET /cells/executions).
   */
  listCellExecutions(
    query: CellExecutionQuery
  ): Promise<Page<ExecutionSummary>> {
    const search = queryString({
      notebook: query.notebook,
      cellId: query.cellId,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._json(
      'GET',
      `/cells/executions${search}`,
      pageShape(executionSummaryShape)
    );
  }

  /** Who the token belongs to (GET /me). */
  getMe(): Promise<TeamMember> {
    return this._json('GET', '/me', teamMemberShape);
  }

  /**
   * The people of the team: those with sessions the caller may read, and
   * every user of the server's directory (GET /users).
   */
  async listUsers(): Promise<TeamMember[]> {
    return (await this._json('GET', '/users', usersShape)).items;
  }

  /** One person's notebooks, most recently active first (GET /notebooks). */
  listNotebooks(query: NotebookQuery = {}): Promise<Page<NotebookSummary>> {
    const search = queryString({
      author: query.author,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._json(
      'GET',
      `/notebooks${search}`,
      pageShape(notebookSummaryShape)
    );
  }

  /**
   * Who may read one of the caller's sessions (PATCH /sessions/:id);
   * resolves with the updated session.
   */
  setSessionVisibility(
    id: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    return this._json('PATCH', `/sessions/${enc(id)}`, sessionSummaryShape, {
      visibility
    });
  }

  /**
   * Who may read the caller's sessions of one notebook, those recorded and
   * those to come (PUT /notebooks/visibility).
   */
  setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<NotebookVisibilityResult> {
    return this._json('PUT', '/notebooks/visibility', notebookVisibilityShape, {
      notebookPath,
      visibility
    });
  }

  /** Searches the code and outputs of every readable execution (GET /search). */
  search(query: SearchQuery): Promise<SearchPage> {
    const search = queryString({
      q: query.q,
      author: query.author,
      notebook: query.notebook,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor
    });
    return this._json('GET', `/search${search}`, searchPageShape);
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
    return this._json('GET', `/changes${search}`, changesShape, undefined, {
      timeoutMs: this.timeoutMs + (query.wait ?? 0),
      ...options
    });
  }

  /**
   * An environment snapshot by its content hash (GET /environments/:id).
   * Snapshots never change, so answers are cached.
   */
  getEnvironment(id: string): Promise<EnvironmentSnapshot> {
    let pending = this._environments.get(id);
    if (!pending) {
      pending = this._json('GET', `/environments/${enc(id)}`, environmentShape);
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
    const cached = this.blobCache.get(sha256);
    if (cached !== undefined) {
      return Promise.resolve(cached);
    }
    let pending = this._blobsInFlight.get(sha256);
    if (!pending) {
      pending = this._fetchBlob(sha256).finally(() =>
        this._blobsInFlight.delete(sha256)
      );
      this._blobsInFlight.set(sha256, pending);
    }
    return pending;
  }

  /** The value a BlobRef stands for: a string, or the parsed JSON value. */
  async resolveBlob(ref: BlobRef): Promise<unknown> {
    const text = await this.getBlob(ref.$blob);
    if (ref.encoding === 'text') {
      return text;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TrailResponseError(
        200,
        'invalid_response',
        `Blob ${ref.$blob} should hold JSON but does not.`,
        [],
        `${this.apiUrl}/blobs/${ref.$blob}`
      );
    }
  }

  /**
   * Copies of the outputs with every BlobRef in their mime bundles replaced
   * by the value it stands for. Outputs without BlobRefs are returned as is.
   */
  resolveOutputs(outputs: Output[]): Promise<Output[]> {
    return Promise.all(outputs.map(output => this._resolveOutput(output)));
  }

  /** Whether the server is up (GET /health; no token needed). */
  health(): Promise<HealthStatus> {
    return this._json('GET', '/health', healthShape);
  }

  /** The server's name, version and API version (GET /version; no token needed). */
  version(): Promise<VersionInfo> {
    return this._json('GET', '/version', versionShape);
  }

  /**
   * Asks the server for its version. Resolves with null when this client can
   * talk to it, or with a sentence that says what to upgrade; rejects when
   * the server cannot be asked.
   */
  async checkCompatibility(): Promise<string | null> {
    return compatibilityMessage(await this.version(), this.baseUrl);
  }

  private async _resolveOutput(output: Output): Promise<Output> {
    const data = (output as { data?: unknown }).data;
    if (!isObject(data) || !Object.values(data).some(isBlobRef)) {
      return output;
    }
    const entries = await Promise.all(
      Object.entries(data).map(
        async ([mime, value]): Promise<[string, unknown]> => [
          mime,
          isBlobRef(value) ? await this.resolveBlob(value) : value
        ]
      )
    );
    return { ...output, data: Object.fromEntries(entries) } as Output;
  }

  private async _fetchBlob(sha256: string): Promise<string> {
    const exchange = await this._exchange('GET', `/blobs/${enc(sha256)}`);
    if (exchange.status < 200 || exchange.status >= 300) {
      throw errorOf(exchange);
    }
    this.blobCache.set(sha256, exchange.text);
    return exchange.text;
  }

  /** One request whose answer must be JSON of the given shape. */
  private async _json<T>(
    method: string,
    path: string,
    shape: ShapeCheck<T>,
    body?: unknown,
    options: RequestOptions = {}
  ): Promise<T> {
    const exchange = await this._exchange(method, path, body, options);
    if (exchange.status < 200 || exchange.status >= 300) {
      throw errorOf(exchange);
    }
    let value: unknown;
    try {
      value = JSON.parse(exchange.text);
    } catch {
      const got = exchange.contentType ? ` (got ${exchange.contentType})` : '';
      throw new TrailResponseError(
        exchange.status,
        'invalid_response',
        `${this.baseUrl} did not answer ${method} ${path} with JSON${got}. Is it a Trail server?`,
        [],
        exchange.url
      );
    }
    const expected = shape(value);
    if (expected) {
      throw new TrailResponseError(
        exchange.status,
        'invalid_response',
        `${this.baseUrl} answered ${method} ${path} with an unexpected body (expected ${expected}). Is it a Trail server of API version ${API_VERSION}?`,
        [],
        exchange.url
      );
    }
    return value as T;
  }

  /** Sends one request and reads its whole body, within the timeout. */
  private async _exchange(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {}
  ): Promise<Exchange> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const url = `${this.apiUrl}${path}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this._token) {
      headers.Authorization = `Bearer ${this._token}`;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort);
    if (options.signal?.aborted) {
      controller.abort();
    }
    try {
      const response = await this._fetch(url, {
        method,
        headers,
        body: payload,
        signal: controller.signal
      });
      // The body is read under the same timeout: a server that stalls
      // mid-body must not hang the queue.
      const text = await response.text();
      return {
        status: response.status,
        statusText: response.statusText,
        contentType: response.headers.get('Content-Type') ?? '',
        text,
        url
      };
    } catch (reason) {
      if (timedOut) {
        throw new TrailNetworkError(
          `The Trail server at ${this.baseUrl} did not answer within ${
            timeoutMs / 1000
          } s.`,
          url,
          true,
          reason
        );
      }
      throw new TrailNetworkError(
        `Cannot reach the Trail server at ${this.baseUrl} (${reasonOf(reason)}).`,
        url,
        false,
        reason
      );
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    }
  }

  private readonly _token: string;
  private readonly _fetch: typeof fetch;
  private _blobsInFlight = new Map<string, Promise<string>>();
  private _environments = new Map<string, Promise<EnvironmentSnapshot>>();
}

/**
 * Null when a server of this version can be used by this client, otherwise a
 * sentence that says which side to upgrade.
 */
export function compatibilityMessage(
  info: VersionInfo,
  baseUrl = 'the server'
): string | null {
  if (info.apiVersion === API_VERSION) {
    return null;
  }
  const server = `${info.name} ${info.version} at ${baseUrl}`;
  return info.apiVersion > API_VERSION
    ? `${server} speaks Trail API version ${info.apiVersion}, but this extension speaks version ${API_VERSION}: upgrade jupyterlab-trail.`
    : `${server} speaks Trail API version ${info.apiVersion}, but this extension needs version ${API_VERSION}: upgrade the Trail server.`;
}

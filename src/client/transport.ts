/**
 * How the client talks to the Trail server: one request at a time, its
 * whole answer read within a timeout, and a JSON answer checked against its
 * schema before anyone reads it.
 */
import { API_VERSION } from './compatibility';
import { TrailNetworkError, TrailResponseError } from './errors';
import { errorOf, Exchange, reasonOf } from './request';
import {
  answerProblem,
  expectedAnswer,
  type ResponseBodies,
  type ResponseName
} from './response-schemas';
import type { RequestOptions } from './types';

/**
 * Where and as whom a TrailTransport sends its requests.
 */
export interface TrailTransportOptions {
  /** The server's root URL, without a trailing slash or `/api/v1`. */
  baseUrl: string;
  /** The API token, sent as `Authorization: Bearer <token>`; none when empty. */
  token: string;
  /** The fetch to use; defaults to the global fetch at the time of each call. */
  fetch?: typeof fetch;
  /** How long a request (answer and body) may take, in ms. */
  timeoutMs: number;
}

/**
 * Sends requests to the Trail API and reads their answers: a rejection is a
 * {@link TrailNetworkError} when the server cannot be reached in time, and a
 * {@link TrailResponseError} when it answers with an error or with a body
 * that does not fit the answer's schema.
 */
export class TrailTransport {
  constructor(options: TrailTransportOptions) {
    this.baseUrl = options.baseUrl;
    this.apiUrl = `${this.baseUrl}/api/v1`;
    this.timeoutMs = options.timeoutMs;
    this._token = options.token;
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

  /**
   * One request whose answer must be JSON that fits the schema `answer`
   * (a title of schema/api or schema/records).
   */
  async json<K extends ResponseName>(
    method: string,
    path: string,
    answer: K,
    body?: unknown,
    options: RequestOptions = {}
  ): Promise<ResponseBodies[K]> {
    const exchange = await this.exchange(method, path, body, options);
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
    const problem = answerProblem(answer, value);
    if (problem) {
      throw new TrailResponseError(
        exchange.status,
        'invalid_response',
        `${this.baseUrl} answered ${method} ${path} with an unexpected body (expected ${expectedAnswer(answer)}: ${problem}). Is it a Trail server of API version ${API_VERSION}?`,
        [],
        exchange.url
      );
    }
    return value as ResponseBodies[K];
  }

  /** Sends one request and reads its whole body, within the timeout. */
  async exchange(
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
}

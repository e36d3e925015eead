import type { ErrorDetail } from './types';

/**
 * The Trail server answered, but not with what was asked: an HTTP error
 * status (with the server's error body when it sent one), or a success whose
 * body does not have the documented shape (`code` is `invalid_response`).
 */
export class TrailResponseError extends Error {
  /**
   * @param status - The HTTP status of the response.
   * @param code - The server's snake_case error code, or one made up from the status.
   * @param message - A sentence for the user.
   * @param details - The server's per-field problems, if any.
   * @param url - The URL that was requested.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly url = ''
  ) {
    super(message);
    this.name = 'TrailResponseError';
  }
}

/**
 * The Trail server could not be reached: the connection failed, or no answer
 * came before the timeout.
 */
export class TrailNetworkError extends Error {
  /**
   * @param message - A sentence for the user.
   * @param url - The URL that was requested.
   * @param timedOut - Whether the request was abandoned after the timeout.
   * @param cause - What fetch rejected with, for the console.
   */
  constructor(
    message: string,
    readonly url = '',
    readonly timedOut = false,
    readonly cause?: unknown
  ) {
    super(message);
    this.name = 'TrailNetworkError';
  }
}

/**
 * Whether trying the same request again later may succeed: the server was
 * unreachable, timed out, was overloaded, or failed on its side.
 *
 * A 401/403 is not retryable by itself (the token must change first) and a
 * 400/413 never succeeds for the same body.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof TrailNetworkError) {
    return true;
  }
  if (err instanceof TrailResponseError) {
    const { status } = err;
    return status === 408 || status === 425 || status === 429 || status >= 500;
  }
  return false;
}

/**
 * Builds the error for a non-2xx response from its body, which is the
 * server's `{"error": {code, message, details}}` when it comes from Trail,
 * and may be anything (an HTML page, nothing) when it comes from a proxy.
 */
export function responseErrorFrom(
  status: number,
  statusText: string,
  bodyText: string,
  url: string
): TrailResponseError {
  const body = parseJson(bodyText);
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  if (error && typeof error.message === 'string') {
    const code =
      typeof error.code === 'string' && error.code
        ? error.code
        : codeForStatus(status);
    const details = Array.isArray(error.details)
      ? error.details.filter(isObject).map(detail => ({
          path: typeof detail.path === 'string' ? detail.path : '',
          message: String(detail.message ?? '')
        }))
      : [];
    return new TrailResponseError(status, code, error.message, details, url);
  }
  const label = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const excerpt = bodyText.replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = excerpt
    ? `The Trail server answered ${label}: ${excerpt}`
    : `The Trail server answered ${label}.`;
  return new TrailResponseError(
    status,
    codeForStatus(status),
    message,
    [],
    url
  );
}

/**
 * A readable one-line description of any error, for `lastError` and logs.
 */
export function describeError(err: unknown): string {
  if (err instanceof TrailResponseError) {
    const first = err.details[0];
    // Servers often put the first problem in the message already.
    const detail =
      first && !err.message.includes(first.message)
        ? ` (${first.path ? `${first.path}: ` : ''}${first.message}${
            err.details.length > 1 ? `; ${err.details.length - 1} more` : ''
          })`
        : '';
    return `${err.message}${detail}`;
  }
  return messageOf(err);
}

/**
 * The message of anything thrown. Duck-typed because an Error from another
 * realm (a worker, an iframe, Node's fetch under jsdom) fails `instanceof`.
 */
export function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'too_many_requests';
    default:
      return `http_${status}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

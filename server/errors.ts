/**
 * The one error type of the Trail server and the one middleware that turns
 * errors into JSON responses.
 */
import type { ErrorRequestHandler } from 'express';
import { OutageLog } from './outage-log';

/** One precise problem in a request, located by a JSON Pointer. */
export interface ErrorDetail {
  /** Where the problem is, e.g. `/events/0/execution/status`. */
  path: string;
  /** What is wrong there, as a human sentence fragment. */
  message: string;
}

/**
 * An error that the API reports to its caller as it is: the status, a
 * snake_case code clients can branch on, and a message for humans.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[]
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The JSON body of every 4xx and 5xx response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** Builds the error body of an {@link AppError}. */
export function errorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details && err.details.length > 0) {
    body.error.details = err.details;
  }
  return body;
}

/**
 * Something that can log a problem the caller must not see: a message,
 * and the error with its stack (absent: the message says it all).
 */
export interface ErrorLog {
  error(message: string, err?: unknown): void;
}

/**
 * Maps body-parser failures (malformed JSON, too large) to AppErrors and
 * hides anything unexpected behind a generic 500, logging the detail.
 * A database or blob store that is unavailable is logged as outage-log.ts
 * says: one line, at most every 10 s per code.
 */
export function errorHandler(
  log: ErrorLog,
  outages: OutageLog = new OutageLog(log)
): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const appError = toAppError(err, req.headers['content-encoding']);
    const what = `${req.method} ${req.originalUrl}`;
    if (appError.status >= 500 && !outages.note(appError, what)) {
      log.error(`${what} failed`, err);
    }
    res.status(appError.status).json(errorBody(appError));
  };
}

interface HttpParserError {
  type?: string;
  status?: number;
  limit?: number;
  /** Set by zlib on data it cannot decompress. */
  errno?: number;
  code?: string;
}

/** Node's codes of a file system that cannot take a write now. */
const STORAGE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG']);

/**
 * A failure to write what the caller asked to store (disk full, quota, I/O
 * error), wherever it happened: the request may succeed later.
 */
export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_ERRORS.has(code);
}

function toAppError(err: unknown, contentEncoding?: string): AppError {
  if (err instanceof AppError) {
    return err;
  }
  if (isStorageError(err)) {
    return new AppError(
      503,
      'storage_unavailable',
      'The server could not store the change; try again later.'
    );
  }
  const parserError = (err ?? {}) as HttpParserError;
  if (err instanceof URIError && parserError.status === 400) {
    // The router could not percent-decode a path parameter.
    return new AppError(
      400,
      'invalid_request',
      'The request path is not valid percent-encoding.',
      [{ path: '/params', message: 'is not valid percent-encoding' }]
    );
  }
  if (
    parserError.status === 400 &&
    parserError.type === undefined &&
    parserError.errno !== undefined &&
    contentEncoding !== undefined
  ) {
    // body-parser passes zlib's error on a body that does not decompress.
    return new AppError(
      400,
      'invalid_request',
      `The request body is not valid ${contentEncoding.toLowerCase()} data.`
    );
  }
  switch (parserError.type) {
    case 'entity.too.large':
      return new AppError(
        413,
        'payload_too_large',
        `The request body is larger than the limit of ${parserError.limit} bytes.`
      );
    case 'entity.parse.failed':
      return new AppError(
        400,
        'invalid_json',
        'The request body is not valid JSON.'
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(
        415,
        'unsupported_media_type',
        'The request body must be UTF-8 JSON.'
      );
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'The request was aborted.');
  }
  return new AppError(500, 'internal_error', 'The server failed unexpectedly.');
}

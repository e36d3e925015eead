/**
 * The small pieces of one HTTP exchange with the Trail server: the answer
 * read whole, query strings, path segments, and errors in words.
 */
import { messageOf, responseErrorFrom, TrailResponseError } from './errors';

/** The answer of one HTTP exchange, body read. */
export interface Exchange {
  status: number;
  statusText: string;
  contentType: string;
  text: string;
  url: string;
}

/** The typed error of a non-2xx answer. */
export function errorOf(exchange: Exchange): TrailResponseError {
  return responseErrorFrom(
    exchange.status,
    exchange.statusText,
    exchange.text,
    exchange.url
  );
}

/** One path segment, encoded. */
export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** `?a=1&b=2` of the defined, non-empty parameters; '' when none. */
export function queryString(
  params: Record<string, string | number | undefined>
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Why fetch rejected, in words: Node puts the system error (ECONNREFUSED)
 * in `cause`; browsers only say "Failed to fetch".
 */
export function reasonOf(reason: unknown): string {
  const message = messageOf(reason);
  const cause = (reason as { cause?: unknown } | null)?.cause;
  const detail = cause ? messageOf(cause) : '';
  return detail && !message.includes(detail)
    ? `${message}: ${detail}`
    : message;
}

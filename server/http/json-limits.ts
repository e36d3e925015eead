/**
 * Bounds on the shape of a JSON request body, checked on its raw bytes
 * before it is parsed (body-parser's `verify` hook), so the work a request
 * costs is bounded by more than its size:
 *
 * - nesting depth: `JSON.stringify` recurses, and a value nested some
 *   thousands deep parses fine but cannot be written back (nor stored);
 * - members per object and in all: parsing and writing an object costs
 *   about a microsecond per member, more once an object has thousands of
 *   them, so 10 MB of keys held the event loop for over a second.
 *
 * The scan only looks at structure (brackets, colons outside strings); that
 * the bytes are JSON is for the parser to say.
 */
import { AppError } from '../errors';

/** The deepest nesting of objects and arrays a body may have. */
export const MAX_JSON_DEPTH = 128;
/** The most members (key-value pairs) one object of a body may have. */
export const MAX_OBJECT_MEMBERS = 10_000;
/** The most object members a body may have in all. */
export const MAX_BODY_MEMBERS = 200_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function tooLarge(message: string): AppError {
  return new AppError(413, 'payload_too_large', message);
}

/**
 * Throws an AppError unless the JSON text in `bytes` (UTF-8) stays within
 * the limits above: 400 `invalid_request` when too deep, 413
 * `payload_too_large` when it has too many members.
 */
export function checkJsonShape(bytes: Uint8Array): void {
  // members[d]: the members seen so far in the object open at depth d.
  const members = new Uint32Array(MAX_JSON_DEPTH + 1);
  let depth = 0;
  let total = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      // Skip the string to its closing quote (one not escaped by an odd
      // run of backslashes), found by the native indexOf.
      for (;;) {
        i = bytes.indexOf(QUOTE, i + 1);
        if (i < 0) {
          return;
        }
        let escapes = 0;
        while (bytes[i - 1 - escapes] === BACKSLASH) {
          escapes++;
        }
        if (escapes % 2 === 0) {
          break;
        }
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new AppError(
          400,
          'invalid_request',
          `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
          [
            {
              path: '',
              message: `is nested more than ${MAX_JSON_DEPTH} levels deep`
            }
          ]
        );
      }
      members[depth] = 0;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth > 0) {
        depth--;
      }
    } else if (c === COLON) {
      if (++members[depth] > MAX_OBJECT_MEMBERS) {
        throw tooLarge(
          `The request body has an object with more than ${MAX_OBJECT_MEMBERS} members.`
        );
      }
      if (++total > MAX_BODY_MEMBERS) {
        throw tooLarge(
          `The request body has more than ${MAX_BODY_MEMBERS} object members in all.`
        );
      }
    }
  }
}

/**
 * The cursors of the team listings: the base64url JSON of `[kind, ...key]`,
 * where kind tells the listing, so one listing refuses another's cursor.
 * Keys name records by their public ids (see TeamAccess.recordFor).
 */
import { AppError } from '../errors';
import { parseText } from '../services/history';

/** A cursor: the base64url JSON of its parts (the first names the listing). */
export function encode(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * The parts of a cursor of listing `kind` (a 400 for anything else);
 * `types` are the `typeof` of the parts after the kind, when checked.
 */
export function decode(
  kind: string,
  raw: unknown,
  types?: string[]
): unknown[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const text = parseText('cursor', raw) ?? '';
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts[0] !== kind ||
    (types &&
      (parts.length !== types.length + 1 ||
        types.some((type, i) => typeof parts[i + 1] !== type)))
  ) {
    throw badCursor();
  }
  return parts;
}

/** The parts of a base64url JSON cursor, or null when it is not one. */
export function parseParts(text: string): unknown[] | null {
  try {
    const parts: unknown = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8')
    );
    return Array.isArray(parts) ? parts : null;
  } catch {
    return null;
  }
}

/** The 404 of an id nobody may read, as of one that does not exist. */
export function notFound(what: string, id: string): AppError {
  return new AppError(404, 'not_found', `No ${what} has the id "${id}".`);
}

/** The 400 of a cursor that is not one of this listing. */
export function badCursor(): AppError {
  return new AppError(
    400,
    'invalid_request',
    'The query parameter "cursor" is not a cursor of this listing.',
    [{ path: '/query/cursor', message: 'is not a cursor of this listing' }]
  );
}

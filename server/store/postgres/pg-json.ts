/**
 * Text PostgreSQL cannot hold, made storable and given back exactly.
 * Neither jsonb nor text columns accept NUL (U+0000), yet a kernel's raw
 * stdout, a param or a metadata key may carry one, and the file store
 * keeps them: a PostgreSQL store that refused them could not ingest such a
 * history nor take one over (`trail-server migrate --from`).
 *
 * So every string written into jsonb (values and object keys) goes
 * through a reversible escape with U+FFFF (a noncharacter, never sent by a
 * recorder in practice) as its mark: U+0000 → U+FFFF '0', U+FFFF → U+FFFF
 * U+FFFF. It maps one character to a fixed string, so it is injective,
 * keeps equality and substring containment of escaped strings, and is the
 * identity on every string without those two characters: normal values
 * are stored, indexed and compared as before. Text extracted in SQL from
 * such jsonb (`->>`) is the escaped form; a query value compared with it
 * goes through {@link pgText}, and a text column read back as record
 * content through {@link unescapeText}.
 *
 * The cost stays with the rare texts that need it: writes serialize once
 * and walk the value only when the JSON holds `\u0000` or U+FFFF; reads
 * (the pool's jsonb and json parsers, {@link PG_TYPES}) parse as usual
 * unless the raw text holds U+FFFF.
 */
import pg from 'pg';

/** The escape's mark (see the module comment). */
const MARK = '\uffff';
const ESCAPED = /\uffff([0\uffff])/g;

/** A string as PostgreSQL keeps it (see the module comment). */
export function pgText(text: string): string {
  // The marks doubled first: the NULs' marks then stay single.
  return text.includes('\u0000') || text.includes(MARK)
    ? text.replaceAll(MARK, MARK + MARK).replaceAll('\u0000', `${MARK}0`)
    : text;
}

/** {@link pgText} of a value that may be null (or undefined: null). */
export function pgNullable(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : pgText(text);
}

/** The string {@link pgText} was given. */
export function unescapeText(text: string): string {
  return text.includes(MARK)
    ? text.replace(ESCAPED, (_, c: string) => (c === '0' ? '\u0000' : MARK))
    : text;
}

/** {@link unescapeText} of a column that may be NULL. */
export function unescapeNullable(text: string | null): string | null {
  return text === null ? null : unescapeText(text);
}

/**
 * A text that is only searched, never read back as content (the
 * executions' `code` and `output_text`): NUL becomes U+FFFD, so its length
 * and every other character stay as the text indexes of the file store
 * see them. Text columns hold U+FFFF as it is.
 */
export function searchableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
}

/** JSON.stringify's replacer that escapes strings and object keys. */
function escaping(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    return pgText(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // A copy with escaped keys (fromEntries makes own properties, even of
    // a key named __proto__); JSON.stringify then visits its values.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [pgText(k), v])
    );
  }
  return value;
}

/**
 * `value` as JSON text for a jsonb (or json) parameter: JSON.stringify's,
 * with every string and key escaped when one needs it.
 */
export function pgJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && (text.includes('\\u0000') || text.includes(MARK))
    ? JSON.stringify(value, escaping)
    : text;
}

/** A parsed value with every string and key un-escaped. */
function unescapeDeep(value: unknown): unknown {
  if (typeof value === 'string') {
    return unescapeText(value);
  }
  if (Array.isArray(value)) {
    return value.map(unescapeDeep);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [unescapeText(k), unescapeDeep(v)])
    );
  }
  return value;
}

/** Parses jsonb or json text as stored by {@link pgJson}. */
export function parsePgJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return text.includes(MARK) ? unescapeDeep(value) : value;
}

/** The type OIDs of json and jsonb. */
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * The pool's type parsers (pg's `types` option): json and jsonb read with
 * {@link parsePgJson}, every other type as pg parses it.
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (oid === JSONB_OID || oid === JSON_OID) && format !== 'binary'
      ? parsePgJson
      : pg.types.getTypeParser(
          oid,
          format
        )) as pg.CustomTypesConfig['getTypeParser']
};

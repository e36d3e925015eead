/**
 * The query parameters of the run routes, read after their schema check
 * (run-list-query.schema.json): the filter, sort and columns in the run
 * filter language (src/records/runs), dates, limit. Each mistake is a 400
 * `invalid_request` whose detail names the parameter, and for the filter
 * the position and what was expected there (`filter: at 23: expected …`).
 */
import {
  FilterSyntaxError,
  parseField,
  parseFilter,
  parseSort,
  type FilterNode,
  type SortKey
} from '../../src/records/runs/filter';
import { fullFormats } from 'ajv-formats/dist/formats';
import { AppError } from '../errors';

/** Page size bounds of GET /runs. */
export const RUN_PAGE_LIMIT = { min: 1, max: 500, default: 100 };

/** The order when the query gives none: newest first. */
export const DEFAULT_RUN_SORT = '-started';

/** The params and metrics items carry: names, or every one (true). */
export interface RunColumns {
  params: ReadonlySet<string> | true;
  metrics: ReadonlySet<string> | true;
}

/** GET /runs's query, read. */
export interface RunListing {
  filter?: FilterNode;
  sort: SortKey[];
  /** The sort as given (a cursor is bound to it). */
  sortText: string;
  columns?: RunColumns;
  limit: number;
  cursor?: string;
  notebook?: string;
  from?: number;
  to?: number;
}

function bad(name: string, message: string): AppError {
  return new AppError(400, 'invalid_request', `${name}: ${message}`, [
    { path: `/query/${name}`, message }
  ]);
}

/** The 400 of a text of the filter language that does not parse. */
function syntax(name: string, err: unknown): AppError {
  if (err instanceof FilterSyntaxError) {
    return bad(name, err.message);
  }
  throw err;
}

/** RFC 3339 date-time (Ajv's check of the `date-time` format). */
const isDateTime = (
  fullFormats['date-time'] as { validate: (text: string) => boolean }
).validate;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseInstant(
  name: string,
  text: string | undefined
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  // A date alone is its midnight, UTC; Date.parse alone would take "0" or
  // "March 7" too, read in the server's time zone.
  const date = FULL_DATE.test(text) ? `${text}T00:00:00Z` : null;
  const ms =
    date !== null
      ? isDateTime(date) && new Date(date).toISOString().startsWith(text)
        ? Date.parse(date)
        : NaN
      : isDateTime(text)
        ? Date.parse(text)
        : NaN;
  if (!Number.isFinite(ms)) {
    throw bad(
      name,
      'must be an RFC 3339 date-time (e.g. 2026-03-01T10:00:00Z) or a date (2026-03-01)'
    );
  }
  return ms;
}

/**
 * Splits a comma-separated list of fields, leaving commas inside
 * backquoted names alone.
 */
export function splitFields(text: string): { text: string; at: number }[] {
  const parts: { text: string; at: number }[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) {
      i++;
    } else if (c === '`') {
      quoted = !quoted;
    } else if ((c === ',' && !quoted) || i === text.length) {
      parts.push({ text: text.slice(start, i), at: start });
      start = i + 1;
    }
  }
  return parts;
}

/** Reads `columns`: params.NAME, metrics.NAME, params.* and metrics.*. */
export function parseColumns(text: string): RunColumns {
  const params = new Set<string>();
  const metrics = new Set<string>();
  let allParams = false;
  let allMetrics = false;
  for (const part of splitFields(text)) {
    const item = part.text.trim();
    if (item === 'params.*') {
      allParams = true;
      continue;
    }
    if (item === 'metrics.*') {
      allMetrics = true;
      continue;
    }
    let field;
    try {
      field = parseField(part.text);
    } catch (err) {
      if (err instanceof FilterSyntaxError) {
        throw bad(
          'columns',
          `at ${part.at + err.position}: expected ${err.expected.join(' or ')} but found ${err.found}`
        );
      }
      throw err;
    }
    if (field.field === 'params') {
      params.add(field.name);
    } else if (field.field === 'metrics') {
      metrics.add(field.name);
    } else {
      throw bad(
        'columns',
        `at ${part.at}: expected params.NAME, metrics.NAME, params.* or metrics.* but found ${field.field}`
      );
    }
  }
  return {
    params: allParams ? true : params,
    metrics: allMetrics ? true : metrics
  };
}

/** Reads GET /runs's query (already checked against its schema). */
export function parseRunListQuery(
  query: Record<string, string | undefined>
): RunListing {
  let filter: FilterNode | undefined;
  if (query.filter !== undefined && query.filter.trim() !== '') {
    try {
      filter = parseFilter(query.filter);
    } catch (err) {
      throw syntax('filter', err);
    }
    if (filter.op === 'all') {
      filter = undefined;
    }
  }
  const sortText = query.sort ?? DEFAULT_RUN_SORT;
  let sort: SortKey[];
  try {
    sort = parseSort(sortText);
  } catch (err) {
    throw syntax('sort', err);
  }
  const limit =
    query.limit === undefined ? RUN_PAGE_LIMIT.default : Number(query.limit);
  if (!(limit >= RUN_PAGE_LIMIT.min && limit <= RUN_PAGE_LIMIT.max)) {
    throw bad(
      'limit',
      `must be an integer from ${RUN_PAGE_LIMIT.min} to ${RUN_PAGE_LIMIT.max}`
    );
  }
  const from = parseInstant('from', query.from);
  const to = parseInstant('to', query.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw bad('to', 'must not be before from');
  }
  return {
    filter,
    sort,
    sortText,
    columns:
      query.columns === undefined ? undefined : parseColumns(query.columns),
    limit,
    cursor: query.cursor,
    notebook: query.notebook,
    from,
    to
  };
}

/**
 * Reads GET /runs/:id/metrics's `names` (comma-separated metric names,
 * backquoted when they hold a comma); null when absent (every metric).
 */
export function parseMetricNames(raw: unknown): ReadonlySet<string> | null {
  if (raw === undefined) {
    return null;
  }
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw bad('names', 'must be a non-empty string given once');
  }
  const names = new Set<string>();
  for (const part of splitFields(raw)) {
    const text = part.text.trim();
    if (text === '') {
      throw bad('names', `at ${part.at}: expected a metric name but found ,`);
    }
    const quoted = /^`((?:[^`\\]|\\.)+)`$/.exec(text);
    names.add(quoted ? quoted[1].replace(/\\(.)/g, '$1') : text);
  }
  return names;
}

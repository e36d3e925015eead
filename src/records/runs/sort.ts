/**
 * The order of runs (#16): a sort text such as `-metrics.accuracy,params.lr`
 * (a leading `-` for descending, `+` or nothing for ascending) and the
 * comparison it gives.
 *
 * Values: numbers before strings before booleans (descending reverses the
 * whole order), numbers as numbers, strings by code point (no locale),
 * `started` as instants. A run lacking the field, or holding null there
 * (a NaN metric, a null param), comes last in both directions. Ties go to
 * the newer start, then the smaller id.
 */
import type { RunSummary } from '../../client/api-schema';
import {
  FieldRef,
  FilterValue,
  LIST_FIELDS,
  compareText,
  fieldText,
  scalarOf
} from './fields';
import { FilterSyntaxError, parseWith } from './syntax';

/** One key of a sort. */
export interface SortKey {
  field: FieldRef;
  descending: boolean;
}

/** The order when none is given: newest first. */
export const DEFAULT_SORT: readonly SortKey[] = [
  { field: { field: 'started' }, descending: true }
];

/**
 * Parses a sort text; blank gives {@link DEFAULT_SORT}. Fields with several
 * values (tag, input, input.sha256) cannot be sorted on.
 * @throws FilterSyntaxError with the offset and what was expected there.
 */
export function parseSort(text: string): SortKey[] {
  if (text.trim() === '') {
    return DEFAULT_SORT.map(key => ({ ...key }));
  }
  const keys = parseWith<(SortKey & { at: number })[]>(text, 'Sort');
  return keys.map(({ field, descending, at }) => {
    if (
      field.field !== 'params' &&
      field.field !== 'metrics' &&
      field.field !== 'author' &&
      LIST_FIELDS.has(field.field)
    ) {
      throw new FilterSyntaxError(
        at,
        ['a field with one value per run (not tag, input or input.sha256)'],
        `"${field.field}"`
      );
    }
    return { field, descending };
  });
}

/** A sort written back as text (`-metrics.accuracy,params.lr`). */
export function sortText(keys: readonly SortKey[]): string {
  return keys
    .map(key => (key.descending ? '-' : '') + fieldText(key.field))
    .join(',');
}

/** Where a value stands among the types (missing and null last). */
function rankOf(value: FilterValue | undefined): number {
  switch (typeof value) {
    case 'number':
      return 0;
    case 'string':
      return 1;
    case 'boolean':
      return 2;
    default:
      return 3;
  }
}

const MISSING = 3;

/**
 * Two start times (or other date-times) in time order: canonical UTC texts
 * (what toISOString writes) compare as text, others are parsed.
 */
export function compareInstants(a: string, b: string): number {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Date.parse(a) - Date.parse(b);
}

function compareValues(
  a: FilterValue | undefined,
  b: FilterValue | undefined,
  instants: boolean
): number {
  const rank = rankOf(a) - rankOf(b);
  if (rank !== 0) {
    return rank;
  }
  switch (typeof a) {
    case 'number':
      return a - (b as number);
    case 'string':
      return instants
        ? compareInstants(a, b as string)
        : compareText(a, b as string);
    case 'boolean':
      return Number(a) - Number(b as boolean);
    default:
      return 0;
  }
}

/** The comparison of runs a sort gives (for Array.prototype.sort). */
export function compareRuns(
  keys: readonly SortKey[]
): (a: RunSummary, b: RunSummary) => number {
  const readers = keys.map(key => ({
    read: scalarOf(key.field),
    sign: key.descending ? -1 : 1,
    instants: key.field.field === 'started'
  }));
  return (a, b) => {
    for (const { read, sign, instants } of readers) {
      const x = read(a);
      const y = read(b);
      const xMissing = rankOf(x) === MISSING;
      const yMissing = rankOf(y) === MISSING;
      if (xMissing || yMissing) {
        if (xMissing !== yMissing) {
          return xMissing ? 1 : -1;
        }
        continue;
      }
      const order = compareValues(x, y, instants);
      if (order !== 0) {
        return sign * order;
      }
    }
    return compareInstants(b.startedAt, a.startedAt) || compareText(a.id, b.id);
  };
}

/**
 * The run filter language (#16): parsing (the peggy grammar in
 * filter.peggy, compiled into src/_generated/filter-parser.ts), its syntax
 * errors in words, and the evaluation of a parsed filter against a run.
 *
 * Semantics: numbers compare as numbers and strings as strings, by code
 * point (no coercion: `"10" > 9` never holds); a field the run lacks, or a
 * value of another type, never matches, `!=` included (only `not` turns that
 * round); `= null` holds for a null value and `!= null` for any other value.
 * A list field (tag, input, input.sha256, author's name and display name)
 * matches when one of its values does; `!=` when none equals. `started`
 * compares instants.
 */
import type { RunSummary } from '../../client/api-schema';
import {
  FieldRef,
  FilterValue,
  LIST_FIELDS,
  compareText,
  fieldText,
  scalarOf,
  valuesOf
} from './fields';
import { FILTER_MAX_DEPTH, FilterSyntaxError, parseWith } from './syntax';

export * from './syntax';
export * from './fields';
export * from './sort';

/** A comparison operator. */
export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';

/**
 * A parsed filter: plain data (JSON-serialisable) so that a store can
 * translate it (SQL in #17) instead of evaluating it here.
 * `all` is the empty filter.
 */
export type FilterNode =
  | { op: 'all' }
  | { op: 'and'; args: FilterNode[] }
  | { op: 'or'; args: FilterNode[] }
  | { op: 'not'; arg: FilterNode }
  | { op: CompareOp; field: FieldRef; value: FilterValue }
  | { op: 'in'; field: FieldRef; values: FilterValue[] }
  | { op: 'exists'; field: FieldRef };

/**
 * Parses a filter. The empty (or blank) filter is `{op: 'all'}`.
 * @throws FilterSyntaxError with the offset and what was expected there.
 */
export function parseFilter(text: string): FilterNode {
  const node = parseWith<FilterNode>(text, 'Filter');
  if (depthOf(node) > FILTER_MAX_DEPTH) {
    throw new FilterSyntaxError(
      0,
      [`at most ${FILTER_MAX_DEPTH} nested levels`],
      'more'
    );
  }
  return node;
}

/** Parses one field (a column name): `params.lr`, `metrics.loss.min`, `author`. */
export function parseField(text: string): FieldRef {
  return parseWith<FieldRef>(text, 'FieldOnly');
}

function depthOf(node: FilterNode): number {
  switch (node.op) {
    case 'and':
    case 'or':
      return 1 + Math.max(...node.args.map(depthOf));
    case 'not':
      return 1 + depthOf(node.arg);
    default:
      return 1;
  }
}

/** The fields a filter reads, each once, in order of appearance. */
export function fieldsOf(node: FilterNode): FieldRef[] {
  const seen = new Map<string, FieldRef>();
  const visit = (current: FilterNode): void => {
    switch (current.op) {
      case 'all':
        return;
      case 'and':
      case 'or':
        current.args.forEach(visit);
        return;
      case 'not':
        visit(current.arg);
        return;
      default: {
        const key = fieldText(current.field);
        if (!seen.has(key)) {
          seen.set(key, current.field);
        }
      }
    }
  };
  visit(node);
  return [...seen.values()];
}

/** A compiled filter. */
export type RunPredicate = (run: RunSummary) => boolean;

const compiled = new WeakMap<FilterNode, RunPredicate>();

/** Whether a run passes a filter (the filter is compiled once, then cached). */
export function matchesFilter(node: FilterNode, run: RunSummary): boolean {
  let predicate = compiled.get(node);
  if (predicate === undefined) {
    predicate = compileFilter(node);
    compiled.set(node, predicate);
  }
  return predicate(run);
}

/** A filter as a function of a run, for evaluating it over many runs. */
export function compileFilter(node: FilterNode): RunPredicate {
  switch (node.op) {
    case 'all':
      return () => true;
    case 'and': {
      const args = node.args.map(compileFilter);
      return run => args.every(arg => arg(run));
    }
    case 'or': {
      const args = node.args.map(compileFilter);
      return run => args.some(arg => arg(run));
    }
    case 'not': {
      const arg = compileFilter(node.arg);
      return run => !arg(run);
    }
    case 'exists': {
      const values = valuesOf(node.field);
      return run => values(run) !== undefined;
    }
    case 'in': {
      const tests = node.values.map(value => valueTest(node.field, '=', value));
      return anyValue(node.field, value => tests.some(test => test(value)));
    }
    case '!=': {
      // Present, every value of the literal's type, none equal.
      const equal = valueTest(node.field, '=', node.value);
      const sameType = valueTest(node.field, 'type', node.value);
      const values = valuesOf(node.field);
      return run => {
        const list = values(run);
        return (
          list !== undefined &&
          list.every(value => sameType(value) && !equal(value))
        );
      };
    }
    default:
      return anyValue(node.field, valueTest(node.field, node.op, node.value));
  }
}

/** A test of one value of a field, as a test of a run (one value passing). */
function anyValue(
  field: FieldRef,
  test: (value: FilterValue) => boolean
): RunPredicate {
  if (
    field.field !== 'params' &&
    field.field !== 'metrics' &&
    LIST_FIELDS.has(field.field)
  ) {
    const values = valuesOf(field);
    return run => {
      const list = values(run);
      return list !== undefined && list.some(test);
    };
  }
  const scalar = scalarOf(field);
  return run => {
    const value = scalar(run);
    return value !== undefined && test(value);
  };
}

/**
 * A test of one value against a literal. `type` is the test `!=` uses
 * first: the value has the literal's type (for null: any non-null value).
 */
function valueTest(
  field: FieldRef,
  op: CompareOp | 'type',
  literal: FilterValue
): (value: FilterValue) => boolean {
  if (op === '~') {
    const needle = String(literal).toLowerCase();
    return value =>
      typeof value === 'string' && value.toLowerCase().includes(needle);
  }
  if (field.field === 'started') {
    // Instants: the literal was made canonical (UTC) by the parser.
    const instant = typeof literal === 'string' ? Date.parse(literal) : NaN;
    return compareWith(op, literal === null ? null : instant, value =>
      typeof value === 'string' ? Date.parse(value) : value
    );
  }
  return compareWith(op, literal, value => value);
}

function compareWith(
  op: Exclude<CompareOp, '~'> | 'type',
  literal: FilterValue,
  read: (value: FilterValue) => FilterValue
): (value: FilterValue) => boolean {
  if (literal === null) {
    switch (op) {
      case '=':
        return value => value === null;
      case 'type':
        return value => value !== null;
      default:
        return () => false;
    }
  }
  const type = typeof literal;
  if (op === 'type') {
    return value => typeof read(value) === type;
  }
  if (op === '=' || op === '!=') {
    return value => read(value) === literal;
  }
  if (type !== 'number' && type !== 'string') {
    return () => false;
  }
  const holds = ORDER_TESTS[op];
  if (type === 'number') {
    const bound = literal as number;
    return value => {
      const v = read(value);
      return typeof v === 'number' && holds(v - bound);
    };
  }
  const bound = literal as string;
  return value => {
    const v = read(value);
    return typeof v === 'string' && holds(compareText(v, bound));
  };
}

const ORDER_TESTS: Record<'>' | '>=' | '<' | '<=', (sign: number) => boolean> =
  {
    '>': sign => sign > 0,
    '>=': sign => sign >= 0,
    '<': sign => sign < 0,
    '<=': sign => sign <= 0
  };

/**
 * The run filter language and run sorts (src/records/runs: plain-data
 * ASTs) as SQL over trail_runs (migration 002), with the semantics of
 * filter.ts and sort.ts exactly, so that PostgreSQL answers what the
 * memory store answers:
 *
 * - every literal is a bound parameter (never text in the SQL);
 * - a test is true or false, never NULL (a missing field makes a test
 *   false, and `not` turns that round, as in JavaScript);
 * - numbers compare as numbers, strings by code point (COLLATE "C" on
 *   UTF-8), no coercion between types; `!=` holds when the field is
 *   present and every value has the literal's type and differs;
 * - a sort key is four columns (missing last whichever way; then the type
 *   rank: numbers, strings, booleans, reversed when descending; then the
 *   number; then the string), ties broken by the newer start, then the
 *   smaller id; keyset paging compares those columns with the page key's.
 *
 * The query reads the table as `r`; when a filter or sort names `author`,
 * the caller joins the owners' facts as `o(name, display)` (see
 * {@link usesAuthor}).
 */
import type { RunSummary } from '../../../src/client/api-schema';
import type {
  CompareOp,
  FieldRef,
  FilterNode,
  FilterValue,
  SortKey
} from '../../../src/records/runs/filter';
import { scalarOf } from '../../../src/records/runs/fields';
import type { RunKey } from '../types';
import { pgJson, pgText } from './pg-json';

/** The bound parameters of one statement, numbered as they are added. */
export class SqlParams {
  readonly values: unknown[] = [];

  /**
   * A placeholder for `value`, cast to `type` (`$3::float8`). Strings go
   * as PostgreSQL keeps them (pg-json.ts: what trail_runs holds and `->>`
   * extracts is escaped), so a value holding NUL compares by its escaped
   * form; every other string is unchanged.
   */
  add(
    value: unknown,
    type: 'text' | 'float8' | 'smallint' | 'boolean' | 'text[]' | 'jsonb'
  ): string {
    this.values.push(
      typeof value === 'string' && type === 'text'
        ? pgText(value)
        : Array.isArray(value) && type === 'text[]'
          ? value.map(v => (typeof v === 'string' ? pgText(v) : v))
          : value
    );
    return `$${this.values.length}::${type}`;
  }
}

/** How a field's value is held: its SQL and its shape. */
type FieldSql =
  /** A jsonb value (params, metric figures): its JSON type decides. */
  | { shape: 'json'; sql: string }
  /** A text column (NULL: missing). */
  | { shape: 'text'; sql: string }
  /** A number column (NULL: missing). */
  | { shape: 'number'; sql: string }
  /** The start, in ms since the epoch. */
  | { shape: 'started'; sql: string; text: string }
  /** A list of strings (empty or NULL: missing). */
  | { shape: 'list'; sql: string };

const METRIC_STATS = new Set(['last', 'min', 'max', 'count']);

/** Whether a filter or sort reads the author (then the owners are joined). */
export function usesAuthor(
  filter: FilterNode | undefined,
  sort: readonly SortKey[]
): boolean {
  const inFilter = (node: FilterNode): boolean => {
    switch (node.op) {
      case 'all':
        return false;
      case 'and':
      case 'or':
        return node.args.some(inFilter);
      case 'not':
        return inFilter(node.arg);
      default:
        return node.field.field === 'author';
    }
  };
  return (
    (filter !== undefined && inFilter(filter)) ||
    sort.some(key => key.field.field === 'author')
  );
}

/** A field as SQL: `list` for tests (every value), otherwise its one value. */
function fieldSql(
  ref: FieldRef,
  params: SqlParams,
  purpose: 'test' | 'sort'
): FieldSql {
  switch (ref.field) {
    case 'params':
      return {
        shape: 'json',
        sql: `(r.params -> ${params.add(ref.name, 'text')})`
      };
    case 'metrics':
      if (!METRIC_STATS.has(ref.stat)) {
        throw new Error(`no metric figure "${String(ref.stat)}"`);
      }
      return {
        shape: 'json',
        sql: `(r.metrics -> ${params.add(ref.name, 'text')} -> '${ref.stat}')`
      };
    case 'notebook':
      return { shape: 'text', sql: 'r.notebook_path' };
    case 'kind':
      return { shape: 'text', sql: 'r.kind' };
    case 'status':
      return { shape: 'text', sql: 'r.status' };
    case 'id':
      return { shape: 'text', sql: 'r.session_id' };
    case 'started':
      return {
        shape: 'started',
        sql: 'r.started_ms',
        text: 'r.started_at'
      };
    case 'duration':
      return { shape: 'number', sql: '(r.duration_ms / 1000.0::float8)' };
    case 'executions':
      return { shape: 'number', sql: 'r.execution_count::float8' };
    case 'author':
      return purpose === 'sort'
        ? { shape: 'text', sql: 'o.name' }
        : {
            shape: 'list',
            sql: `(CASE WHEN o.name IS NULL THEN NULL ELSE ARRAY[o.name, o.display] END)`
          };
    case 'tag':
      return { shape: 'list', sql: 'r.tags' };
    case 'input':
      return { shape: 'list', sql: 'r.input_paths' };
    case 'input.sha256':
      return { shape: 'list', sql: 'r.input_hashes' };
  }
  throw new Error(`no run field "${(ref as { field: string }).field}"`);
}

const TRUE = 'true';
const FALSE = 'false';

/**
 * The filter as a SQL boolean over `r` (and `o`), never NULL; its
 * literals are added to `params`.
 */
export function filterSql(node: FilterNode, params: SqlParams): string {
  switch (node.op) {
    case 'all':
      return TRUE;
    case 'and':
      return node.args.length === 0
        ? TRUE
        : `(${node.args.map(arg => filterSql(arg, params)).join(' AND ')})`;
    case 'or':
      return node.args.length === 0
        ? FALSE
        : `(${node.args.map(arg => filterSql(arg, params)).join(' OR ')})`;
    case 'not':
      return `(NOT ${filterSql(node.arg, params)})`;
    case 'exists':
      return present(fieldSql(node.field, params, 'test'));
    case 'in': {
      const field = fieldSql(node.field, params, 'test');
      const tests = (value: string, shape: Shape): string =>
        node.values.length === 0
          ? FALSE
          : `(${node.values
              .map(literal => valueTest(shape, value, '=', literal, params))
              .join(' OR ')})`;
      return anyValue(field, tests);
    }
    case '!=': {
      const field = fieldSql(node.field, params, 'test');
      const literal = node.value;
      const differs = (value: string, shape: Shape): string =>
        `(${valueTest(shape, value, 'type', literal, params)} AND NOT ${valueTest(shape, value, '=', literal, params)})`;
      return everyValue(field, differs);
    }
    default: {
      const field = fieldSql(node.field, params, 'test');
      const op = node.op;
      const literal = node.value;
      return anyValue(field, (value, shape) =>
        valueTest(shape, value, op, literal, params)
      );
    }
  }
}

/**
 * Tests implied by a filter that its GIN indexes answer (containment):
 * for each `=` on a param, a metric figure or a tag among the filter's
 * top-level conjuncts, `params @> {name: value}` and the like. Adding them
 * changes no answer (each holds wherever the filter does) and lets
 * PostgreSQL find the runs of a selective filter by index.
 */
export function indexHints(node: FilterNode, params: SqlParams): string[] {
  const conjuncts = node.op === 'and' ? node.args : [node];
  const hints: string[] = [];
  for (const c of conjuncts) {
    if (c.op !== '=') {
      continue;
    }
    const { field, value } = c;
    if (field.field === 'params') {
      const doc = { [field.name]: value };
      hints.push(`r.params @> ${params.add(pgJson(doc), 'jsonb')}`);
    } else if (field.field === 'metrics' && typeof value === 'number') {
      const doc = { [field.name]: { [field.stat]: value } };
      hints.push(`r.metrics @> ${params.add(pgJson(doc), 'jsonb')}`);
    } else if (field.field === 'tag' && typeof value === 'string') {
      hints.push(`r.tags @> ARRAY[${params.add(value, 'text')}]`);
    }
  }
  return hints;
}

/** The shape of one value a test looks at. */
type Shape = 'json' | 'text' | 'number' | 'started';

/** Whether the field has a value (for `exists`, and before `!=`). */
function present(field: FieldSql): string {
  switch (field.shape) {
    case 'json':
      return `COALESCE(jsonb_typeof(${field.sql}) IN ('number', 'string', 'boolean', 'null'), false)`;
    case 'list':
      return `COALESCE(cardinality(${field.sql}) > 0, false)`;
    default:
      return `(${field.sql} IS NOT NULL)`;
  }
}

/** One value passes `test` (a list: one of its elements). */
function anyValue(
  field: FieldSql,
  test: (value: string, shape: Shape) => string
): string {
  if (field.shape === 'list') {
    return `COALESCE(EXISTS (SELECT 1 FROM unnest(${field.sql}) AS v(x) WHERE ${test('v.x', 'text')}), false)`;
  }
  const shape: Shape = field.shape;
  return `COALESCE((${present(field)} AND ${test(field.sql, shape)}), false)`;
}

/** The field is present and every value passes `test`. */
function everyValue(
  field: FieldSql,
  test: (value: string, shape: Shape) => string
): string {
  if (field.shape === 'list') {
    return `(${present(field)} AND NOT EXISTS (SELECT 1 FROM unnest(${field.sql}) AS v(x) WHERE NOT ${test('v.x', 'text')}))`;
  }
  return `COALESCE((${present(field)} AND ${test(field.sql, field.shape)}), false)`;
}

const ORDER_OPS: Record<string, string> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '=': '='
};

/**
 * A test of one present value against a literal, as filter.ts's
 * valueTest: `type` is whether the value has the literal's type (for
 * null: any non-null value). Never NULL for a present value.
 */
function valueTest(
  shape: Shape,
  value: string,
  op: CompareOp | 'type',
  literal: FilterValue,
  params: SqlParams
): string {
  if (op === '~') {
    const text = textOf(shape, value);
    if (text === null) {
      return FALSE;
    }
    const needle = params.add(String(literal).toLowerCase(), 'text');
    return `COALESCE(strpos(lower(${text} COLLATE "und-x-icu"), ${needle}) > 0, false)`;
  }
  if (shape === 'started') {
    return startedTest(value, op, literal, params);
  }
  if (literal === null) {
    if (op === '=') {
      return shape === 'json' ? `(jsonb_typeof(${value}) = 'null')` : FALSE;
    }
    if (op === 'type') {
      return shape === 'json' ? `(jsonb_typeof(${value}) <> 'null')` : TRUE;
    }
    return FALSE;
  }
  const type = typeof literal;
  const jsonType =
    type === 'number' ? 'number' : type === 'string' ? 'string' : 'boolean';
  if (op === 'type') {
    if (shape === 'json') {
      return `(jsonb_typeof(${value}) = '${jsonType}')`;
    }
    return (shape === 'text' && type === 'string') ||
      (shape === 'number' && type === 'number')
      ? TRUE
      : FALSE;
  }
  if (type === 'boolean') {
    return op === '=' && shape === 'json'
      ? `(${value} = to_jsonb(${params.add(literal, 'boolean')}))`
      : FALSE;
  }
  const sqlOp = ORDER_OPS[op];
  if (type === 'number') {
    if (shape === 'json') {
      const bound = params.add(literal, 'float8');
      return `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::float8 ${sqlOp} ${bound} ELSE false END)`;
    }
    return shape === 'number'
      ? `(${value} ${sqlOp} ${params.add(literal, 'float8')})`
      : FALSE;
  }
  if (shape === 'json') {
    const bound = params.add(literal, 'text');
    return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN (${value} #>> '{}') COLLATE "C" ${sqlOp} ${bound} ELSE false END)`;
  }
  return shape === 'text'
    ? `(${value} COLLATE "C" ${sqlOp} ${params.add(literal, 'text')})`
    : FALSE;
}

/** The value as text when it is a string (for `~`), or null when never. */
function textOf(shape: Shape, value: string): string | null {
  switch (shape) {
    case 'json':
      return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}' END)`;
    case 'text':
      return value;
    case 'started':
      return 'r.started_at';
    default:
      return null;
  }
}

/**
 * A test of the start: instants, the literal made canonical by the
 * parser; a literal that is no instant (a number, an unparsable text)
 * equals nothing and differs from every start, as in filter.ts.
 */
function startedTest(
  value: string,
  op: Exclude<CompareOp, '~'> | 'type',
  literal: FilterValue,
  params: SqlParams
): string {
  if (literal === null) {
    return op === 'type' ? TRUE : FALSE;
  }
  if (op === 'type') {
    return TRUE;
  }
  const instant = typeof literal === 'string' ? Date.parse(literal) : NaN;
  if (Number.isNaN(instant)) {
    return FALSE;
  }
  return `(${value} ${ORDER_OPS[op]} ${params.add(instant, 'float8')})`;
}

/** One sort key as the columns it orders by (see the module comment). */
interface KeyColumns {
  missing: string;
  rank: string;
  number: string;
  text: string;
  descending: boolean;
}

function keyColumns(
  key: SortKey,
  params: SqlParams,
  projected: string[]
): KeyColumns {
  // The key's value is read once per row, in the inner select (see
  // SortSql.projection), and the order's expressions read that.
  const read = fieldSql(key.field, params, 'sort');
  const name = `k${projected.length}`;
  projected.push(`${read.sql} AS ${name}`);
  const field = { ...read, sql: `s.${name}` };
  const descending = key.descending;
  switch (field.shape) {
    case 'json': {
      const v = field.sql;
      const rank = `(CASE jsonb_typeof(${v}) WHEN 'number' THEN 0 WHEN 'string' THEN 1 WHEN 'boolean' THEN 2 ELSE 3 END)`;
      return {
        missing: `(${rank} = 3)`,
        rank,
        number: `(CASE jsonb_typeof(${v}) WHEN 'number' THEN (${v})::float8 WHEN 'boolean' THEN (CASE WHEN ${v} = 'true'::jsonb THEN 1 ELSE 0 END)::float8 ELSE 0::float8 END)`,
        text: `(CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${v} #>> '{}' ELSE '' END) COLLATE "C"`,
        descending
      };
    }
    case 'started':
      return {
        missing: 'false',
        rank: '0',
        number: field.sql,
        text: `''`,
        descending
      };
    case 'number':
      return {
        missing: `(${field.sql} IS NULL)`,
        rank: `(CASE WHEN ${field.sql} IS NULL THEN 3 ELSE 0 END)`,
        number: `COALESCE(${field.sql}, 0)`,
        text: `''`,
        descending
      };
    case 'text':
      return {
        missing: `(${field.sql} IS NULL)`,
        rank: `(CASE WHEN ${field.sql} IS NULL THEN 3 ELSE 1 END)`,
        number: '0::float8',
        text: `COALESCE(${field.sql}, '') COLLATE "C"`,
        descending
      };
    case 'list':
      throw new Error(`runs cannot be sorted by ${key.field.field}`);
  }
}

/** One column of the whole order, with its direction. */
interface OrderColumn {
  sql: string;
  descending: boolean;
  /** The column's value for a page key. */
  keyValue: (key: KeyFacts) => {
    value: unknown;
    type: 'text' | 'float8' | 'boolean';
  };
}

/** What a page key gives each sort key: its one value. */
interface KeyFacts {
  values: (FilterValue | undefined)[];
  startedMs: number;
  id: string;
}

/**
 * A sort as ORDER BY columns and the keyset test after a page key. Both
 * read a select `s` of the runs with session_id, started_ms and
 * {@link projection} (each key's value, read once per row).
 */
export interface SortSql {
  /** The columns `s` must add to session_id and started_ms (`, … AS k0`). */
  projection: string;
  /**
   * Whether `s` should be kept from being merged into the outer query
   * (OFFSET 0), so that each key is read once per row: not for sorts on
   * the start alone, whose index gives the order.
   */
  fenced: boolean;
  /** The ORDER BY list (without the words ORDER BY). */
  orderBy: string;
  /** The test of rows after `key` (exclusive), its values added to `params`. */
  after(key: RunKey, params: SqlParams): string;
}

/** Where a value stands among the types (sort.ts's rankOf). */
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

/**
 * A sort as SQL. `params` receives the field names now; the page key's
 * values are added by {@link SortSql.after}, to the same parameters.
 */
export function sortSql(keys: readonly SortKey[], params: SqlParams): SortSql {
  const columns: OrderColumn[] = [];
  const projected: string[] = [];
  keys.forEach((key, i) => {
    const c = keyColumns(key, params, projected);
    const value = (facts: KeyFacts) => facts.values[i];
    columns.push(
      {
        sql: c.missing,
        descending: false,
        keyValue: f => ({ value: rankOf(value(f)) === 3, type: 'boolean' })
      },
      {
        sql: c.rank,
        descending: c.descending,
        keyValue: f => ({ value: rankOf(value(f)), type: 'float8' })
      },
      {
        sql: c.number,
        descending: c.descending,
        keyValue: f => {
          const v = value(f);
          return {
            value:
              key.field.field === 'started'
                ? f.startedMs
                : typeof v === 'number'
                  ? v
                  : typeof v === 'boolean'
                    ? Number(v)
                    : 0,
            type: 'float8'
          };
        }
      },
      {
        sql: c.text,
        descending: c.descending,
        keyValue: f => {
          const v = value(f);
          return {
            value:
              typeof v === 'string' && key.field.field !== 'started' ? v : '',
            type: 'text'
          };
        }
      }
    );
  });
  columns.push(
    {
      sql: 's.started_ms',
      descending: true,
      keyValue: f => ({ value: f.startedMs, type: 'float8' })
    },
    {
      sql: 's.session_id',
      descending: false,
      keyValue: f => ({ value: f.id, type: 'text' })
    }
  );
  // Columns that cannot tell two rows apart are left out of the order
  // (the missing flag and rank of the start are constants).
  const ordering = columns.filter(c => !/^(false|0|''|0::float8)$/.test(c.sql));
  return {
    projection: projected.map(column => `, ${column}`).join(''),
    fenced: keys.some(key => key.field.field !== 'started'),
    orderBy: ordering
      .map(c => `${c.sql} ${c.descending ? 'DESC' : 'ASC'}`)
      .join(', '),
    after(key, afterParams) {
      const facts: KeyFacts = {
        values: keys.map(k => keyValueOf(k, key)),
        startedMs: startedMsOf(key.startedAt),
        id: key.id
      };
      // (c1 > v1) OR (c1 = v1 AND ((c2 > v2) OR (c2 = v2 AND …))).
      let test = '';
      for (let i = ordering.length - 1; i >= 0; i--) {
        const c = ordering[i];
        const { value, type } = c.keyValue(facts);
        const v = afterParams.add(value, type);
        const beyond = `${c.sql} ${c.descending ? '<' : '>'} ${v}`;
        test =
          test === ''
            ? `(${beyond})`
            : `(${beyond} OR (${c.sql} = ${v} AND ${test}))`;
      }
      return test;
    }
  };
}

/** A sort key's value in a page key (as scalarOf reads a run). */
function keyValueOf(sortKey: SortKey, key: RunKey): FilterValue | undefined {
  if (sortKey.field.field === 'started') {
    return key.startedAt;
  }
  const run = {
    params: {},
    metrics: {},
    tags: [],
    inputs: [],
    ...key
  } as unknown as RunSummary;
  return scalarOf(sortKey.field)(run);
}

/** A start in ms since the epoch, as stored in started_ms (0: unparsable). */
export function startedMsOf(startedAt: string): number {
  const ms = Date.parse(startedAt);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * The name of a param or metric figure in trail_run_keys (`p:lr`,
 * `m:last:loss`), or null for the other fields.
 */
export function runKeyName(field: FieldRef): string | null {
  if (field.field === 'params') {
    return `p:${field.name}`;
  }
  if (field.field === 'metrics') {
    return `m:${field.stat}:${field.name}`;
  }
  return null;
}

/** A run's sortable values by key name (trail_run_keys rows). */
export function runKeyRows(
  run: RunSummary
): { key: string; rank: number; num: number; str: string }[] {
  const rows: { key: string; rank: number; num: number; str: string }[] = [];
  const add = (key: string, value: unknown): void => {
    const rank = rankOf(value as FilterValue | undefined);
    if (rank < 3) {
      rows.push({
        key,
        rank,
        num: rank === 1 ? 0 : Number(value),
        str: rank === 1 ? (value as string) : ''
      });
    }
  };
  for (const name of Object.keys(run.params)) {
    add(`p:${name}`, run.params[name]);
  }
  for (const name of Object.keys(run.metrics)) {
    const metric = run.metrics[name];
    for (const stat of ['last', 'min', 'max', 'count'] as const) {
      add(`m:${stat}:${name}`, metric[stat]);
    }
  }
  return rows;
}

/**
 * A sort of one param or metric key as reads of trail_run_keys (`k`),
 * whose indexes hold the order: the runs with a value in index order,
 * then those without, newest first. Null for other sorts.
 */
export interface KeyedSortSql {
  /** The key's name (a parameter of the statements). */
  key: string;
  /** ORDER BY for the runs with a value. */
  presentOrder: string;
  /**
   * The test of runs with a value after `key`; null when the page key
   * has none (then only runs without a value follow).
   */
  presentAfter(key: RunKey, params: SqlParams): string | null;
  /** The test of runs without a value after `key` (true when it has one). */
  missingAfter(key: RunKey | undefined, params: SqlParams): string;
}

export function keyedSortSql(keys: readonly SortKey[]): KeyedSortSql | null {
  if (keys.length !== 1) {
    return null;
  }
  const [sortKey] = keys;
  const key = runKeyName(sortKey.field);
  if (key === null) {
    return null;
  }
  const dir = sortKey.descending ? 'DESC' : 'ASC';
  const beyond = sortKey.descending ? '<' : '>';
  const chain = (
    columns: {
      sql: string;
      op: string;
      value: unknown;
      type: 'float8' | 'text';
    }[],
    params: SqlParams
  ): string => {
    let test = '';
    for (let i = columns.length - 1; i >= 0; i--) {
      const c = columns[i];
      const v = params.add(c.value, c.type);
      test =
        test === ''
          ? `(${c.sql} ${c.op} ${v})`
          : `(${c.sql} ${c.op} ${v} OR (${c.sql} = ${v} AND ${test}))`;
    }
    return test;
  };
  return {
    key,
    presentOrder: `k.rank ${dir}, k.num ${dir}, k.str ${dir}, k.started_ms DESC, k.session_id ASC`,
    presentAfter(after, params) {
      const value = keyValueOf(sortKey, after);
      const rank = rankOf(value);
      if (rank === 3) {
        return null;
      }
      // The same bound as a row comparison over the columns the index
      // orders one way (implied by the exact test after it), which the
      // index scan can start from instead of filtering every run before.
      const num = rank === 1 ? 0 : Number(value);
      const str = rank === 1 ? (value as string) : '';
      const bound = sortKey.descending
        ? `(k.rank, k.num, k.str, k.started_ms) <= (${params.add(rank, 'smallint')}, ${params.add(num, 'float8')}, ${params.add(str, 'text')}, ${params.add(startedMsOf(after.startedAt), 'float8')})`
        : `(k.rank, k.num, k.str) >= (${params.add(rank, 'smallint')}, ${params.add(num, 'float8')}, ${params.add(str, 'text')})`;
      return `${bound} AND ${chain(
        [
          { sql: 'k.rank', op: beyond, value: rank, type: 'float8' },
          {
            sql: 'k.num',
            op: beyond,
            value: rank === 1 ? 0 : Number(value),
            type: 'float8'
          },
          {
            sql: 'k.str',
            op: beyond,
            value: rank === 1 ? value : '',
            type: 'text'
          },
          {
            sql: 'k.started_ms',
            op: '<',
            value: startedMsOf(after.startedAt),
            type: 'float8'
          },
          { sql: 'k.session_id', op: '>', value: after.id, type: 'text' }
        ],
        params
      )}`;
    },
    missingAfter(after, params) {
      if (!after || rankOf(keyValueOf(sortKey, after)) !== 3) {
        return 'true';
      }
      return chain(
        [
          {
            sql: 'r.started_ms',
            op: '<',
            value: startedMsOf(after.startedAt),
            type: 'float8'
          },
          { sql: 'r.session_id', op: '>', value: after.id, type: 'text' }
        ],
        params
      );
    }
  };
}

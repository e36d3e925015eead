/**
 * The fields of a run that the filter language, the sort and the columns
 * name (#16): `params.NAME`, `metrics.NAME` (its last value) and
 * `metrics.NAME.min|max|count`, and the fixed fields. A field is plain data
 * (FieldRef) so a store can translate it; fieldText writes it back.
 */
import type { RunSummary } from '../../client/api-schema';

/** Which figure of a metric: its last value, or its min, max or point count. */
export type MetricStat = 'last' | 'min' | 'max' | 'count';

/** The fields that are neither a param nor a metric. */
export type FixedField =
  | 'author'
  | 'notebook'
  | 'tag'
  | 'kind'
  | 'status'
  | 'started'
  | 'duration'
  | 'executions'
  | 'input'
  | 'input.sha256'
  | 'id';

/** A field of a run, as a filter, a sort key or a column names it. */
export type FieldRef =
  | { field: 'params'; name: string }
  | { field: 'metrics'; name: string; stat: MetricStat }
  | { field: FixedField };

/** A literal of the filter language. */
export type FilterValue = string | number | boolean | null;

/** The fixed fields with what each means (the completion box shows it). */
export const FIXED_FIELDS: ReadonlyArray<{ name: FixedField; detail: string }> =
  [
    { name: 'author', detail: 'user name or display name' },
    { name: 'notebook', detail: 'notebook path' },
    { name: 'tag', detail: 'one of the run’s tags' },
    { name: 'kind', detail: 'notebook, replay, fork or export' },
    { name: 'status', detail: 'ok, failed, interrupted or empty' },
    {
      name: 'started',
      detail: 'start (ISO date or date-time, UTC unless zoned)'
    },
    {
      name: 'duration',
      detail: 'seconds from start to the last execution’s end'
    },
    { name: 'executions', detail: 'number of executions' },
    { name: 'input', detail: 'a path the run read' },
    { name: 'input.sha256', detail: 'the hash of a file the run read' },
    { name: 'id', detail: 'the run’s (session’s) id' }
  ];

/** Fields with several values per run: a test holds when one value passes. */
export const LIST_FIELDS: ReadonlySet<FixedField> = new Set<FixedField>([
  'author',
  'tag',
  'input',
  'input.sha256'
]);

const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const STAT_SUFFIX = /\.(min|max|count)$/i;

/** A param or metric name as the language writes it (backquoted when it must be). */
export function nameText(name: string, metric = false): string {
  if (BARE_NAME.test(name) && !(metric && STAT_SUFFIX.test(name))) {
    return name;
  }
  return '`' + name.replace(/[`\\]/g, c => '\\' + c) + '`';
}

/** The canonical text of a field: `params.lr`, `metrics.loss.min`, `author`. */
export function fieldText(ref: FieldRef): string {
  if (ref.field === 'params') {
    return `params.${nameText(ref.name)}`;
  }
  if (ref.field === 'metrics') {
    const stat = ref.stat === 'last' ? '' : `.${ref.stat}`;
    return `metrics.${nameText(ref.name, true)}${stat}`;
  }
  return ref.field;
}

/**
 * The name as a property key string. A name the parser cut from the text
 * is a slice of it, which engines look up much more slowly as a key (V8:
 * about 1 µs a lookup, the string made unique each time); a key of an
 * object is the unique copy.
 */
function propertyKey(name: string): string {
  return Object.keys({ [name]: true })[0];
}

/**
 * The one value of a single-valued field of a run: undefined when the run
 * lacks it (no such param or metric, no end yet). `started` gives the
 * startedAt text; `duration` seconds.
 */
export function scalarOf(
  ref: FieldRef
): (run: RunSummary) => FilterValue | undefined {
  switch (ref.field) {
    case 'params': {
      // Inherited properties (constructor, toString) are functions or
      // objects, never a param value: no own-property check needed.
      const name = propertyKey(ref.name);
      return run => {
        const value = run.params[name];
        return value === null ||
          (typeof value !== 'object' && typeof value !== 'function')
          ? value
          : undefined;
      };
    }
    case 'metrics': {
      // Inherited properties have no `last`/`min`/... (undefined: missing).
      const name = propertyKey(ref.name);
      const stat = ref.stat;
      return run => {
        const summary = run.metrics[name];
        return typeof summary === 'object' && summary !== null
          ? summary[stat]
          : undefined;
      };
    }
    case 'notebook':
      return run => run.notebookPath;
    case 'kind':
      return run => run.kind;
    case 'status':
      return run => run.status;
    case 'id':
      return run => run.id;
    case 'started':
      return run => run.startedAt;
    case 'duration':
      return run =>
        run.durationMs === null ? undefined : run.durationMs / 1000;
    case 'executions':
      return run => run.executionCount;
    case 'author':
      return run => (run.author ? run.author.name : undefined);
    case 'tag':
      return run => (run.tags.length > 0 ? run.tags[0] : undefined);
    case 'input':
      return run => (run.inputs.length > 0 ? run.inputs[0].path : undefined);
    case 'input.sha256':
      return run => (run.inputs.length > 0 ? run.inputs[0].sha256 : undefined);
  }
}

/**
 * Every value of a field of a run (one for single-valued fields; the name
 * and display name of the author; each tag, input path or input hash);
 * undefined when the run has none.
 */
export function valuesOf(
  ref: FieldRef
): (run: RunSummary) => readonly FilterValue[] | undefined {
  switch (ref.field) {
    case 'author':
      return run =>
        run.author ? [run.author.name, run.author.displayName] : undefined;
    case 'tag':
      return run => (run.tags.length > 0 ? run.tags : undefined);
    case 'input':
      return run =>
        run.inputs.length > 0 ? run.inputs.map(input => input.path) : undefined;
    case 'input.sha256':
      return run => {
        const hashes: string[] = [];
        for (const input of run.inputs) {
          if (input.sha256 !== null) {
            hashes.push(input.sha256);
          }
        }
        return hashes.length > 0 ? hashes : undefined;
      };
    default: {
      const scalar = scalarOf(ref);
      return run => {
        const value = scalar(run);
        return value === undefined ? undefined : [value];
      };
    }
  }
}

/**
 * Strings by Unicode code point, whatever the locale (JavaScript's own `<`
 * orders UTF-16 units, which puts U+E000..U+FFFF after astral characters).
 */
export function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x < 0xe000 ? x + 0x2000 : x - 0x800;
        y = y < 0xe000 ? y + 0x2000 : y - 0x800;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

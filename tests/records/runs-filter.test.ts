/**
 * The run filter language (#16): each operator and field over a run, types
 * without coercion, missing fields and `!=`, `not`, precedence, `in`,
 * `exists`, `~`, `started` instants, backquoted names; the AST as data.
 */
import {
  fieldsOf,
  fieldText,
  matchesFilter,
  parseField,
  parseFilter
} from '../../src/records/runs';
import { run } from './runs-fixture';

const base = run();

function matches(text: string, subject = base): boolean {
  return matchesFilter(parseFilter(text), subject);
}

describe('parseFilter: the AST is plain data', () => {
  it('parses the issue example into a JSON-serialisable tree', () => {
    const node = parseFilter(
      'metrics.accuracy > 0.9 and params.model = "rf" and author = "alice" and tag = "baseline"'
    );
    expect(JSON.parse(JSON.stringify(node))).toEqual({
      op: 'and',
      args: [
        {
          op: '>',
          field: { field: 'metrics', name: 'accuracy', stat: 'last' },
          value: 0.9
        },
        { op: '=', field: { field: 'params', name: 'model' }, value: 'rf' },
        { op: '=', field: { field: 'author' }, value: 'alice' },
        { op: '=', field: { field: 'tag' }, value: 'baseline' }
      ]
    });
  });

  it('reads the empty or blank filter as match-all', () => {
    expect(parseFilter('')).toEqual({ op: 'all' });
    expect(parseFilter('  \n ')).toEqual({ op: 'all' });
    expect(matches('')).toBe(true);
  });

  it('reads keywords in any case', () => {
    expect(
      parseFilter('NOT params.lr EXISTS Or tag IN ["a"] AND kind = TRUE')
    ).toEqual({
      op: 'or',
      args: [
        {
          op: 'not',
          arg: { op: 'exists', field: { field: 'params', name: 'lr' } }
        },
        {
          op: 'and',
          args: [
            { op: 'in', field: { field: 'tag' }, values: ['a'] },
            { op: '=', field: { field: 'kind' }, value: true }
          ]
        }
      ]
    });
  });

  it('reads numbers, strings with escapes, true, false, null', () => {
    const values = (text: string) =>
      (parseFilter(`params.x in [${text}]`) as { values: unknown[] }).values;
    expect(values('1, -2.5, 1e-3, .5, 2E+2, 0')).toEqual([
      1, -2.5, 0.001, 0.5, 200, 0
    ]);
    expect(
      values(String.raw`"a\"b", 'it\'s', "tab\there", "\u00e9", "back\\slash"`)
    ).toEqual(['a"b', "it's", 'tab\there', 'é', 'back\\slash']);
    expect(values('true, FALSE, null')).toEqual([true, false, null]);
  });

  it('reads backquoted names, and .min/.max/.count as metric suffixes', () => {
    expect(parseField('params.`learning rate`')).toEqual({
      field: 'params',
      name: 'learning rate'
    });
    expect(parseField('params.a.min')).toEqual({
      field: 'params',
      name: 'a.min'
    });
    expect(parseField('metrics.loss.min')).toEqual({
      field: 'metrics',
      name: 'loss',
      stat: 'min'
    });
    expect(parseField('metrics.val.loss.max')).toEqual({
      field: 'metrics',
      name: 'val.loss',
      stat: 'max'
    });
    expect(parseField('metrics.a-b.count')).toEqual({
      field: 'metrics',
      name: 'a-b',
      stat: 'count'
    });
    expect(parseField('metrics.`x.min`')).toEqual({
      field: 'metrics',
      name: 'x.min',
      stat: 'last'
    });
    expect(parseField('metrics.`x.min`.max')).toEqual({
      field: 'metrics',
      name: 'x.min',
      stat: 'max'
    });
    expect(parseField('metrics.`a \\` b`')).toEqual({
      field: 'metrics',
      name: 'a ` b',
      stat: 'last'
    });
    expect(parseField('input.sha256')).toEqual({ field: 'input.sha256' });
  });

  it('writes fields back as text that parses to the same field', () => {
    for (const text of [
      'params.lr',
      'params.`learning rate`',
      'metrics.loss',
      'metrics.loss.min',
      'metrics.`x.min`',
      'metrics.`x.min`.count',
      'params.`a \\` b`',
      'started'
    ]) {
      expect(fieldText(parseField(text))).toBe(text);
    }
  });

  it('lists the fields a filter reads, once each', () => {
    const fields = fieldsOf(
      parseFilter(
        '(params.lr > 1 or params.lr < 0) and not metrics.acc.max exists and tag = "a"'
      )
    );
    expect(fields.map(fieldText)).toEqual([
      'params.lr',
      'metrics.acc.max',
      'tag'
    ]);
  });
});

describe('matchesFilter: operators', () => {
  it('= and != on numbers, strings and booleans', () => {
    expect(matches('params.lr = 0.01')).toBe(true);
    expect(matches('params.lr = 0.02')).toBe(false);
    expect(matches('params.lr != 0.02')).toBe(true);
    expect(matches('params.lr != 0.01')).toBe(false);
    expect(matches('params.model = "rf"')).toBe(true);
    expect(matches("params.model = 'RF'")).toBe(false);
    expect(matches('params.deep = true')).toBe(true);
    expect(matches('params.deep != false')).toBe(true);
  });

  it('> >= < <= on numbers, and on strings by code point', () => {
    expect(matches('params.depth > 9')).toBe(true);
    expect(matches('params.depth > 10')).toBe(false);
    expect(matches('params.depth >= 10')).toBe(true);
    expect(matches('params.depth < 10')).toBe(false);
    expect(matches('params.depth <= 10')).toBe(true);
    expect(matches('params.model > "q"')).toBe(true);
    expect(matches('params.model < "rg"')).toBe(true);
    expect(matches('params.model < "R"')).toBe(false);
    // U+FF21 (fullwidth A) comes before U+1F600 by code point, not by UTF-16 unit.
    expect(matches('params.s < "😀"', run({ params: { s: 'Ａ' } }))).toBe(true);
  });

  it('never coerces: "10" is no number and 10 no string', () => {
    expect(matches('params.size > 9')).toBe(false);
    expect(matches('params.size = 10')).toBe(false);
    expect(matches('params.size = "10"')).toBe(true);
    expect(matches('params.depth = "10"')).toBe(false);
    expect(matches('params.deep = 1')).toBe(false);
    expect(matches('params.deep > false')).toBe(false);
  });

  it('~ is a case-insensitive substring of strings only', () => {
    expect(matches('notebook ~ "TRAIN"')).toBe(true);
    expect(matches('notebook ~ "eval"')).toBe(false);
    expect(matches('params.depth ~ "1"')).toBe(false);
    expect(matches('author ~ "martin"')).toBe(true);
  });

  it('in: equal to one of the values, each compared without coercion', () => {
    expect(matches('params.model in ["svm", "rf"]')).toBe(true);
    expect(matches('params.depth in ["10", 11]')).toBe(false);
    expect(matches('params.depth in [10]')).toBe(true);
    expect(matches('params.model in []')).toBe(false);
    expect(matches('tag in ["x", "gpu"]')).toBe(true);
  });

  it('exists: the run has the field, null values included', () => {
    expect(matches('params.lr exists')).toBe(true);
    expect(matches('params.note exists')).toBe(true);
    expect(matches('params.nope exists')).toBe(false);
    expect(matches('metrics.loss exists')).toBe(true);
    expect(matches('tag exists', run({ tags: [] }))).toBe(false);
    expect(
      matches('duration exists', run({ endedAt: null, durationMs: null }))
    ).toBe(false);
  });

  it('null: = null holds for null values, != null for any other', () => {
    expect(matches('params.note = null')).toBe(true);
    expect(matches('params.lr = null')).toBe(false);
    expect(matches('params.lr != null')).toBe(true);
    expect(matches('params.note != null')).toBe(false);
    expect(matches('metrics.loss = null')).toBe(true);
    expect(matches('metrics.loss > 0')).toBe(false);
    expect(matches('params.note > null')).toBe(false);
  });
});

describe('matchesFilter: missing fields and not', () => {
  it('a missing field never matches, != included', () => {
    expect(matches('params.nope = 1')).toBe(false);
    expect(matches('params.nope != 1')).toBe(false);
    expect(matches('metrics.nope < 100')).toBe(false);
    expect(matches('author = "alice"', run({ author: undefined }))).toBe(false);
    expect(matches('author != "alice"', run({ author: undefined }))).toBe(
      false
    );
    expect(matches('tag != "x"', run({ tags: [] }))).toBe(false);
  });

  it('a type mismatch under != does not match either', () => {
    expect(matches('params.depth != "x"')).toBe(false);
    expect(matches('tag != 3')).toBe(false);
  });

  it('not turns a missing field into a match', () => {
    expect(matches('not params.nope = 1')).toBe(true);
    expect(matches('not params.depth != "x"')).toBe(true);
    expect(matches('not not params.lr = 0.01')).toBe(true);
    expect(matches('not params.lr = 0.01')).toBe(false);
  });

  it('ignores inherited properties: a param named constructor is missing', () => {
    expect(matches('params.constructor exists')).toBe(false);
    expect(matches('metrics.toString exists')).toBe(false);
  });
});

describe('matchesFilter: precedence and parentheses', () => {
  // true, false, false
  const T = 'params.lr = 0.01';
  const F1 = 'params.lr = 1';
  const F2 = 'params.lr = 2';

  it('and binds tighter than or', () => {
    expect(matches(`${T} or ${F1} and ${F2}`)).toBe(true);
    expect(matches(`(${T} or ${F1}) and ${F2}`)).toBe(false);
    expect(matches(`${F1} and ${F2} or ${T}`)).toBe(true);
    expect(parseFilter('tag = "a" or tag = "b" and tag = "c"')).toMatchObject({
      op: 'or',
      args: [{ op: '=' }, { op: 'and' }]
    });
  });

  it('not binds tighter than and', () => {
    expect(matches(`not ${F1} and ${T}`)).toBe(true);
    expect(matches(`not (${F1} or ${T})`)).toBe(false);
    expect(parseFilter('not tag = "a" and tag = "b"')).toMatchObject({
      op: 'and',
      args: [{ op: 'not' }, { op: '=' }]
    });
  });

  it('nested parentheses', () => {
    expect(matches(`((${T}) and ((${F1}) or (${T})))`)).toBe(true);
  });
});

describe('matchesFilter: fields', () => {
  it('metrics: last by default, .min .max .count', () => {
    expect(matches('metrics.accuracy = 0.93')).toBe(true);
    expect(matches('metrics.accuracy.min = 0.5')).toBe(true);
    expect(matches('metrics.accuracy.max >= 0.95')).toBe(true);
    expect(matches('metrics.accuracy.count = 3')).toBe(true);
    expect(matches('metrics.loss.min < 0.2')).toBe(true);
    expect(matches('metrics.`x.min` = 7')).toBe(true);
    expect(matches('metrics.x.min = 7')).toBe(false);
  });

  it('author: the user name or the display name', () => {
    expect(matches('author = "alice"')).toBe(true);
    expect(matches('author = "Alice Martin"')).toBe(true);
    expect(matches('author = "bob"')).toBe(false);
    expect(matches('author != "bob"')).toBe(true);
    expect(matches('author != "alice"')).toBe(false);
  });

  it('notebook, kind, status, id', () => {
    expect(matches('notebook = "work/train.ipynb"')).toBe(true);
    expect(matches('kind = "notebook"')).toBe(true);
    expect(matches('kind = "fork"', run({ kind: 'fork' }))).toBe(true);
    expect(matches('status = "failed"', run({ status: 'failed' }))).toBe(true);
    expect(matches('status != "ok"')).toBe(false);
    expect(matches('id = "run-1"')).toBe(true);
  });

  it('tag: the tags contain it', () => {
    expect(matches('tag = "baseline"')).toBe(true);
    expect(matches('tag = "gpu"')).toBe(true);
    expect(matches('tag = "base"')).toBe(false);
    expect(matches('tag ~ "BASE"')).toBe(true);
    expect(matches('tag != "cpu"')).toBe(true);
    expect(matches('tag != "gpu"')).toBe(false);
  });

  it('input: some input path; input.sha256: some known hash', () => {
    expect(matches('input = "data/test.csv"')).toBe(true);
    expect(matches('input = "data"')).toBe(false);
    expect(matches('input ~ "train"')).toBe(true);
    expect(matches(`input.sha256 = "${'a'.repeat(64)}"`)).toBe(true);
    expect(matches(`input.sha256 = "${'b'.repeat(64)}"`)).toBe(false);
    expect(matches('input exists', run({ inputs: [] }))).toBe(false);
  });

  it('duration in seconds, executions', () => {
    expect(matches('duration = 300')).toBe(true);
    expect(matches('duration > 299.5 and duration < 301')).toBe(true);
    expect(
      matches('duration > 0', run({ endedAt: null, durationMs: null }))
    ).toBe(false);
    expect(matches('executions = 4')).toBe(true);
    expect(matches('executions >= 5')).toBe(false);
  });

  it('started: dates and date-times compared as instants, zones applied', () => {
    // The run started at 2026-12-07T10:00:00Z.
    expect(matches('started > "2026-12-07"')).toBe(true);
    expect(matches('started < "2026-12-08"')).toBe(true);
    expect(matches('started >= "2026-12-07T10:00"')).toBe(true);
    expect(matches('started > "2026-12-07T10:00"')).toBe(false);
    expect(matches('started = "2026-12-07T10:00:00Z"')).toBe(true);
    expect(matches('started = "2026-12-07T11:00:00+01:00"')).toBe(true);
    expect(matches('started = "2026-12-07T05:00-0500"')).toBe(true);
    expect(matches('started > "2026-12-07T10:30+01:00"')).toBe(true);
    expect(matches('started < "2026-12-07T10:30+00:00"')).toBe(true);
    expect(matches('started = "2026-12-07 10:00:00.000"')).toBe(true);
    expect(matches('started != "2026-12-07"')).toBe(true);
    expect(matches('started in ["2026-12-07T11:00+01:00"]')).toBe(true);
    expect(matches('started ~ "2026-12"')).toBe(true);
    // A start written with an offset compares by its instant too.
    const zoned = run({ startedAt: '2026-12-07T12:00:00+02:00' });
    expect(matches('started = "2026-12-07T10:00Z"', zoned)).toBe(true);
  });

  it('canonicalises started values in the AST (UTC), so a store can compare them', () => {
    expect(parseFilter('started >= "2026-12-07T09:30+01:00"')).toEqual({
      op: '>=',
      field: { field: 'started' },
      value: '2026-12-07T08:30:00.000Z'
    });
    expect(parseFilter('started < "2026-12-07"')).toMatchObject({
      value: '2026-12-07T00:00:00.000Z'
    });
  });
});

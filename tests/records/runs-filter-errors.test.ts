/**
 * The run filter language's syntax errors (#16): each names the 0-based
 * offset, what could have come there and what came instead, in the words
 * the runs API's 400 repeats (`filter: at 23: expected …`).
 */
import {
  FilterSyntaxError,
  parseField,
  parseFilter,
  parseSort
} from '../../src/records/runs';

function errorOf(parse: () => unknown): FilterSyntaxError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error('expected a FilterSyntaxError');
}

const VALUE = 'a value (number, "string", true, false, null)';
const OPERATOR = 'an operator (=, !=, >, >=, <, <=, ~, in, exists)';
const FIELD =
  'a field (params.NAME, metrics.NAME, author, notebook, tag, kind, status, started, duration, executions, input, input.sha256, id)';

describe('parseFilter errors', () => {
  it('a missing value: the contract example', () => {
    const error = errorOf(() =>
      parseFilter('metrics.accuracy > 0.9 and params.lr >')
    );
    expect(error.position).toBe(38);
    expect(error.expected).toEqual([VALUE]);
    expect(error.found).toBe('end of filter');
    expect(error.message).toBe(
      `at 38: expected ${VALUE} but found end of filter`
    );
  });

  it('a missing value before more text names the token found', () => {
    const error = errorOf(() => parseFilter('params.lr > and tag = "a"'));
    expect(error.position).toBe(12);
    expect(error.expected).toEqual([VALUE]);
    expect(error.found).toBe('"and"');
  });

  it('an unclosed string: at its end, a closing quote expected', () => {
    const error = errorOf(() =>
      parseFilter('tag = "a" and params.model = "rf')
    );
    expect(error.position).toBe(32);
    expect(error.expected).toEqual(['a closing "']);
    expect(error.message).toBe(
      'at 32: expected a closing " but found end of filter'
    );
    // A quote inside closes the string; what follows it is then out of place.
    expect(
      errorOf(() => parseFilter('params.model = "rf and tag = "a')).position
    ).toBe(30);
    expect(errorOf(() => parseFilter("tag = 'x")).expected).toEqual([
      "a closing '"
    ]);
    expect(errorOf(() => parseFilter('tag = "x\\"')).position).toBe(10);
  });

  it('an unknown operator', () => {
    const error = errorOf(() => parseFilter('params.lr is 3'));
    expect(error.position).toBe(10);
    expect(error.expected).toEqual([OPERATOR]);
    expect(error.found).toBe('"is"');
    // == reads as = followed by a value that is not one.
    const double = errorOf(() => parseFilter('params.lr == 3'));
    expect(double.position).toBe(11);
    expect(double.expected).toEqual([VALUE]);
    expect(double.found).toBe('"="');
    expect(errorOf(() => parseFilter('params.lr')).expected).toEqual([
      OPERATOR
    ]);
  });

  it('trailing garbage', () => {
    const error = errorOf(() => parseFilter('params.lr > 3 foo'));
    expect(error.position).toBe(14);
    expect(error.expected).toEqual(['"and"', '"or"', 'end of filter']);
    expect(error.message).toBe(
      'at 14: expected "and", "or" or end of filter but found "foo"'
    );
    const extra = errorOf(() => parseFilter('tag = "a")'));
    expect(extra.position).toBe(9);
    expect(extra.found).toBe('")"');
  });

  it('an unclosed parenthesis or list', () => {
    const paren = errorOf(() => parseFilter('(tag = "a" or tag = "b"'));
    expect(paren.position).toBe(23);
    expect(paren.expected).toEqual(['"and"', '"or"', '")"']);
    const list = errorOf(() => parseFilter('tag in ["a", "b"'));
    expect(list.position).toBe(16);
    expect(list.expected).toEqual(['","', '"]"']);
    const open = errorOf(() => parseFilter('tag in "a"'));
    expect(open.position).toBe(7);
    expect(open.expected).toEqual(['"["']);
  });

  it('a clause missing after and, or, not', () => {
    for (const [text, position] of [
      ['tag = "a" and', 13],
      ['tag = "a" or ', 13],
      ['not', 3]
    ] as const) {
      const error = errorOf(() => parseFilter(text));
      expect(error.position).toBe(position);
      expect(error.expected).toEqual([FIELD, '"not"', '"("']);
      expect(error.found).toBe('end of filter');
    }
  });

  it('an unknown field, with how to name a param or metric', () => {
    const error = errorOf(() => parseFilter('accuracy > 0.9'));
    expect(error.position).toBe(0);
    expect(error.expected).toEqual([FIELD, '"not"', '"("', 'end of filter']);
    expect(error.message).toBe(
      `at 0: expected ${FIELD}, "not", "(" or end of filter but found "accuracy"` +
        ' (a param is params.accuracy, a metric metrics.accuracy)'
    );
  });

  it('a param or metric without a name', () => {
    const param = errorOf(() => parseFilter('params. = 1'));
    expect(param.position).toBe(7);
    expect(param.expected).toEqual([
      'a param name (params.NAME or params.`any name`)'
    ]);
    const metric = errorOf(() => parseFilter('metrics.'));
    expect(metric.position).toBe(8);
    expect(metric.found).toBe('end of filter');
    const quoted = errorOf(() => parseFilter('params.`lr = 1'));
    expect(quoted.position).toBe(14);
    expect(quoted.expected).toEqual(['a closing `']);
    expect(errorOf(() => parseFilter('params.`` = 1')).expected).toEqual([
      'a name between the backquotes'
    ]);
  });

  it('~ with a value that is not a string, started with one that is not a date', () => {
    const tilde = errorOf(() => parseFilter('notebook ~ 3'));
    expect(tilde.position).toBe(11);
    expect(tilde.expected).toEqual(['a "string" (~ looks for text)']);
    const date = errorOf(() => parseFilter('started > "last week"'));
    expect(date.position).toBe(10);
    expect(date.found).toBe(`'"last week"'`);
    expect(date.expected[0]).toMatch(/^an ISO date or date-time string/);
    expect(errorOf(() => parseFilter('started > 5')).position).toBe(10);
    expect(
      errorOf(() => parseFilter('started in ["2026-12-07", "x"]')).position
    ).toBe(26);
  });

  it('a number glued to a word is no number', () => {
    const error = errorOf(() => parseFilter('params.x = 3abc'));
    expect(error.position).toBe(11);
    expect(error.found).toBe('"3abc"');
  });

  it('a text too long or too deep', () => {
    const long = errorOf(() =>
      parseFilter('tag = "' + 'x'.repeat(10_000) + '"')
    );
    expect(long.position).toBe(10_000);
    const deep = 'not '.repeat(100) + 'tag = "a"';
    expect(errorOf(() => parseFilter(deep)).message).toMatch(
      /at most 64 nested levels/
    );
    // As deep as the length allows: an error, not a crash.
    const parens = '('.repeat(4990) + 'tag = "a"' + ')'.repeat(4990);
    expect(() => parseFilter(parens)).not.toThrow(RangeError);
    expect(parseFilter('('.repeat(20) + 'tag = "a"' + ')'.repeat(20))).toEqual({
      op: '=',
      field: { field: 'tag' },
      value: 'a'
    });
  });
});

describe('parseSort and parseField errors', () => {
  it('a sort key that is no field', () => {
    const error = errorOf(() => parseSort('-metrics.acc,accuracy'));
    expect(error.position).toBe(13);
    expect(error.expected).toEqual([FIELD]);
  });

  it('a list field cannot be sorted on', () => {
    const error = errorOf(() => parseSort('params.lr, -tag'));
    expect(error.position).toBe(12);
    expect(error.found).toBe('"tag"');
  });

  it('a column that is no field', () => {
    expect(errorOf(() => parseField('params.lr x')).position).toBe(10);
    expect(errorOf(() => parseField('')).expected).toEqual([FIELD]);
  });
});

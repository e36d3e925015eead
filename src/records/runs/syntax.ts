/**
 * The syntax of the run filter language's texts (#16): the generated parser
 * (src/records/runs/filter.peggy compiled into src/_generated/filter-parser.ts
 * by scripts/build-filter-parser.mjs) called from one of its start rules
 * (a filter, a sort, one field), and its errors in words:
 * `at 23: expected a value (number, "string", true, false, null) but found end of filter`.
 */
import {
  parse as generatedParse,
  SyntaxError as GeneratedSyntaxError
} from '../../_generated/filter-parser';

/** The longest filter, sort or field text accepted. */
export const FILTER_MAX_LENGTH = 10_000;
/** The deepest nesting of parentheses and `not` accepted. */
export const FILTER_MAX_DEPTH = 64;

/** A filter, sort or field text that does not parse. */
export class FilterSyntaxError extends Error {
  constructor(
    /** 0-based offset into the text where it went wrong. */
    readonly position: number,
    /** What could have come there, in words. */
    readonly expected: string[],
    /** What came instead, as the message shows it (`"foo"`, `end of filter`). */
    readonly found: string,
    hint = ''
  ) {
    super(
      `at ${position}: expected ${joinOr(expected)} but found ${found}${hint}`
    );
    this.name = 'FilterSyntaxError';
  }
}

const FIELD_WORDS =
  'a field (params.NAME, metrics.NAME, author, notebook, tag, kind, status, started, duration, executions, input, input.sha256, id)';

/** The grammar's names for what it expected, in words. */
const EXPECTED_WORDS: Record<string, string> = {
  field: FIELD_WORDS,
  operator: 'an operator (=, !=, >, >=, <, <=, ~, in, exists)',
  value: 'a value (number, "string", true, false, null)',
  and: '"and"',
  or: '"or"',
  not: '"not"',
  end: 'end of filter',
  'param name': 'a param name (params.NAME or params.`any name`)',
  'metric name': 'a metric name (metrics.NAME or metrics.`any name`)',
  name: 'a name between the backquotes',
  'closing "': 'a closing "',
  "closing '": "a closing '",
  'closing `': 'a closing `',
  string: 'a "string" (~ looks for text)',
  date: 'an ISO date or date-time string ("2026-12-07", "2026-12-07T09:30+01:00")'
};

/** The order expected entries are listed in (by where they stand in a clause). */
const EXPECTED_ORDER = [
  FIELD_WORDS,
  '"not"',
  '"("',
  EXPECTED_WORDS.operator,
  EXPECTED_WORDS.value,
  '"["',
  '","',
  '"]"',
  '"and"',
  '"or"',
  '")"',
  'end of filter'
];

interface GeneratedExpectation {
  type: 'literal' | 'class' | 'any' | 'end' | 'other';
  text?: string;
  description?: string;
}

interface GeneratedError {
  message: string;
  expected: GeneratedExpectation[] | null;
  location: { start: { offset: number } };
}

const parseGenerated = generatedParse as (
  text: string,
  options: { startRule: 'Filter' | 'Sort' | 'FieldOnly' }
) => unknown;

/**
 * Parses with the generated parser from one of its start rules, turning its
 * errors into FilterSyntaxError.
 */
export function parseWith<T>(
  text: string,
  startRule: 'Filter' | 'Sort' | 'FieldOnly'
): T {
  if (text.length > FILTER_MAX_LENGTH) {
    throw new FilterSyntaxError(
      FILTER_MAX_LENGTH,
      [`end of filter (at most ${FILTER_MAX_LENGTH} characters)`],
      describeFound(text, FILTER_MAX_LENGTH)
    );
  }
  try {
    return parseGenerated(text, { startRule }) as T;
  } catch (error) {
    if (error instanceof GeneratedSyntaxError) {
      throw fromGenerated(text, error as unknown as GeneratedError);
    }
    if (error instanceof RangeError) {
      // Nesting deep enough to exhaust the stack.
      throw new FilterSyntaxError(
        0,
        [`at most ${FILTER_MAX_DEPTH} nested levels`],
        'more'
      );
    }
    throw error;
  }
}

function fromGenerated(text: string, error: GeneratedError): FilterSyntaxError {
  const position = error.location.start.offset;
  const words = new Set<string>();
  if (error.expected === null) {
    const tag = error.message.startsWith('expected:')
      ? error.message.slice('expected:'.length)
      : error.message;
    words.add(EXPECTED_WORDS[tag] ?? tag);
  } else {
    for (const item of error.expected) {
      const word = expectationWords(item);
      if (word !== null) {
        words.add(word);
      }
    }
  }
  const expected = [...words].sort(
    (a, b) => orderOf(a) - orderOf(b) || (a < b ? -1 : a > b ? 1 : 0)
  );
  const found = describeFound(text, position);
  return new FilterSyntaxError(
    position,
    expected,
    found,
    hintFor(expected, found)
  );
}

/** For a bare word where a field belongs: how to name a param or metric. */
function hintFor(expected: string[], found: string): string {
  const word = /^"([A-Za-z_][A-Za-z0-9_-]*)"$/.exec(found);
  if (word === null || !expected.includes(FIELD_WORDS)) {
    return '';
  }
  return ` (a param is params.${word[1]}, a metric metrics.${word[1]})`;
}

function expectationWords(item: GeneratedExpectation): string | null {
  switch (item.type) {
    case 'end':
      return EXPECTED_WORDS.end;
    case 'literal':
      return JSON.stringify(item.text);
    case 'other':
      return EXPECTED_WORDS[item.description ?? ''] ?? item.description ?? null;
    default:
      // Character classes (a sort key's sign) are not worth naming.
      return null;
  }
}

function orderOf(word: string): number {
  const index = EXPECTED_ORDER.indexOf(word);
  return index < 0 ? EXPECTED_ORDER.length : index;
}

const TOKEN =
  /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?|[A-Za-z0-9_.-]+|[<>!=]=?|\S/y;

/** The token at an offset, as an error message shows it. */
function describeFound(text: string, position: number): string {
  let at = position;
  while (at < text.length && /\s/.test(text[at])) {
    at++;
  }
  if (at >= text.length) {
    return 'end of filter';
  }
  TOKEN.lastIndex = at;
  const match = TOKEN.exec(text);
  let token = match ? match[0] : text[at];
  if (token.length > 40) {
    token = token.slice(0, 40) + '…';
  }
  return token.includes('"') ? `'${token}'` : `"${token}"`;
}

function joinOr(words: string[]): string {
  if (words.length <= 1) {
    return words[0] ?? 'nothing';
  }
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

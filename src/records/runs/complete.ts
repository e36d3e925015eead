/**
 * Completions for the leaderboard's filter box (#16): what may come at the
 * cursor of a filter being typed (fields, param and metric names,
 * operators, known values, and/or), from a light scan of the text before
 * the cursor. It never throws: a text it cannot follow gets no options.
 */
import { FIXED_FIELDS, nameText } from './fields';

/** The names the caller's runs use (GET /api/v1/runs/names). */
export interface CompletionNames {
  params: readonly string[];
  metrics: readonly string[];
  tags?: readonly string[];
  authors?: readonly string[];
}

/** One option of the completion box. */
export interface CompletionOption {
  /** The text that replaces from..to. */
  label: string;
  /** What it is, in a few words. */
  detail: string;
}

/** The options for the text between from and to (the word at the cursor). */
export interface FilterCompletions {
  from: number;
  to: number;
  options: CompletionOption[];
}

/** The most options given at once. */
export const COMPLETIONS_MAX = 200;

const OPERATORS: CompletionOption[] = [
  { label: '=', detail: 'equals' },
  { label: '!=', detail: 'differs (the field present)' },
  { label: '>', detail: 'greater than' },
  { label: '>=', detail: 'at least' },
  { label: '<', detail: 'less than' },
  { label: '<=', detail: 'at most' },
  { label: '~', detail: 'contains the text (any case)' },
  { label: 'in', detail: 'one of [a, b, …]' },
  { label: 'exists', detail: 'the run has the field' }
];

const KNOWN_VALUES: Record<string, readonly string[]> = {
  kind: ['notebook', 'replay', 'fork', 'export'],
  status: ['ok', 'failed', 'interrupted', 'empty']
};

type TokenType = 'space' | 'string' | 'word' | 'op' | 'punct' | 'other';

interface Token {
  type: TokenType;
  text: string;
  start: number;
  end: number;
}

const TOKEN_PATTERNS: [TokenType, RegExp][] = [
  ['space', /\s+/y],
  ['string', /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?/y],
  ['word', /(?:[A-Za-z0-9_.+-]|`(?:[^`\\]|\\.)*`?)+/y],
  ['op', />=|<=|!=|=|>|<|~/y],
  ['punct', /[()[\],]/y],
  ['other', /[^]/y]
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    for (const [type, pattern] of TOKEN_PATTERNS) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (match && match[0].length > 0) {
        tokens.push({
          type,
          text: match[0],
          start: at,
          end: at + match[0].length
        });
        at += match[0].length;
        break;
      }
    }
  }
  return tokens;
}

/** Where the scan stands: what the next token may be. */
type State =
  | 'clause'
  | 'operator'
  | 'value'
  | 'list-open'
  | 'list-value'
  | 'list-next'
  | 'after'
  | 'lost';

function isWord(token: Token, word: string): boolean {
  return token.type === 'word' && token.text.toLowerCase() === word;
}

/**
 * The completions at a cursor offset of a filter text.
 * @param names the param, metric, tag and author names to offer.
 */
export function filterCompletions(
  text: string,
  cursorOffset: number,
  names: CompletionNames
): FilterCompletions {
  const cursor = Math.max(0, Math.min(cursorOffset, text.length));
  const tokens = tokenize(text);
  let state: State = 'clause';
  let depth = 0;
  let field = '';
  let partial: Token | null = null;
  for (const token of tokens) {
    if (token.start >= cursor) {
      break;
    }
    if (
      token.end >= cursor &&
      token.type !== 'space' &&
      token.type !== 'punct'
    ) {
      // The word (or operator, or string) the cursor is in or just after.
      partial = token;
      break;
    }
    if (token.type === 'space') {
      continue;
    }
    switch (state) {
      case 'clause':
        if (token.text === '(') {
          depth++;
        } else if (!isWord(token, 'not')) {
          state = token.type === 'word' ? 'operator' : 'lost';
          field = token.text.toLowerCase();
        }
        break;
      case 'operator':
        if (token.type === 'op') {
          state = 'value';
        } else if (isWord(token, 'in')) {
          state = 'list-open';
        } else {
          state = isWord(token, 'exists') ? 'after' : 'lost';
        }
        break;
      case 'value':
        state =
          token.type === 'string' || token.type === 'word' ? 'after' : 'lost';
        break;
      case 'list-open':
        state = token.text === '[' ? 'list-value' : 'lost';
        break;
      case 'list-value':
        state =
          token.text === ']'
            ? 'after'
            : token.type === 'string' || token.type === 'word'
              ? 'list-next'
              : 'lost';
        break;
      case 'list-next':
        state =
          token.text === ','
            ? 'list-value'
            : token.text === ']'
              ? 'after'
              : 'lost';
        break;
      case 'after':
        if (isWord(token, 'and') || isWord(token, 'or')) {
          state = 'clause';
        } else if (token.text === ')' && depth > 0) {
          depth--;
        } else {
          state = 'lost';
        }
        break;
      case 'lost':
        break;
    }
  }
  const from = partial ? partial.start : cursor;
  const to = partial ? partial.end : cursor;
  const typed = partial ? text.slice(partial.start, cursor) : '';
  const options = optionsFor(state, typed, field, depth, names);
  return { from, to, options: options.slice(0, COMPLETIONS_MAX) };
}

/** A name as typed so far, without its opening backquote or escapes. */
function nameTyped(text: string): string {
  return text.startsWith('`')
    ? text.slice(1).replace(/`$/, '').replace(/\\(.)/g, '$1')
    : text;
}

function startsWith(label: string, typed: string): boolean {
  return label.toLowerCase().startsWith(typed.toLowerCase());
}

function optionsFor(
  state: State,
  typed: string,
  field: string,
  depth: number,
  names: CompletionNames
): CompletionOption[] {
  switch (state) {
    case 'clause':
      return fieldOptions(typed, names);
    case 'operator':
      return OPERATORS.filter(option => startsWith(option.label, typed));
    case 'value':
    case 'list-value':
      return valueOptions(field, typed, names);
    case 'list-open':
      return typed === '' ? [{ label: '[', detail: 'a list of values' }] : [];
    case 'list-next':
      return [
        { label: ',', detail: 'another value' },
        { label: ']', detail: 'end of the list' }
      ].filter(option => startsWith(option.label, typed));
    case 'after':
      return [
        { label: 'and', detail: 'both conditions' },
        { label: 'or', detail: 'either condition' },
        ...(depth > 0 ? [{ label: ')', detail: 'close the parenthesis' }] : [])
      ].filter(option => startsWith(option.label, typed));
    default:
      return [];
  }
}

function fieldOptions(
  typed: string,
  names: CompletionNames
): CompletionOption[] {
  const lower = typed.toLowerCase();
  if (lower.startsWith('params.')) {
    const typedName = nameTyped(typed.slice('params.'.length));
    return names.params
      .filter(name => startsWith(name, typedName))
      .map(name => ({ label: `params.${nameText(name)}`, detail: 'param' }));
  }
  if (lower.startsWith('metrics.')) {
    const typedName = nameTyped(typed.slice('metrics.'.length));
    const options: CompletionOption[] = [];
    for (const name of names.metrics) {
      const label = `metrics.${nameText(name, true)}`;
      if (startsWith(name, typedName)) {
        options.push({ label, detail: 'metric (last value)' });
      } else if (startsWith(typed, label + '.')) {
        // The name typed whole: its figures.
        for (const stat of ['min', 'max', 'count']) {
          const withStat = `${label}.${stat}`;
          if (startsWith(withStat, typed)) {
            options.push({ label: withStat, detail: `metric (${stat})` });
          }
        }
      }
    }
    return options;
  }
  const options: CompletionOption[] = [
    ...FIXED_FIELDS.map(({ name, detail }) => ({ label: name, detail })),
    { label: 'params.', detail: 'a param: params.NAME' },
    { label: 'metrics.', detail: 'a metric: metrics.NAME' },
    { label: 'not', detail: 'the opposite of a condition' }
  ].filter(option => startsWith(option.label, typed));
  if (typed !== '') {
    // A name typed bare: the params and metrics it starts.
    for (const name of names.metrics) {
      if (startsWith(name, typed)) {
        options.push({
          label: `metrics.${nameText(name, true)}`,
          detail: 'metric'
        });
      }
    }
    for (const name of names.params) {
      if (startsWith(name, typed)) {
        options.push({ label: `params.${nameText(name)}`, detail: 'param' });
      }
    }
  }
  return options;
}

function valueOptions(
  field: string,
  typed: string,
  names: CompletionNames
): CompletionOption[] {
  let values: readonly string[] = [];
  if (field === 'tag') {
    values = names.tags ?? [];
  } else if (field === 'author') {
    values = names.authors ?? [];
  } else if (Object.prototype.hasOwnProperty.call(KNOWN_VALUES, field)) {
    values = KNOWN_VALUES[field];
  }
  // A string being typed matches without its opening quote.
  const content = /^["']/.test(typed) ? typed.slice(1) : typed;
  return values
    .filter(value => startsWith(value, content))
    .map(value => ({ label: JSON.stringify(value), detail: field }));
}

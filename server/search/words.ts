/**
 * Search by words (`GET /search?match=words`): a query word finds the
 * words of the same English stem, so `train` finds "training", "trained"
 * and "trains", and a "quoted phrase" finds its words in a row.
 *
 * The rules, the same on every store (PostgreSQL applies them with its own
 * text search: the `trail_words` configuration of migration 005):
 * - a word is a run of letters, combining marks and digits; everything else
 *   separates words, so `read_csv` is "read" then "csv", and case is
 *   ignored;
 * - a word of letters only is compared by its Snowball English (Porter2)
 *   stem, the stemmer PostgreSQL's `english_stem` dictionary uses; a word
 *   with a digit (`x86`, `v2`, `2024`) is compared as written;
 * - there are no stop words: `the` and `is` are words like any other;
 * - words longer than 2,047 bytes are left out (PostgreSQL does not index
 *   them).
 *
 * Measured against PostgreSQL 15 over 1,015 Python files (C.UTF-8): the
 * same words in all but three kinds of text, where PostgreSQL splits
 * otherwise: a number like `1e90ff` (read as 1e90 then ff), marks the C
 * library does not count as letters (Tamil's virama), and `yyyy`.
 *
 * The text index in memory scans for a piece every matching document must
 * hold (see {@link WordQuery.needles}), then checks the document here.
 */
import stem from 'wink-porter2-stemmer';

/** A word: letters, combining marks and digits. */
const WORD = /[\p{L}\p{M}\p{Nd}]+/gu;

/** The word that begins at `lastIndex`. */
const WORD_AT = /[\p{L}\p{M}\p{Nd}]+/uy;

/** A text that ends inside a word. */
const WORD_END = /[\p{L}\p{M}\p{Nd}]$/u;

/** A word compared by its stem. */
const LETTERS_ONLY = /^[\p{L}\p{M}]+$/u;

/** PostgreSQL leaves out longer words (bytes of UTF-8). */
const MAX_WORD_BYTES = 2047;

/**
 * Stems whose words do not all begin with the stem less its last letter
 * (Porter2's exceptions: "dying" is "die"), with the letters they do begin
 * with.
 */
const IRREGULAR_STEMS: Record<string, string> = {
  die: 'd',
  lie: 'l',
  tie: 't'
};

/** What a word is compared by: its stem, or itself when it has a digit. */
export function lexemeOf(word: string): string {
  const lower = word.toLowerCase();
  return LETTERS_ONLY.test(lower) ? stem(lower) : lower;
}

/** A word of the text, where it is, and whether it counts. */
interface Word {
  start: number;
  end: number;
  text: string;
}

function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (Buffer.byteLength(word, 'utf8') <= MAX_WORD_BYTES) {
      words.push({ start: m.index, end: m.index + m[0].length, text: word });
    }
  }
  return words;
}

/** The lexemes of a text, in order. */
export function lexemesOf(text: string): string[] {
  return wordsOf(text).map(word => lexemeOf(word.text));
}

/**
 * The piece of text every word of this lexeme begins with: the stem less
 * its last letter (Porter2 changes at most the last letter of what it
 * keeps: "happy" is "happi"), or the word itself when it has a digit.
 */
function needleOf(lexeme: string): string {
  if (!LETTERS_ONLY.test(lexeme)) {
    return lexeme;
  }
  return (
    IRREGULAR_STEMS[lexeme] ?? lexeme.slice(0, Math.max(1, lexeme.length - 1))
  );
}

/** A query's terms as words: each a word or a phrase (words in a row). */
export class WordQuery {
  /**
   * `terms` as parseTerms gives them. A term without a word (`+`, `"."`)
   * is dropped: check {@link WordQuery.empty}.
   */
  constructor(terms: readonly string[]) {
    const kept = terms
      .map(term => ({ term, lexemes: lexemesOf(term) }))
      .filter(t => t.lexemes.length > 0);
    this.phrases = kept.map(t => t.term);
    this.terms = kept.map(t => t.lexemes);
    this.needlesByLexeme = new Map(
      this.terms.flat().map(lexeme => [lexeme, needleOf(lexeme)])
    );
    this.wanted = new Set(this.needlesByLexeme.values());
  }

  /** The terms that hold a word, as written. */
  readonly phrases: readonly string[];

  /** Each of those terms' lexemes, in order. */
  readonly terms: readonly string[][];

  /** Whether no term holds a word. */
  get empty(): boolean {
    return this.terms.length === 0;
  }

  /**
   * Pieces of text a matching document holds, each one (lower-cased):
   * what a substring scan may look for before checking the words.
   */
  needles(): string[] {
    return [...this.wanted];
  }

  /** Whether every term occurs in `text`. */
  test(text: string): boolean {
    return this.found(text) === this.terms.length;
  }

  /** How many of the terms occur in `text`. */
  count(text: string): number {
    return this.found(text, true);
  }

  /**
   * How many terms occur in `text`, stopping at the first missing one
   * unless `all`. A one-word term is looked for where its needle begins a
   * word (the scan's hot path: a text is not taken apart for it); a
   * phrase needs the text's words in order.
   */
  private found(text: string, all = false): number {
    const lower = text.toLowerCase();
    let lexemes: string[] | undefined;
    let count = 0;
    for (const term of this.terms) {
      let here: boolean;
      if (term.length === 1) {
        here = this.beginsWord(lower, term[0]);
      } else {
        lexemes ??= this.lexemes(wordsOf(lower));
        here = occurrences(lexemes, term).length > 0;
      }
      if (here) {
        count++;
      } else if (!all) {
        return count;
      }
    }
    return count;
  }

  /** Whether a word of `lower` (lower-cased text) has this lexeme. */
  private beginsWord(lower: string, lexeme: string): boolean {
    return !this.wordsWith(lower, lexeme).next().done;
  }

  /**
   * The words of `lower` (lower-cased text) that have this lexeme, as
   * [start, end): looked for where its needle begins a word, so the text
   * is not taken apart.
   */
  private *wordsWith(
    lower: string,
    lexeme: string
  ): Generator<[number, number]> {
    const needle = this.needlesByLexeme.get(lexeme)!;
    let at = lower.indexOf(needle);
    while (at >= 0) {
      let next = at + 1;
      // Only where a word begins: not after a letter, mark or digit.
      if (at === 0 || !WORD_END.test(lower.slice(Math.max(0, at - 2), at))) {
        WORD_AT.lastIndex = at;
        const word = WORD_AT.exec(lower)?.[0];
        if (word !== undefined) {
          next = at + word.length;
          if (
            Buffer.byteLength(word, 'utf8') <= MAX_WORD_BYTES &&
            lexemeOf(word) === lexeme
          ) {
            yield [at, next];
          }
        }
      }
      at = lower.indexOf(needle, next);
    }
  }

  /** Where the terms occur in `text`: [start, end) of each, in order. */
  spans(text: string): [number, number][] {
    const lower = text.toLowerCase();
    // Lower case of the same length keeps offsets (else: word by word).
    const direct = lower.length === text.length;
    let words: Word[] | undefined;
    let lexemes: string[] | undefined;
    const spans: [number, number][] = [];
    for (const term of this.terms) {
      if (direct && term.length === 1) {
        spans.push(...this.wordsWith(lower, term[0]));
        continue;
      }
      words ??= wordsOf(text);
      lexemes ??= this.lexemes(words);
      for (const at of occurrences(lexemes, term)) {
        spans.push([words[at].start, words[at + term.length - 1].end]);
      }
    }
    return spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  /**
   * The lexeme of each word, or '' for a word no term can be: one that
   * begins with no needle (stemming every word of a long output is the
   * cost this saves).
   */
  private lexemes(words: Word[]): string[] {
    return words.map(word => {
      for (const needle of this.wanted) {
        if (word.text.startsWith(needle)) {
          return lexemeOf(word.text);
        }
      }
      return '';
    });
  }

  private readonly needlesByLexeme: Map<string, string>;
  private readonly wanted: Set<string>;
}

/** Where `term`'s lexemes stand in a row in `lexemes`. */
function occurrences(lexemes: string[], term: string[]): number[] {
  const found: number[] = [];
  for (let i = 0; i + term.length <= lexemes.length; i++) {
    let all = true;
    for (let k = 0; k < term.length; k++) {
      if (lexemes[i + k] !== term[k]) {
        all = false;
        break;
      }
    }
    if (all) {
      found.push(i);
    }
  }
  return found;
}

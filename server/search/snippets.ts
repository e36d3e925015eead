/**
 * The text search sees of an execution, and the snippet a hit shows: the
 * part of the code or output around the first match of the query.
 */
import type { ExecutionRecord } from '../../src/records/schema';

/** The snippet's length around the first match. */
const SNIPPET_CHARS = 160;

/** The text of an execution's outputs that search sees. */
export function outputText(record: Pick<ExecutionRecord, 'outputs'>): string {
  const parts: string[] = [];
  for (const output of record.outputs) {
    if (output.output_type === 'stream') {
      parts.push(String(output.text));
    } else if (output.output_type === 'error') {
      parts.push(`${output.ename}: ${output.evalue}`);
    } else {
      const plain = (output.data as Record<string, unknown>)['text/plain'];
      if (typeof plain === 'string') {
        parts.push(plain);
      } else if (Array.isArray(plain)) {
        parts.push(plain.join(''));
      }
    }
  }
  return parts.join('\n');
}

/** Where a query matches a text, as search's snippets need it. */
export interface TextMatcher {
  /** Where the query matches in `text`: [start, end) of each, in order. */
  spans(text: string): [number, number][];
  /** How many of the query's terms occur in `text`. */
  count(text: string): number;
}

/** Each term a case-insensitive substring (`match=substring`). */
export function substringMatcher(terms: readonly string[]): TextMatcher {
  return {
    spans(text) {
      const lower = text.toLowerCase();
      const spans: [number, number][] = [];
      for (const term of terms) {
        for (
          let at = lower.indexOf(term);
          at >= 0;
          at = lower.indexOf(term, at + term.length)
        ) {
          spans.push([at, at + term.length]);
        }
      }
      return spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    },
    count(text) {
      const lower = text.toLowerCase();
      return terms.filter(term => lower.includes(term)).length;
    }
  };
}

/** The snippet of `text` around the first match of the query. */
export function snippetOf(
  text: string,
  matcher: TextMatcher
): { text: string; matches: [number, number][] } | null {
  const spans = matcher.spans(text);
  if (spans.length === 0) {
    return null;
  }
  const start = Math.max(0, spans[0][0] - 40);
  const end = start + SNIPPET_CHARS;
  const window = text.slice(start, end);
  const matches: [number, number][] = [];
  for (const [from, to] of spans) {
    // A match the window cuts is marked as far as the window shows it.
    if (from < end && to > start) {
      matches.push([Math.max(from, start) - start, Math.min(to, end) - start]);
    }
  }
  return { text: window, matches };
}

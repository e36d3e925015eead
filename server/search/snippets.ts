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

/** The snippet of `text` around the first match of any term. */
export function snippetOf(
  text: string,
  terms: string[]
): { text: string; matches: [number, number][] } | null {
  const lower = text.toLowerCase();
  let first = -1;
  for (const term of terms) {
    const at = lower.indexOf(term);
    if (at >= 0 && (first < 0 || at < first)) {
      first = at;
    }
  }
  if (first < 0) {
    return null;
  }
  const start = Math.max(0, first - 40);
  const window = text.slice(start, start + SNIPPET_CHARS);
  const low = window.toLowerCase();
  const matches: [number, number][] = [];
  for (const term of terms) {
    for (
      let at = low.indexOf(term);
      at >= 0;
      at = low.indexOf(term, at + term.length)
    ) {
      matches.push([at, at + term.length]);
    }
  }
  matches.sort((a, b) => a[0] - b[0]);
  return { text: window, matches };
}

/** How many of the terms occur in the text (any case). */
export function termsIn(text: string, terms: string[]): number {
  const lower = text.toLowerCase();
  return terms.filter(term => lower.includes(term)).length;
}

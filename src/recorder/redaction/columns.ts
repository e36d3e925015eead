/**
 * DataFrame columns named like secrets, in pandas' HTML and text reprs:
 * every value under such a header is redacted.
 */
import type { ISpan } from './span';
import { isNotSecret, secretName } from './values';

/** A header cell's text: `<th>password</th>`. */
const HTML_CELL = /<(t[hd])\b[^>]{0,500}>([^<]{0,2000})<\/t[hd]>/g;
const HTML_ROW = /<tr\b[^>]{0,500}>([\s\S]*?)<\/tr>/g;

/**
 * The cells of a column named like a secret in an HTML table (pandas'
 * DataFrame._repr_html_).
 */
export function findHtmlColumns(text: string, spans: ISpan[]): void {
  let columns: Map<number, string> | null = null;
  HTML_ROW.lastIndex = 0;
  for (let row = HTML_ROW.exec(text); row; row = HTML_ROW.exec(text)) {
    const body = row[1];
    const offset = row.index + row[0].indexOf(body);
    const cells: { tag: string; text: string; start: number }[] = [];
    HTML_CELL.lastIndex = 0;
    for (let c = HTML_CELL.exec(body); c; c = HTML_CELL.exec(body)) {
      cells.push({
        tag: c[1],
        text: c[2],
        start: offset + c.index + c[0].indexOf('>') + 1
      });
    }
    if (cells.length === 0) {
      continue;
    }
    if (cells.every(cell => cell.tag === 'th')) {
      // A header row: which columns are secret.
      const named = new Map<number, string>();
      cells.forEach((cell, i) => {
        const secret = secretName(cell.text.trim());
        if (secret !== null) {
          named.set(i, secret.kind);
        }
      });
      if (named.size > 0) {
        columns = named;
      }
      continue;
    }
    if (columns === null) {
      continue;
    }
    for (const [i, kind] of columns) {
      const cell = cells[i];
      if (cell !== undefined && cell.tag === 'td') {
        const value = cell.text.trim();
        if (value !== '' && !isNotSecret(value)) {
          const start = cell.start + cell.text.indexOf(value);
          spans.push({ start, end: start + value.length, kind });
        }
      }
    }
  }
}

/**
 * The values of a column named like a secret in a DataFrame's text repr:
 * values are right-aligned under their header, so a column runs from the
 * end of the previous header to the end of its own.
 */
export function findTextColumns(text: string, spans: ISpan[]): void {
  const lines = text.split('\n');
  let offset = 0;
  let columns: { from: number; to: number; kind: string }[] | null = null;
  for (const line of lines) {
    const lineStart = offset;
    offset += line.length + 1;
    if (line.trim() === '') {
      columns = null;
      continue;
    }
    const header = headerColumns(line);
    if (header !== null) {
      columns = header;
      continue;
    }
    // Rows start with their index; anything else ends the table.
    if (!/^\S/.test(line) || /^\[\d+ rows x \d+ columns\]/.test(line)) {
      columns = null;
      continue;
    }
    if (columns === null) {
      continue;
    }
    for (const { from, to, kind } of columns) {
      const cell = line.slice(from, to);
      const value = cell.trim();
      if (value !== '' && !isNotSecret(value) && value !== '...') {
        const start = lineStart + from + cell.indexOf(value);
        spans.push({ start, end: start + value.length, kind });
      }
    }
  }
}

/** The secret columns of a DataFrame header line, or null. */
function headerColumns(
  line: string
): { from: number; to: number; kind: string }[] | null {
  if (
    !/^ {2,}\S/.test(line) ||
    line.length > 5000 ||
    /[=:"'(),{}[\]<>]/.test(line)
  ) {
    return null;
  }
  const words = [...line.matchAll(/\S+/g)];
  if (words.length < 1) {
    return null;
  }
  const found: { from: number; to: number; kind: string }[] = [];
  let previousEnd = 0;
  for (const word of words) {
    const end = (word.index ?? 0) + word[0].length;
    const secret = secretName(word[0]);
    if (secret !== null) {
      found.push({ from: previousEnd, to: end, kind: secret.kind });
    }
    previousEnd = end;
  }
  return found.length > 0 ? found : null;
}

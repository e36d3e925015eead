/**
 * Finds the secrets in one text: provider tokens, structural shapes (keys,
 * URLs with passwords, auth headers, curl -u), values under secret-looking
 * names (assignments, keyword arguments, JSON/YAML/XML, .env, .netrc,
 * prose), and DataFrame columns named like secrets (HTML and text).
 *
 * Every expression here is linear or bounded, so no text can make a scan
 * slow; each returns spans and the caller replaces them.
 */
import { findHtmlColumns, findTextColumns } from './columns';
import { findNamedValues, NAME_HINT } from './names';
import { PROVIDER_PATTERN, providerOf } from './providers';
import { findShapes } from './shapes';
import type { ISpan, TextPlace } from './span';

export type { ISpan, TextPlace } from './span';

/**
 * Finds the secrets in a text.
 */
export function findSecrets(
  text: string,
  place: TextPlace,
  extra: readonly { kind: string; pattern: RegExp }[] = []
): ISpan[] {
  const spans: ISpan[] = [];
  // Provider tokens.
  PROVIDER_PATTERN.lastIndex = 0;
  for (
    let m = PROVIDER_PATTERN.exec(text);
    m;
    m = PROVIDER_PATTERN.exec(text)
  ) {
    const rule = providerOf(m[0]);
    if (rule !== null) {
      spans.push({
        start: m.index,
        end: m.index + m[0].length,
        kind: rule.kind
      });
    }
  }
  findShapes(text, spans);
  // Named values, and DataFrame columns named like secrets.
  // The hint runs on a lower-case copy (faster than a case-insensitive
  // expression) when lower-casing keeps every position.
  let lower = text.toLowerCase();
  if (lower.length !== text.length) {
    lower = text.replace(/[A-Z]+/g, c => c.toLowerCase());
  }
  NAME_HINT.lastIndex = 0;
  if (NAME_HINT.test(lower)) {
    findNamedValues(text, lower, place, spans);
    if (place !== 'code' && text.includes('<th')) {
      findHtmlColumns(text, spans);
    } else if (place !== 'code' && text.includes('\n')) {
      findTextColumns(text, spans);
    }
  }
  for (const { kind, pattern } of extra) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      spans.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  }
  return spans;
}

/**
 * Values under secret-looking names: assignments, keyword arguments,
 * JSON/YAML/XML, .env, .netrc and prose (`password is X`). values.ts
 * decides whether a name and its value are a secret; this file finds them.
 */
import type { ISpan, TextPlace } from './span';
import { isSecretValue, secretName, ValueForm } from './values';

/**
 * Words that make a name worth looking at: every secret-looking name
 * contains one (values.ts decides whether it really is one).
 */
export const NAME_HINT =
  /pass|pwd|\bpw\b|secret|token|key|auth|credential|sessid|sessionid|\bsig\b|\bsas\b|\bdsn\b|\bpat\b/g;

/** Characters of a name: letters, digits, _ - . (not at its ends). */
const NAME_CHAR = /[A-Za-z0-9_-]/;

/**
 * The separator after a name: `=`, `:`, `==`, `:=`, `=>`, `: str =`, an
 * XML `>`, or a space / `is` (then `spaced`). Returns where the value
 * starts, or -1 when the name is not followed by a value.
 */
const SEPARATOR =
  /^["'`]?\]?[ \t]*(?:(:[ \t]*[A-Za-z_][\w.[\], |]{0,60}[ \t]*=(?!=)|:=|=>|==|!=|=|:)|[ \t]+(?:is|was|for \S{1,64} is|set to)[ \t]+|[ \t]+)[ \t]*/;

/** Values under secret-looking names. */
export function findNamedValues(
  text: string,
  lower: string,
  place: TextPlace,
  spans: ISpan[]
): void {
  NAME_HINT.lastIndex = 0;
  let after = 0;
  for (let m = NAME_HINT.exec(lower); m; m = NAME_HINT.exec(lower)) {
    if (m.index < after) {
      continue;
    }
    // The whole name around the hint.
    let start = m.index;
    while (start > 0 && NAME_CHAR.test(text[start - 1])) {
      start--;
    }
    let end = m.index + m[0].length;
    while (end < text.length && NAME_CHAR.test(text[end])) {
      end++;
    }
    after = end;
    NAME_HINT.lastIndex = end;
    const name = text.slice(start, end).replace(/^[-_]+|[-_]+$/g, '');
    const secret = secretName(name);
    if (secret === null) {
      continue;
    }
    const value = valueAfter(text, start, end, place);
    if (value === null) {
      continue;
    }
    // In a path, the value's first segment says what it is; the rest of
    // the path goes with it.
    const checked =
      place === 'path'
        ? value.text.split('/')[0].replace(/\.\w{1,6}$/, '')
        : value.text;
    if (isSecretValue(checked, secret, name, value.form)) {
      spans.push({
        start: value.start,
        end: value.start + value.text.length,
        kind: secret.kind
      });
      after = value.start + value.text.length;
      NAME_HINT.lastIndex = after;
    }
  }
}

interface IValue {
  start: number;
  text: string;
  form: ValueForm;
}

/** The value that follows a name, if any. */
function valueAfter(
  text: string,
  nameStart: number,
  nameEnd: number,
  place: TextPlace
): IValue | null {
  const before = nameStart > 0 ? text[nameStart - 1] : '';
  // XML: <password>value</password>.
  if (before === '<' && text[nameEnd] === '>') {
    const close = text.indexOf('<', nameEnd + 1);
    const value = text.slice(nameEnd + 1, close === -1 ? undefined : close);
    return value.length > 0 && value.length <= 500 && !value.includes('\n')
      ? { start: nameEnd + 1, text: value, form: 'quoted' }
      : null;
  }
  // HTML-escaped XML: &lt;password&gt;value&lt;/password&gt;.
  if (text.startsWith('&gt;', nameEnd) && text.endsWith('&lt;', nameStart)) {
    const close = text.indexOf('&lt;', nameEnd + 4);
    const value = text.slice(nameEnd + 4, close === -1 ? undefined : close);
    return value.length > 0 && value.length <= 500 && !value.includes('\n')
      ? { start: nameEnd + 4, text: value, form: 'quoted' }
      : null;
  }
  const rest = text.slice(nameEnd, nameEnd + 200);
  const sep = SEPARATOR.exec(rest);
  if (sep === null) {
    return null;
  }
  let spaced = sep[1] === undefined;
  // A space after a quoted name is a list or a call, not a value; a space
  // after a name inside an identifier-ish context is code.
  if (
    spaced &&
    (before === '"' || before === "'" || rest[0] === '"' || rest[0] === "'")
  ) {
    return null;
  }
  let at = nameEnd + sep[0].length;
  if (at >= text.length) {
    return null;
  }
  // Quoted, with an optional string prefix (r"", b"", f"").
  let prefix = '';
  const p = /^[rRbBuUfF]{1,2}(?=["'`])/.exec(text.slice(at, at + 3));
  if (p) {
    prefix = p[0];
    at += prefix.length;
  }
  const quote = text[at];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = text.indexOf(quote, at + 1);
    const newline = text.indexOf('\n', at + 1);
    if (
      close === -1 ||
      close - at > 2000 ||
      (newline !== -1 && newline < close)
    ) {
      return null;
    }
    const value = text.slice(at + 1, close);
    if (/f/i.test(prefix) && value.includes('{')) {
      return null;
    }
    // "password is 'x'": quoted after a word is a value, not prose.
    if (spaced && /[a-z]/.test(sep[0])) {
      spaced = false;
    }
    return { start: at + 1, text: value, form: spaced ? 'spaced' : 'quoted' };
  }
  if (prefix !== '') {
    at -= prefix.length;
  }
  // Unquoted: to the end of the word (in a path too: a secret may hold
  // a slash, so the rest of the path goes with it).
  const stop = /[\s"'`&;,<>(){}[\]|]/;
  let end = at;
  while (end < text.length && end - at < 2000 && !stop.test(text[end])) {
    end++;
  }
  let value = text.slice(at, end);
  // A sentence's full stop or a dict's closing brace is not the value's.
  value = value.replace(/[.:!?]+$/, '');
  if (value === '') {
    return null;
  }
  // A call or a subscript is code wherever it is shown (a traceback's
  // code line is an output).
  if (text[end] === '(' || text[end] === '[') {
    return null;
  }
  if (place === 'code' && looksLikeCode(value)) {
    return null;
  }
  return { start: at, text: value, form: spaced ? 'spaced' : 'bare' };
}

/**
 * Whether an unquoted value in code is code rather than a literal: a name,
 * an attribute, a call or a subscript, unless it mixes letters with digits
 * the way passwords do (`hunter2`) or is machine-made.
 */
function looksLikeCode(value: string): boolean {
  if (/^(?:None|True|False|null|true|false|undefined|self\b.*)$/.test(value)) {
    return true;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) {
    return !/^[A-Za-z0-9_]+\.[A-Za-z0-9_-]{16,}/.test(value);
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    return !/[0-9]/.test(value) || /^[a-z_]+[0-9]?$/.test(value);
  }
  if (/^[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?$/.test(value)) {
    return value.length < 6;
  }
  return false;
}

/**
 * Finds the secrets in one text: provider tokens, structural shapes (keys,
 * URLs with passwords, auth headers, curl -u), values under secret-looking
 * names (assignments, keyword arguments, JSON/YAML/XML, .env, .netrc,
 * prose), and DataFrame columns named like secrets (HTML and text).
 *
 * Every expression here is linear or bounded, so no text can make a scan
 * slow; each returns spans and the caller replaces them.
 */
import { PROVIDER_PATTERN, providerOf, UNPREFIXED_RULES } from './providers';
import {
  isNotSecret,
  isSecretValue,
  looksRandom,
  secretName,
  ValueForm
} from './values';

/**
 * Where a text comes from: code (an unquoted name is code, not a value),
 * text (outputs, logs: every value is a value), or a path.
 */
export type TextPlace = 'code' | 'text' | 'path';

/** One secret in a text: [start, end) and its kind. */
export interface ISpan {
  start: number;
  end: number;
  kind: string;
}

/**
 * A structural rule: group 1 starts the match and is kept; the last group
 * is the secret.
 */
interface IShapeRule {
  kind: string;
  /** Literal text every match contains (one of): others are not scanned. */
  hint: string | readonly string[] | RegExp;
  pattern: RegExp;
  check?: (secret: string, match: RegExpExecArray) => boolean;
}

const SHAPE_RULES: readonly IShapeRule[] = [
  {
    // Telegram's bot API URLs: api.telegram.org/bot<token>/method.
    kind: 'telegram-bot-token',
    hint: '/bot',
    pattern: /(\/bot)(\d{8,10}:[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g
  },
  {
    kind: 'private-key',
    hint: 'PRIVATE KEY',
    pattern:
      /()(-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----|$))/g
  },
  {
    kind: 'private-key',
    hint: 'PuTTY-User-Key-File',
    pattern: /(PuTTY-User-Key-File-\d: [^\n]*\n)([\s\S]{0,5000})/g
  },
  {
    kind: 'basic-auth',
    hint: 'Basic',
    pattern: /(\bBasic\s+)([A-Za-z0-9+/]{6,500}={0,2})(?![A-Za-z0-9+/=])/g,
    check: value => decodesToCredentials(value)
  },
  {
    kind: 'bearer-token',
    hint: ['Bearer', 'bearer'],
    pattern: /(\b[Bb]earer\s+)([A-Za-z0-9\-._~+/]{16,2000}=*)/g,
    check: value =>
      value.startsWith('eyJ') ||
      (value.length >= 16 &&
        /[0-9]/.test(value) &&
        /[A-Za-z]/.test(value) &&
        !/^[a-z]+(?:[_-][a-z0-9]+)*$/.test(value))
  },
  {
    kind: 'password',
    // --user holds -u too.
    hint: '-u',
    pattern:
      /((?:^|\s)(?:-u|--user)[ =]+["']?[^\s:'"]{1,100}:)([^\s'"]{1,200})/g,
    check: value => !isNotSecret(value)
  },
  {
    // A password passed by position to a login or an auth object:
    // smtp.login("me", "pw"), HTTPBasicAuth("u", "pw"), auth=("u", "pw").
    kind: 'password',
    hint: /login\(|[Aa]uth/,
    pattern:
      /(\b(?:login|authenticate|(?:HTTP)?BasicAuth|HTTPDigestAuth|auth\s*=\s*)\(\s*[^,()\n]{1,200},\s*[rbu]?(["']))([^"'\n]{3,200})(?=\2)/g,
    check: value => !isNotSecret(value) && !/^[A-Za-z_][\w.]*$/.test(value)
  },
  {
    // ssh-keygen -N "passphrase", openssl -passin pass:secret.
    kind: 'password',
    hint: 'ssh-keygen',
    pattern:
      /(\bssh-keygen\b[^\n]{0,200}?\s-[NP]\s+(["']))([^"'\n]{1,200})(?=\2)/g,
    check: value => !isNotSecret(value)
  },
  {
    kind: 'password',
    hint: 'pass:',
    pattern: /(-pass(?:in|out)\s+pass:)([^\s"']{1,200})/g,
    check: value => !isNotSecret(value)
  },
  {
    // Authorization: Token <value> (Django REST, Hugging Face...), Bot, Key.
    kind: 'token',
    hint: 'uthorization',
    pattern:
      /([Aa]uthorization["']?\s*[:=]\s*["']?(?:Token|token|Bot|Key|ApiKey|Api-Key|SSWS|GenieKey)\s+)([A-Za-z0-9._~+/=-]{8,2000})/g,
    check: value => !isNotSecret(value) && /[0-9]/.test(value)
  },
  {
    // mysql -pSECRET; docker/helm/twine login -p SECRET.
    kind: 'password',
    // Every match holds -p (or --password, which holds it too).
    hint: '-p',
    pattern:
      /(\b(?:(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,200}?\s-p|(?:docker|podman|helm|twine|oras|skopeo|nerdctl)\b[^\n]{0,200}?\s(?:-p|--password)[ =]))([^\s'"]{3,200})/g,
    check: value => !isNotSecret(value) && !value.startsWith('$')
  },
  {
    // A machine-made key passed to a client: cohere.Client("..."),
    // Github("..."), SomeAPI("...").
    kind: 'api-key',
    hint: /(?:Client|API|Api|Auth|Github|Gitlab)\(/,
    pattern:
      /(\b[A-Za-z_][\w.]{0,60}(?:Client|API|Api|Auth|Github|Gitlab)\(\s*[rbu]?(["']))([A-Za-z0-9_\-.+/=]{20,200})(?=\2)/g,
    check: value => looksRandom(value, 20)
  },
  {
    // connect("host", "user", "pw", ...): the third string argument.
    kind: 'password',
    hint: ['connect(', 'FTP'],
    pattern:
      /(\b(?:connect|FTP|FTP_TLS)\(\s*(["'])[^"'\n]{0,200}\2\s*,\s*(["'])[^"'\n]{0,200}\3\s*,\s*(["']))([^"'\n]{3,200})(?=\4)/g,
    check: value => !isNotSecret(value)
  }
];

/**
 * The provider tokens without a fixed prefix, as structural rules that keep
 * nothing before the token (at word bounds, looked for behind their hint).
 */
const UNPREFIXED_SHAPES: readonly IShapeRule[] = UNPREFIXED_RULES.map(rule => ({
  kind: rule.kind,
  hint: rule.hint,
  pattern: new RegExp(
    `(?<![A-Za-z0-9_])()(${rule.source})(?![A-Za-z0-9])`,
    'g'
  ),
  check: rule.check
}));

/**
 * What follows a URL's `://` when it holds a password: the user, `:`, the
 * password (which may hold @ or /, so it runs to the last @ before a host).
 */
const URL_CREDENTIALS =
  /:\/\/[^\s:/@'"<>]{0,256}:([^\s'"<>]{1,256})(?=@[A-Za-z0-9[][\w.[\]:-]{0,253}(?:[/?#\s'"`<>),;]|$))/y;

/** scheme://user:password@host: only the password goes. */
function findUrlPasswords(text: string, spans: ISpan[]): void {
  for (
    let at = text.indexOf('://');
    at !== -1;
    at = text.indexOf('://', at + 3)
  ) {
    // A scheme before it: letters, digits, + . - (at most 32).
    let scheme = at;
    while (
      scheme > 0 &&
      at - scheme < 32 &&
      /[a-zA-Z0-9+.-]/.test(text[scheme - 1])
    ) {
      scheme--;
    }
    // A scheme starts with a letter (`+postgres://` in a diff).
    while (scheme < at && !/[a-zA-Z]/.test(text[scheme])) {
      scheme++;
    }
    if (scheme === at) {
      continue;
    }
    URL_CREDENTIALS.lastIndex = at;
    const m = URL_CREDENTIALS.exec(text);
    if (m === null) {
      continue;
    }
    const password = m[1];
    // isNotSecret keeps a password redacted already ([REDACTED:...]).
    if (/^\d{1,5}(?:[/?#]|$)/.test(password) || isNotSecret(password)) {
      continue;
    }
    const start = at + m[0].length - password.length;
    spans.push({ start, end: start + password.length, kind: 'url-password' });
  }
}

/** Decodes base64 `user:password` as Basic authentication carries it. */
function decodesToCredentials(value: string): boolean {
  try {
    const decoded = atob(value);
    return /^[\x20-\x7e]{1,200}:[\x20-\x7e]{1,200}$/.test(decoded);
  } catch {
    return false;
  }
}

/**
 * Words that make a name worth looking at: every secret-looking name
 * contains one (values.ts decides whether it really is one).
 */
const NAME_HINT =
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
  findShapes(text, UNPREFIXED_SHAPES, spans);
  if (text.includes('://')) {
    findUrlPasswords(text, spans);
  }
  findShapes(text, SHAPE_RULES, spans);
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

/** The secrets of structural rules whose hint the text holds. */
function findShapes(
  text: string,
  rules: readonly IShapeRule[],
  spans: ISpan[]
): void {
  for (const rule of rules) {
    const hint = rule.hint;
    const hinted =
      typeof hint === 'string'
        ? text.includes(hint)
        : hint instanceof RegExp
          ? hint.test(text)
          : hint.some(h => text.includes(h));
    if (!hinted) {
      continue;
    }
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      const secret = m[m.length - 1] ?? '';
      if (secret !== '' && (!rule.check || rule.check(secret, m))) {
        const start = m.index + m[1].length;
        spans.push({ start, end: start + secret.length, kind: rule.kind });
      }
    }
  }
}

/** Values under secret-looking names. */
function findNamedValues(
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

/** A header cell's text: `<th>password</th>`. */
const HTML_CELL = /<(t[hd])\b[^>]{0,500}>([^<]{0,2000})<\/t[hd]>/g;
const HTML_ROW = /<tr\b[^>]{0,500}>([\s\S]*?)<\/tr>/g;

/**
 * The cells of a column named like a secret in an HTML table (pandas'
 * DataFrame._repr_html_).
 */
function findHtmlColumns(text: string, spans: ISpan[]): void {
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
function findTextColumns(text: string, spans: ISpan[]): void {
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

/**
 * Redaction of secret-looking strings in recorded events, before anything
 * leaves the recorder (and so the browser).
 */
import type { ExecutionCapture, Output, TrailEvent } from '../_schema/records';
import { MAX_CODE_LENGTH } from './execution';

/**
 * One kind of secret and how to find it.
 */
export interface IRedactionPattern {
  /** Shown in the replacement: `[REDACTED:<kind>]`. */
  kind: string;
  /** A global regular expression. */
  pattern: RegExp;
  /** Text that every match contains: texts without it are not scanned. */
  hint?: string;
  /**
   * The replacement of one match; the whole match becomes
   * `[REDACTED:<kind>]` when absent. Returning the match unchanged keeps it.
   */
  replace?: (match: string, ...groups: string[]) => string;
}

/**
 * The placeholder that stands for a redacted secret.
 */
export function redacted(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/**
 * Names whose value is a secret when assigned: `password = "..."`,
 * `GITHUB_TOKEN=...`, `"api_key": "..."`. The name must end with one of
 * these words, so `password_length = 8` or `max_tokens` are left alone.
 * The patterns start at the word (whatever comes before it in the name
 * stays as it is), which keeps them linear on any text.
 */
const SECRET_NAME =
  /(?:passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key)/
    .source;

/** A JSON key that names a secret. */
const SECRET_KEY = new RegExp(`${SECRET_NAME}$`, 'i');

/**
 * The built-in patterns (README › Kernel capture lists them).
 */
export const DEFAULT_REDACTION_PATTERNS: readonly IRedactionPattern[] = [
  {
    kind: 'private-key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g
  },
  {
    kind: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g
  },
  {
    kind: 'aws-access-key',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g
  },
  {
    kind: 'github-token',
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g
  },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'slack-token',
    pattern:
      /\b(?:xox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,})/g
  },
  {
    kind: 'api-key',
    pattern: /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g
  },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    kind: 'bearer-token',
    pattern: /\b(Bearer\s+)([A-Za-z0-9\-._~+/]{20,}=*)/g,
    replace: (_, prefix) => `${prefix}${redacted('bearer-token')}`
  },
  {
    // scheme://user:password@host: only the password goes.
    kind: 'url-password',
    hint: '://',
    pattern:
      /\b([a-zA-Z][a-zA-Z0-9+.-]{0,31}:\/\/[^\s:/@'"]{1,256}:)([^\s@/'"]{1,256})@/g,
    replace: (match, prefix, password) =>
      password.startsWith('[REDACTED:')
        ? match
        : `${prefix}${redacted('url-password')}@`
  },
  {
    // A quoted value assigned to a secret-looking name.
    kind: 'secret',
    pattern: new RegExp(
      `(${SECRET_NAME}["']?(?:\\s*:\\s*[A-Za-z_][\\w.]*)?\\s*(?:={1,2}|:=?)\\s*)(["'])([^"'\\n]{4,})\\2`,
      'gi'
    ),
    replace: (match, prefix, quote, value) =>
      value.startsWith('[REDACTED:')
        ? match
        : `${prefix}${quote}${redacted(kindOfName(prefix))}${quote}`
  },
  {
    // An unquoted value (config files, URLs' query strings, env dumps):
    // only values that cannot be code (a name, a call, an attribute).
    kind: 'secret',
    pattern: new RegExp(
      `(${SECRET_NAME}\\s*(?:=|:)[ \\t]*)([^\\s"'&;,()\\[\\]{}<>]{6,})(?![\\w(\\[])`,
      'gi'
    ),
    replace: (match, prefix, value) =>
      looksLikeCode(value) ? match : `${prefix}${redacted(kindOfName(prefix))}`
  }
];

/**
 * The redaction settings (`redaction` in Settings › Trail).
 */
export interface IRedactionOptions {
  /** false leaves everything as recorded. */
  enabled?: boolean;
  /** More patterns, as regular expression sources; kind `custom`. */
  extraPatterns?: readonly string[];
}

/**
 * Replaces secret-looking strings with `[REDACTED:<kind>]`.
 */
export class Redactor {
  /**
   * @param options - the settings; enabled with no extra pattern by default.
   */
  constructor(options: IRedactionOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.extraPatterns = [...(options.extraPatterns ?? [])];
    const patterns = [...DEFAULT_REDACTION_PATTERNS];
    for (const source of options.extraPatterns ?? []) {
      if (!source) {
        continue;
      }
      try {
        patterns.push({ kind: 'custom', pattern: new RegExp(source, 'g') });
      } catch (error) {
        console.warn(`Trail: ignoring the redaction pattern ${source}`, error);
      }
    }
    this._patterns = patterns;
  }

  /**
   * Whether redaction is on.
   */
  readonly enabled: boolean;

  /**
   * The extra pattern sources it was given.
   */
  readonly extraPatterns: readonly string[];

  /**
   * The text with every secret-looking string replaced.
   */
  redactText(text: string): string {
    if (!this.enabled || text.length < 8) {
      return text;
    }
    let result = text;
    for (const { kind, pattern, replace, hint } of this._patterns) {
      if (hint !== undefined && !result.includes(hint)) {
        continue;
      }
      pattern.lastIndex = 0;
      if (!pattern.test(result)) {
        continue;
      }
      pattern.lastIndex = 0;
      result = result.replace(pattern, (match: string, ...rest: unknown[]) => {
        if (match === '') {
          return match;
        }
        return replace
          ? replace(
              match,
              ...(rest.filter(r => typeof r === 'string') as string[])
            )
          : redacted(kind);
      });
    }
    return result;
  }

  /**
   * Redacts an event in place (the recorder's events are its own) and
   * returns it: code, outputs (stream text, text and JSON values, errors;
   * never images), params, file paths and the environment's git diff.
   */
  redactEvent(event: TrailEvent): TrailEvent {
    if (!this.enabled) {
      return event;
    }
    switch (event.kind) {
      case 'execution.completed': {
        const execution = event.execution;
        const code = this.redactText(execution.code);
        execution.code =
          code.length > MAX_CODE_LENGTH ? code.slice(0, MAX_CODE_LENGTH) : code;
        if (execution.error) {
          execution.error.evalue = this.redactText(execution.error.evalue);
        }
        execution.outputs = execution.outputs.map(output =>
          this._redactOutput(output)
        );
        if (execution.capture) {
          this._redactCapture(execution.capture);
        }
        break;
      }
      case 'execution.annotated':
        this._redactCapture(event.capture);
        break;
      case 'environment.captured': {
        const git = event.environment.git;
        if (git?.diff) {
          git.diff = this.redactText(git.diff);
        }
        break;
      }
      default:
        break;
    }
    return event;
  }

  /** The output with secrets redacted: the same object when none were. */
  private _redactOutput(output: Output): Output {
    switch (output.output_type) {
      case 'stream': {
        const text = this._redactLines(output.text);
        return text === output.text ? output : { ...output, text };
      }
      case 'error': {
        const evalue = this.redactText(output.evalue);
        let traceback = output.traceback;
        for (let i = 0; i < traceback.length; i++) {
          const line = this.redactText(traceback[i]);
          if (line !== traceback[i]) {
            if (traceback === output.traceback) {
              traceback = traceback.slice();
            }
            traceback[i] = line;
          }
        }
        return evalue === output.evalue && traceback === output.traceback
          ? output
          : { ...output, evalue, traceback };
      }
      case 'display_data':
      case 'execute_result': {
        const original = (output.data ?? {}) as Record<string, unknown>;
        let data: Record<string, unknown> | null = null;
        for (const mime of Object.keys(original)) {
          const value = original[mime];
          let next = value;
          if (mime.startsWith('text/')) {
            if (typeof value === 'string' || Array.isArray(value)) {
              next = this._redactLines(value as string | string[]);
            }
          } else if (mime.endsWith('json')) {
            next = this._redactJson(value);
          }
          if (next !== value) {
            data ??= { ...original };
            data[mime] = next;
          }
        }
        return data === null ? output : ({ ...output, data } as Output);
      }
      default:
        return output;
    }
  }

  private _redactLines(text: string | string[]): string | string[] {
    const joined = Array.isArray(text) ? text.join('') : text;
    const result = this.redactText(joined);
    return result === joined ? text : result;
  }

  /** JSON with secrets redacted: the same values where none were. */
  private _redactJson(value: unknown): unknown {
    if (typeof value === 'string') {
      return this.redactText(value);
    }
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item = this._redactJson(value[i]);
        if (item !== value[i]) {
          out ??= value.slice();
          out[i] = item;
        }
      }
      return out ?? value;
    }
    if (typeof value === 'object' && value !== null) {
      const original = value as Record<string, unknown>;
      let out: Record<string, unknown> | null = null;
      for (const key of Object.keys(original)) {
        const item = original[key];
        // A secret-looking key holds its value in JSON as `"key": "value"`.
        const next =
          typeof item === 'string' &&
          SECRET_KEY.test(key) &&
          item.length >= 4 &&
          !item.startsWith('[REDACTED:')
            ? redacted(kindOfName(key))
            : this._redactJson(item);
        if (next !== item) {
          out ??= { ...original };
          out[key] = next;
        }
      }
      return out ?? value;
    }
    return value;
  }

  private _redactCapture(capture: ExecutionCapture): void {
    if (capture.params) {
      for (const [name, value] of Object.entries(capture.params)) {
        if (typeof value === 'string') {
          capture.params[name] =
            SECRET_KEY.test(name) && value.length >= 4
              ? redacted(kindOfName(name))
              : this.redactText(value).slice(0, 5000);
        }
      }
    }
    for (const file of capture.files ?? []) {
      file.path = this.redactText(file.path).slice(0, 4096);
    }
  }

  private _patterns: IRedactionPattern[];
}

/**
 * The kind shown for a secret assigned to a name.
 */
function kindOfName(name: string): string {
  const lower = name.toLowerCase();
  if (/passw(or)?d/.test(lower)) {
    return 'password';
  }
  if (lower.includes('token')) {
    return 'token';
  }
  if (/key/.test(lower)) {
    return 'api-key';
  }
  return 'secret';
}

/**
 * Whether an unquoted value is code rather than a literal: a name, a dotted
 * attribute or a keyword, unless it holds a digit next to letters the way
 * passwords do (`hunter2`).
 */
function looksLikeCode(value: string): boolean {
  if (value.startsWith('[REDACTED:')) {
    return true;
  }
  if (/^(?:None|True|False|null|true|false|undefined|self\b.*)$/.test(value)) {
    return true;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) {
    return true;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    return !/[0-9]/.test(value);
  }
  return false;
}

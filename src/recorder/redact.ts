/**
 * Redaction of secrets in recorded events, before anything leaves the
 * recorder (and so the browser). What a secret looks like is in
 * ./redaction: provider tokens, structural shapes, and values under
 * secret-looking names checked for what they hold.
 */
import type {
  ExecutionCapture,
  ExecutionRecord,
  Output,
  ParamValue,
  TrailEvent
} from '../records/schema';
import {
  MAX_CODE_LENGTH,
  MAX_PARAM_NAME_LENGTH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_PATH_LENGTH,
  MAX_TAG_LENGTH
} from '../records/limits';
import { findSecrets, ISpan, TextPlace } from './redaction/scan';
import { isSecretValue, secretName } from './redaction/values';

export type { TextPlace } from './redaction/scan';
export { PROVIDER_RULES } from './redaction/providers';

/**
 * One extra kind of secret (from the settings) and how to find it.
 */
export interface IRedactionPattern {
  /** Shown in the replacement: `[REDACTED:<kind>]`. */
  kind: string;
  /** A global regular expression. */
  pattern: RegExp;
}

/**
 * The placeholder that stands for a redacted secret.
 */
export function redacted(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/**
 * How many values of each kind were redacted.
 */
export type RedactionCounts = Record<string, number>;

/**
 * The redaction settings (`redaction` in Settings › Trail).
 */
export interface IRedactionOptions {
  /** false leaves everything as recorded. */
  enabled?: boolean;
  /** More patterns, as regular expression sources; kind `custom`. */
  extraPatterns?: readonly string[];
}

/** Terminal colours and cursor moves (IPython colours its tracebacks). */
const ANSI =
  // eslint-disable-next-line no-control-regex
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** An ANSI escape or an HTML entity: what the scan reads through. */
const ENCODED = new RegExp(
  `${ANSI.source}|&(?:#\\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});`,
  'g'
);

const HAS_ENTITY = /&(?:#\d|#x[0-9a-f]|[a-z]{2,8};)/i;

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&apos;': "'",
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': ' '
};

/** The character an HTML entity stands for ('' when it is not one). */
function decodeEntity(entity: string): string {
  if (entity.startsWith('&#')) {
    const code =
      entity[2] === 'x' || entity[2] === 'X'
        ? parseInt(entity.slice(3, -1), 16)
        : parseInt(entity.slice(2, -1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return ENTITIES[entity] ?? '';
}

/** Output mime types that hold binary data (base64), never text. */
function isBinary(mime: string): boolean {
  return (
    (mime.startsWith('image/') && mime !== 'image/svg+xml') ||
    mime.startsWith('audio/') ||
    mime.startsWith('video/') ||
    mime === 'application/pdf' ||
    mime === 'application/octet-stream'
  );
}

/**
 * Replaces secrets with `[REDACTED:<kind>]` and counts them.
 */
export class Redactor {
  /**
   * @param options - the settings; enabled with no extra pattern by default.
   */
  constructor(options: IRedactionOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.extraPatterns = [...(options.extraPatterns ?? [])];
    for (const source of this.extraPatterns) {
      if (!source) {
        continue;
      }
      try {
        this._extra.push({ kind: 'custom', pattern: new RegExp(source, 'g') });
      } catch (error) {
        console.warn(`Trail: ignoring the redaction pattern ${source}`, error);
      }
    }
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
   * The text with every secret replaced.
   *
   * @param place - where the text comes from: `code` (an unquoted name
   *   after `password =` is a variable), `text` (outputs, logs) or `path`.
   * @param counts - adds one per redacted value and kind, when given.
   */
  redactText(
    text: string,
    place: TextPlace = 'code',
    counts?: RedactionCounts
  ): string {
    if (!this.enabled || text.length < 8) {
      return text;
    }
    if (text.includes('\x1b') || HAS_ENTITY.test(text)) {
      return this._redactEncoded(text, place, counts);
    }
    const spans = findSecrets(text, place, this._extra);
    return spans.length === 0 ? text : apply(text, spans, counts);
  }

  /**
   * Redacts an event in place (the recorder's events are its own) and
   * returns it: code, every text-bearing output (streams, text/*, JSON,
   * SVG, JavaScript, errors and tracebacks), params (names and values),
   * tags, file paths and the environment's git diff. An execution gets
   * `redactions`: how many values of each kind were hidden.
   */
  redactEvent(event: TrailEvent): TrailEvent {
    if (!this.enabled) {
      return event;
    }
    const counts: RedactionCounts = {};
    switch (event.kind) {
      case 'execution.completed': {
        const execution: ExecutionRecord = event.execution;
        const code = this.redactText(execution.code, 'code', counts);
        execution.code =
          code.length > MAX_CODE_LENGTH ? code.slice(0, MAX_CODE_LENGTH) : code;
        if (execution.error) {
          execution.error.evalue = this.redactText(
            execution.error.evalue,
            'text',
            counts
          );
        }
        execution.outputs = execution.outputs.map(output =>
          this._redactOutput(output, counts)
        );
        if (execution.capture) {
          this._redactCapture(execution.capture, counts);
        }
        if (Object.keys(counts).length > 0) {
          execution.redactions = counts;
        }
        break;
      }
      case 'execution.annotated':
        this._redactCapture(event.capture, counts);
        break;
      case 'session.started': {
        // A fork's substitutions name the files it read in place of the
        // recorded ones: paths like any other the recorder sends.
        for (const sub of event.session.lineage?.substitutions ?? []) {
          sub.recorded = this.redactText(sub.recorded, 'path', counts).slice(
            0,
            MAX_PATH_LENGTH
          );
          sub.path = this.redactText(sub.path, 'path', counts).slice(
            0,
            MAX_PATH_LENGTH
          );
        }
        break;
      }
      case 'environment.captured': {
        const git = event.environment.git;
        if (git?.diff) {
          git.diff = this.redactText(git.diff, 'code', counts);
        }
        break;
      }
      default:
        break;
    }
    return event;
  }

  /**
   * A coloured or HTML-escaped text: secrets are found in the text as it
   * reads (escapes removed, entities decoded), then replaced where they
   * are in the original, colours and markup kept.
   */
  private _redactEncoded(
    text: string,
    place: TextPlace,
    counts?: RedactionCounts
  ): string {
    const starts: number[] = [];
    const ends: number[] = [];
    let plain = '';
    let last = 0;
    const take = (end: number) => {
      for (let i = last; i < end; i++) {
        starts.push(i);
        ends.push(i + 1);
      }
      plain += text.slice(last, end);
    };
    ENCODED.lastIndex = 0;
    for (let m = ENCODED.exec(text); m; m = ENCODED.exec(text)) {
      const isEntity = m[0].startsWith('&');
      const entity = isEntity ? decodeEntity(m[0]) : '';
      if (isEntity && entity === '') {
        // Not an entity we know: read as it is.
        continue;
      }
      take(m.index);
      last = m.index + m[0].length;
      if (entity !== '') {
        plain += entity;
        starts.push(m.index);
        ends.push(last);
      }
    }
    take(text.length);
    const spans = findSecrets(plain, place, this._extra);
    if (spans.length === 0) {
      return text;
    }
    return apply(
      text,
      spans.map(({ start, end, kind }) => ({
        start: starts[start],
        end: ends[end - 1],
        kind
      })),
      counts
    );
  }

  /** The output with secrets redacted: the same object when none were. */
  private _redactOutput(output: Output, counts: RedactionCounts): Output {
    switch (output.output_type) {
      case 'stream': {
        const text = this._redactLines(output.text, 'text', counts);
        return text === output.text ? output : { ...output, text };
      }
      case 'error': {
        const evalue = this.redactText(output.evalue, 'text', counts);
        let traceback = output.traceback;
        for (let i = 0; i < traceback.length; i++) {
          const line = this.redactText(traceback[i], 'text', counts);
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
          if (isBinary(mime)) {
            continue;
          }
          const value = original[mime];
          const next =
            typeof value === 'string' ||
            (Array.isArray(value) && value.every(v => typeof v === 'string'))
              ? this._redactLines(value as string | string[], 'text', counts)
              : this._redactJson(value, counts);
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

  private _redactLines(
    text: string | string[],
    place: TextPlace,
    counts: RedactionCounts
  ): string | string[] {
    const joined = Array.isArray(text) ? text.join('') : text;
    const result = this.redactText(joined, place, counts);
    return result === joined ? text : result;
  }

  /** JSON with secrets redacted: the same values where none were. */
  private _redactJson(value: unknown, counts: RedactionCounts): unknown {
    if (typeof value === 'string') {
      return this.redactText(value, 'text', counts);
    }
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item = this._redactJson(value[i], counts);
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
        const secret = typeof item === 'string' ? secretName(key) : null;
        let next: unknown;
        if (
          secret !== null &&
          isSecretValue(item as string, secret, key, 'quoted')
        ) {
          next = redacted(secret.kind);
          counts[secret.kind] = (counts[secret.kind] ?? 0) + 1;
        } else {
          next = this._redactJson(item, counts);
        }
        if (next !== item) {
          out ??= { ...original };
          out[key] = next;
        }
      }
      return out ?? value;
    }
    return value;
  }

  private _redactCapture(
    capture: ExecutionCapture,
    counts: RedactionCounts
  ): void {
    if (capture.params) {
      // A Map, not an object: a param may be named __proto__.
      const params = new Map<string, ParamValue>();
      for (const [name, value] of Object.entries(capture.params)) {
        const key = this.redactText(name, 'text', counts).slice(
          0,
          MAX_PARAM_NAME_LENGTH
        );
        const secret = secretName(name);
        if (
          secret !== null &&
          (typeof value === 'number' ||
            (typeof value === 'string' &&
              value.length >= 3 &&
              !value.startsWith('[REDACTED:')))
        ) {
          // A param named like a secret holds one, whatever it looks like.
          params.set(key, redacted(secret.kind));
          counts[secret.kind] = (counts[secret.kind] ?? 0) + 1;
        } else if (typeof value === 'string') {
          params.set(
            key,
            this.redactText(value, 'text', counts).slice(
              0,
              MAX_PARAM_VALUE_LENGTH
            )
          );
        } else {
          params.set(key, value);
        }
      }
      capture.params = Object.fromEntries(params);
    }
    if (capture.tags) {
      capture.tags = capture.tags.map(tag =>
        this.redactText(tag, 'text', counts).slice(0, MAX_TAG_LENGTH)
      );
    }
    for (const file of capture.files ?? []) {
      file.path = this.redactText(file.path, 'path', counts).slice(
        0,
        MAX_PATH_LENGTH
      );
    }
  }

  private _extra: IRedactionPattern[] = [];
}

/**
 * The text with its spans replaced (overlapping spans merge, the first
 * one's kind shown), counting one per replaced span.
 */
function apply(text: string, spans: ISpan[], counts?: RedactionCounts): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: ISpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (span.end <= span.start) {
      continue;
    }
    if (last !== undefined && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
    } else {
      merged.push({ ...span });
    }
  }
  let out = '';
  let at = 0;
  for (const { start, end, kind } of merged) {
    out += text.slice(at, start) + redacted(kind);
    at = end;
    if (counts) {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return out + text.slice(at);
}

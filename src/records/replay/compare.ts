/**
 * The divergence rules of a replay: how a new execution of a recorded step
 * compares with the recorded one. Streams are compared per stream (stdout,
 * stderr) as their whole text, so a warning printed a moment earlier is not
 * a divergence of every output after it; the other outputs in order, each
 * by its richest kind: an image by its bytes, a table by shape and values,
 * else its text. Nondeterministic tokens (normalise.ts) are not a
 * divergence unless the comparison is strict.
 */
import { diffLines } from 'diff';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { ExecutionRecord, Output } from '../schema';
import { clockOf, IClockWindow, normaliseText } from './normalise';
import {
  differingCells,
  IOutputTable,
  readDataResource,
  readHtmlTable,
  tableText
} from './tables';

/** How a replayed execution compares with the recorded one. */
export type Verdict = 'same' | 'differs' | 'new-error' | 'error-gone';

/** One difference between a recorded and a replayed output. */
export interface OutputDifference {
  /** The output's index among the recorded outputs (the replayed ones for `extra`). */
  index: number;
  kind: 'text' | 'image' | 'table' | 'missing' | 'extra' | 'type';
  /** The mime type compared, or `stream/stdout`, `stream/stderr`, `error`. */
  mimeType?: string;
  /** The recorded value as text (cut to {@link MAX_SHOWN_CHARS}); absent for images. */
  recorded?: string;
  replayed?: string;
  /** One line a person reads: what differs and where first. */
  summary: string;
}

/** The verdict, the differences, and what nondeterminism was normalised away. */
export interface ExecutionComparison {
  verdict: Verdict;
  differences: OutputDifference[];
  /** The normalisations that hid a difference, e.g. "memory address". */
  ignored: string[];
}

/** Options of {@link compareExecutions}. */
export interface ICompareOptions {
  /** Compare every character: no normalisation of nondeterministic tokens. */
  strict?: boolean;
}

/** A value shown in a difference is cut to this many characters. */
export const MAX_SHOWN_CHARS = 100_000;

/** The fields of an execution the rules read. */
export type ComparableExecution = Pick<
  ExecutionRecord,
  'status' | 'outputs' | 'error' | 'startedAt' | 'endedAt'
>;

/**
 * Compares a replayed execution with the recorded one.
 * - `error-gone`: the recording failed, the replay did not;
 * - `new-error`: the replay failed where the recording did not, or with
 *   another error (ename or evalue, normalised);
 * - `differs`: some output differs;
 * - `same`: otherwise (an error with the same ename and evalue is the same,
 *   whatever its traceback says).
 */
export function compareExecutions(
  recorded: ComparableExecution,
  replayed: ComparableExecution,
  options: ICompareOptions = {}
): ExecutionComparison {
  const context = new ComparisonContext(
    options,
    clockOf(recorded),
    clockOf(replayed)
  );
  const differences = [
    ...compareStreams(recorded.outputs, replayed.outputs, context),
    ...compareRich(recorded.outputs, replayed.outputs, context)
  ];
  const recordedError = errorOf(recorded);
  const replayedError = errorOf(replayed);
  let verdict: Verdict;
  if (recordedError && !replayedError) {
    verdict = 'error-gone';
  } else if (!recordedError && replayedError) {
    verdict = 'new-error';
  } else if (
    recordedError &&
    replayedError &&
    !context.sameText(recordedError, replayedError)
  ) {
    verdict = 'new-error';
  } else {
    verdict = differences.length ? 'differs' : 'same';
  }
  return { verdict, differences, ignored: [...context.ignored].sort() };
}

/** Normalises both sides and remembers which rules hid a difference. */
class ComparisonContext {
  readonly ignored = new Set<string>();

  constructor(
    private readonly options: ICompareOptions,
    private readonly recordedClock: IClockWindow | undefined,
    private readonly replayedClock: IClockWindow | undefined
  ) {}

  /** Both texts normalised (their own clock each). */
  normalise(recorded: string, replayed: string): [string, string] {
    const a = normaliseText(recorded, {
      strict: this.options.strict,
      clock: this.recordedClock
    });
    const b = normaliseText(replayed, {
      strict: this.options.strict,
      clock: this.replayedClock
    });
    if (a.text === b.text && recorded !== replayed) {
      // The rules that matched made the two equal: report them.
      for (const name of new Set([...a.applied, ...b.applied])) {
        this.ignored.add(name);
      }
    }
    return [a.text, b.text];
  }

  sameText(recorded: string, replayed: string): boolean {
    const [a, b] = this.normalise(recorded, replayed);
    return a === b;
  }
}

/** "ename: evalue" of a failed execution, undefined when it succeeded. */
function errorOf(execution: ComparableExecution): string | undefined {
  const output = execution.outputs.find(o => o.output_type === 'error') as
    { ename: string; evalue: string } | undefined;
  const error = execution.error ?? output;
  if (error) {
    return `${error.ename}: ${error.evalue}`;
  }
  // Aborted or interrupted without an error output still did not run through.
  return execution.status === 'ok' ? undefined : execution.status;
}

function joined(text: unknown): string {
  return Array.isArray(text)
    ? text.join('')
    : typeof text === 'string'
      ? text
      : '';
}

function cut(text: string): string {
  return text.length > MAX_SHOWN_CHARS
    ? text.slice(0, MAX_SHOWN_CHARS) + '…'
    : text;
}

function quote(line: string): string {
  const short = line.length > 80 ? line.slice(0, 79) + '…' : line;
  return JSON.stringify(short);
}

/** A line diff's summary: how many lines differ and the first pair. */
function textSummary(label: string, a: string, b: string): string {
  const changes = diffLines(a, b);
  let removed = 0;
  let added = 0;
  let line = 1;
  let firstLine = 0;
  let firstRemoved: string | undefined;
  let firstAdded: string | undefined;
  for (const change of changes) {
    const lines = change.value.replace(/\n$/, '').split('\n');
    if (change.removed) {
      removed += change.count ?? lines.length;
      if (firstLine === 0) {
        firstLine = line;
        firstRemoved = lines[0];
      }
    } else if (change.added) {
      added += change.count ?? lines.length;
      if (firstLine === 0) {
        firstLine = line;
      }
      if (firstAdded === undefined && firstLine === line) {
        firstAdded = lines[0];
      }
    } else {
      line += change.count ?? lines.length;
    }
  }
  const counts = [
    removed ? `${removed} line(s) recorded` : '',
    added ? `${added} replayed` : ''
  ]
    .filter(Boolean)
    .join(', ');
  const first =
    firstRemoved !== undefined && firstAdded !== undefined
      ? `${quote(firstRemoved)} → ${quote(firstAdded)}`
      : firstRemoved !== undefined
        ? `${quote(firstRemoved)} is gone`
        : `${quote(firstAdded ?? '')} is new`;
  return `${label} differs (${counts}); first at line ${firstLine}: ${first}`;
}

function compareText(
  index: number,
  mimeType: string,
  recorded: string,
  replayed: string,
  context: ComparisonContext
): OutputDifference | undefined {
  const [a, b] = context.normalise(recorded, replayed);
  if (a === b) {
    return undefined;
  }
  return {
    index,
    kind: 'text',
    mimeType,
    recorded: cut(recorded),
    replayed: cut(replayed),
    summary: textSummary(mimeType, a, b)
  };
}

function compareStreams(
  recorded: Output[],
  replayed: Output[],
  context: ComparisonContext
): OutputDifference[] {
  const differences: OutputDifference[] = [];
  for (const name of ['stdout', 'stderr']) {
    const mimeType = `stream/${name}`;
    const ofName = (o: Output) => o.output_type === 'stream' && o.name === name;
    const index = recorded.findIndex(ofName);
    const replayedIndex = replayed.findIndex(ofName);
    const a = recorded
      .filter(ofName)
      .map(o => joined(o.text))
      .join('');
    const b = replayed
      .filter(ofName)
      .map(o => joined(o.text))
      .join('');
    if (index < 0 && replayedIndex < 0) {
      continue;
    }
    if (index < 0) {
      differences.push({
        index: replayedIndex,
        kind: 'extra',
        mimeType,
        replayed: cut(b),
        summary: `the replay printed to ${name}, the recording did not`
      });
    } else if (replayedIndex < 0) {
      differences.push({
        index,
        kind: 'missing',
        mimeType,
        recorded: cut(a),
        summary: `the recording printed to ${name}, the replay did not`
      });
    } else {
      const difference = compareText(index, mimeType, a, b, context);
      if (difference) {
        differences.push(difference);
      }
    }
  }
  return differences;
}

/** The outputs that are not streams, with their index among all outputs. */
function richOutputs(outputs: Output[]): [number, Output][] {
  return outputs
    .map((o, i) => [i, o] as [number, Output])
    .filter(([, o]) => o.output_type !== 'stream');
}

function compareRich(
  recorded: Output[],
  replayed: Output[],
  context: ComparisonContext
): OutputDifference[] {
  const a = richOutputs(recorded);
  const b = richOutputs(replayed);
  const differences: OutputDifference[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= b.length) {
      const [index, output] = a[i];
      differences.push({
        index,
        kind: 'missing',
        mimeType: mimeOf(output),
        summary: `the replay has no ${describe(output)} (recorded output ${index + 1})`
      });
    } else if (i >= a.length) {
      const [index, output] = b[i];
      differences.push({
        index,
        kind: 'extra',
        mimeType: mimeOf(output),
        summary: `the replay has an extra ${describe(output)} (replayed output ${index + 1})`
      });
    } else {
      const difference = compareOutput(a[i][0], a[i][1], b[i][1], context);
      if (difference) {
        differences.push(difference);
      }
    }
  }
  return differences;
}

const IMAGE = /^image\//;
const DATARESOURCE = 'application/vnd.dataresource+json';

type Bundle = Record<string, unknown>;

function bundleOf(output: Output): Bundle {
  return 'data' in output && output.data && typeof output.data === 'object'
    ? (output.data as Bundle)
    : {};
}

function mimeOf(output: Output): string {
  if (output.output_type === 'error') {
    return 'error';
  }
  const mimes = Object.keys(bundleOf(output));
  return mimes.find(m => IMAGE.test(m)) ?? mimes[0] ?? output.output_type;
}

function describe(output: Output): string {
  if (output.output_type === 'error') {
    return `error (${(output as { ename: string }).ename})`;
  }
  return `${output.output_type} (${mimeOf(output)})`;
}

function compareOutput(
  index: number,
  recorded: Output,
  replayed: Output,
  context: ComparisonContext
): OutputDifference | undefined {
  if (recorded.output_type === 'error' || replayed.output_type === 'error') {
    if (recorded.output_type !== replayed.output_type) {
      return typeDifference(index, recorded, replayed);
    }
    const r = recorded as { ename: string; evalue: string };
    const p = replayed as { ename: string; evalue: string };
    return compareText(
      index,
      'error',
      `${r.ename}: ${r.evalue}`,
      `${p.ename}: ${p.evalue}`,
      context
    );
  }
  const a = bundleOf(recorded);
  const b = bundleOf(replayed);
  const imageA = Object.keys(a).find(m => IMAGE.test(m));
  const imageB = Object.keys(b).find(m => IMAGE.test(m));
  if (imageA || imageB) {
    if (!imageA || !imageB || imageA !== imageB) {
      return typeDifference(index, recorded, replayed);
    }
    return compareImage(index, imageA, a[imageA], b[imageB], context);
  }
  const tableA = tableOf(a);
  const tableB = tableOf(b);
  if (tableA && tableB) {
    return compareTables(
      index,
      tableA.mime,
      tableA.table,
      tableB.table,
      context
    );
  }
  if ('text/plain' in a && 'text/plain' in b) {
    return compareText(
      index,
      'text/plain',
      valueText(a['text/plain']),
      valueText(b['text/plain']),
      context
    );
  }
  const shared = Object.keys(a).find(m => m in b);
  if (!shared) {
    return typeDifference(index, recorded, replayed);
  }
  return compareText(
    index,
    shared,
    valueText(a[shared]),
    valueText(b[shared]),
    context
  );
}

function typeDifference(
  index: number,
  recorded: Output,
  replayed: Output
): OutputDifference {
  return {
    index,
    kind: 'type',
    mimeType: mimeOf(recorded),
    summary: `recorded ${describe(recorded)}, replayed ${describe(replayed)}`
  };
}

/** A BlobRef as the server stores a large value. */
interface IBlobRef {
  $blob: string;
  size: number;
  encoding: 'text' | 'json';
}

function isBlobRef(value: unknown): value is IBlobRef {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as IBlobRef).$blob === 'string'
  );
}

function valueText(value: unknown): string {
  if (typeof value === 'string' || Array.isArray(value)) {
    return Array.isArray(value) && value.every(v => typeof v === 'string')
      ? value.join('')
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** The digest and size (bytes) of an image value, a base64 string or a BlobRef. */
function imageIdentity(value: unknown): { sha256: string; bytes: number } {
  if (isBlobRef(value)) {
    // A text blob holds the base64 string itself.
    return { sha256: value.$blob, bytes: Math.floor((value.size * 3) / 4) };
  }
  const text = valueText(value);
  const compact = text.replace(/\s+/g, '');
  // The blob store hashes the value as stored (with its line breaks).
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return {
    sha256: bytesToHex(sha256(utf8ToBytes(text))),
    bytes: Math.floor((compact.length * 3) / 4) - padding
  };
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function compareImage(
  index: number,
  mimeType: string,
  recorded: unknown,
  replayed: unknown,
  context: ComparisonContext
): OutputDifference | undefined {
  if (
    mimeType === 'image/svg+xml' &&
    !isBlobRef(recorded) &&
    !isBlobRef(replayed)
  ) {
    // SVG is text: its ids and dates are normalised like any text.
    const difference = compareText(
      index,
      mimeType,
      valueText(recorded),
      valueText(replayed),
      context
    );
    return (
      difference && {
        ...difference,
        kind: 'image',
        recorded: undefined,
        replayed: undefined
      }
    );
  }
  const a = imageIdentity(recorded);
  const b = imageIdentity(replayed);
  if (
    a.sha256 === b.sha256 ||
    valueText(recorded).replace(/\s+/g, '') ===
      valueText(replayed).replace(/\s+/g, '')
  ) {
    return undefined;
  }
  return {
    index,
    kind: 'image',
    mimeType,
    summary: `${mimeType} differs: ${kilobytes(a.bytes)} recorded, ${kilobytes(b.bytes)} replayed`
  };
}

function tableOf(
  bundle: Bundle
): { mime: string; table: IOutputTable } | undefined {
  const resource = readDataResource(bundle[DATARESOURCE]);
  if (resource) {
    return { mime: DATARESOURCE, table: resource };
  }
  const html = bundle['text/html'];
  const table =
    html === undefined || isBlobRef(html)
      ? undefined
      : readHtmlTable(valueText(html));
  return table && { mime: 'text/html', table };
}

function compareTables(
  index: number,
  mimeType: string,
  recorded: IOutputTable,
  replayed: IOutputTable,
  context: ComparisonContext
): OutputDifference | undefined {
  const parts: string[] = [];
  const [ra, ca] = recorded.shape;
  const [rb, cb] = replayed.shape;
  if (ra !== rb || ca !== cb) {
    parts.push(`shape ${ra}×${ca} → ${rb}×${cb}`);
  }
  if (
    !context.sameText(recorded.columns.join('\t'), replayed.columns.join('\t'))
  ) {
    const removed = recorded.columns.filter(c => !replayed.columns.includes(c));
    const added = replayed.columns.filter(c => !recorded.columns.includes(c));
    parts.push(
      removed.length || added.length
        ? `columns ${[...removed.map(c => `-${c}`), ...added.map(c => `+${c}`)].join(' ')}`
        : 'columns reordered'
    );
  }
  const cells = differingCells(recorded, replayed, (x, y) =>
    context.sameText(x, y)
  );
  if (cells.cells && cells.first) {
    const f = cells.first;
    parts.push(
      `${cells.cells} value(s) differ; first at row ${f.row + 1}, column ${quote(f.column)}: ${quote(f.recorded)} → ${quote(f.replayed)}`
    );
  }
  if (!parts.length) {
    return undefined;
  }
  return {
    index,
    kind: 'table',
    mimeType,
    recorded: cut(tableText(recorded)),
    replayed: cut(tableText(replayed)),
    summary: `table differs: ${parts.join('; ')}`
  };
}

/**
 * The divergence rules for the outputs that are not streams (display data,
 * results, errors), compared in order, each by its richest kind: an image
 * by its bytes, a table (a pandas DataFrame's HTML, a Table Schema bundle)
 * by shape, columns and values, else its text/plain, else the first mime
 * type both have.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Output } from '../schema';
import {
  compareText,
  ComparisonContext,
  cut,
  OutputDifference,
  quote
} from './difference';
import {
  differingCells,
  IOutputTable,
  readDataResource,
  readHtmlTable,
  tableText
} from './tables';

/** The outputs that are not streams, with their index among all outputs. */
function richOutputs(outputs: Output[]): [number, Output][] {
  return outputs
    .map((o, i) => [i, o] as [number, Output])
    .filter(([, o]) => o.output_type !== 'stream');
}

/** Compares the outputs that are not streams, pairwise in order. */
export function compareRich(
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
  const shared =
    'text/plain' in a && 'text/plain' in b
      ? 'text/plain'
      : Object.keys(a).find(m => m in b);
  if (!shared) {
    return typeDifference(index, recorded, replayed);
  }
  if (isBlobRef(a[shared]) || isBlobRef(b[shared])) {
    return compareStored(index, shared, a[shared], b[shared]);
  }
  return compareText(
    index,
    shared,
    valueText(a[shared]),
    valueText(b[shared]),
    context
  );
}

/** The SHA-256 a blob of this value would be stored under. */
function blobSha256(value: unknown): string {
  if (isBlobRef(value)) {
    return value.$blob;
  }
  return bytesToHex(
    sha256(
      utf8ToBytes(typeof value === 'string' ? value : JSON.stringify(value))
    )
  );
}

/**
 * A value the server keeps as a blob, compared unread (callers resolve
 * outputs first, so this is the fallback): the same content is the same,
 * anything else a difference that says why it is not shown.
 */
function compareStored(
  index: number,
  mimeType: string,
  recorded: unknown,
  replayed: unknown
): OutputDifference | undefined {
  if (blobSha256(recorded) === blobSha256(replayed)) {
    return undefined;
  }
  return {
    index,
    kind: 'text',
    mimeType,
    summary: `${mimeType} differs (a value stored as a blob was compared unread: resolve the outputs to see how)`
  };
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

/**
 * Reading a Trail export (export-format.ts) line by line, checking as it
 * goes what a truncated or altered file would break: the gzip stream, the
 * header, each line's shape, each blob's hash, and at the end the
 * trailer's counts and the SHA-256 over everything before it. Errors name
 * the file and the line.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  CONTENT_TYPES,
  emptyCounts,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ContentCounts,
  type ContentLine,
  type HeaderLine,
  type TrailerLine
} from './export-format';
import { TransferError } from './history-end';

const EVENT_KINDS = new Set([
  'session.started',
  'execution.completed',
  'execution.annotated',
  'structure.captured',
  'environment.captured'
]);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What a whole, verified export held. */
export interface ExportContents {
  header: HeaderLine;
  counts: ContentCounts;
  sha256: string;
}

/**
 * Reads the export `path`: resolves with its header once it is read, and
 * calls `onLine` with each content line in order (waiting for it); rejects
 * with a TransferError at the first thing wrong, even after lines were
 * handed over (a caller that stores them must not acknowledge before the
 * end).
 */
export async function readExport(
  path: string,
  onLine?: (line: ContentLine) => Promise<void> | void
): Promise<ExportContents> {
  try {
    await fs.access(path);
  } catch {
    throw new TransferError(`${path}: no such file`);
  }
  const gunzip = createGunzip();
  let streamError: Error | null = null;
  const input = createReadStream(path);
  input.on('error', err => gunzip.destroy(err));
  input.pipe(gunzip);
  gunzip.on('error', err => (streamError ??= err));
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  const hash = createHash('sha256');
  const counts = emptyCounts();
  let header: HeaderLine | null = null;
  let trailer: TrailerLine | null = null;
  let n = 0;
  const fail = (message: string) =>
    new TransferError(`${path}, line ${n}: ${message}`);
  try {
    for await (const text of lines) {
      n++;
      if (trailer) {
        throw fail('a line after the trailer: the file was altered');
      }
      let value: { type?: unknown };
      try {
        value = JSON.parse(text);
      } catch {
        throw fail('not JSON (the file is damaged)');
      }
      if (n === 1) {
        header = checkHeader(value, fail);
        hash.update(`${text}\n`, 'utf8');
        continue;
      }
      if (value?.type === 'trailer') {
        trailer = value as TrailerLine;
        continue;
      }
      hash.update(`${text}\n`, 'utf8');
      const line = checkContent(value, fail);
      counts[line.type]++;
      await onLine?.(line);
    }
  } catch (err) {
    if (err instanceof TransferError) {
      throw err;
    }
    throw streamFailure(path, n, err as Error);
  } finally {
    lines.close();
    input.destroy();
  }
  if (streamError) {
    throw streamFailure(path, n, streamError);
  }
  if (!header) {
    throw new TransferError(`${path}: empty, not a Trail export`);
  }
  if (!trailer) {
    throw new TransferError(
      `${path} ends after line ${n} without its trailer: the file is truncated`
    );
  }
  for (const type of CONTENT_TYPES) {
    if (trailer.counts?.[type] !== counts[type]) {
      throw new TransferError(
        `${path}: the trailer counts ${trailer.counts?.[type]} ${type} lines, ` +
          `the file holds ${counts[type]}: the file was altered`
      );
    }
  }
  const sha256 = hash.digest('hex');
  if (trailer.sha256 !== sha256) {
    throw new TransferError(
      `${path}: the SHA-256 of its content is ${sha256}, the trailer says ` +
        `${trailer.sha256}: the file was altered`
    );
  }
  return { header, counts, sha256 };
}

function streamFailure(path: string, n: number, err: Error): TransferError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) {
    return new TransferError(
      `${path} ends in the middle of its gzip stream after line ${n}: the file is truncated`
    );
  }
  if (code === 'Z_DATA_ERROR') {
    return new TransferError(
      n === 0
        ? `${path} is not a gzip file (a Trail export is gzip JSON Lines)`
        : `${path}: the gzip stream is damaged after line ${n} (${err.message})`
    );
  }
  return new TransferError(`${path}: ${err.message}`);
}

function checkHeader(
  value: { type?: unknown },
  fail: (message: string) => TransferError
): HeaderLine {
  const header = value as Partial<HeaderLine>;
  if (header?.type !== 'header' || header.format !== EXPORT_FORMAT) {
    throw fail(`not the header of a Trail export (format "${EXPORT_FORMAT}")`);
  }
  if (header.version !== EXPORT_VERSION) {
    throw fail(
      `export format version ${String(header.version)}; this server reads version ${EXPORT_VERSION}`
    );
  }
  return header as HeaderLine;
}

function checkContent(
  value: { type?: unknown },
  fail: (message: string) => TransferError
): ContentLine {
  const line = value as ContentLine;
  switch (line?.type) {
    case 'user':
      if (typeof line.user?.id !== 'string' || !line.user.name) {
        throw fail('a user without id or name');
      }
      return line;
    case 'token':
      if (typeof line.token?.id !== 'string') {
        throw fail('a token without id');
      }
      if ('sha256' in line.token) {
        throw fail('a token with a hash: an export never holds one');
      }
      return line;
    case 'fact':
      if (typeof line.fact?.t !== 'string') {
        throw fail('an access fact without its type');
      }
      return line;
    case 'blob': {
      if (!SHA256_HEX.test(line.sha256) || typeof line.base64 !== 'string') {
        throw fail('a blob without its SHA-256 or content');
      }
      const content = Buffer.from(line.base64, 'base64');
      const actual = createHash('sha256').update(content).digest('hex');
      if (actual !== line.sha256) {
        throw fail(
          `blob ${line.sha256}: its content's SHA-256 is ${actual} (the file was altered)`
        );
      }
      return line;
    }
    case 'event':
      if (
        typeof line.event?.id !== 'string' ||
        !EVENT_KINDS.has(line.event.kind)
      ) {
        throw fail('an event without id or with an unknown kind');
      }
      return line;
    default:
      throw fail(`unknown line type ${JSON.stringify(value?.type)}`);
  }
}

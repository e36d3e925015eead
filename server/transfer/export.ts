/**
 * `trail-server export --out FILE`: a whole history as gzip JSON Lines
 * (export-format.ts, docs/export-format.md), written as it is read: the
 * store's events a batch at a time, each cited blob once, just before the
 * first event citing it. Memory stays flat however long the history is,
 * except for the set of blob hashes already written (32 bytes of hash per
 * distinct blob, not their content).
 *
 * The file is written under a temporary name and renamed when complete:
 * a file at FILE is always a whole export.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { TokenRecord } from '../access/directory';
import { SERVER_INFO } from '../version';
import {
  citedBlobs,
  emptyCounts,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ContentCounts,
  type ContentLine,
  type ExportedToken,
  type HeaderLine,
  type TrailerLine
} from './export-format';
import { TransferError, type HistoryEnd } from './history-end';

/** What an export wrote. */
export interface ExportSummary {
  counts: ContentCounts;
  sha256: string;
  /** Blobs cited by an event but absent from the source (not written). */
  missingBlobs: string[];
}

/** Writes lines to a gzip file, hashing what it writes, minding backpressure. */
class LineWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private readonly file: Writable;
  private failure: Error | null = null;

  constructor(path: string) {
    this.file = createWriteStream(path, { mode: 0o600 });
    this.gzip.pipe(this.file);
    const fail = (err: Error) => (this.failure ??= err);
    this.gzip.on('error', fail);
    this.file.on('error', fail);
  }

  async write(value: object, hashed = true): Promise<void> {
    if (this.failure) {
      throw this.failure;
    }
    const line = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    if (hashed) {
      this.hash.update(line);
    }
    if (!this.gzip.write(line)) {
      await once(this.gzip, 'drain');
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  /** Ends the gzip stream and waits for the file to be synced and closed. */
  async end(): Promise<void> {
    const closed = once(this.file, 'finish');
    this.gzip.end();
    await closed;
    if (this.failure) {
      throw this.failure;
    }
  }
}

/**
 * Exports `source` to the gzip file `out` (see the module comment);
 * `progress` hears how many events were written so far.
 */
export async function exportHistory(
  source: HistoryEnd,
  out: string,
  progress?: (events: number) => void
): Promise<ExportSummary> {
  const tmp = `${out}.partial`;
  const writer = new LineWriter(tmp);
  const counts = emptyCounts();
  const missingBlobs: string[] = [];
  const put = async (line: ContentLine) => {
    counts[line.type]++;
    await writer.write(line);
  };
  try {
    const header: HeaderLine = {
      type: 'header',
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      server: { name: SERVER_INFO.name, version: SERVER_INFO.version },
      exportedAt: new Date().toISOString(),
      source: source.kind,
      counts: await source.counts()
    };
    await writer.write(header);
    const people = await source.people();
    for (const user of people.users) {
      await put({ type: 'user', user });
    }
    for (const token of people.tokens) {
      await put({ type: 'token', token: withoutHash(token) });
    }
    for await (const fact of source.facts()) {
      await put({ type: 'fact', fact });
    }
    const written = new Set<string>();
    await source.store.scanEvents(async events => {
      for (const event of events) {
        for (const sha256 of citedBlobs(event)) {
          if (written.has(sha256)) {
            continue;
          }
          written.add(sha256);
          const content = await source.store.blobs.get(sha256);
          if (content) {
            await put({
              type: 'blob',
              sha256,
              base64: content.toString('base64')
            });
          } else {
            missingBlobs.push(sha256);
          }
        }
        await put({ type: 'event', event });
      }
      progress?.(counts.event);
    });
    const sha256 = writer.digest();
    const trailer: TrailerLine = { type: 'trailer', counts, sha256 };
    await writer.write(trailer, false);
    await writer.end();
    await syncFile(tmp);
    await fs.rename(tmp, out);
    return { counts, sha256, missingBlobs };
  } catch (err) {
    await writer.end().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TransferError(`cannot write ${out}: ${(err as Error).message}`);
    }
    throw err;
  }
}

/** A token record as exported: every field but its hash. */
function withoutHash(token: TokenRecord): ExportedToken {
  const { id, userId, label, prefix, createdAt, revokedAt } = token;
  return { id, userId, label, prefix, createdAt, revokedAt };
}

async function syncFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

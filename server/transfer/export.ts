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
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Fact } from '../access/access-log';
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

/** Bytes of lines handed to zlib at a time. */
const CHUNK_BYTES = 256 * 1024;

/** Writes lines to a gzip file, hashing what it writes, minding backpressure. */
class LineWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Settles when the file is written and closed, or at the first failure. */
  private readonly done: Promise<void>;

  private constructor(shown: string, file: FileHandle) {
    this.done = pipeline(this.gzip, file.createWriteStream()).catch(
      (err: Error) => {
        throw new TransferError(`cannot write ${shown}: ${err.message}`);
      }
    );
    // Seen by write() and end(); never an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  /**
   * Creates `path` (mode 0600), named `shown` in errors; fails at once
   * when it cannot be created.
   */
  static async create(path: string, shown: string): Promise<LineWriter> {
    try {
      return new LineWriter(shown, await fs.open(path, 'w', 0o600));
    } catch (err) {
      const { code } = err as NodeJS.ErrnoException;
      const why =
        code === 'ENOENT'
          ? 'its folder does not exist'
          : (err as Error).message;
      throw new TransferError(`cannot write ${shown}: ${why}`);
    }
  }

  async write(value: object, hashed = true): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    if (hashed) {
      this.hash.update(line);
    }
    // Lines go to zlib in chunks: a write per line costs a trip through
    // the thread pool each.
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= CHUNK_BYTES) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.gzip.write(chunk)) {
      await Promise.race([once(this.gzip, 'drain'), this.done]);
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  /** Ends the gzip stream and waits for the file to be written and closed. */
  async end(): Promise<void> {
    await this.flush();
    this.gzip.end();
    await this.done;
  }

  /** Stops writing (after a failure elsewhere). */
  abort(): void {
    this.gzip.destroy();
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
  const writer = await LineWriter.create(tmp, out);
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
    // Facts stored while the events were read (a database in use) follow
    // them: facts are only ever appended, so they are the ones after the
    // first read's. They are read first, then the people again: whoever a
    // fact names was added before it, so the people added meanwhile (and
    // their tokens) go out before those facts, and no fact in the file
    // names someone who is not.
    const later: Fact[] = [];
    let before = counts.fact;
    for await (const fact of source.facts()) {
      if (before > 0) {
        before--;
      } else {
        later.push(fact);
      }
    }
    const again = await source.people();
    const users = new Set(people.users.map(u => u.id));
    for (const user of again.users) {
      if (!users.has(user.id)) {
        await put({ type: 'user', user });
      }
    }
    const tokens = new Set(people.tokens.map(t => t.id));
    for (const token of again.tokens) {
      if (!tokens.has(token.id)) {
        await put({ type: 'token', token: withoutHash(token) });
      }
    }
    for (const fact of later) {
      await put({ type: 'fact', fact });
    }
    const sha256 = writer.digest();
    const trailer: TrailerLine = { type: 'trailer', counts, sha256 };
    await writer.write(trailer, false);
    await writer.end();
    await syncFile(tmp);
    await fs.rename(tmp, out);
    return { counts, sha256, missingBlobs };
  } catch (err) {
    writer.abort();
    await fs.rm(tmp, { force: true });
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

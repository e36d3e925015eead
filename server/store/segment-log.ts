/**
 * An append-only log of records split into segment files
 * (`<dir>/00000001.log`, rolled at a size limit). Appending never rewrites
 * older bytes, so its cost does not grow with the history.
 *
 * Each line is `<header JSON> TAB <body JSON> LF`. JSON.stringify never
 * emits a raw TAB or LF, so both separators are unambiguous. The header is
 * a short JSON array, `[crc32 of the body, ...fields]`, holding what the
 * indexes need, so a startup scan parses headers only; it is kept ASCII
 * (\u escapes) so it decodes as latin1, the fastest way. Lines are read
 * back by (segment, offset, length).
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  openDurableAppend,
  reopenTruncated,
  syncAfterWrite
} from './durable-append';
import {
  indexLine,
  readSegmentIndex,
  SegmentIndexWriter
} from './segment-index';
import { ReadBatch } from './read-batch';
import { parseLine, scanSegment, segmentName } from './segment-scan';

/** Where one record lives in the log. */
export interface LogLocation {
  segment: number;
  offset: number;
  /** Bytes of the line without its LF. */
  length: number;
}

/** One record to append: its header fields and its body (JSON text). */
export interface LogRecord {
  fields: unknown[];
  body: string;
}

/** A record met while scanning the log at startup. */
export interface ScannedRecord {
  /**
   * The header: index 0 is the body's CRC, the record's fields follow
   * (possibly with more elements after them).
   */
  header: unknown[];
  location: LogLocation;
}

/** Receives problems found while opening the log. */
export interface LogWarnings {
  warn(message: string): void;
}

/** Options of {@link SegmentLog.open}. */
export interface SegmentLogOptions {
  /** Start a new segment once the current one would pass this size. */
  segmentBytes?: number;
  warnings?: LogWarnings;
  /**
   * Checks the intact records of the last segment before they are
   * delivered, resolving to how many of them to keep: the rest (writes
   * that were never acknowledged) are cut off. Default: keep all.
   */
  checkTail?: (records: ScannedRecord[]) => Promise<number>;
}

const SEGMENT_NAME = /^(\d{8})\.log$/;
/** The default segment size: 64 MiB. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

const TAB = 0x09;
const LF = 0x0a;

/** JSON with every non-ASCII character escaped. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
  );
}

/** fsyncs a directory so that entries created in it survive a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** See the module comment. */
export class SegmentLog {
  /**
   * A read handle per segment, as the promise of its opening: reads that
   * start together (a step of a long session reads ~1,000 records at once)
   * share one open instead of each opening the file and closing it again.
   */
  private readonly readers = new Map<number, Promise<fs.FileHandle>>();
  private readonly batch = new ReadBatch((segment, offset, length) =>
    this.readRange(segment, offset, length)
  );
  /** The failure of the last write, until a write succeeds again. */
  private failure: { error: Error; at: Date } | null = null;
  private closed = false;
  /** Index files of sealed segments still being finished. */
  private sealing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private segment: number,
    private writer: fs.FileHandle,
    private size: number,
    private index: SegmentIndexWriter
  ) {}

  /**
   * Opens (or creates) the log in `dir`, calling `onRecord` for every intact
   * record in order. A damaged tail of the last segment (a write cut short
   * by a crash; it was never acknowledged) is cut off.
   */
  static async open(
    dir: string,
    onRecord: (record: ScannedRecord) => void,
    options: SegmentLogOptions = {}
  ): Promise<SegmentLog> {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    await fs.mkdir(dir, { recursive: true });
    const segments = (await fs.readdir(dir))
      .map(name => SEGMENT_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(m => Number(m[1]))
      .sort((a, b) => a - b);
    if (segments.length === 0) {
      segments.push(1);
      await (await fs.open(join(dir, segmentName(1)), 'a')).close();
      await syncDirectory(dir);
    }
    for (const segment of segments.slice(0, -1)) {
      await SegmentLog.loadSealed(dir, segment, onRecord, options.warnings);
    }
    const last = segments[segments.length - 1];
    const lines: string[] = [];
    const tail: ScannedRecord[] = [];
    let lastSize = await scanSegment(
      dir,
      last,
      true,
      record => tail.push(record),
      lines,
      options.warnings
    );
    const keep = options.checkTail
      ? await options.checkTail(tail)
      : tail.length;
    if (keep < tail.length) {
      lastSize = tail[keep].location.offset;
      options.warnings?.warn(
        `log segment ${segmentName(last)}: cutting ${tail.length - keep} ` +
          `unacknowledged records at byte ${lastSize}`
      );
      const handle = await fs.open(join(dir, segmentName(last)), 'r+');
      try {
        await handle.truncate(lastSize);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      tail.length = keep;
      lines.length = keep;
    }
    tail.forEach(onRecord);
    const index = await SegmentIndexWriter.create(
      join(dir, segmentName(last, 'idx')),
      lines
    );
    const writer = await openDurableAppend(join(dir, segmentName(last)));
    return new SegmentLog(dir, segmentBytes, last, writer, lastSize, index);
  }

  /**
   * Indexes a sealed segment from its index file, or by scanning it (and
   * then writing the index file for the next startup).
   */
  private static async loadSealed(
    dir: string,
    segment: number,
    onRecord: (record: ScannedRecord) => void,
    warnings?: LogWarnings
  ): Promise<void> {
    const logPath = join(dir, segmentName(segment));
    const indexPath = join(dir, segmentName(segment, 'idx'));
    const size = (await fs.stat(logPath)).size;
    const coverage = await readSegmentIndex(indexPath, size, header => {
      const n = header.length;
      onRecord({
        header,
        location: {
          segment,
          offset: header[n - 2] as number,
          length: header[n - 1] as number
        }
      });
    });
    if (coverage.complete) {
      return;
    }
    const lines: string[] = [];
    await scanSegment(
      dir,
      segment,
      false,
      onRecord,
      lines,
      warnings,
      coverage.covered
    );
    if (coverage.covered > 0) {
      // Damaged in the middle: drop it, the next startup rebuilds it whole.
      warnings?.warn(`${indexPath} is damaged; it will be rebuilt`);
      await fs.rm(indexPath, { force: true });
      return;
    }
    try {
      await (await SegmentIndexWriter.create(indexPath, lines)).seal(size);
    } catch (err) {
      warnings?.warn(`could not write ${indexPath}: ${String(err)}`);
    }
  }

  /**
   * The failure of the last write (disk full, I/O error) while no write
   * has succeeded since; null when the log takes writes.
   */
  get writeFailure(): { error: Error; at: Date } | null {
    return this.failure;
  }

  /**
   * The end of the log as written so far: its last segment and that
   * segment's size (a scan up to it reads what was there, no more).
   */
  get end(): { segment: number; size: number } {
    return { segment: this.segment, size: this.size };
  }

  /**
   * Appends records in one durable write (see durable-append.ts); resolves
   * with their locations once they are durable. Callers must not overlap
   * calls. A failed write (or sync) was never acknowledged, but may have
   * left some of its bytes: the next append first cuts the segment back to
   * its acknowledged size (see {@link SegmentLog.cutFailedWrite}), so once
   * the disk has room again writes succeed without a restart.
   */
  async append(records: LogRecord[]): Promise<LogLocation[]> {
    if (this.closed) {
      throw new Error('the log is closed');
    }
    if (this.failure) {
      await this.cutFailedWrite();
    }
    // Each body is encoded once: its CRC and the write use the same bytes.
    // Headers are ASCII, so they are copied as latin1.
    const bodies: Buffer[] = [];
    const heads: string[] = [];
    let total = 0;
    for (const record of records) {
      const body = Buffer.from(record.body, 'utf8');
      const head = asciiJson([crc32(body), ...record.fields]);
      bodies.push(body);
      heads.push(head);
      total += head.length + body.length + 2;
    }
    const lengths: number[] = [];
    try {
      const data = Buffer.allocUnsafe(total);
      let at = 0;
      heads.forEach((head, i) => {
        const start = at;
        at += data.write(head, at, 'latin1');
        data[at++] = TAB;
        at += bodies[i].copy(data, at);
        lengths.push(at - start);
        data[at++] = LF;
      });
      if (this.size > 0 && this.size + data.length > this.segmentBytes) {
        await this.roll();
      }
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.writer.write(
          data,
          written,
          data.length - written
        );
        written += bytesWritten;
      }
      if (syncAfterWrite) {
        await this.writer.datasync();
      }
    } catch (err) {
      this.failure = {
        error: err instanceof Error ? err : new Error(String(err)),
        at: this.failure?.at ?? new Date()
      };
      throw err;
    }
    this.failure = null;
    const locations: LogLocation[] = [];
    const lines: string[] = [];
    let offset = this.size;
    lengths.forEach((length, i) => {
      locations.push({ segment: this.segment, offset, length });
      lines.push(indexLine(heads[i], offset, length));
      offset += length + 1;
    });
    this.size = offset;
    this.index.add(lines);
    return locations;
  }

  /** Reads a record's body back, checking its CRC. */
  async read(location: LogLocation): Promise<string> {
    // Merged with the reads asked for in the same turn (read-batch.ts).
    const line = await this.batch.read(location);
    const parsed =
      line.length === location.length
        ? parseLine(line, 0, line.length, true)
        : null;
    if (!parsed) {
      throw new Error(
        `log record at ${segmentName(location.segment)}:${location.offset} is unreadable`
      );
    }
    return line.toString('utf8', parsed.tab + 1, line.length);
  }

  /** Bytes of a segment (fewer at its end). */
  private async readRange(
    segment: number,
    offset: number,
    length: number
  ): Promise<Buffer> {
    const handle = await this.reader(segment);
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  }

  /**
   * Cuts the current segment back to the bytes acknowledged before a
   * failed write (see {@link reopenTruncated}); throws, leaving the log as
   * it was, when that fails too.
   */
  private async cutFailedWrite(): Promise<void> {
    const writer = await reopenTruncated(
      join(this.dir, segmentName(this.segment)),
      this.size
    );
    await this.writer.close().catch(() => undefined);
    this.writer = writer;
  }

  /** Closes every file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writer.close();
    await this.index.close();
    await this.sealing;
    for (const opening of this.readers.values()) {
      await opening.then(
        handle => handle.close(),
        () => undefined
      );
    }
    this.readers.clear();
  }

  private reader(segment: number): Promise<fs.FileHandle> {
    let opening = this.readers.get(segment);
    if (!opening) {
      opening = fs.open(join(this.dir, segmentName(segment)), 'r');
      this.readers.set(segment, opening);
      // A failed open is not kept: the next read tries again.
      opening.catch(() => {
        if (this.readers.get(segment) === opening) {
          this.readers.delete(segment);
        }
      });
    }
    return opening;
  }

  private async roll(): Promise<void> {
    const next = this.segment + 1;
    const writer = await openDurableAppend(join(this.dir, segmentName(next)));
    await syncDirectory(this.dir);
    await this.writer.close();
    // The index file is derived data: it is finished in the background (a
    // failure only costs the next startup a scan of this segment).
    const sealing = this.index.seal(this.size).catch(() => undefined);
    this.sealing = Promise.all([this.sealing, sealing]).then(() => undefined);
    this.index = await SegmentIndexWriter.create(
      join(this.dir, segmentName(next, 'idx')),
      []
    );
    this.writer = writer;
    this.segment = next;
    this.size = 0;
  }
}

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
  indexLine,
  readSegmentIndex,
  SegmentIndexWriter
} from './segment-index';

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
}

const SEGMENT_NAME = /^(\d{8})\.log$/;
const TAB = 0x09;
const LF = 0x0a;
const SCAN_CHUNK = 16 * 1024 * 1024;
/** The default segment size: 64 MiB. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

function segmentName(segment: number, ext = 'log'): string {
  return `${String(segment).padStart(8, '0')}.${ext}`;
}

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

/**
 * Parses one line; null when it is damaged (torn, zero-filled, or, when
 * `verify`, a body that does not match its CRC).
 */
function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  verify: boolean
): { header: unknown[]; tab: number } | null {
  const tab = buf.indexOf(TAB, start);
  if (tab < 0 || tab >= end) {
    return null;
  }
  let header: unknown;
  try {
    header = JSON.parse(buf.toString('latin1', start, tab));
  } catch {
    return null;
  }
  if (!Array.isArray(header) || typeof header[0] !== 'number') {
    return null;
  }
  if (verify && header[0] !== crc32(buf.subarray(tab + 1, end))) {
    return null;
  }
  return { header, tab };
}

/** See the module comment. */
export class SegmentLog {
  private readonly readers = new Map<number, fs.FileHandle>();
  private broken: Error | null = null;

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
    const lastSize = await SegmentLog.scanSegment(
      dir,
      last,
      true,
      onRecord,
      lines,
      options.warnings
    );
    const index = await SegmentIndexWriter.create(
      join(dir, segmentName(last, 'idx')),
      lines
    );
    const writer = await fs.open(join(dir, segmentName(last)), 'a');
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
    const entries = await readSegmentIndex(indexPath, size);
    if (entries) {
      for (const header of entries) {
        const n = header.length;
        onRecord({
          header,
          location: {
            segment,
            offset: header[n - 2] as number,
            length: header[n - 1] as number
          }
        });
      }
      return;
    }
    const lines: string[] = [];
    await SegmentLog.scanSegment(
      dir,
      segment,
      false,
      onRecord,
      lines,
      warnings
    );
    try {
      await (await SegmentIndexWriter.create(indexPath, lines)).seal(size);
    } catch (err) {
      warnings?.warn(`could not write ${indexPath}: ${String(err)}`);
    }
  }

  /** Scans one segment; returns the size of its intact part. */
  private static async scanSegment(
    dir: string,
    segment: number,
    isLast: boolean,
    onRecord: (record: ScannedRecord) => void,
    indexLines: string[],
    warnings?: LogWarnings
  ): Promise<number> {
    const path = join(dir, segmentName(segment));
    const handle = await fs.open(path, isLast ? 'r+' : 'r');
    try {
      const fileSize = (await handle.stat()).size;
      let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(fileSize, 1)));
      let bufStart = 0; // file offset of buf[0]
      let filled = 0;
      let intactEnd = 0;
      let damagedAt = -1;
      while (bufStart + filled < fileSize && damagedAt < 0) {
        if (filled === buf.length) {
          // One line is larger than the buffer: grow it.
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
        const { bytesRead } = await handle.read(
          buf,
          filled,
          buf.length - filled,
          bufStart + filled
        );
        if (bytesRead === 0) {
          break;
        }
        filled += bytesRead;
        let start = 0;
        for (;;) {
          const end = buf.indexOf(LF, start);
          if (end < 0 || end >= filled) {
            break;
          }
          // Only the last segment can hold an unfinished write; checking
          // CRCs there alone keeps startup fast on a long history.
          const parsed = parseLine(buf, start, end, isLast);
          if (!parsed) {
            damagedAt = bufStart + start;
            break;
          }
          const location = {
            segment,
            offset: bufStart + start,
            length: end - start
          };
          onRecord({ header: parsed.header, location });
          indexLines.push(
            indexLine(
              buf.toString('latin1', start, parsed.tab),
              location.offset,
              location.length
            )
          );
          start = end + 1;
          intactEnd = bufStart + start;
        }
        // Keep the unfinished line at the front of the buffer.
        buf.copy(buf, 0, start, filled);
        bufStart += start;
        filled -= start;
      }
      if (intactEnd < fileSize) {
        const where = damagedAt >= 0 ? damagedAt : intactEnd;
        if (!isLast) {
          warnings?.warn(
            `log segment ${segmentName(segment)} is damaged at byte ${where}; ` +
              `the ${fileSize - where} bytes after it are skipped`
          );
          return intactEnd;
        }
        warnings?.warn(
          `log segment ${segmentName(segment)}: cutting ${fileSize - intactEnd} ` +
            `bytes of an unfinished write at byte ${intactEnd}`
        );
        await handle.truncate(intactEnd);
        await handle.datasync();
      }
      return intactEnd;
    } finally {
      await handle.close();
    }
  }

  /**
   * Appends records in one write and one fdatasync; resolves with their
   * locations once they are durable. Callers must not overlap calls. After a
   * failed write or sync the log refuses further appends: the only safe
   * recovery from a failed fsync is to reopen (and rescan) the log.
   */
  async append(records: LogRecord[]): Promise<LogLocation[]> {
    if (this.broken) {
      throw this.broken;
    }
    const parts: Buffer[] = [];
    const heads: string[] = [];
    const lengths: number[] = [];
    let total = 0;
    for (const record of records) {
      const body = Buffer.from(record.body, 'utf8');
      const head = asciiJson([crc32(body), ...record.fields]);
      const headBytes = Buffer.from(head + '\t', 'latin1');
      parts.push(headBytes, body, Buffer.from([LF]));
      heads.push(head);
      lengths.push(headBytes.length + body.length);
      total += headBytes.length + body.length + 1;
    }
    try {
      if (this.size > 0 && this.size + total > this.segmentBytes) {
        await this.roll();
      }
      const data = Buffer.concat(parts, total);
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.writer.write(
          data,
          written,
          data.length - written
        );
        written += bytesWritten;
      }
      await this.writer.datasync();
    } catch (err) {
      this.broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
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
    const handle = await this.reader(location.segment);
    const buf = Buffer.allocUnsafe(location.length);
    const { bytesRead } = await handle.read(
      buf,
      0,
      location.length,
      location.offset
    );
    const parsed =
      bytesRead === location.length ? parseLine(buf, 0, bytesRead, true) : null;
    if (!parsed) {
      throw new Error(
        `log record at ${segmentName(location.segment)}:${location.offset} is unreadable`
      );
    }
    return buf.toString('utf8', parsed.tab + 1, bytesRead);
  }

  /** Closes every file. */
  async close(): Promise<void> {
    this.broken ??= new Error('the log is closed');
    await this.writer.close();
    await this.index.close();
    for (const handle of this.readers.values()) {
      await handle.close();
    }
    this.readers.clear();
  }

  private async reader(segment: number): Promise<fs.FileHandle> {
    let handle = this.readers.get(segment);
    if (!handle) {
      handle = await fs.open(join(this.dir, segmentName(segment)), 'r');
      const raced = this.readers.get(segment);
      if (raced) {
        await handle.close();
        return raced;
      }
      this.readers.set(segment, handle);
    }
    return handle;
  }

  private async roll(): Promise<void> {
    const next = this.segment + 1;
    const writer = await fs.open(join(this.dir, segmentName(next)), 'a');
    await syncDirectory(this.dir);
    await this.writer.close();
    // The index file is derived data: failing to finish it only costs the
    // next startup a scan of this segment.
    await this.index.seal(this.size).catch(() => undefined);
    this.index = await SegmentIndexWriter.create(
      join(this.dir, segmentName(next, 'idx')),
      []
    );
    this.writer = writer;
    this.segment = next;
    this.size = 0;
  }
}

/**
 * An append-only log of records split into segment files
 * (`<dir>/00000001.log`, rolled at a size limit). Appending never rewrites
 * older bytes, so its cost does not grow with the history.
 *
 * Each line is `<header JSON> TAB <body JSON> LF`. JSON.stringify never
 * emits a raw TAB or LF, so both separators are unambiguous. The header is
 * small (what the indexes need, plus the CRC-32 of the body), so a startup
 * scan parses headers only. Lines are read back by (segment, offset, length).
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Where one record lives in the log. */
export interface LogLocation {
  segment: number;
  offset: number;
  /** Bytes of the line without its LF. */
  length: number;
}

/** One record to append: its index header and its body (JSON text). */
export interface LogRecord {
  header: Record<string, unknown>;
  body: string;
}

/** A record met while scanning the log at startup. */
export interface ScannedRecord {
  header: Record<string, unknown>;
  location: LogLocation;
  /** Decodes the body; only valid during the scan callback. */
  body(): string;
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

function segmentName(segment: number): string {
  return `${String(segment).padStart(8, '0')}.log`;
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
): { header: Record<string, unknown>; tab: number } | null {
  const tab = buf.indexOf(TAB, start);
  if (tab < 0 || tab >= end) {
    return null;
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.toString('utf8', start, tab));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null) {
    return null;
  }
  if (verify && header.c !== crc32(buf.subarray(tab + 1, end))) {
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
    private size: number
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
    let lastSize = 0;
    for (let i = 0; i < segments.length; i++) {
      const isLast = i === segments.length - 1;
      lastSize = await SegmentLog.scanSegment(
        dir,
        segments[i],
        isLast,
        onRecord,
        options.warnings
      );
    }
    const last = segments[segments.length - 1];
    const writer = await fs.open(join(dir, segmentName(last)), 'a');
    return new SegmentLog(dir, segmentBytes, last, writer, lastSize);
  }

  /** Scans one segment; returns the size of its intact part. */
  private static async scanSegment(
    dir: string,
    segment: number,
    isLast: boolean,
    onRecord: (record: ScannedRecord) => void,
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
          const lineBuf = buf;
          const tab = parsed.tab;
          onRecord({
            header: parsed.header,
            location: {
              segment,
              offset: bufStart + start,
              length: end - start
            },
            body: () => lineBuf.toString('utf8', tab + 1, end)
          });
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
    const lengths: number[] = [];
    let total = 0;
    for (const record of records) {
      const body = Buffer.from(record.body, 'utf8');
      const head = Buffer.from(
        JSON.stringify({ ...record.header, c: crc32(body) }) + '\t',
        'utf8'
      );
      parts.push(head, body, Buffer.from([LF]));
      lengths.push(head.length + body.length);
      total += head.length + body.length + 1;
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
    let offset = this.size;
    for (const length of lengths) {
      locations.push({ segment: this.segment, offset, length });
      offset += length + 1;
    }
    this.size = offset;
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
    this.writer = writer;
    this.segment = next;
    this.size = 0;
  }
}

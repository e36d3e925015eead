/**
 * Reading segment files line by line: parsing a line's header, checking its
 * CRC, and the startup scan that recovers from a torn tail.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { indexLine } from './segment-index';
import type { LogWarnings, ScannedRecord } from './segment-log';

const TAB = 0x09;
const LF = 0x0a;
const SCAN_CHUNK = 16 * 1024 * 1024;

/** The file name of a segment (`00000001.log`) or its index (`.idx`). */
export function segmentName(segment: number, ext = 'log'): string {
  return `${String(segment).padStart(8, '0')}.${ext}`;
}

/**
 * Parses one line; null when it is damaged (torn, zero-filled, or, when
 * `verify`, a body that does not match its CRC).
 */
export function parseLine(
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

/**
 * Scans one segment, calling `onRecord` for each intact record and adding
 * its index line to `indexLines`; returns the size of the intact part. A
 * damaged tail of the last segment is cut off (truncated); in a sealed
 * segment the damaged part is skipped with a warning. Scanning starts at
 * byte `from` (a line start).
 */
export async function scanSegment(
  dir: string,
  segment: number,
  isLast: boolean,
  onRecord: (record: ScannedRecord) => void,
  indexLines: string[],
  warnings?: LogWarnings,
  from = 0
): Promise<number> {
  const path = join(dir, segmentName(segment));
  const handle = await fs.open(path, isLast ? 'r+' : 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(fileSize, 1)));
    let bufStart = from; // file offset of buf[0]
    let filled = 0;
    let intactEnd = from;
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

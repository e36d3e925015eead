/**
 * Reading every record body of the log in file order, in large sequential
 * reads: how background work (the search index) gets through a long
 * history without one random read per record.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseLine, segmentName } from './segment-scan';

const LF = 0x0a;
const CHUNK = 16 * 1024 * 1024;
/** Longest stretch of parsing between two yields to the event loop. */
const SLICE_MS = 4;
const SEGMENT_NAME = /^(\d{8})\.log$/;

/**
 * Calls `onBody(kind, body)` for each intact record of the log in `dir`
 * whose header kind passes `wanted` (waiting for it when it returns a
 * promise: a caller that writes what it reads elsewhere keeps its pace), up to the size each segment had when
 * it was reached (records appended meanwhile are left to their writer), or
 * only up to `until` (a segment and its size) when given.
 * Yields to the event loop every few milliseconds of parsing so that
 * requests keep flowing: a 16 MiB chunk takes a few hundred ms to parse.
 */
export async function scanLogBodies(
  dir: string,
  wanted: (kind: string) => boolean,
  onBody: (kind: string, body: string) => void | Promise<void>,
  shouldStop: () => boolean = () => false,
  until?: { segment: number; size: number }
): Promise<void> {
  const segments = (await fs.readdir(dir))
    .map(name => SEGMENT_NAME.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(m => Number(m[1]))
    .sort((a, b) => a - b)
    .filter(segment => until === undefined || segment <= until.segment);
  for (const segment of segments) {
    const handle = await fs.open(join(dir, segmentName(segment)), 'r');
    try {
      const size =
        until?.segment === segment
          ? Math.min(until.size, (await handle.stat()).size)
          : (await handle.stat()).size;
      let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
      let position = 0; // file offset of buf[0]
      let filled = 0;
      while (position + filled < size) {
        if (shouldStop()) {
          return;
        }
        if (filled === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
        const { bytesRead } = await handle.read(
          buf,
          filled,
          Math.min(buf.length - filled, size - position - filled),
          position + filled
        );
        if (bytesRead === 0) {
          break;
        }
        filled += bytesRead;
        let start = 0;
        let sliceStart = performance.now();
        for (;;) {
          if (performance.now() - sliceStart > SLICE_MS) {
            await new Promise(resolve => setImmediate(resolve));
            if (shouldStop()) {
              return;
            }
            sliceStart = performance.now();
          }
          const end = buf.indexOf(LF, start);
          if (end < 0 || end >= filled) {
            break;
          }
          const parsed = parseLine(buf, start, end, false);
          if (parsed) {
            const kind = String(parsed.header[1]);
            if (wanted(kind)) {
              const pending = onBody(
                kind,
                buf.toString('utf8', parsed.tab + 1, end)
              );
              if (pending) {
                await pending;
                sliceStart = performance.now();
              }
            }
          }
          start = end + 1;
        }
        buf.copy(buf, 0, start, filled);
        position += start;
        filled -= start;
        await new Promise(resolve => setImmediate(resolve));
      }
    } finally {
      await handle.close();
    }
  }
}

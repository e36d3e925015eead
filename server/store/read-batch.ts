/**
 * Log reads asked for in the same turn of the event loop, merged into a few
 * larger ones. A step of a long session reads its ~500 shown executions and
 * ~500 sources at once; records written together sit side by side in the
 * log, so one read of a range replaces hundreds of reads of a line each
 * (each a trip through libuv's thread pool). Lines are merged when the gap
 * between them is small and the range stays bounded, so unrelated records
 * between them cost little.
 */
import type { LogLocation } from './segment-log';

/** Reads bytes of a segment: the bytes read (fewer at its end). */
export type RangeReader = (
  segment: number,
  offset: number,
  length: number
) => Promise<Buffer>;

/** Bytes between two lines still read as one range. */
const MAX_GAP = 16 * 1024;
/** The largest merged range. */
const MAX_RANGE = 1024 * 1024;

interface PendingRead {
  at: LogLocation;
  resolve: (line: Buffer) => void;
  reject: (error: unknown) => void;
}

/** See the module comment. */
export class ReadBatch {
  private pending: PendingRead[] = [];

  constructor(private readonly readRange: RangeReader) {}

  /**
   * The bytes of the line at `at` (without its LF); fewer when the
   * segment ends before it.
   */
  read(at: LogLocation): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.pending.push({ at, resolve, reject });
      if (this.pending.length === 1) {
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const reads = this.pending;
    this.pending = [];
    reads.sort(
      (a, b) => a.at.segment - b.at.segment || a.at.offset - b.at.offset
    );
    let run: PendingRead[] = [];
    let end = 0;
    for (const read of reads) {
      const { segment, offset, length } = read.at;
      if (
        run.length > 0 &&
        (segment !== run[0].at.segment ||
          offset - end > MAX_GAP ||
          offset + length - run[0].at.offset > MAX_RANGE)
      ) {
        void this.readRun(run, end);
        run = [];
      }
      run.push(read);
      end = run.length === 1 ? offset + length : Math.max(end, offset + length);
    }
    if (run.length > 0) {
      void this.readRun(run, end);
    }
  }

  /** Reads the lines of `run` (one segment, by offset) up to `end`. */
  private async readRun(run: PendingRead[], end: number): Promise<void> {
    const start = run[0].at.offset;
    let bytes: Buffer;
    try {
      bytes = await this.readRange(run[0].at.segment, start, end - start);
    } catch (error) {
      run.forEach(read => read.reject(error));
      return;
    }
    for (const { at, resolve } of run) {
      const from = at.offset - start;
      resolve(bytes.subarray(from, Math.min(from + at.length, bytes.length)));
    }
  }
}

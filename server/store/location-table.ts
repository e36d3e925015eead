/**
 * Where numbered records (executions, annotations) sit in the log, in
 * growable typed-array columns rather than an object per record.
 */
import type { LogLocation } from './segment-log';

/** See the module comment. */
export class LocationTable {
  private segments = new Uint32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);

  set(n: number, at: LogLocation): void {
    if (n >= this.segments.length) {
      const size = Math.max(n + 1, this.segments.length * 2);
      this.segments = grow(this.segments, new Uint32Array(size));
      this.offsets = grow(this.offsets, new Float64Array(size));
      this.lengths = grow(this.lengths, new Uint32Array(size));
    }
    this.segments[n] = at.segment;
    this.offsets[n] = at.offset;
    this.lengths[n] = at.length;
  }

  get(n: number): LogLocation {
    return {
      segment: this.segments[n],
      offset: this.offsets[n],
      length: this.lengths[n]
    };
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

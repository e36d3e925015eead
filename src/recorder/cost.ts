/**
 * How much main-thread time the recorder spends per execution: the sum of
 * its handlers' time over every message of that execution, including the
 * synchronous listeners of `eventRecorded` (the delivery queue's enqueue).
 * Kept in a fixed ring so measuring never grows memory.
 */
export class ExecutionCostSamples {
  constructor(readonly capacity = 10000) {
    this._samples = new Float64Array(capacity);
  }

  /**
   * Whether each handler call also marks its start and end in the browser's
   * performance trace (`console.timeStamp`: `trail<` then `trail>` and the
   * execution's request id, `!` added on its last message). A trace gives
   * those marks the main thread's CPU clock beside the wall clock, which
   * tells the recorder's own time from the moments the operating system ran
   * other processes instead (read by bench/recorder-mainthread.mjs). Off by
   * default: the marks cost a call each.
   */
  traced = false;

  /** Adds one execution's cost in milliseconds. */
  add(ms: number): void {
    this._samples[this._next] = ms;
    this._next = (this._next + 1) % this.capacity;
    this._count = Math.min(this._count + 1, this.capacity);
  }

  /** Forgets every sample. */
  clear(): void {
    this._next = 0;
    this._count = 0;
  }

  /** The samples kept (ms), oldest first once the ring has wrapped. */
  values(): number[] {
    if (this._count < this.capacity) {
      return Array.from(this._samples.subarray(0, this._count));
    }
    return [
      ...this._samples.subarray(this._next),
      ...this._samples.subarray(0, this._next)
    ];
  }

  /** Count and percentiles (ms) of the samples kept. */
  summary(): ExecutionCostSamples.ISummary {
    const values = this.values().sort((a, b) => a - b);
    const at = (q: number) =>
      values.length
        ? values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]
        : 0;
    return {
      count: values.length,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: values.length ? values[values.length - 1] : 0
    };
  }

  private _samples: Float64Array;
  private _next = 0;
  private _count = 0;
}

export namespace ExecutionCostSamples {
  /** Percentiles of per-execution cost, in milliseconds. */
  export interface ISummary {
    count: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
}

/**
 * Puts a mark in the browser's performance trace (a no-op when nothing
 * traces the page); see `ExecutionCostSamples.traced`.
 */
export function traceMark(label: string): void {
  // eslint-disable-next-line no-console -- the trace's mark API lives there
  console.timeStamp(label);
}

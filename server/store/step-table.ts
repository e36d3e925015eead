/**
 * What a session's step listing needs of each execution beyond the
 * index's columns (seq, id, cell): its status, start and duration, kept
 * by execution number outside the JS heap, so that GET /sessions/{id}/steps
 * on a 10,000-execution session reads no record. The file store fills it
 * from the log's execution headers (which carry status and duration since
 * structure capture); an execution whose header did not say (older data)
 * is unknown here until the store reads its record once.
 */
import type { ExecutionRecord } from '../../src/records/schema';
import { IdPool } from './id-table';

/** An execution status as a small number (0: unknown). */
const STATUSES: readonly ExecutionRecord['status'][] = [
  'ok',
  'error',
  'aborted',
  'interrupted'
];

/** The step facts of one execution. */
export interface StepFacts {
  status: ExecutionRecord['status'];
  startedAt: string;
  durationMs: number;
}

/** See the module comment. */
export class StepTable {
  private status = new Uint8Array(1024);
  private durations = new Float64Array(1024);
  /** startedAt by execution number (row n is execution n). */
  private readonly starts = new IdPool();

  /**
   * Notes execution `n` (numbers come in order, each once); `facts`
   * without status or duration when its header did not carry them.
   */
  set(
    n: number,
    startedAt: string,
    status: unknown,
    durationMs: unknown
  ): void {
    while (this.starts.size < n) {
      this.starts.push(''); // never happens with numbers in order
    }
    if (n >= this.status.length) {
      const size = Math.max(n + 1, this.status.length * 2);
      const s = new Uint8Array(size);
      s.set(this.status);
      this.status = s;
      const d = new Float64Array(size);
      d.set(this.durations);
      this.durations = d;
    }
    if (this.starts.size === n) {
      this.starts.push(startedAt);
    }
    this.fill(n, status, durationMs);
  }

  /** Completes execution `n` once its record was read. */
  fill(n: number, status: unknown, durationMs: unknown): void {
    const code = STATUSES.indexOf(status as ExecutionRecord['status']);
    if (code >= 0 && typeof durationMs === 'number') {
      this.status[n] = code + 1;
      this.durations[n] = durationMs;
    }
  }

  /** Whether the facts of `n` are known. */
  has(n: number): boolean {
    return n < this.starts.size && this.status[n] > 0;
  }

  /** The startedAt of `n` (every stored execution has one). */
  startedAt(n: number): string {
    return this.starts.get(n);
  }

  /** The facts of `n` (call {@link has} first). */
  get(n: number): StepFacts {
    return {
      status: STATUSES[this.status[n] - 1],
      startedAt: this.starts.get(n),
      durationMs: this.durations[n]
    };
  }
}

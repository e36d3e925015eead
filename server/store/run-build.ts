/**
 * The file store's run index at startup: the log's headers do not carry
 * captures, so the runs are rebuilt in the background by reading every
 * execution and annotation body once, in storage order, in large
 * sequential reads (body-scan.ts), while the server already answers.
 * Run queries wait for it ({@link RunBuild.ready}).
 *
 * Events stored while the build runs are held back and applied after it,
 * in their order, so that every run folds its captures in storage order
 * (the order the memory store and a restarted server see). The scan reads
 * the log only up to where it ended when the build began: every record
 * there was indexed before, every record after it is held.
 */
import type {
  ExecutionAnnotatedEvent,
  ExecutionCompletedEvent
} from '../../src/records/schema';
import { scanLogBodies } from './body-scan';
import type { RunIndex } from './run-index';

/** See the module comment. */
export class RunBuild {
  /** Resolves once the runs of the stored history are indexed. */
  readonly ready: Promise<void>;
  private building = true;
  private stopped = false;
  private held: (() => void)[] = [];
  /** The executions the scan met, by their number in the history index. */
  private met = new Uint8Array(1024);

  /**
   * @param sessionIds every stored session's id (runs without executions
   *   are runs too), read when the build starts.
   */
  constructor(
    private readonly runs: RunIndex,
    logDir: string,
    until: { segment: number; size: number },
    sessionIds: () => Iterable<string>
  ) {
    this.ready = this.build(logDir, until, sessionIds);
    // Awaited by every run query: a failure reaches them, not the process.
    this.ready.catch(() => undefined);
  }

  /**
   * An event stored now: applied at once, or after the build when one is
   * running.
   */
  stored(apply: () => void): void {
    if (this.building) {
      this.held.push(apply);
    } else {
      apply();
    }
  }

  /** Stops a build in progress (the store is closing). */
  stop(): void {
    this.stopped = true;
  }

  private async build(
    logDir: string,
    until: { segment: number; size: number },
    sessionIds: () => Iterable<string>
  ): Promise<void> {
    try {
      for (const id of sessionIds()) {
        this.runs.touch(id);
      }
      await scanLogBodies(
        logDir,
        kind => kind === 'xc' || kind === 'x' || kind === 'a',
        (_kind, body) => {
          const event = JSON.parse(body) as
            ExecutionCompletedEvent | ExecutionAnnotatedEvent;
          if (event.kind === 'execution.completed') {
            const place = this.runs.executionPlace(event.execution.id);
            if (place) {
              this.met = setBit(this.met, place.n);
            }
            this.runs.addExecution(event.execution);
          } else if (event.kind === 'execution.annotated') {
            // An annotation stored before its execution waits for it, as
            // it did when it arrived.
            this.runs.addAnnotation(
              event.executionId,
              event.sessionId,
              event.capture,
              n => hasBit(this.met, n)
            );
          }
        },
        () => this.stopped,
        until
      );
    } finally {
      this.building = false;
      this.met = new Uint8Array(0);
      const held = this.held;
      this.held = [];
      held.forEach(apply => apply());
    }
  }
}

function setBit(bits: Uint8Array, n: number): Uint8Array {
  let out = bits;
  if (n >> 3 >= bits.length) {
    out = new Uint8Array(Math.max(bits.length * 2, (n >> 3) + 1));
    out.set(bits);
  }
  out[n >> 3] |= 1 << (n & 7);
  return out;
}

function hasBit(bits: Uint8Array, n: number): boolean {
  return n >> 3 < bits.length && (bits[n >> 3] & (1 << (n & 7))) !== 0;
}

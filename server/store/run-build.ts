/**
 * The file store's run index at startup: the log's headers do not carry
 * captures, so the runs are rebuilt from every execution and annotation
 * body, read once in storage order by the store's one background pass
 * (body-build.ts, which it shares with the fingerprints), while the server
 * already answers. Run queries wait for that pass; events stored meanwhile
 * are held by it and applied after, in their order.
 */
import type {
  ExecutionAnnotatedEvent,
  ExecutionCompletedEvent
} from '../../src/records/schema';
import type { BodyConsumer } from './body-build';
import type { RunIndex } from './run-index';

/**
 * The run index's part of the pass.
 *
 * @param sessionIds every stored session's id (runs without executions
 *   are runs too), read when the pass starts.
 */
export function runBuildConsumer(
  runs: RunIndex,
  sessionIds: () => Iterable<string>
): BodyConsumer {
  /** The executions the scan met, by their number in the history index. */
  let met = new Uint8Array(1024);
  return {
    kinds: ['xc', 'x', 'a'],
    start: () => {
      for (const id of sessionIds()) {
        runs.touch(id);
      }
    },
    body: (_kind, parsed) => {
      const event = parsed as ExecutionCompletedEvent | ExecutionAnnotatedEvent;
      if (event.kind === 'execution.completed') {
        const place = runs.executionPlace(event.execution.id);
        if (place) {
          met = setBit(met, place.n);
        }
        runs.addExecution(event.execution);
      } else if (event.kind === 'execution.annotated') {
        // An annotation stored before its execution waits for it, as it
        // did when it arrived.
        runs.addAnnotation(
          event.executionId,
          event.sessionId,
          event.capture,
          n => hasBit(met, n)
        );
      }
    },
    finish: () => {
      met = new Uint8Array(0);
    }
  };
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

/**
 * The fingerprints of a file store's history, computed at startup from
 * the log (the headers the index is rebuilt from do not hold code or file
 * hashes), in the store's one background pass over the bodies
 * (body-build.ts, shared with the run index). Each execution is merged
 * with its annotations as a read would: one whose annotations (known from
 * the headers) are all read already is computed at once, the others wait,
 * holding only their code and files, until their last annotation is read
 * (annotations usually follow their execution in the log) or the scan
 * ends. Per session they are computed in seq order as soon as the
 * execution before it is. Fingerprint queries wait for the pass; events
 * stored meanwhile are held by it and applied after, in their order.
 */
import {
  chainStep,
  type EnvironmentVersionRef,
  type FingerprintInput
} from '../../src/records/fingerprint';
import { mergeCaptures } from '../../src/records/capture';
import type {
  ExecutionAnnotatedEvent,
  ExecutionCapture,
  ExecutionCompletedEvent
} from '../../src/records/schema';
import type { BodyConsumer } from './body-build';
import {
  nodeSha256Hex,
  type ChainChange,
  type EnvironmentKeys,
  type FingerprintIndex
} from './fingerprint-index';
import type { HistoryIndex } from './history-index';

/** An execution read, waiting for annotations still to come. */
interface Waiting {
  input: FingerprintInput;
  sessionId: string;
  /** Annotations of it not read yet. */
  left: number;
}

/** See the module comment. */
export function fingerprintBuildConsumer(
  index: HistoryIndex,
  table: FingerprintIndex,
  environmentKeys: EnvironmentKeys,
  sessionIds: () => Iterable<string>,
  update: (changes: ChainChange[]) => Promise<void>
): BodyConsumer {
  /** Files of annotations read before their execution, by execution id. */
  const early = new Map<string, ExecutionCapture[]>();
  /** Annotations read so far, by execution number. */
  let annotationsRead = new Uint32Array(1024);
  const waiting = new Map<number, Waiting>();
  const pending = new Map<number, FingerprintInput>();
  const computed = new Map<string, number>();
  const environments = new Map<string, EnvironmentVersionRef[]>();
  /** The executions read, by number. */
  let read = new Uint8Array(1024);
  const recheck: ChainChange[] = [];

  const drain = (sessionId: string): void => {
    const list = index.sessionExecutions(sessionId) ?? [];
    let versions = environments.get(sessionId);
    if (!versions) {
      versions = environmentKeys.versions(
        index.session(sessionId)?.environments
      );
      environments.set(sessionId, versions);
    }
    let p = computed.get(sessionId) ?? 0;
    while (p < list.length && pending.has(list[p])) {
      const n = list[p];
      const step = chainStep(
        table.stateAfter(p === 0 ? null : list[p - 1]),
        pending.get(n)!,
        versions,
        nodeSha256Hex
      );
      table.set(n, step.result);
      pending.delete(n);
      p++;
    }
    computed.set(sessionId, p);
  };
  const ready = (
    n: number,
    sessionId: string,
    input: FingerprintInput
  ): void => {
    pending.set(n, input);
    drain(sessionId);
  };
  const countRead = (n: number): number => {
    if (n >= annotationsRead.length) {
      const bigger = new Uint32Array(
        Math.max(annotationsRead.length * 2, n + 1)
      );
      bigger.set(annotationsRead);
      annotationsRead = bigger;
    }
    return ++annotationsRead[n];
  };

  return {
    kinds: ['xc', 'x', 'a'],
    start: async () => {
      // The environments every session names (from the headers), keyed
      // before any chain is computed.
      const ids = new Set<string>();
      for (const id of sessionIds()) {
        for (const v of index.session(id)?.environments ?? []) {
          ids.add(v.id);
        }
      }
      await environmentKeys.load(ids);
    },
    body: (kind, parsed) => {
      if (kind === 'a') {
        const e = parsed as ExecutionAnnotatedEvent;
        const n = index.executionNumber(e.executionId);
        if (n === undefined) {
          return;
        }
        countRead(n);
        // Only files change a fingerprint; an annotation naming another
        // session does not describe the execution.
        const files =
          (e.capture?.files?.length ?? 0) > 0 &&
          index.sessionOfExecution(e.executionId) === e.sessionId
            ? { files: e.capture.files }
            : null;
        const w = waiting.get(n);
        if (w) {
          if (files) {
            w.input.capture = mergeCaptures([w.input.capture, files]);
          }
          if (--w.left <= 0) {
            waiting.delete(n);
            ready(n, w.sessionId, w.input);
          }
        } else if (files && hasBit(read, n)) {
          // Read already without this annotation (the headers counted
          // fewer): its chain is computed again after the scan.
          recheck.push({ sessionId: e.sessionId, fromSeq: index.seqOf(n) });
        } else if (files) {
          const list = early.get(e.executionId) ?? [];
          list.push(files);
          early.set(e.executionId, list);
        }
        return;
      }
      const x = (parsed as ExecutionCompletedEvent).execution;
      const n = index.executionNumber(x.id);
      if (n === undefined || index.sessionOfExecution(x.id) !== x.sessionId) {
        return;
      }
      read = setBit(read, n);
      const before = early.get(x.id);
      early.delete(x.id);
      const capture = before
        ? mergeCaptures([x.capture, ...before])
        : x.capture;
      const left =
        index.annotationsOf(n).length -
        (n < annotationsRead.length ? annotationsRead[n] : 0);
      if (left <= 0) {
        ready(n, x.sessionId, { seq: x.seq, code: x.code, capture });
      } else {
        // Held until its annotations are read: only what a fingerprint
        // reads of it.
        waiting.set(n, {
          input: {
            seq: x.seq,
            code: x.code,
            capture: capture?.files ? { files: capture.files } : undefined
          },
          sessionId: x.sessionId,
          left
        });
      }
    },
    finish: async () => {
      // Annotations stored after the scan's end come as held events.
      const rest = [...waiting];
      waiting.clear();
      early.clear();
      annotationsRead = new Uint32Array(0);
      read = new Uint8Array(0);
      for (const [n, w] of rest) {
        ready(n, w.sessionId, w.input);
      }
      if (recheck.length > 0) {
        await update(recheck);
      }
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

/**
 * The fingerprints of a file store's history, computed at startup from
 * the log (the headers the index is rebuilt from do not hold code or file
 * hashes): one sequential read of the annotations that carry files, then
 * one of the executions, each merged with its annotations as a read
 * would, computed in seq order per session as soon as the execution
 * before it is (held back only while an earlier one is still to come).
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
import { scanLogBodies } from './body-scan';
import {
  nodeSha256Hex,
  type EnvironmentKeys,
  type FingerprintIndex
} from './fingerprint-index';
import type { HistoryIndex } from './history-index';
import type { StoredEnvironmentEvent } from './types';

/** See the module comment. */
export async function rebuildFingerprints(
  logDir: string,
  index: HistoryIndex,
  table: FingerprintIndex,
  environmentKeys: EnvironmentKeys
): Promise<void> {
  const late = new Map<
    string,
    { sessionId: string; capture: ExecutionCapture }[]
  >();
  const environmentIds = new Set<string>();
  await scanLogBodies(
    logDir,
    kind => kind === 'a' || kind === 'e',
    (kind, body) => {
      if (kind === 'e') {
        environmentIds.add(
          (JSON.parse(body) as StoredEnvironmentEvent).environmentId
        );
        return;
      }
      const e = JSON.parse(body) as ExecutionAnnotatedEvent;
      if ((e.capture?.files?.length ?? 0) > 0) {
        const list = late.get(e.executionId) ?? [];
        list.push({
          sessionId: e.sessionId,
          capture: { files: e.capture.files }
        });
        late.set(e.executionId, list);
      }
    }
  );
  await environmentKeys.load(environmentIds);
  const pending = new Map<number, FingerprintInput>();
  const computed = new Map<string, number>();
  const environments = new Map<string, EnvironmentVersionRef[]>();
  const drain = (sessionId: string): void => {
    const list = index.sessionExecutions(sessionId) ?? [];
    if (!environments.has(sessionId)) {
      environments.set(
        sessionId,
        environmentKeys.versions(index.session(sessionId)?.environments)
      );
    }
    const versions = environments.get(sessionId);
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
  await scanLogBodies(
    logDir,
    kind => kind === 'xc' || kind === 'x',
    (_kind, body) => {
      const x = (JSON.parse(body) as ExecutionCompletedEvent).execution;
      const n = index.executionNumber(x.id);
      if (n === undefined || index.sessionOfExecution(x.id) !== x.sessionId) {
        return;
      }
      const annotations = (late.get(x.id) ?? [])
        .filter(a => a.sessionId === x.sessionId)
        .map(a => a.capture);
      const capture =
        annotations.length > 0
          ? mergeCaptures([x.capture, ...annotations])
          : x.capture;
      pending.set(n, { seq: x.seq, code: x.code, capture });
      drain(x.sessionId);
    }
  );
}

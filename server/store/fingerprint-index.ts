/**
 * The fingerprint and pathKey of every stored execution (see
 * src/records/fingerprint.ts), and the executions holding a given one:
 * how "who already computed this?" is answered without reading records.
 *
 * Kept at ingest: a new execution, an annotation that brings a file hash
 * late, or an environment version changes the chain of its session from
 * that seq on, so the executions from there are computed again (reading
 * their code and merged capture through the store's `load`), until one
 * comes out as it was (nothing after it changes then). Updates run one at
 * a time. Both digests live in {@link DigestTable}s: ~85 bytes an
 * execution in all.
 */
import {
  CHAIN_START,
  chainStep,
  environmentKey,
  type ChainState,
  type EnvironmentVersionRef,
  type ExecutionFingerprint,
  type FingerprintInput
} from '../../src/records/fingerprint';
import type {
  EnvironmentSnapshot,
  ExecutionSummary,
  SessionSummary
} from '../../src/records/schema';
import { createHash } from 'node:crypto';
import { DigestTable } from './digest-table';
import type { HistoryIndex } from './history-index';
import type { FingerprintMatch, FingerprintQuery } from './fingerprint-types';
import type { StoredEvent } from './types';

/** The rule's hash with node:crypto (the same digests, faster). */
export const nodeSha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The key of each stored environment (src/records/fingerprint.ts
 * environmentKey), read once per environment and kept: a team has few.
 */
export class EnvironmentKeys {
  private readonly keys = new Map<string, string | null>();

  constructor(
    private readonly read: (id: string) => Promise<EnvironmentSnapshot | null>
  ) {}

  /** Reads the keys of environments `ids` not known yet. */
  async load(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      if (!this.keys.has(id)) {
        let snapshot: EnvironmentSnapshot | null = null;
        try {
          snapshot = await this.read(id);
        } catch {
          snapshot = null;
        }
        this.keys.set(id, snapshot && environmentKey(snapshot, nodeSha256Hex));
      }
    }
  }

  /**
   * A session's versions with their keys as ids (known ones: call
   * {@link load} first); a version whose snapshot is missing is left out.
   */
  versions(
    environments: SessionSummary['environments']
  ): EnvironmentVersionRef[] {
    const refs: EnvironmentVersionRef[] = [];
    for (const v of environments ?? []) {
      const key = this.keys.get(v.id);
      if (key) {
        refs.push({ id: key, fromSeq: v.fromSeq });
      }
    }
    return refs;
  }
}

/** A change to a session's chain: from this seq on. */
export interface ChainChange {
  sessionId: string;
  fromSeq: number;
  /** An environment version changes every later seq, not one execution. */
  environment?: boolean;
}

/** What an update reads of the store. */
export interface FingerprintSource {
  index: HistoryIndex;
  /** A session's environment versions with their keys as ids. */
  environments(sessionId: string): Promise<EnvironmentVersionRef[]>;
  /** The code and merged capture of execution number `n`. */
  load(n: number): Promise<FingerprintInput>;
}

/** The chain changes a batch of stored events makes. */
export function chainChanges(
  events: readonly StoredEvent[],
  index: HistoryIndex
): ChainChange[] {
  const changes: ChainChange[] = [];
  for (const event of events) {
    switch (event.kind) {
      case 'execution.completed':
        changes.push({
          sessionId: event.execution.sessionId,
          fromSeq: event.execution.seq
        });
        break;
      case 'execution.annotated': {
        const n = index.executionNumber(event.executionId);
        const sessionId = index.sessionOfExecution(event.executionId);
        // Only files change a fingerprint; an annotation naming another
        // session does not describe the execution.
        if (
          n !== undefined &&
          sessionId === event.sessionId &&
          (event.capture.files?.length ?? 0) > 0
        ) {
          changes.push({ sessionId, fromSeq: index.seqOf(n) });
        }
        break;
      }
      case 'environment.captured':
        changes.push({
          sessionId: event.sessionId,
          fromSeq: event.fromSeq,
          environment: true
        });
        break;
    }
  }
  return changes;
}

/** See the module comment. */
export class FingerprintIndex {
  private readonly fingerprints = new DigestTable();
  private readonly pathKeys = new DigestTable();
  private queue: Promise<void> = Promise.resolve();

  /** Bytes held by both tables. */
  get bytes(): number {
    return this.fingerprints.bytes + this.pathKeys.bytes;
  }

  /** The fingerprint and pathKey of execution number `n`. */
  of(n: number): ExecutionFingerprint {
    return {
      fingerprint: this.fingerprints.get(n),
      pathKey: this.pathKeys.get(n)
    };
  }

  /** Execution numbers with fingerprint `hex`. */
  withFingerprint(hex: string): number[] {
    return this.fingerprints.find(hex);
  }

  /** Execution numbers with pathKey `hex`. */
  withPathKey(hex: string): number[] {
    return this.pathKeys.find(hex);
  }

  /** Notes the fingerprint and pathKey of execution number `n`. */
  set(n: number, value: ExecutionFingerprint): void {
    this.fingerprints.set(n, value.fingerprint);
    this.pathKeys.set(n, value.pathKey);
  }

  /**
   * Recomputes the chains `changes` touch (after the updates before it);
   * `hints` are inputs in hand (e.g. records just stored), read first.
   */
  update(
    changes: readonly ChainChange[],
    source: FingerprintSource,
    hints: ReadonlyMap<number, FingerprintInput> = new Map()
  ): Promise<void> {
    const run = this.queue.then(() => this.apply(changes, source, hints));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(
    changes: readonly ChainChange[],
    source: FingerprintSource,
    hints: ReadonlyMap<number, FingerprintInput>
  ): Promise<void> {
    // One pass per session, from its earliest change.
    const bySession = new Map<string, ChainChange>();
    for (const c of changes) {
      const seen = bySession.get(c.sessionId);
      bySession.set(c.sessionId, {
        sessionId: c.sessionId,
        fromSeq: Math.min(c.fromSeq, seen?.fromSeq ?? Infinity),
        environment: Boolean(c.environment || seen?.environment)
      });
    }
    for (const change of bySession.values()) {
      await this.recompute(change, source, hints);
    }
  }

  private async recompute(
    change: ChainChange,
    source: FingerprintSource,
    hints: ReadonlyMap<number, FingerprintInput>
  ): Promise<void> {
    const { index } = source;
    const list = index.sessionExecutions(change.sessionId);
    if (!list || list.length === 0) {
      return;
    }
    let p = 0;
    while (p < list.length && index.seqOf(list[p]) < change.fromSeq) {
      p++;
    }
    const environments = await source.environments(change.sessionId);
    let state = this.stateAfter(p === 0 ? null : list[p - 1]);
    for (let i = p; i < list.length; i++) {
      const n = list[i];
      let input = hints.get(n);
      if (!input) {
        try {
          input = await source.load(n);
        } catch {
          // An unreadable record: what follows it is unknown.
          input = undefined;
        }
      }
      const step: { result: ExecutionFingerprint; next: ChainState } = input
        ? chainStep(state, input, environments, nodeSha256Hex)
        : { result: { fingerprint: null, pathKey: null }, next: 'unknown' };
      const before = this.of(n);
      this.set(n, step.result);
      state = step.next;
      if (
        i > p &&
        !change.environment &&
        before.fingerprint === step.result.fingerprint &&
        before.pathKey === step.result.pathKey &&
        // A stored null is also what a never computed execution holds: go
        // on while the chain is unknown.
        step.result.fingerprint !== null
      ) {
        return;
      }
    }
  }

  /** The chain state after execution number `n` (null: before the first). */
  stateAfter(n: number | null): ChainState {
    if (n === null) {
      return CHAIN_START;
    }
    const fingerprint = this.fingerprints.get(n);
    return fingerprint === null ? 'unknown' : { previous: fingerprint };
  }
}

/** Newest first: by startedAt as an instant, then id. */
function newestFirst(a: ExecutionSummary, b: ExecutionSummary): number {
  const t = Date.parse(b.startedAt) - Date.parse(a.startedAt);
  return t !== 0 ? t : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The matches among execution numbers `numbers` that `query` keeps,
 * newest first, at most `query.limit`; `startedAt` orders them before any
 * record is read, `summaries` reads the kept ones.
 */
export async function fingerprintMatches(
  index: HistoryIndex,
  numbers: readonly number[],
  query: FingerprintQuery,
  startedAt: (n: number) => string,
  summaries: (numbers: number[]) => Promise<ExecutionSummary[]>
): Promise<FingerprintMatch[]> {
  // Each start parsed once: a popular step (a first `import pandas`)
  // may be shared by a hundred thousand executions.
  const kept: { n: number; t: number }[] = [];
  for (const n of numbers) {
    const id = index.executionId(n);
    const sessionId = index.sessionOfExecution(id);
    if (
      id !== query.excludeExecutionId &&
      sessionId !== undefined &&
      !query.excludeSessionIds?.has(sessionId)
    ) {
      kept.push({ n, t: Date.parse(startedAt(n)) });
    }
  }
  kept.sort((a, b) => b.t - a.t || b.n - a.n);
  const chosen = kept.slice(0, query.limit).map(k => k.n);
  const items = await summaries(chosen);
  return items
    .map((execution, i) => {
      const list = index.sessionExecutions(execution.sessionId) ?? [];
      return { execution, step: list.indexOf(chosen[i]) + 1 };
    })
    .sort((a, b) => newestFirst(a.execution, b.execution));
}

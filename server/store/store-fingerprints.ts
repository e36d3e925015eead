/**
 * The fingerprint part of the store contract (fingerprint-types.ts) over
 * a {@link FingerprintIndex}, for both stores: each gives how to read an
 * execution's code and capture, its start, and its summaries. The file
 * store also rebuilds the index from its log in its background pass
 * ({@link StoreFingerprints.rebuildIn}); queries wait for it.
 */
import type {
  ExecutionFingerprint,
  FingerprintInput
} from '../../src/records/fingerprint';
import type {
  EnvironmentSnapshot,
  ExecutionSummary
} from '../../src/records/schema';
import {
  chainChanges,
  type ChainChange,
  EnvironmentKeys,
  fingerprintMatches,
  FingerprintIndex
} from './fingerprint-index';
import type {
  FingerprintMatch,
  FingerprintQuery,
  FingerprintStore,
  StoredFingerprint
} from './fingerprint-types';
import type { BodyBuild, BodyConsumer } from './body-build';
import { fingerprintBuildConsumer } from './fingerprint-rebuild';
import type { HistoryIndex } from './history-index';
import type { StoredEvent } from './types';

/** What a store lends its fingerprints. */
export interface FingerprintReads {
  /** The code and merged capture of execution number `n`. */
  load(n: number): Promise<FingerprintInput>;
  /** The startedAt of execution number `n`. */
  startedAt(n: number): string;
  /** The summaries of execution numbers, in their order. */
  summaries(numbers: number[]): Promise<ExecutionSummary[]>;
  /** A stored environment snapshot, or null. */
  environment(id: string): Promise<EnvironmentSnapshot | null>;
}

/** See the module comment. */
export class StoreFingerprints implements FingerprintStore {
  readonly table = new FingerprintIndex();
  readonly environmentKeys: EnvironmentKeys;
  private build: BodyBuild | null = null;

  constructor(
    private readonly index: HistoryIndex,
    private readonly reads: FingerprintReads
  ) {
    this.environmentKeys = new EnvironmentKeys(id => reads.environment(id));
  }

  /**
   * Rebuilds the fingerprints of the history stored in a log folder in
   * the background pass `build` (see body-build.ts and
   * fingerprint-rebuild.ts): gives the pass its consumer; queries wait for
   * the pass, events stored meanwhile are held by it.
   */
  rebuildIn(
    build: BodyBuild,
    sessionIds: () => Iterable<string>
  ): BodyConsumer {
    this.build = build;
    return fingerprintBuildConsumer(
      this.index,
      this.table,
      this.environmentKeys,
      sessionIds,
      changes => this.update(changes)
    );
  }

  /**
   * Brings the chains up to date with events just indexed; `inHand` are
   * execution inputs the caller holds (read before the store otherwise).
   * While the store's background pass runs, the update is held by it (and
   * the promise resolves at once: the pass's readiness covers it).
   */
  stored(
    events: readonly StoredEvent[],
    inHand: ReadonlyMap<number, FingerprintInput> = new Map()
  ): Promise<void> {
    const changes = chainChanges(events, this.index);
    if (changes.length === 0) {
      return Promise.resolve();
    }
    if (this.build?.running) {
      void this.build.stored(() =>
        this.update(changes, inHand).catch(err => {
          console.error('fingerprints: an update failed', err);
        })
      );
      return Promise.resolve();
    }
    return this.update(changes, inHand);
  }

  private update(
    changes: readonly ChainChange[],
    inHand: ReadonlyMap<number, FingerprintInput> = new Map()
  ): Promise<void> {
    return this.table.update(
      changes,
      {
        index: this.index,
        load: n => this.reads.load(n),
        environments: async sessionId => {
          const versions = this.index.session(sessionId)?.environments;
          await this.environmentKeys.load((versions ?? []).map(v => v.id));
          return this.environmentKeys.versions(versions);
        }
      },
      inHand
    );
  }

  async fingerprintOf(executionId: string): Promise<StoredFingerprint | null> {
    await this.build?.ready;
    const n = this.index.executionNumber(executionId);
    const sessionId = this.index.sessionOfExecution(executionId);
    if (n === undefined || sessionId === undefined) {
      return null;
    }
    const list = this.index.sessionExecutions(sessionId) ?? [];
    return {
      ...this.table.of(n),
      sessionId,
      seq: this.index.seqOf(n),
      step: list.indexOf(n) + 1
    };
  }

  async executionsByFingerprint(
    fingerprint: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    await this.build?.ready;
    return this.matches(this.table.withFingerprint(fingerprint), query);
  }

  async executionsByPathKey(
    pathKey: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    await this.build?.ready;
    return this.matches(this.table.withPathKey(pathKey), query);
  }

  async sessionFingerprints(
    sessionId: string
  ): Promise<ExecutionFingerprint[] | null> {
    await this.build?.ready;
    const list = this.index.sessionExecutions(sessionId);
    return list ? list.map(n => this.table.of(n)) : null;
  }

  private matches(
    numbers: number[],
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]> {
    return fingerprintMatches(
      this.index,
      numbers,
      query,
      n => this.reads.startedAt(n),
      ns => this.reads.summaries(ns)
    );
  }
}

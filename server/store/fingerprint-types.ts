/**
 * The store contract's part for "who already computed this?": each
 * execution's fingerprint and pathKey (src/records/fingerprint.ts) and the
 * executions holding one, kept by the store at ingest (see
 * fingerprint-index.ts). Filters are data, as in the other queries.
 */
import type { ExecutionFingerprint } from '../../src/records/fingerprint';
import type { ExecutionSummary } from '../../src/records/schema';

/** An execution's fingerprint, where it stands in its session. */
export interface StoredFingerprint extends ExecutionFingerprint {
  sessionId: string;
  seq: number;
  /** Its step in the session: its place in seq order, from 1. */
  step: number;
}

/** Which executions holding a fingerprint or pathKey to answer. */
export interface FingerprintQuery {
  /** Never executions of these sessions (e.g. unreadable, or the asker's). */
  excludeSessionIds?: ReadonlySet<string>;
  /** Never this execution (the one asked about). */
  excludeExecutionId?: string;
  limit: number;
}

/** One execution holding the fingerprint or pathKey asked for. */
export interface FingerprintMatch {
  execution: ExecutionSummary;
  /** Its step in its session, from 1. */
  step: number;
}

/** What every store answers about fingerprints. */
export interface FingerprintStore {
  /** The fingerprint of a stored execution, or null when it is unknown. */
  fingerprintOf(executionId: string): Promise<StoredFingerprint | null>;
  /** Executions with this fingerprint, newest first (by startedAt, id). */
  executionsByFingerprint(
    fingerprint: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]>;
  /** Executions with this pathKey, newest first (by startedAt, id). */
  executionsByPathKey(
    pathKey: string,
    query: FingerprintQuery
  ): Promise<FingerprintMatch[]>;
  /**
   * A session's fingerprints by step (index 0 is step 1), or null for an
   * unknown session.
   */
  sessionFingerprints(
    sessionId: string
  ): Promise<ExecutionFingerprint[] | null>;
}

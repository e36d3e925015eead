/**
 * Fingerprints: what determined an execution's result, as one hash, so
 * that "who already computed this?" is an equality test.
 *
 * For each execution of a session in seq order:
 *
 *     fingerprint = sha256hex(JSON.stringify(
 *       ["trail-fp-1", code, reads, environmentId, previous]))
 *     pathKey     = sha256hex(JSON.stringify(
 *       ["trail-path-1", code, environmentId, previous]))
 *
 * `reads`: the sorted unique sha256 of the files it read (access read or
 * readwrite); `environmentId`: the key ({@link environmentKey}) of the
 * session's environment in effect at its seq (the last version with
 * fromSeq <= seq), or null; `previous`: the
 * fingerprint of the execution before it in its session (null for the
 * first). Equal fingerprints mean the same code on the same data and
 * environment after the same path. A read whose hash is not known (still
 * hashing, or failed) makes the fingerprint unknown (null), and every
 * later one of the session too; the pathKey (what is known before a cell
 * runs: it leaves out this cell's reads) is unknown once the previous
 * fingerprint is.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { EnvironmentSnapshot, ExecutionCapture } from './schema';

/**
 * What of an environment decides what a computation gives: the language
 * (name, version, implementation), the operating system and machine
 * architecture, and every package with its version (names normalised as
 * PEP 503 does). Not the host name, working folder, CPU, GPUs, conda
 * name or git state: a teammate's laptop with the same packages computes
 * the same, and the code itself is in the fingerprint. The environment id
 * (a hash of the whole snapshot) differs between any two machines.
 */
export function environmentKey(
  snapshot: Pick<EnvironmentSnapshot, 'language' | 'platform' | 'packages'>,
  hash: Sha256Hex = sha256Hex
): string {
  const packages = snapshot.packages
    .map(p => [p.name.toLowerCase().replace(/[-_.]+/g, '-'), p.version])
    .sort((a, b) =>
      a[0] < b[0]
        ? -1
        : a[0] > b[0]
          ? 1
          : a[1] < b[1]
            ? -1
            : a[1] > b[1]
              ? 1
              : 0
    );
  return hash(
    JSON.stringify([
      'trail-env-1',
      snapshot.language.name,
      snapshot.language.version,
      snapshot.language.implementation ?? null,
      snapshot.platform.system,
      snapshot.platform.machine ?? null,
      packages
    ])
  );
}

/**
 * A session's environment version, as SessionSummary.environments has it,
 * with `id` the version's {@link environmentKey} for fingerprints.
 */
export interface EnvironmentVersionRef {
  id: string;
  fromSeq: number;
}

/** What the fingerprint of one execution is computed from. */
export interface FingerprintInput {
  seq: number;
  code: string;
  capture?: ExecutionCapture;
}

/** The fingerprint and pathKey of one execution (null: unknown). */
export interface ExecutionFingerprint {
  fingerprint: string | null;
  pathKey: string | null;
}

/**
 * The SHA-256 hex of a text's UTF-8: @noble/hashes by default (every side
 * has it); the server passes node:crypto's, several times faster.
 */
export type Sha256Hex = (text: string) => string;

/** The portable {@link Sha256Hex}. */
export const sha256Hex: Sha256Hex = text =>
  bytesToHex(sha256(utf8ToBytes(text)));

/**
 * The sorted unique hashes of the files a capture read, or null when one
 * of them has no hash (pending or failed).
 */
export function readHashes(
  capture: ExecutionCapture | undefined
): string[] | null {
  const hashes = new Set<string>();
  for (const file of capture?.files ?? []) {
    if (file.access !== 'read' && file.access !== 'readwrite') {
      continue;
    }
    if (typeof file.sha256 !== 'string') {
      return null;
    }
    hashes.add(file.sha256);
  }
  // Code point order, the same on every side (no locale).
  return [...hashes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The environment in effect at `seq`: the last version with fromSeq <= seq
 * (versions in any order; ties keep the later in the list), or null.
 */
export function environmentAt(
  versions: readonly EnvironmentVersionRef[] | undefined,
  seq: number
): string | null {
  let found: EnvironmentVersionRef | null = null;
  for (const v of versions ?? []) {
    if (v.fromSeq <= seq && (!found || v.fromSeq >= found.fromSeq)) {
      found = v;
    }
  }
  return found?.id ?? null;
}

/** The fingerprint of one execution from its parts. */
export function fingerprintOf(
  code: string,
  reads: readonly string[],
  environmentId: string | null,
  previous: string | null,
  hash: Sha256Hex = sha256Hex
): string {
  return hash(
    JSON.stringify(['trail-fp-1', code, reads, environmentId, previous])
  );
}

/** The pathKey of one execution: its fingerprint without its own reads. */
export function pathKeyOf(
  code: string,
  environmentId: string | null,
  previous: string | null,
  hash: Sha256Hex = sha256Hex
): string {
  return hash(JSON.stringify(['trail-path-1', code, environmentId, previous]));
}

/**
 * Where a chain of fingerprints stands before an execution: the previous
 * fingerprint (null before the first), or `unknown` once one was not known.
 */
export type ChainState = { previous: string | null } | 'unknown';

/** The chain state before the first execution of a session. */
export const CHAIN_START: ChainState = { previous: null };

/**
 * One step of a session's chain: the fingerprint and pathKey of `input`
 * after `state`, and the state after it.
 */
export function chainStep(
  state: ChainState,
  input: FingerprintInput,
  environments: readonly EnvironmentVersionRef[] | undefined,
  hash: Sha256Hex = sha256Hex
): { result: ExecutionFingerprint; next: ChainState } {
  if (state === 'unknown') {
    return { result: { fingerprint: null, pathKey: null }, next: 'unknown' };
  }
  const environmentId = environmentAt(environments, input.seq);
  const pathKey = pathKeyOf(input.code, environmentId, state.previous, hash);
  const reads = readHashes(input.capture);
  if (reads === null) {
    return { result: { fingerprint: null, pathKey }, next: 'unknown' };
  }
  const fingerprint = fingerprintOf(
    input.code,
    reads,
    environmentId,
    state.previous,
    hash
  );
  return { result: { fingerprint, pathKey }, next: { previous: fingerprint } };
}

/**
 * The fingerprints of a session's executions, in the order given (which
 * must be seq order).
 */
export function sessionFingerprints(
  executions: Iterable<FingerprintInput>,
  environments: readonly EnvironmentVersionRef[] | undefined
): ExecutionFingerprint[] {
  const results: ExecutionFingerprint[] = [];
  let state = CHAIN_START;
  for (const x of executions) {
    const step = chainStep(state, x, environments);
    results.push(step.result);
    state = step.next;
  }
  return results;
}

/**
 * The pathKey of a cell about to run after `previous` in a session whose
 * environment at its seq is `environmentId`: what a lookup before the run
 * compares (null `previous`: the session's first execution).
 */
export function nextPathKey(
  code: string,
  environmentId: string | null,
  previous: string | null,
  hash: Sha256Hex = sha256Hex
): string {
  return pathKeyOf(code, environmentId, previous, hash);
}

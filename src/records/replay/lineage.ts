/**
 * The lineage of a session opened from a recorded one: a notebook written
 * by "Open as notebook at step k" carries `metadata.trail.source`
 * (`{sessionId, step, form, notebookPath, ...}`); the sessions recorded on
 * it are replays of that session from that step. A forked notebook's source
 * says `kind: "fork"` and lists its substitutions (issue #14): the sessions
 * recorded on it are forks, and carry what they read in place of what.
 */
import type { Lineage } from '../schema';

export type { Lineage } from '../schema';

/** What session ids look like (session.schema.json#/definitions/id). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** session.schema.json#/definitions/lineage/properties/substitutions. */
const MAX_SUBSTITUTIONS = 100;
const MAX_PATH = 4096;

/** One substitution of a fork's lineage. */
export type Substitution = NonNullable<Lineage['substitutions']>[number];

/**
 * The lineage a notebook's `metadata.trail.source` names: a fork
 * (`{kind: "fork", sessionId, step, substitutions}`) when its kind is
 * "fork", a replay (`{kind: "replay", sessionId, step}`) otherwise;
 * undefined when there is none or it is not well formed (a hand-edited
 * notebook must not stop the recording). A fork's malformed substitutions
 * are left out one by one; past 100 the rest are dropped.
 */
export function lineageFromSource(source: unknown): Lineage | undefined {
  if (!source || typeof source !== 'object') {
    return undefined;
  }
  const { sessionId, step, kind } = source as {
    sessionId?: unknown;
    step?: unknown;
    kind?: unknown;
  };
  if (typeof sessionId !== 'string' || !ID.test(sessionId)) {
    return undefined;
  }
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
    return undefined;
  }
  if (kind === 'fork') {
    const substitutions = substitutionsOf(
      (source as { substitutions?: unknown }).substitutions
    );
    return { kind: 'fork', sessionId, step, substitutions };
  }
  return { kind: 'replay', sessionId, step };
}

function substitutionsOf(value: unknown): Substitution[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: Substitution[] = [];
  for (const item of value) {
    if (out.length >= MAX_SUBSTITUTIONS) {
      break;
    }
    if (!item || typeof item !== 'object') {
      continue;
    }
    const { recorded, path, sha256 } = item as Record<string, unknown>;
    if (!isPath(recorded) || !isPath(path)) {
      continue;
    }
    const sub: Substitution = { recorded, path };
    if (typeof sha256 === 'string' && SHA256.test(sha256)) {
      sub.sha256 = sha256;
    }
    out.push(sub);
  }
  return out;
}

function isPath(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= MAX_PATH
  );
}

/**
 * The lineage of a session opened from a recorded one: a notebook written
 * by "Open as notebook at step k" carries `metadata.trail.source`
 * (`{sessionId, step, form, notebookPath, ...}`); the sessions recorded on
 * it are replays of that session from that step.
 */
import type { Lineage } from '../schema';

export type { Lineage } from '../schema';

/** What session ids look like (session.schema.json#/definitions/id). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/;

/**
 * The lineage a notebook's `metadata.trail.source` names, as a replay
 * (`{kind: "replay", sessionId, step}`); undefined when there is none or it
 * is not well formed (a hand-edited notebook must not stop the recording).
 */
export function lineageFromSource(source: unknown): Lineage | undefined {
  if (!source || typeof source !== 'object') {
    return undefined;
  }
  const { sessionId, step } = source as { sessionId?: unknown; step?: unknown };
  if (typeof sessionId !== 'string' || !ID.test(sessionId)) {
    return undefined;
  }
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
    return undefined;
  }
  return { kind: 'replay', sessionId, step };
}

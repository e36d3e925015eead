/**
 * The notebook metadata of a fork (contract 4 of #14): a notebook written
 * by "Fork onto my data" carries `metadata.trail.source` with
 * `kind: "fork"` and the substitutions the user chose. The replay flow
 * reads the same `trail.source` (sessionId, step); this module reads the
 * fork's part of it.
 */
import type { ForkMapping } from '../../records/fork/contract';
import { replaySourceOf } from '../replay-run/steps';
import type { ReplaySource } from '../replay-run/contracts';

/** One substitution as the notebook records it. */
export interface ForkSubstitution extends ForkMapping {
  /** The new file's sha256, when it was known as the fork was made. */
  sha256?: string;
}

/** `metadata.trail.source` of a fork notebook. */
export interface ForkSource extends ReplaySource {
  kind: 'fork';
  substitutions: ForkSubstitution[];
}

/**
 * The fork's source when the notebook's `metadata.trail` names one
 * (`source.kind === "fork"`, a session and step, and well-formed
 * substitutions); null for an ordinary notebook or a replay.
 */
export function forkSourceOf(trailMetadata: unknown): ForkSource | null {
  const base = replaySourceOf(trailMetadata);
  const raw = (trailMetadata as { source?: unknown } | null | undefined)
    ?.source as { kind?: unknown; substitutions?: unknown } | undefined;
  if (!base || !raw || raw.kind !== 'fork') {
    return null;
  }
  const substitutions: ForkSubstitution[] = [];
  if (Array.isArray(raw.substitutions)) {
    for (const entry of raw.substitutions as Partial<ForkSubstitution>[]) {
      if (
        entry &&
        typeof entry.recorded === 'string' &&
        entry.recorded &&
        typeof entry.path === 'string' &&
        entry.path
      ) {
        substitutions.push({
          recorded: entry.recorded,
          path: entry.path,
          ...(typeof entry.sha256 === 'string' ? { sha256: entry.sha256 } : {})
        });
      }
    }
  }
  return { ...base, form: 'as-executed', kind: 'fork', substitutions };
}

/** The mappings a fork's run redirects (the substitutions without hashes). */
export function mappingsOf(source: ForkSource): ForkMapping[] {
  return source.substitutions.map(({ recorded, path }) => ({ recorded, path }));
}

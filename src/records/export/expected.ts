/**
 * What a run of an exported pipeline should reproduce (#15, contract A's
 * `expected`): each output's sha256 as the last kept step that wrote it
 * recorded it, each metric's last value and each param's value over the
 * kept steps. Verify (trail export --verify, the panel's button) compares a
 * run with it.
 */
import type { ExecutionRecord, ParamValue } from '../schema';
import { normalisePath, writesOf } from './effects';
import type { SliceResults } from './params';

export interface ExpectedResults {
  /** Outputs whose last write recorded a hash (the others cannot be compared). */
  files: { path: string; sha256: string }[];
  metrics: { name: string; value: number | null }[];
  params: { name: string; value: ParamValue }[];
}

/**
 * `kept`: the kept steps' records (any order; read in seq order);
 * `outputs`: Slice.outputs; `results`: resultsOf's params and metrics.
 */
export function expectedOf(
  kept: readonly ExecutionRecord[],
  outputs: readonly string[],
  results: Pick<SliceResults, 'params' | 'metrics'>
): ExpectedResults {
  const hashes = new Map<string, string | undefined>();
  for (const record of [...kept].sort((a, b) => a.seq - b.seq)) {
    for (const written of writesOf(record)) {
      // A later write without a hash leaves the file's content unknown.
      hashes.set(normalisePath(written.path), written.sha256 ?? undefined);
    }
  }
  const files: ExpectedResults['files'] = [];
  for (const path of outputs) {
    const sha256 = hashes.get(normalisePath(path));
    if (sha256) {
      files.push({ path, sha256 });
    }
  }
  return {
    files,
    metrics: results.metrics.map(m => ({ name: m.name, value: m.value })),
    params: results.params.map(p => ({ name: p.name, value: p.value }))
  };
}

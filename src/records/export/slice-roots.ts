/**
 * Where the slicing rule starts: for a session, every successful execution
 * that writes a file, logs a metric or a param (or, when none did, the last
 * run of every cell that changed state); for a file, the last successful
 * step writing it; for a metric, the last successful step logging it.
 */
import {
  metricsOf,
  normalisePath,
  paramsOf,
  produces,
  writesOf
} from './effects';
import {
  analysable,
  definesOf,
  isEmpty,
  producedBy,
  succeeded,
  type Produced,
  type Step
} from './slice-steps';
import { ExportError, type ExportTarget } from './slice-types';

export function rootsOf(
  steps: readonly Step[],
  target: ExportTarget
): Map<Step, Produced> {
  if (target.kind === 'session') {
    return sessionRoots(steps);
  }
  const wanted =
    target.kind === 'file' ? normalisePath(target.path) : target.name.trim();
  if (!wanted) {
    throw new ExportError(
      'bad-target',
      target.kind === 'file'
        ? 'The target file has no path.'
        : 'The target metric has no name.'
    );
  }
  const label = target.kind === 'file' ? wanted : `metric ${wanted}`;
  const verb = target.kind === 'file' ? 'wrote' : 'logged';
  const made = (s: Step): boolean =>
    target.kind === 'file'
      ? writesOf(s.execution).some(f => produces(f, wanted))
      : metricsOf(s.execution).includes(wanted);
  const producer = [...steps].reverse().find(s => succeeded(s) && made(s));
  if (!producer) {
    const failed = [...steps].reverse().find(s => made(s));
    const why = failed
      ? ` (step ${failed.step} did, but ${failed.execution.status === 'error' ? 'failed' : 'did not finish'})`
      : '';
    throw new ExportError(
      'target-not-produced',
      `No successful step up to step ${steps.length} ${verb} ${label}${why}.`
    );
  }
  if (!analysable(producer)) {
    throw new ExportError(
      'target-unparsable',
      `Step ${producer.step}, which ${verb} ${label}, cannot be exported: ${producer.facts?.error ?? 'its code was not analysed'}.`
    );
  }
  return new Map([
    [
      producer,
      target.kind === 'file'
        ? { writes: [wanted], logs: [] }
        : { writes: [], logs: [`logs metric ${wanted}`] }
    ]
  ]);
}

function sessionRoots(steps: readonly Step[]): Map<Step, Produced> {
  const roots = new Map<Step, Produced>();
  const redone = redoneLater(steps);
  for (const s of steps.filter(analysable)) {
    const produced = producedBy(s);
    if (!isEmpty(produced) && !redone.has(s)) {
      roots.set(s, produced);
    }
  }
  const lost = steps.some(
    s => succeeded(s) && !analysable(s) && !isEmpty(producedBy(s))
  );
  if (roots.size || lost) {
    return roots;
  }
  // Nothing was written or logged: the run's result is its state, so the
  // last successful run of each cell that changed state is a root.
  const last = new Map<string, Step>();
  for (const s of steps.filter(analysable)) {
    if (s.facts!.effects === 'state') {
      last.set(s.execution.cellId ?? s.execution.id, s);
    }
  }
  for (const s of last.values()) {
    roots.set(s, {
      writes: [],
      logs: [
        'the last run of its cell (the run wrote no file and logged nothing, so the last run of every cell is kept)'
      ]
    });
  }
  return roots;
}

/**
 * The runs a later successful run of the same cell redid: it wrote every
 * file, logged every metric and param and bound every name the earlier run
 * did (a training cell edited and run again). Such a run is not a result
 * of the session; it stays only if a kept step used it in between (the
 * closure keeps it then), else it is dropped as superseded.
 */
function redoneLater(steps: readonly Step[]): Set<Step> {
  const redone = new Set<Step>();
  const next = new Map<string, Step>();
  const analysed = steps.filter(analysable);
  for (let i = analysed.length - 1; i >= 0; i--) {
    const s = analysed[i];
    const cellId = s.execution.cellId;
    if (!cellId) {
      continue;
    }
    const rerun = next.get(cellId);
    next.set(cellId, s);
    if (rerun && covers(rerun, s)) {
      redone.add(s);
    }
  }
  return redone;
}

/**
 * `later` wrote every file, logged every metric and param and bound every
 * name `earlier` did.
 */
function covers(later: Step, earlier: Step): boolean {
  const has = (all: string[], some: string[]): boolean =>
    some.every(item => all.includes(item));
  const paths = (s: Step): string[] =>
    writesOf(s.execution).map(f => normalisePath(f.path));
  return (
    has(paths(later), paths(earlier)) &&
    has(metricsOf(later.execution), metricsOf(earlier.execution)) &&
    has(paramsOf(later.execution), paramsOf(earlier.execution)) &&
    has(definesOf(later), definesOf(earlier))
  );
}

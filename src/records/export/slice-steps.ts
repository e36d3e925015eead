/**
 * The steps of a run as the slicing rule sees them (an execution, its
 * 1-based place in seq order, the analysis's facts), what each produced,
 * and an index to find, for a step, the latest earlier step defining a name
 * or writing a file without scanning the run each time (a session can hold
 * thousands of executions).
 */
import type { ExecutionRecord, FileAccess } from '../schema';
import type { CellFacts } from './facts';
import {
  listed,
  metricsOf,
  normalisePath,
  paramsOf,
  writesOf
} from './effects';

export interface Step {
  step: number;
  execution: ExecutionRecord;
  facts?: CellFacts;
}

/**
 * Names that never make a dependency: the pipeline brings its own `trail`
 * (the recorded steps' `trail.log_metric(...)` calls would otherwise chain
 * every logging step to the previous one).
 */
const NOT_DEPENDENCIES = new Set(['trail']);

/** Names IPython gives every kernel. */
const IPYTHON_NAMES = new Set([
  'display',
  'get_ipython',
  'In',
  'Out',
  'exit',
  'quit',
  '_',
  '__',
  '___',
  '_i',
  '_ii',
  '_iii',
  '_ih',
  '_oh',
  '_dh'
]);
const IPYTHON_NUMBERED = /^_i?\d+$/;

export const isDependency = (name: string): boolean =>
  !NOT_DEPENDENCIES.has(name);

export const isIPythonName = (name: string): boolean =>
  IPYTHON_NAMES.has(name) || IPYTHON_NUMBERED.test(name);

export const succeeded = (s: Step): boolean => s.execution.status === 'ok';

/** Succeeded and understood by the analysis: may be in the pipeline. */
export const analysable = (s: Step): boolean =>
  succeeded(s) && s.facts?.ok === true;

export const definesOf = (s: Step): string[] =>
  (s.facts?.defines ?? []).filter(isDependency);

/** What a step produced: the files it wrote, and what it logged in words. */
export interface Produced {
  writes: string[];
  logs: string[];
}

export const isEmpty = (p: Produced): boolean =>
  !p.writes.length && !p.logs.length;

export function describe(p: Produced): string[] {
  return [
    ...(p.writes.length ? [`writes ${listed(p.writes)}`] : []),
    ...p.logs
  ];
}

/** What a step wrote and logged (what makes it a root of a session export). */
export function producedBy(s: Step): Produced {
  const logs: string[] = [];
  const metrics = metricsOf(s.execution);
  if (metrics.length) {
    logs.push(`logs metric${metrics.length > 1 ? 's' : ''} ${listed(metrics)}`);
  }
  const params = paramsOf(s.execution);
  if (params.length) {
    logs.push(`logs param${params.length > 1 ? 's' : ''} ${listed(params)}`);
  }
  return { writes: writesOf(s.execution).map(f => f.path), logs };
}

/** How many entries of an ascending list are below `limit`. */
function countBelow(list: readonly number[], limit: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < limit) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The last entry of an ascending list that is below `limit`. */
function lastBelow(list: readonly number[], limit: number): number | undefined {
  const n = countBelow(list, limit);
  return n > 0 ? list[n - 1] : undefined;
}

function push<K>(map: Map<K, number[]>, key: K, step: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== step) {
      list.push(step);
    }
  } else {
    map.set(key, [step]);
  }
}

export class StepIndex {
  /** name -> the analysable steps defining it, ascending. */
  private readonly definers = new Map<string, number[]>();
  /** normalised path -> the successful steps writing it, ascending. */
  private readonly writers = new Map<string, number[]>();
  /** normalised path -> the path as first captured. */
  private readonly captured = new Map<string, string>();
  /** cell id -> its analysable runs, ascending. */
  private readonly runs = new Map<string, number[]>();

  constructor(readonly steps: readonly Step[]) {
    for (const s of steps) {
      if (analysable(s)) {
        for (const name of definesOf(s)) {
          push(this.definers, name, s.step);
        }
        if (s.execution.cellId) {
          push(this.runs, s.execution.cellId, s.step);
        }
      }
      if (succeeded(s)) {
        for (const file of writesOf(s.execution)) {
          const path = normalisePath(file.path);
          push(this.writers, path, s.step);
          if (!this.captured.has(path)) {
            this.captured.set(path, file.path);
          }
        }
      }
    }
  }

  at(step: number): Step {
    return this.steps[step - 1];
  }

  /** The latest analysable step before `step` that defines `name`. */
  definer(name: string, step: number): Step | undefined {
    const found = lastBelow(this.definers.get(name) ?? [], step);
    return found === undefined ? undefined : this.at(found);
  }

  /**
   * For a file (or folder) read at `step`, the latest earlier successful
   * writer of each path that feeds it: the path itself, a folder holding
   * it, or (a folder read) each file written into it.
   */
  writersOf(read: FileAccess, step: number): { step: Step; path: string }[] {
    const path = normalisePath(read.path);
    const paths: string[] = [];
    const parts = path.split('/');
    for (let i = parts.length; i > 0; i--) {
      const candidate = parts.slice(0, i).join('/');
      if (this.writers.has(candidate)) {
        paths.push(candidate);
      }
    }
    if (read.kind === 'folder') {
      for (const written of this.writers.keys()) {
        if (written.startsWith(path + '/')) {
          paths.push(written);
        }
      }
    }
    const out: { step: Step; path: string }[] = [];
    for (const p of paths) {
      const found = lastBelow(this.writers.get(p)!, step);
      if (found !== undefined) {
        out.push({ step: this.at(found), path: this.captured.get(p)! });
      }
    }
    return out;
  }

  /** The next analysable run of the same cell after `s`. */
  nextRun(s: Step): Step | undefined {
    const cellId = s.execution.cellId;
    const list = cellId ? this.runs.get(cellId) : undefined;
    const next = list ? list[countBelow(list, s.step + 1)] : undefined;
    return next === undefined ? undefined : this.at(next);
  }
}

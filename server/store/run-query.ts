/**
 * Answering run queries from a {@link RunIndex} in memory (both stores):
 * the filters (src/records/runs/filter.ts, notebook, dates, excluded
 * sessions) applied before a page is cut and counted in `total`, the
 * order of the sort (compareRuns), pages continued after a {@link RunKey}.
 *
 * The runs a query keeps are cached per query (filters and sort) while
 * nothing changes. A first page picks the best `limit` of them in one
 * pass (no sort of 100k runs to show 100); a page after a key sorts them
 * once, and every later page is a binary search. When a few runs changed
 * since (an ingest), a cached list is patched: those runs are taken out
 * and put back (where they now sort), if the filters still keep them,
 * instead of filtering, and sorting, everything again.
 */
import type { RunSummary } from '../../src/client/api-schema';
import {
  compareRuns,
  matchesFilter,
  sortRuns,
  type SortKey
} from '../../src/records/runs/filter';
import type { RunIndex } from './run-index';
import { timeMs } from './time-order';
import type {
  RunKey,
  RunNameCounts,
  RunOwners,
  RunQuery,
  RunQueryResult
} from './types';

/** Queries whose runs are kept (the latest asked, any page). */
const QUERIES_KEPT = 32;
/** Changed runs a cached list is patched for; more, and it is made anew. */
const MAX_PATCHED = 256;
/** Excluded sets (their ids) kept apart to name them in cache keys. */
const EXCLUDED_KEPT = 16;

/** The run fields each fixed field is read from. */
const TOP_FIELDS: Record<string, (keyof RunSummary)[]> = {
  author: ['author'],
  notebook: ['notebookPath'],
  tag: ['tags'],
  kind: ['kind'],
  status: ['status'],
  started: ['startedAt'],
  duration: ['durationMs'],
  executions: ['executionCount'],
  input: ['inputs'],
  'input.sha256': ['inputs'],
  id: ['id']
};

/** A small least-recently-used map. */
class Recent<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly max: number) {}
  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}

/** The runs one query keeps: in its order once `sorted`. */
interface Kept {
  version: number;
  ownersVersion: number | undefined;
  runs: RunSummary[];
  sorted: boolean;
  /**
   * The first page as last cut (its `limit` runs in order) while `runs`
   * is unsorted: asked again, it is answered without another pass over
   * every run.
   */
  top?: { limit: number; runs: RunSummary[] };
}

/** See the module comment. */
export class RunQueries {
  private readonly kept = new Recent<Kept>(QUERIES_KEPT);

  constructor(private readonly index: RunIndex) {}

  /** See TrailStore.queryRuns. */
  query(q: RunQuery): RunQueryResult {
    const compare = compareRuns(q.sort);
    const kept = this.matching(q, compare);
    const runs = kept.runs;
    let page: RunSummary[];
    let more: boolean;
    if (!q.after && !kept.sorted) {
      if (kept.top?.limit !== q.limit) {
        kept.top = { limit: q.limit, runs: best(runs, q.limit, compare) };
      }
      page = kept.top.runs;
      more = runs.length > q.limit;
    } else {
      if (!kept.sorted) {
        // sortRuns: the order of compareRuns, reading each run once.
        kept.runs = sortRuns(runs, q.sort);
        kept.sorted = true;
        kept.top = undefined;
      }
      const sorted = kept.runs;
      const start = q.after
        ? upperBound(sorted, q.after as RunSummary, compare)
        : 0;
      page = sorted.slice(start, start + q.limit);
      more = start + q.limit < sorted.length;
    }
    return {
      items: page.map(run => decorated(run, q.owners)),
      next:
        more && page.length > 0 ? runKey(page[page.length - 1], q.sort) : null,
      total: runs.length
    };
  }

  /** See TrailStore.getRun. */
  get(id: string, owners?: RunOwners): RunSummary | null {
    const run = this.index.get(id);
    return run ? decorated(run, owners) : null;
  }

  /** See TrailStore.runNames. */
  names(excludeIds?: ReadonlySet<string>, owners?: RunOwners): RunNameCounts {
    const params = new Map<string, number>();
    const metrics = new Map<string, number>();
    const tags = new Set<string>();
    const authors = new Set<string>();
    for (const run of this.index.all()) {
      if (excludeIds?.has(run.id)) {
        continue;
      }
      for (const name of Object.keys(run.params)) {
        params.set(name, (params.get(name) ?? 0) + 1);
      }
      for (const name of Object.keys(run.metrics)) {
        metrics.set(name, (metrics.get(name) ?? 0) + 1);
      }
      run.tags.forEach(tag => tags.add(tag));
      const author = owners?.of(run.id)?.author;
      if (author) {
        authors.add(author.name);
      }
    }
    const counted = (m: Map<string, number>) =>
      [...m]
        .sort(([a], [b]) => codePointOrder(a, b))
        .map(([name, count]) => ({ name, count }));
    return {
      params: counted(params),
      metrics: counted(metrics),
      tags: [...tags].sort(codePointOrder),
      authors: [...authors].sort(codePointOrder)
    };
  }

  /** The runs the query keeps (cached, or patched, or made anew). */
  private matching(
    q: RunQuery,
    compare: (a: RunSummary, b: RunSummary) => number
  ): Kept {
    const key = filterKey(q);
    const keep = keeper(q);
    const hit = key === null ? undefined : this.kept.get(key);
    if (hit && this.catchUp(hit, q.owners, compare, keep)) {
      return hit;
    }
    const runs: RunSummary[] = [];
    for (const run of this.index.all()) {
      setOwner(run, q.owners);
      if (keep(run)) {
        runs.push(run);
      }
    }
    const made: Kept = {
      version: this.index.version,
      ownersVersion: q.owners?.version,
      runs,
      sorted: false
    };
    if (key !== null) {
      this.kept.set(key, made);
    }
    return made;
  }

  /**
   * Brings a cached list up to date: nothing to do when nothing changed
   * since it was made; when a few runs changed, those taken out and put
   * back (in their new places once sorted); false when it must be made
   * again.
   */
  private catchUp(
    hit: Kept,
    owners: RunOwners | undefined,
    compare: (a: RunSummary, b: RunSummary) => number,
    keep: (run: RunSummary) => boolean
  ): boolean {
    if (hit.ownersVersion !== owners?.version) {
      return false;
    }
    const version = this.index.version;
    if (hit.version === version) {
      return true;
    }
    const changed = this.index.changedSince(hit.version);
    if (!changed || changed.size > MAX_PATCHED) {
      return false;
    }
    const runs = hit.runs.filter(run => !changed.has(run.id));
    const added: RunSummary[] = [];
    for (const id of changed) {
      const run = this.index.get(id);
      if (!run) {
        continue;
      }
      setOwner(run, owners);
      if (!keep(run)) {
        continue;
      }
      added.push(run);
      if (hit.sorted) {
        runs.splice(upperBound(runs, run, compare), 0, run);
      } else {
        runs.push(run);
      }
    }
    // The first page stays right when none of its runs changed: every
    // other unchanged run sorts after all of it, so the new first page is
    // the best of it and the changed runs kept.
    const top = hit.top;
    hit.top =
      top && !top.runs.some(run => changed.has(run.id))
        ? {
            limit: top.limit,
            runs: best([...top.runs, ...added], top.limit, compare)
          }
        : undefined;
    hit.runs = runs;
    hit.version = version;
    return true;
  }
}

/**
 * The first `limit` runs of `runs` in the order of `compare`, in one pass
 * (the runs themselves left as they are).
 */
function best(
  runs: readonly RunSummary[],
  limit: number,
  compare: (a: RunSummary, b: RunSummary) => number
): RunSummary[] {
  const top: RunSummary[] = [];
  for (const run of runs) {
    if (top.length < limit) {
      top.splice(upperBound(top, run, compare), 0, run);
    } else if (compare(run, top[limit - 1]) < 0) {
      top.splice(upperBound(top, run, compare), 0, run);
      top.pop();
    }
  }
  return top;
}

/** The first place in `list` whose run sorts after `run`. */
function upperBound(
  list: readonly RunSummary[],
  run: RunSummary,
  compare: (a: RunSummary, b: RunSummary) => number
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], run) <= 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** What the query's filters keep, as a function of a run. */
function keeper(q: RunQuery): (run: RunSummary) => boolean {
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  const dated = q.from !== undefined || q.to !== undefined;
  return run => {
    if (q.excludeIds?.has(run.id)) {
      return false;
    }
    if (q.notebook !== undefined && run.notebookPath !== q.notebook) {
      return false;
    }
    if (dated) {
      const ms = timeMs(run.startedAt);
      if (ms < from || ms >= to) {
        return false;
      }
    }
    return q.filter === undefined || matchesFilter(q.filter, run);
  };
}

/**
 * A number for each excluded set's ids, so that a cache key names them in
 * a few characters: by the set object itself while it is passed again (a
 * caller's set is not modified once given), else by its ids, sorted.
 * Numbers are never reused for other ids.
 */
const excludedNumbers = new WeakMap<ReadonlySet<string>, number>();
const excludedByIds = new Recent<number>(EXCLUDED_KEPT);
let excludedCount = 0;

function excludedNumber(ids: ReadonlySet<string> | undefined): number {
  if (!ids || ids.size === 0) {
    return 0;
  }
  let n = excludedNumbers.get(ids);
  if (n === undefined) {
    const text = JSON.stringify([...ids].sort());
    n = excludedByIds.get(text);
    if (n === undefined) {
      n = ++excludedCount;
      excludedByIds.set(text, n);
    }
    excludedNumbers.set(ids, n);
  }
  return n;
}

/** The cache key of a query's filters and order; null when not cached. */
function filterKey(q: RunQuery): string | null {
  return JSON.stringify([
    q.sort,
    q.filter ?? null,
    q.notebook ?? null,
    q.from ?? null,
    q.to ?? null,
    excludedNumber(q.excludeIds)
  ]);
}

/**
 * Sets a run's author for the filter and the sort to see (on the index's
 * object: the same for every reader, and a session's author never
 * changes; visibility, which may, is set on the copies handed out).
 */
function setOwner(run: RunSummary, owners: RunOwners | undefined): void {
  if (run.author !== undefined || !owners) {
    return;
  }
  const facts = owners.of(run.id);
  if (facts?.author) {
    run.author = facts.author;
  }
}

/** A copy of a run to hand out, its owner facts as of now. */
function decorated(run: RunSummary, owners: RunOwners | undefined): RunSummary {
  const copy = copyRun(run);
  const facts = owners?.of(run.id);
  if (facts?.author) {
    copy.author = { ...facts.author };
  }
  copy.visibility = facts?.visibility ?? run.visibility ?? 'team';
  return copy;
}

/**
 * A deep copy of a run (its parts are plain JSON: cheaper than
 * structuredClone for the hundred runs of a page).
 */
function copyRun(run: RunSummary): RunSummary {
  const metrics: RunSummary['metrics'] = {};
  for (const name of Object.keys(run.metrics)) {
    Object.defineProperty(metrics, name, {
      value: { ...run.metrics[name] },
      enumerable: true,
      writable: true,
      configurable: true
    });
  }
  const copy: RunSummary = {
    ...run,
    params: Object.defineProperties(
      {},
      Object.getOwnPropertyDescriptors(run.params)
    ),
    metrics,
    tags: [...run.tags],
    inputs: run.inputs.map(input => ({ ...input }))
  };
  if (run.author) {
    copy.author = { ...run.author };
  }
  if (run.lineage) {
    copy.lineage = structuredClone(run.lineage);
  }
  return copy;
}

/**
 * The key of the last run of a page: what the sort compares of it (the
 * params and metrics its keys name, the other fields they name), with the
 * tie-breakers startedAt and id.
 */
export function runKey(run: RunSummary, sort: SortKey[]): RunKey {
  const key: RunKey = { id: run.id, startedAt: run.startedAt };
  const into = key as Record<string, unknown>;
  for (const { field } of sort) {
    if (field.field === 'params' || field.field === 'metrics') {
      const source = run[field.field] as Record<string, unknown>;
      const target = (into[field.field] ??= {}) as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(source, field.name)) {
        // Any name is a name (`__proto__` too): an own property.
        Object.defineProperty(target, field.name, {
          value: source[field.name],
          enumerable: true,
          writable: true,
          configurable: true
        });
      }
    } else {
      for (const name of TOP_FIELDS[field.field] ?? []) {
        into[name] = run[name];
      }
    }
  }
  return key;
}

/** Code point order (not UTF-16 unit order, not locale). */
function codePointOrder(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) {
      return d;
    }
  }
  return x.length - y.length;
}

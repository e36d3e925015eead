/**
 * Answering run queries from a {@link RunIndex} in memory (both stores):
 * the runs sorted once per sort while nothing changes, the filters
 * (src/records/runs/filter.ts, notebook, dates, excluded sessions) applied
 * before a page is cut, and pages continued after a {@link RunKey}.
 *
 * Two small caches keyed by the index's version: the sorted runs per
 * sort, and the filtered runs per whole query, so paging through 100k runs
 * sorts and filters once, and a page after the first is a binary search.
 */
import type { RunSummary } from '../../src/client/api-schema';
import {
  compareRuns,
  matchesFilter,
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

/** Sorted orders kept (one per sort asked lately). */
const SORTS_KEPT = 8;
/** Filtered lists kept (one per query asked lately, any page). */
const FILTERS_KEPT = 32;
/** Excluded sets larger than this are not part of a cache key: no cache. */
const MAX_EXCLUDED_IN_KEY = 5000;

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

interface Cached<T> {
  version: number;
  ownersVersion: number | undefined;
  value: T;
}

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

/** See the module comment. */
export class RunQueries {
  private readonly sorted = new Recent<Cached<RunSummary[]>>(SORTS_KEPT);
  private readonly filtered = new Recent<Cached<RunSummary[]>>(FILTERS_KEPT);

  constructor(private readonly index: RunIndex) {}

  /** See TrailStore.queryRuns. */
  query(q: RunQuery): RunQueryResult {
    const list = this.matching(q);
    const compare = compareRuns(q.sort);
    let start = 0;
    if (q.after) {
      const after = q.after as RunSummary;
      // The first run that sorts after the key.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(list[mid], after) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      start = lo;
    }
    const page = list.slice(start, start + q.limit);
    const more = start + q.limit < list.length;
    return {
      items: page.map(run => decorated(run, q.owners)),
      next:
        more && page.length > 0 ? runKey(page[page.length - 1], q.sort) : null,
      total: list.length
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

  /** The runs the query's filters keep, in its order (cached). */
  private matching(q: RunQuery): RunSummary[] {
    const version = this.index.version;
    const key = filterKey(q);
    const hit = key === null ? undefined : this.filtered.get(key);
    if (fresh(hit, version, q.owners)) {
      return hit.value;
    }
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const list = this.inOrder(q.sort, q.owners).filter(run => {
      if (q.excludeIds?.has(run.id)) {
        return false;
      }
      if (q.notebook !== undefined && run.notebookPath !== q.notebook) {
        return false;
      }
      if (q.from !== undefined || q.to !== undefined) {
        const ms = timeMs(run.startedAt);
        if (ms < from || ms >= to) {
          return false;
        }
      }
      return q.filter === undefined || matchesFilter(q.filter, run);
    });
    if (key !== null) {
      this.filtered.set(key, {
        version,
        ownersVersion: q.owners?.version,
        value: list
      });
    }
    return list;
  }

  /**
   * Every run in the order of `sort` (cached), with its author and
   * visibility set from `owners` for the filter and the sort to see.
   */
  private inOrder(
    sort: SortKey[],
    owners: RunOwners | undefined
  ): RunSummary[] {
    const version = this.index.version;
    const key = JSON.stringify(sort);
    const hit = this.sorted.get(key);
    if (fresh(hit, version, owners)) {
      return hit.value;
    }
    const runs = this.index.all();
    for (const run of runs) {
      setOwner(run, owners);
    }
    runs.sort(compareRuns(sort));
    this.sorted.set(key, {
      version,
      ownersVersion: owners?.version,
      value: runs
    });
    return runs;
  }
}

function fresh<T>(
  hit: Cached<T> | undefined,
  version: number,
  owners: RunOwners | undefined
): hit is Cached<T> {
  return (
    hit !== undefined &&
    hit.version === version &&
    hit.ownersVersion === owners?.version
  );
}

/** The cache key of a query's filters and order; null when not cached. */
function filterKey(q: RunQuery): string | null {
  const excluded = q.excludeIds ? [...q.excludeIds] : [];
  if (excluded.length > MAX_EXCLUDED_IN_KEY) {
    return null;
  }
  return JSON.stringify([
    q.sort,
    q.filter ?? null,
    q.notebook ?? null,
    q.from ?? null,
    q.to ?? null,
    excluded.sort()
  ]);
}

/**
 * Sets a run's author and visibility (the index's object: the access facts
 * are the same for every reader, and an author never changes).
 */
function setOwner(run: RunSummary, owners: RunOwners | undefined): void {
  const facts = owners?.of(run.id);
  if (facts?.author) {
    run.author = facts.author;
  }
  run.visibility = facts?.visibility ?? run.visibility ?? 'team';
}

/** A copy of a run to hand out, its owner facts as of now. */
function decorated(run: RunSummary, owners: RunOwners | undefined): RunSummary {
  const copy = structuredClone(run);
  const facts = owners?.of(run.id);
  if (facts?.author) {
    copy.author = facts.author;
  }
  copy.visibility = facts?.visibility ?? run.visibility ?? 'team';
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

/**
 * Runs as a person sees them (GET /runs and friends): the store's run
 * queries with what the caller may not read excluded before a page is cut
 * and before `total` is counted, runs under their public ids, and cursors
 * sealed to the caller and the sort (a cursor names no id in clear, and
 * one of another person, sort or server run is refused as not a cursor).
 * A run the caller may not read answers 404 as an unknown one.
 */
import type {
  RunListParameters,
  RunMetricPoint,
  RunMetrics,
  RunNames,
  RunPage,
  RunSummary
} from '../../src/client/api-schema';
import type { ExecutionSummary } from '../../src/records/schema';
import { AppError } from '../errors';
import { CursorSeal } from '../sealed-cursor';
import type { ExecutionKey, RunKey, RunOwners } from '../store/types';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { badCursor, notFound } from './listing-cursor';
import {
  parseRunListQuery,
  parseMetricNames,
  type RunListing
} from './run-query-params';
import type { TeamAccess } from './team';

const RUN_LIST_QUERY =
  'https://trail.dev/schema/api/run-list-query.schema.json';
const RUN_METRICS_QUERY =
  'https://trail.dev/schema/api/run-metrics-query.schema.json';

/** Points of one metric series at most; thinned evenly beyond. */
export const MAX_SERIES_POINTS = 10_000;

/** Executions read at a time for a run's metrics. */
const EXECUTION_PAGE = 500;

/** See the module comment. */
export class TeamRuns {
  private readonly cursors: CursorSeal;
  /** The access facts the store filters and sorts authors by. */
  private readonly owners: RunOwners;

  constructor(
    private readonly access: TeamAccess,
    private readonly validator: RecordValidator,
    private readonly idPattern: RegExp,
    cursorKey?: Buffer
  ) {
    this.cursors = new CursorSeal(cursorKey);
    this.owners = {
      of: id => {
        const facts = access.accessOf(id);
        return facts
          ? {
              author: access.person(facts.authorId),
              visibility: facts.visibility
            }
          : undefined;
      }
    };
  }

  /** GET /runs. */
  async list(principal: Principal, query: unknown): Promise<RunPage> {
    this.validator.assertQuery<RunListParameters>(
      RUN_LIST_QUERY,
      query,
      'The run query is invalid'
    );
    const q = parseRunListQuery(query as Record<string, string | undefined>);
    const after =
      q.cursor === undefined ? undefined : this.openCursor(principal, q);
    const excludeIds = this.access.unreadableSetOf(principal);
    const found = await this.access.store.queryRuns({
      filter: q.filter,
      sort: q.sort,
      notebook: q.notebook,
      from: q.from,
      to: q.to,
      excludeIds: excludeIds.size > 0 ? excludeIds : undefined,
      owners: this.owners,
      limit: q.limit,
      after
    });
    return {
      items: found.items.map(run => this.shown(run, q)),
      next:
        found.next &&
        this.cursors.seal(['runs', principal.userId, q.sortText, found.next]),
      total: found.total
    };
  }

  /** GET /runs/:id. */
  async get(principal: Principal, id: string): Promise<RunSummary> {
    const stored = this.readableId(principal, id);
    const run = await this.access.store.getRun(stored, this.owners);
    if (!run) {
      throw notFound('run', id);
    }
    return this.shown(run);
  }

  /** GET /runs/names. */
  async names(principal: Principal): Promise<RunNames> {
    return this.access.store.runNames(
      this.access.unreadableBy(principal),
      this.owners
    );
  }

  /**
   * GET /runs/:id/metrics: every point of the named metrics (all when no
   * names are given) in seq order, then log order, from the captures of the
   * session's executions (annotations merged).
   */
  async metrics(
    principal: Principal,
    id: string,
    query: Record<string, unknown>
  ): Promise<RunMetrics> {
    this.validator.assertQuery(
      RUN_METRICS_QUERY,
      query,
      'The metrics query is invalid'
    );
    const names = parseMetricNames(query.names);
    const stored = this.readableId(principal, id);
    const series: Record<string, RunMetricPoint[]> = {};
    // Named metrics the run never logged answer with an empty series.
    names?.forEach(name => seriesOf(series, name));
    const put = (name: string, point: RunMetricPoint): void => {
      seriesOf(series, name).push(point);
    };
    let after: ExecutionKey | undefined;
    do {
      const page = await this.access.store.listExecutions(stored, {
        limit: EXECUTION_PAGE,
        after
      });
      if (!page) {
        throw notFound('run', id);
      }
      for (const x of page.items) {
        this.pointsOf(principal, x, names, put);
      }
      after = page.next ?? undefined;
    } while (after);
    const thinnedNames: string[] = [];
    for (const [name, points] of Object.entries(series)) {
      if (points.length > MAX_SERIES_POINTS) {
        series[name] = thinned(points, MAX_SERIES_POINTS);
        thinnedNames.push(name);
      }
    }
    return thinnedNames.length > 0
      ? { series, thinned: true, thinnedNames }
      : { series };
  }

  private pointsOf(
    principal: Principal,
    x: ExecutionSummary,
    names: ReadonlySet<string> | null,
    put: (name: string, point: RunMetricPoint) => void
  ): void {
    if (!x.capture?.metrics || !this.access.canReadExecution(principal, x)) {
      return;
    }
    for (const m of x.capture.metrics) {
      if (names === null || names.has(m.name)) {
        put(m.name, {
          seq: x.seq,
          step: m.step ?? null,
          value: m.value,
          at: m.at
        });
      }
    }
  }

  /**
   * The stored id of the session `principal` reads as run `id` (a 400 for
   * a malformed id, a 404 when they may read none).
   */
  private readableId(principal: Principal, id: string): string {
    if (!this.idPattern.test(id)) {
      throw new AppError(
        400,
        'invalid_request',
        `The path parameter "id" must match ${this.idPattern.source}.`,
        [{ path: '/params/id', message: `must match ${this.idPattern.source}` }]
      );
    }
    const stored = this.access.recordFor(principal, 'session', id);
    if (!this.access.canReadSession(principal, stored)) {
      throw notFound('run', id);
    }
    return stored;
  }

  /** A run as the API shows it: its public id, the asked columns only. */
  private shown(run: RunSummary, q?: RunListing): RunSummary {
    const out = { ...run, id: this.access.publicId(run.id) };
    if (q?.columns) {
      out.params = pick(run.params, q.columns.params);
      out.metrics = pick(run.metrics, q.columns.metrics);
    }
    return out;
  }

  /** The key a cursor holds, if this caller got it with this sort. */
  private openCursor(principal: Principal, q: RunListing): RunKey {
    const parts = this.cursors.open(q.cursor!);
    if (
      !Array.isArray(parts) ||
      parts[0] !== 'runs' ||
      parts[1] !== principal.userId ||
      parts[2] !== q.sortText ||
      typeof parts[3] !== 'object' ||
      parts[3] === null ||
      typeof parts[3].id !== 'string' ||
      typeof parts[3].startedAt !== 'string'
    ) {
      throw badCursor();
    }
    return parts[3] as RunKey;
  }
}

/** The series of a metric name (made an own property: any name is one). */
function seriesOf(
  series: Record<string, RunMetricPoint[]>,
  name: string
): RunMetricPoint[] {
  if (!Object.prototype.hasOwnProperty.call(series, name)) {
    Object.defineProperty(series, name, {
      value: [],
      enumerable: true,
      writable: true,
      configurable: true
    });
  }
  return series[name];
}

/** The entries of `from` that `names` keeps (all when it is true). */
function pick<T>(
  from: Record<string, T>,
  names: ReadonlySet<string> | true
): Record<string, T> {
  if (names === true) {
    return from;
  }
  const out: Record<string, T> = {};
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(from, name)) {
      Object.defineProperty(out, name, {
        value: from[name],
        enumerable: true,
        writable: true,
        configurable: true
      });
    }
  }
  return out;
}

/** `max` points of a series, evenly spread, the first and the last kept. */
export function thinned<T>(points: T[], max: number): T[] {
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) {
    out.push(points[Math.round(i * step)]);
  }
  return out;
}

/**
 * Two to ten runs compared side by side (#16 item 3): each run's summary,
 * input files, environment and notebook at its last step read from the
 * runs and sessions API, the differences worked out by ./rules, and what
 * the plots draw (metric series per run, and the runs of a leaderboard
 * filter for the parallel coordinates and the scatter).
 */
import type {
  InputList,
  NotebookAtStep,
  RunMetricPoint,
  RunMetrics,
  RunPage,
  RunSummary
} from '../../client/api-schema';
import type { RunsQuery } from '../../client/types';
import { diffEnvironments } from '../../records/environment';
import type { EnvironmentSnapshot } from '../../records/schema';
import type { IEnvironmentDiff } from '../../records/environment';
import { LoadableModel } from '../loadable';
import { RunsFollower } from '../runs/follower';
import type { IRunsFeed } from '../runs/types';
import { baseIndex, cellRows, inputRows, metricRows, paramRows } from './rules';
import type {
  ICellRow,
  IInputRow,
  IMetricRow,
  IParamRow,
  MetricDirection
} from './rules';

/** The fewest runs a comparison takes. */
export const MIN_COMPARED_RUNS = 2;
/** The most runs a comparison takes (more would not fit side by side). */
export const MAX_COMPARED_RUNS = 10;
/** The most runs the parallel coordinates and the scatter read. */
export const POPULATION_LIMIT = 500;

/** What the model needs of the server (the Trail client satisfies it). */
export interface ICompareReader {
  getRun(id: string): Promise<RunSummary>;
  runMetrics(id: string, names?: readonly string[]): Promise<RunMetrics>;
  getInputs(sessionId: string, upto: number): Promise<InputList>;
  getStep(sessionId: string, k: number): Promise<NotebookAtStep>;
  listRuns(query: RunsQuery): Promise<RunPage>;
}

/**
 * Where the comparison is: `too-few` / `too-many` runs asked (nothing is
 * read), `idle` before the first read, `loading`, `ready` (some runs may
 * still be not found: see each {@link IComparedRun}).
 */
export type CompareState =
  'too-few' | 'too-many' | 'idle' | 'loading' | 'ready';

/** One compared run: its column in the comparison. */
export interface IComparedRun {
  /** The id asked for. */
  id: string;
  /** `not-found`: private to someone else, or gone (the server does not tell which). */
  state: 'loading' | 'ready' | 'not-found' | 'error';
  run: RunSummary | null;
  /** Its input files and environment at its last step (null until read, or when it failed). */
  inputs: InputList | null;
  /** Its notebook at its last step (null until read, or when it failed). */
  notebook: NotebookAtStep | null;
  /** Why the run (state error) or its inputs or notebook could not be read. */
  error: Error | null;
}

/** An environment compared with the base run's. */
export interface IEnvironmentColumn {
  /** `same`: the same environment version; `unknown`: one of the two recorded none. */
  state: 'base' | 'same' | 'different' | 'unknown' | 'unreadable';
  diff: IEnvironmentDiff | null;
}

/** The runs the population plots draw, and how they were chosen. */
export interface IPopulation {
  filter: string;
  runs: RunSummary[];
  /** How many runs match (may exceed runs.length: only the first 500 are drawn). */
  total: number;
}

/**
 * The comparison of two to ten runs; `refresh()` reads it (again).
 */
export class CompareModel extends LoadableModel {
  constructor(options: CompareModel.IOptions) {
    super();
    const ids: string[] = [];
    for (const raw of options.ids) {
      const id = raw.trim();
      if (id && !ids.includes(id)) {
        ids.push(id);
      }
    }
    this.ids = ids;
    this.filter = options.filter ?? null;
    this._reader = options.reader;
    this._runs = ids.map(id => emptyRun(id));
    this._directions = { ...options.directions };
    this._onDirectionSet = options.onDirectionSet ?? null;
    this._follower = new RunsFollower({
      feed: options.feed ?? null,
      delayMs: options.followDelayMs,
      concerns: sessionId => this.ids.includes(sessionId),
      onChange: () => void this._follow()
    });
  }

  /**
   * What says when the server stored something: a change to a compared
   * run reads the runs again without clearing what is shown (a run still
   * recording is followed). Whoever made it disposes it.
   */
  get feed(): IRunsFeed | null {
    return this._follower.feed;
  }
  set feed(value: IRunsFeed | null) {
    this._follower.feed = value;
  }

  /** Whether the comparison shows: the feed runs only then. */
  get active(): boolean {
    return this._follower.active;
  }
  set active(value: boolean) {
    this._follower.active = value;
  }

  dispose(): void {
    this._follower.dispose();
    super.dispose();
  }

  /** The runs asked for, duplicates removed, in order: the first is the base. */
  readonly ids: readonly string[];
  /** The leaderboard filter the population plots draw, if given. */
  readonly filter: string | null;

  /** Where the comparison is; see {@link CompareState}. */
  get state(): CompareState {
    if (this.ids.length < MIN_COMPARED_RUNS) {
      return 'too-few';
    }
    if (this.ids.length > MAX_COMPARED_RUNS) {
      return 'too-many';
    }
    if (!this._asked) {
      return 'idle';
    }
    return this._runs.some(run => run.state === 'loading')
      ? 'loading'
      : 'ready';
  }

  /** The compared runs, one per id. */
  get runs(): readonly IComparedRun[] {
    return this._runs;
  }

  /** The index of the base run (the first readable one), or -1. */
  get baseIndex(): number {
    return baseIndex(this._summaries());
  }

  /** Params across the runs. */
  get params(): IParamRow[] {
    return paramRows(this._summaries());
  }

  /** Metrics across the runs, with the best marked. */
  get metrics(): IMetricRow[] {
    return metricRows(this._summaries(), this._directions);
  }

  /** Input files across the runs. */
  get inputs(): IInputRow[] {
    return inputRows(this._runs.map(run => run.inputs?.inputs ?? null));
  }

  /** Code cells across the runs' notebooks. */
  get cells(): ICellRow[] {
    return cellRows(this._runs.map(run => run.notebook?.cells ?? null));
  }

  /** Each run's environment compared with the base run's. */
  get environments(): IEnvironmentColumn[] {
    const base = this.baseIndex;
    const baseEnv = environmentOf(this._runs[base]);
    return this._runs.map((run, i) => {
      if (i === base) {
        return { state: 'base', diff: null };
      }
      if (!run.run || !run.inputs) {
        return { state: 'unreadable', diff: null };
      }
      const env = environmentOf(run);
      if (!env || !baseEnv) {
        return { state: 'unknown', diff: null };
      }
      if (
        run.run.environmentId !== null &&
        run.run.environmentId === this._runs[base]?.run?.environmentId
      ) {
        return { state: 'same', diff: null };
      }
      return { state: 'different', diff: diffEnvironments(baseEnv, env) };
    });
  }

  /** Whether bigger or smaller is better for a metric (a guess unless set). */
  direction(metric: string): MetricDirection {
    return (
      this.metrics.find(row => row.name === metric)?.direction ??
      this._directions[metric] ??
      'higher'
    );
  }

  /**
   * Says which way a metric is better, overriding the guess from its name
   * (and remembered through `onDirectionSet`).
   */
  setDirection(metric: string, direction: MetricDirection): void {
    this._directions = { ...this._directions, [metric]: direction };
    this.emitChanged();
    this._onDirectionSet?.(metric, direction);
  }

  /**
   * Takes the directions said elsewhere (another comparison, the Settings
   * Editor) in place of those known; the guess from the name for the rest.
   */
  useDirections(directions: Readonly<Record<string, MetricDirection>>): void {
    const next = { ...directions };
    const same =
      Object.keys(next).length === Object.keys(this._directions).length &&
      Object.entries(next).every(([k, v]) => this._directions[k] === v);
    if (!same) {
      this._directions = next;
      this.emitChanged();
    }
  }

  /** Read every run (again), then each run's inputs and notebook. */
  refresh(): Promise<void> {
    if (this.state === 'too-few' || this.state === 'too-many') {
      return Promise.resolve();
    }
    this._asked = true;
    this._follower.start();
    // Series and runs read before are dropped when they arrive.
    this.invalidate();
    this._series.clear();
    this._seriesPending.clear();
    this._runs = this.ids.map(id => ({
      ...(this._runs.find(run => run.id === id) ?? emptyRun(id)),
      state: 'loading'
    }));
    this.emitChanged();
    const reader = this._reader;
    return this.enqueue(async isCurrent => {
      await Promise.all(
        this.ids.map(async (id, i) => {
          const slot = await readRun(reader, id);
          if (isCurrent()) {
            this._runs = this._runs.map((run, k) => (k === i ? slot : run));
            this.emitChanged();
          }
        })
      );
    });
  }

  /**
   * Reads the runs again after a change the feed reported, keeping what is
   * shown until the new answers are in, then the series already drawn.
   */
  private _follow(): Promise<void> {
    if (this.state === 'too-few' || this.state === 'too-many') {
      return Promise.resolve();
    }
    const reader = this._reader;
    return this.enqueue(async isCurrent => {
      const runs = await Promise.all(this.ids.map(id => readRun(reader, id)));
      if (!isCurrent()) {
        return;
      }
      this._runs = runs;
      this.emitChanged();
      const metrics = [...this._series.keys()];
      const series = await Promise.all(
        metrics.map(metric => this._readSeries(metric))
      );
      if (!isCurrent()) {
        return;
      }
      metrics.forEach((metric, i) => this._series.set(metric, series[i]));
      if (metrics.length > 0) {
        this.emitChanged();
      }
    });
  }

  /** Each run's series of one metric (null where it cannot be read). */
  private _readSeries(metric: string): Promise<(RunMetricPoint[] | null)[]> {
    return Promise.all(
      this._runs.map(run =>
        run.run
          ? this._reader
              .runMetrics(run.run.id, [metric])
              .then(answer => answer.series[metric] ?? [])
              .catch(() => null)
          : Promise.resolve(null)
      )
    );
  }

  /**
   * Each run's series of a metric (null for a run that is not readable or
   * whose series could not be read), once {@link loadSeries} has read it.
   */
  series(metric: string): (RunMetricPoint[] | null)[] | undefined {
    return this._series.get(metric);
  }

  /** Read each readable run's series of one metric (once). */
  loadSeries(metric: string): Promise<void> {
    if (this._series.has(metric) || this._seriesPending.has(metric)) {
      return this._seriesPending.get(metric) ?? Promise.resolve();
    }
    const generation = this.generation;
    const pending = this._readSeries(metric).then(series => {
      this._seriesPending.delete(metric);
      if (generation === this.generation && !this.isDisposed) {
        this._series.set(metric, series);
        this.emitChanged();
      }
    });
    this._seriesPending.set(metric, pending);
    return pending;
  }

  /** The runs the population plots draw, once read. */
  get population(): IPopulation | null {
    return this._population;
  }

  /** Why the population could not be read, if it could not. */
  get populationError(): Error | null {
    return this._populationError;
  }

  /**
   * The filter the population plots use: the one given, else the base
   * run's notebook.
   */
  get populationFilter(): string {
    if (this._populationFilter !== null) {
      return this._populationFilter;
    }
    if (this.filter !== null) {
      return this.filter;
    }
    const base = this._runs[this.baseIndex]?.run;
    return base ? `notebook = ${JSON.stringify(base.notebookPath)}` : '';
  }

  /**
   * Read the runs of a filter (default {@link populationFilter}) for the
   * parallel coordinates and the scatter: the first 500, with every param
   * and metric.
   */
  async loadPopulation(filter: string = this.populationFilter): Promise<void> {
    this._populationFilter = filter;
    const asked = ++this._populationAsk;
    try {
      const page = await this._reader.listRuns({
        filter,
        columns: 'params.*,metrics.*',
        limit: POPULATION_LIMIT
      });
      if (asked === this._populationAsk && !this.isDisposed) {
        this._population = { filter, runs: page.items, total: page.total };
        this._populationError = null;
        this.emitChanged();
      }
    } catch (reason) {
      if (asked === this._populationAsk && !this.isDisposed) {
        this._populationError =
          reason instanceof Error ? reason : new Error(String(reason));
        this.emitChanged();
      }
    }
  }

  private _summaries(): (RunSummary | null)[] {
    return this._runs.map(run => run.run);
  }

  private _asked = false;
  private _directions: Record<string, MetricDirection>;
  private readonly _follower: RunsFollower;
  private readonly _onDirectionSet:
    ((metric: string, direction: MetricDirection) => void) | null;
  private _population: IPopulation | null = null;
  private _populationAsk = 0;
  private _populationError: Error | null = null;
  private _populationFilter: string | null = null;
  private _reader: ICompareReader;
  private _runs: IComparedRun[];
  private _series = new Map<string, (RunMetricPoint[] | null)[]>();
  private _seriesPending = new Map<string, Promise<void>>();
}

/** The namespace for `CompareModel` statics. */
export namespace CompareModel {
  export interface IOptions {
    /** The runs to compare (2 to 10); the first is the base. */
    ids: readonly string[];
    /** The leaderboard filter the population plots draw. */
    filter?: string | null;
    reader: ICompareReader;
    /** Which way metrics are better, as said before (by metric name). */
    directions?: Readonly<Record<string, MetricDirection>>;
    /** Called when someone says which way a metric is better. */
    onDirectionSet?: (metric: string, direction: MetricDirection) => void;
    /** What says when the server stored something (followed while shown). */
    feed?: IRunsFeed | null;
    /** How long the feed's reports are gathered before a read (ms). */
    followDelayMs?: number;
  }
}

function emptyRun(id: string): IComparedRun {
  return {
    id,
    state: 'loading',
    run: null,
    inputs: null,
    notebook: null,
    error: null
  };
}

function environmentOf(
  run: IComparedRun | undefined
): EnvironmentSnapshot | null {
  return run?.inputs?.environment ?? null;
}

/** One run, then its inputs and notebook at its last step. */
async function readRun(
  reader: ICompareReader,
  id: string
): Promise<IComparedRun> {
  let run: RunSummary;
  try {
    run = await reader.getRun(id);
  } catch (reason) {
    const error = asError(reason);
    return {
      ...emptyRun(id),
      state: statusOf(reason) === 404 ? 'not-found' : 'error',
      error: statusOf(reason) === 404 ? null : error
    };
  }
  const last = run.executionCount;
  let error: Error | null = null;
  const [inputs, notebook] =
    last > 0
      ? await Promise.all([
          reader.getInputs(run.id, last).catch(reason => {
            error = asError(reason);
            return null;
          }),
          reader.getStep(run.id, last).catch(reason => {
            error = asError(reason);
            return null;
          })
        ])
      : [null, null];
  return { id, state: 'ready', run, inputs, notebook, error };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function statusOf(reason: unknown): number | null {
  const status = (reason as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

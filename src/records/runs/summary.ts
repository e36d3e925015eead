/**
 * A run's summary (#16, RunSummary in schema/api/run-summary.schema.json):
 * a session folded over its executions and their captures.
 *
 * The fold is incremental (RunAccumulator) so a store keeps every run up
 * to date as events arrive, in any order, without reading records again:
 * each step costs what the execution or capture holds. What depends on the
 * order (params later-wins, a metric's last point, the last status, whether
 * a read came before a write) is kept with the seq that decided it.
 */
import type {
  RunInput,
  RunMetric,
  RunStatus,
  RunSummary
} from '../../client/api-schema';
import type {
  ExecutionCapture,
  ExecutionRecord,
  ParamValue,
  SessionSummary
} from '../schema';
import { compareText } from './fields';
import { compareInstants } from './sort';

/** What the fold reads of an execution (an ExecutionSummary or record will do). */
export type RunExecution = Pick<
  ExecutionRecord,
  'seq' | 'status' | 'startedAt' | 'endedAt'
> & { capture?: ExecutionCapture };

/** What the fold reads of the session. */
export type RunSession = Pick<
  SessionSummary,
  | 'id'
  | 'notebookPath'
  | 'startedAt'
  | 'author'
  | 'visibility'
  | 'lineage'
  | 'environments'
>;

/** The most inputs a summary lists (inputsTruncated beyond). */
export const RUN_INPUTS_MAX = 100;

const STATUS: Record<RunExecution['status'], RunStatus> = {
  ok: 'ok',
  error: 'failed',
  aborted: 'failed',
  interrupted: 'interrupted'
};

export interface ParamState {
  value: ParamValue;
  seq: number;
}

export interface MetricState {
  last: number | null;
  lastSeq: number;
  lastStep: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

export interface FileState {
  /** The seq of the first read (read or readwrite), if any. */
  readSeq?: number;
  readHash: string | null;
  /** The seq of the first write (write or readwrite), if any. */
  writeSeq?: number;
}

/** Sets a property as an own one, whatever its name (`__proto__` too). */
function setOwn<T>(target: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    });
  } else {
    target[name] = value;
  }
}

/** A finite number, or null (NaN and the infinities, which JSON cannot carry). */
function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A {@link RunAccumulator}'s fold state as plain JSON (names as pairs, so
 * that any name, `__proto__` too, survives), for a store that keeps it
 * outside the process (the PostgreSQL run table) and folds on later.
 */
export interface RunAccumulatorState {
  seqs: number[];
  lastSeq: number;
  lastStatus: RunStatus;
  endedAt: string | null;
  params: [string, ParamState][];
  metrics: [string, MetricState][];
  tags: string[];
  files: [string, FileState][];
}

/**
 * The incremental fold of one session's executions into its RunSummary.
 * Executions and captures may come in any order; an execution added twice
 * (same seq) counts once.
 */
export class RunAccumulator {
  private readonly seqs = new Set<number>();
  private lastSeq = 0;
  private lastStatus: RunStatus = 'empty';
  private endedAt: string | null = null;
  private readonly params = new Map<string, ParamState>();
  private readonly metrics = new Map<string, MetricState>();
  private readonly tags = new Set<string>();
  private readonly files = new Map<string, FileState>();

  /** An execution, with its own capture. */
  add(execution: RunExecution): void {
    if (this.seqs.has(execution.seq)) {
      return;
    }
    this.seqs.add(execution.seq);
    if (execution.seq > this.lastSeq) {
      this.lastSeq = execution.seq;
      this.lastStatus = STATUS[execution.status] ?? 'failed';
    }
    if (
      this.endedAt === null ||
      compareInstants(execution.endedAt, this.endedAt) > 0
    ) {
      this.endedAt = execution.endedAt;
    }
    if (execution.capture) {
      this.addCapture(execution.seq, execution.capture);
    }
  }

  /**
   * A capture of the execution with this seq (an execution.annotated
   * event's, merged as captures merge: params later-winning, metrics
   * appended, tags a set, a file's hash filled in).
   */
  addCapture(seq: number, capture: ExecutionCapture): void {
    if (capture.params) {
      for (const name of Object.keys(capture.params)) {
        const current = this.params.get(name);
        if (current === undefined || seq >= current.seq) {
          this.params.set(name, { value: capture.params[name], seq });
        }
      }
    }
    for (const point of capture.metrics ?? []) {
      this.addPoint(seq, point.name, finite(point.value), point.step);
    }
    for (const tag of capture.tags ?? []) {
      this.tags.add(tag);
    }
    for (const file of capture.files ?? []) {
      let state = this.files.get(file.path);
      if (state === undefined) {
        state = { readHash: null };
        this.files.set(file.path, state);
      }
      if (file.access !== 'write') {
        const hash = file.sha256 ?? null;
        if (state.readSeq === undefined || seq < state.readSeq) {
          state.readSeq = seq;
          state.readHash = hash;
        } else if (seq === state.readSeq && hash !== null) {
          state.readHash = hash;
        }
      }
      if (
        file.access !== 'read' &&
        (state.writeSeq === undefined || seq < state.writeSeq)
      ) {
        state.writeSeq = seq;
      }
    }
  }

  private addPoint(
    seq: number,
    name: string,
    value: number | null,
    step: number | null | undefined
  ): void {
    let state = this.metrics.get(name);
    if (state === undefined) {
      state = {
        last: null,
        lastSeq: -Infinity,
        lastStep: null,
        min: null,
        max: null,
        count: 0
      };
      this.metrics.set(name, state);
    }
    state.count++;
    if (value !== null) {
      if (state.min === null || value < state.min) {
        state.min = value;
      }
      if (state.max === null || value > state.max) {
        state.max = value;
      }
    }
    // Later seq, or the same seq logged later: the new last point.
    if (seq >= state.lastSeq) {
      state.last = value;
      state.lastSeq = seq;
      state.lastStep =
        typeof step === 'number' && Number.isInteger(step) ? step : null;
    }
  }

  /** The fold state as plain JSON (see {@link RunAccumulatorState}). */
  state(): RunAccumulatorState {
    return {
      seqs: [...this.seqs],
      lastSeq: this.lastSeq,
      lastStatus: this.lastStatus,
      endedAt: this.endedAt,
      params: [...this.params],
      metrics: [...this.metrics],
      tags: [...this.tags],
      files: [...this.files]
    };
  }

  /** An accumulator that goes on from a state {@link state} gave. */
  static fromState(state: RunAccumulatorState): RunAccumulator {
    const accumulator = new RunAccumulator();
    state.seqs.forEach(seq => accumulator.seqs.add(seq));
    accumulator.lastSeq = state.lastSeq;
    accumulator.lastStatus = state.lastStatus;
    accumulator.endedAt = state.endedAt;
    state.params.forEach(([name, p]) => accumulator.params.set(name, p));
    state.metrics.forEach(([name, m]) => accumulator.metrics.set(name, m));
    state.tags.forEach(tag => accumulator.tags.add(tag));
    state.files.forEach(([path, f]) => accumulator.files.set(path, f));
    return accumulator;
  }

  /** How many executions were added. */
  get executionCount(): number {
    return this.seqs.size;
  }

  /** The summary now, with the session's own facts (a new object each time). */
  summary(session: RunSession): RunSummary {
    const params: RunSummary['params'] = {};
    for (const [name, state] of this.params) {
      setOwn(params, name, state.value);
    }
    const metrics: RunSummary['metrics'] = {};
    for (const [name, state] of this.metrics) {
      const metric: RunMetric = {
        last: state.last,
        min: state.min,
        max: state.max,
        count: state.count,
        lastStep: state.lastStep
      };
      setOwn(metrics, name, metric);
    }
    const inputs: (RunInput & { seq: number })[] = [];
    for (const [path, state] of this.files) {
      if (
        state.readSeq !== undefined &&
        (state.writeSeq === undefined || state.writeSeq >= state.readSeq)
      ) {
        inputs.push({ path, sha256: state.readHash, seq: state.readSeq });
      }
    }
    inputs.sort((a, b) => a.seq - b.seq || compareText(a.path, b.path));
    const environments = session.environments ?? [];
    let environmentId: string | null = null;
    let environmentFrom = -Infinity;
    for (const environment of environments) {
      if (environment.fromSeq >= environmentFrom) {
        environmentFrom = environment.fromSeq;
        environmentId = environment.id;
      }
    }
    const endedAt = this.endedAt;
    const summary: RunSummary = {
      id: session.id,
      kind: session.lineage?.kind ?? 'notebook',
      notebookPath: session.notebookPath,
      ...(session.author ? { author: session.author } : {}),
      visibility: session.visibility ?? 'team',
      startedAt: session.startedAt,
      endedAt,
      durationMs:
        endedAt === null
          ? null
          : Date.parse(endedAt) - Date.parse(session.startedAt),
      executionCount: this.seqs.size,
      status: this.lastStatus,
      params,
      metrics,
      tags: [...this.tags].sort(compareText),
      inputs: inputs
        .slice(0, RUN_INPUTS_MAX)
        .map(({ path, sha256 }) => ({ path, sha256 })),
      ...(inputs.length > RUN_INPUTS_MAX ? { inputsTruncated: true } : {}),
      environmentId,
      ...(session.lineage ? { lineage: session.lineage } : {})
    };
    return summary;
  }
}

/** A session's RunSummary from its executions (any order). */
export function summarizeRun(
  session: RunSession,
  executions: Iterable<RunExecution>
): RunSummary {
  const accumulator = new RunAccumulator();
  for (const execution of executions) {
    accumulator.add(execution);
  }
  return accumulator.summary(session);
}

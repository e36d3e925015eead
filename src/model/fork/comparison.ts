/**
 * A fork (or replay) compared with its parent (issue #14 item 5): the
 * server's answer to GET /sessions/{id}/parent-comparison, read for the
 * comparison widget, with the figures the widget shows worked out here
 * (metric deltas, the steps whose outputs differ).
 */
import type { FileVersion, LineageComparison } from '../../client/api-schema';
import type { SessionSummary } from '../../records/schema';
import { LoadableModel } from '../loadable';

/**
 * The parent/fork comparison as the server answers it (contract 5,
 * `schema/api/lineage-comparison.schema.json`).
 */
export type ILineageComparison = LineageComparison;

/** One side of a substituted input: what the parent or the fork read. */
export type IComparedFile = FileVersion;

/** How a fork step's outputs compare with the parent's (contract 5). */
export type LineageVerdict = LineageComparison['steps'][number]['verdict'];

/** A substituted input of the comparison. */
export type ComparedInput = ILineageComparison['inputs'][number];
/** A param of the comparison. */
export type ComparedParam = ILineageComparison['params'][number];
/** A step of the comparison. */
export type ComparedStep = ILineageComparison['steps'][number];

/** A metric with its change from parent to fork. */
export interface IMetricRow {
  name: string;
  parent: number | null | undefined;
  fork: number | null | undefined;
  /** fork − parent when both are numbers, else null. */
  delta: number | null;
  same: boolean;
}

/** What the model needs of the server (the Trail client satisfies it). */
export interface IParentComparisonReader {
  parentComparison(sessionId: string): Promise<ILineageComparison>;
  /** The fork's own summary (its notebook, author, start), when offered. */
  getSession?(id: string): Promise<SessionSummary>;
}

/**
 * What the widget shows: nothing asked yet, reading, the comparison, no
 * comparison (`not-found`: the session has no parent, or the parent or
 * the session is not readable, which the server does not tell apart) or
 * a failure to read (`error`, with Retry).
 */
export type ComparisonState =
  'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/** The change of a metric from parent to fork, when both are numbers. */
export function metricDelta(
  parent: number | null | undefined,
  fork: number | null | undefined
): number | null {
  if (
    typeof parent !== 'number' ||
    typeof fork !== 'number' ||
    !isFinite(parent) ||
    !isFinite(fork)
  ) {
    return null;
  }
  // Rounded to the significant digits of a double, so 0.3 - 0.1 reads 0.2.
  return Number((fork - parent).toPrecision(12));
}

/** The steps whose outputs are not the parent's, in step order. */
export function stepsNotSame(comparison: ILineageComparison): ComparedStep[] {
  return comparison.steps
    .filter(step => step.verdict !== 'same')
    .sort((a, b) => a.step - b.step);
}

/**
 * The comparison of one fork or replay session with its parent; `refresh()`
 * reads it (again: a fork still running gets more steps).
 */
export class ParentComparisonModel extends LoadableModel {
  constructor(options: ParentComparisonModel.IOptions) {
    super();
    this.sessionId = options.sessionId;
    this._reader = options.reader;
  }

  /** The fork or replay session compared. */
  readonly sessionId: string;

  /** Where the model is; see {@link ComparisonState}. */
  get state(): ComparisonState {
    if (this._comparison) {
      return 'ready';
    }
    if (this.loading || !this._asked) {
      return this._asked ? 'loading' : 'idle';
    }
    if (this._notFound) {
      return 'not-found';
    }
    return this.error ? 'error' : 'loading';
  }

  /** The comparison, once read (kept while a refresh fails). */
  get comparison(): ILineageComparison | null {
    return this._comparison;
  }

  /** The fork's own summary, when it could be read. */
  get session(): SessionSummary | null {
    return this._session;
  }

  /** The parent's summary, when it could be read. */
  get parentSession(): SessionSummary | null {
    return this._parentSession;
  }

  /** The metrics with their deltas, in the server's order. */
  get metrics(): IMetricRow[] {
    return (this._comparison?.metrics ?? []).map(metric => ({
      name: metric.name,
      parent: metric.parent,
      fork: metric.fork,
      delta: metricDelta(metric.parent, metric.fork),
      same: metric.same
    }));
  }

  /** The steps whose outputs are not the parent's. */
  get differingSteps(): ComparedStep[] {
    return this._comparison ? stepsNotSame(this._comparison) : [];
  }

  /** How many params differ. */
  get differingParams(): number {
    return (this._comparison?.params ?? []).filter(param => !param.same).length;
  }

  /** Read the comparison (again). */
  refresh(): Promise<void> {
    this._asked = true;
    const reader = this._reader;
    return this.enqueue(async isCurrent => {
      const summary = (id: string) =>
        reader.getSession
          ? reader.getSession(id).catch(() => null)
          : Promise.resolve(null);
      const session = summary(this.sessionId);
      let comparison: ILineageComparison;
      try {
        comparison = await reader.parentComparison(this.sessionId);
      } catch (reason) {
        if (isCurrent() && statusOf(reason) === 404) {
          // Gone (made private, or never a fork): nothing to keep showing.
          this._comparison = null;
          this._notFound = true;
          return;
        }
        throw reason;
      }
      const [own, parent] = await Promise.all([
        session,
        this._parentSession?.id === comparison.parent.sessionId
          ? this._parentSession
          : summary(comparison.parent.sessionId)
      ]);
      if (isCurrent()) {
        this._comparison = comparison;
        this._notFound = false;
        this._session = own ?? this._session;
        this._parentSession = parent;
      }
    });
  }

  private _asked = false;
  private _comparison: ILineageComparison | null = null;
  private _notFound = false;
  private _parentSession: SessionSummary | null = null;
  private _reader: IParentComparisonReader;
  private _session: SessionSummary | null = null;
}

/** The namespace for `ParentComparisonModel` statics. */
export namespace ParentComparisonModel {
  export interface IOptions {
    /** The fork or replay session to compare with its parent. */
    sessionId: string;
    reader: IParentComparisonReader;
  }
}

function statusOf(reason: unknown): number | null {
  const status = (reason as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * Runs as the runs API answers them, and a fake reader over a list of them
 * (the seam the client satisfies), for the leaderboard's model and UI tests.
 */
import { Signal } from '@lumino/signaling';
import type {
  IRunsReader,
  RunListQuery,
  RunNames,
  RunPage,
  RunSummary
} from '../../src/model/runs';

/** A run with defaults; `accuracy` makes a metric of that last value. */
export function run(
  id: string,
  fields: Partial<RunSummary> & { accuracy?: number } = {}
): RunSummary {
  const { accuracy, ...rest } = fields;
  return {
    id,
    kind: 'notebook',
    notebookPath: 'train.ipynb',
    visibility: 'team',
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:01:00.000Z',
    durationMs: 60000,
    executionCount: 3,
    status: 'ok',
    params: {},
    metrics:
      accuracy === undefined
        ? {}
        : {
            accuracy: {
              last: accuracy,
              min: accuracy,
              max: accuracy,
              count: 1,
              lastStep: null
            }
          },
    tags: [],
    inputs: [],
    environmentId: null,
    ...rest
  };
}

/** A reader over a list of runs: pages by offset cursors, records queries. */
export class FakeRuns implements IRunsReader {
  runs: RunSummary[] = [];
  queries: RunListQuery[] = [];
  names: RunNames = { params: [], metrics: [], tags: [], authors: [] };
  fail: unknown = null;

  async listRuns(query: RunListQuery): Promise<RunPage> {
    this.queries.push(query);
    if (this.fail) {
      throw this.fail;
    }
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? 100;
    const items = this.runs.slice(start, start + limit);
    const end = start + items.length;
    return {
      items,
      next: end < this.runs.length ? String(end) : null,
      total: this.runs.length
    };
  }

  async runNames(): Promise<RunNames> {
    return this.names;
  }
}

/** A change feed that the test drives. */
export class FakeFeed {
  changed = new Signal<this, readonly { sessionId?: string }[]>(this);
  running = false;
  async start(): Promise<void> {
    this.running = true;
  }
  stop(): void {
    this.running = false;
  }
}

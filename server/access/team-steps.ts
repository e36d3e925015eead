/**
 * A session's steps as a person sees them: the listing of its executions
 * as steps 1..total, and the notebook as it stood at step k
 * (src/records/replay/reconstruct.ts). Read through the access layer like
 * every other read: a session the caller may not read is a 404 with the
 * body of an unknown one, and records show their public ids.
 */
import type { ExecutionRecord } from '../../src/records/schema';
import type { MergedOrders } from '../../src/records/replay/merged-order';
import {
  reconstructNotebook,
  type ReconstructedCell
} from '../../src/records/replay/reconstruct';
import type {
  CellAtStep,
  NotebookAtStep,
  SessionStep,
  StepList
} from '../../src/client/api-schema';
import { AppError } from '../errors';
import type { HistoryService } from '../services/history';
import type { StepRecord, StructureSnapshotRecord } from '../store/types';
import type { Principal } from './directory';
import { readableSession } from './readable-session';
import { RecentSteps } from './recent-steps';
import type { TeamAccess } from './team';

/** The steps of the team's sessions, as the caller may read them. */
export class TeamSteps {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess
  ) {}

  /** The step lists of the sessions stepped through lately. */
  private readonly recent = new RecentSteps();

  /** GET /sessions/:id/steps. */
  async listSteps(principal: Principal, id: string): Promise<StepList> {
    const { steps, structured } = await this.stepsOf(principal, id);
    return {
      sessionId: id,
      total: steps.length,
      structured,
      steps: steps.map((s, i): SessionStep => ({
        step: i + 1,
        seq: s.seq,
        executionId: this.access.publicId(s.executionId),
        cellId: s.cellId,
        status: s.status,
        startedAt: s.startedAt,
        durationMs: s.durationMs
      }))
    };
  }

  /** GET /sessions/:id/steps/:k. */
  async getStep(
    principal: Principal,
    id: string,
    rawStep: string
  ): Promise<NotebookAtStep> {
    const k = parseStep(rawStep);
    const { steps, structures, orders } = await this.stepsOf(principal, id);

    if (k < 1 || k > steps.length) {
      throw new AppError(
        404,
        'step_not_found',
        steps.length === 0
          ? `Session "${id}" has no step ${k}: it has no executions.`
          : `Session "${id}" has no step ${k}: its steps are 1 to ${steps.length}.`
      );
    }
    const store = this.access.store;
    const plan = reconstructNotebook(
      { executions: steps, structures, orders },
      k
    )!;

    // Only the executions and sources the notebook shows are read, each
    // kind at once where the store can (hundreds of cells: one round trip
    // each would be hundreds).
    const [executions, sources] = await Promise.all([
      readAll(
        plan.cells.map(c => c.execution?.executionId),
        ids => store.getExecutions?.(ids),
        id => store.getExecution(id)
      ),
      readAll(
        plan.cells.map(c => c.sha256),
        shas => store.blobs.getMany?.(shas),
        sha => store.blobs.get(sha)
      )
    ]);
    return {
      sessionId: id,
      step: k,
      total: plan.total,
      structured: plan.structured,
      cells: plan.cells.map((cell, i) =>
        this.cellAtStep(cell, executions[i], sources[i])
      )
    };
  }

  private cellAtStep(
    cell: ReconstructedCell<StepRecord>,
    execution: ExecutionRecord | null,
    source: Buffer | null
  ): CellAtStep {
    const out: CellAtStep = {
      cellId: cell.cellId,
      cellType: cell.cellType,
      state: cell.state,
      current: cell.current
    };
    if (source) {
      out.source = source.toString('utf8');
    }
    if (execution) {
      out.execution = this.access.publicExecution(execution);
    }
    return out;
  }

  /**
   * The stored session the caller reads under public id `id` (a 404 when
   * none, or one they may not read) and its steps they may read.
   */
  private async stepsOf(
    principal: Principal,
    id: string
  ): Promise<{
    stored: string;
    steps: readonly StepRecord[];
    structures: readonly StructureSnapshotRecord[];
    orders: MergedOrders;
    structured: boolean;
  }> {
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const stored = session.id;
    const store = this.access.store;
    const {
      steps: all,
      structures,
      orders
    } = await this.recent.get(
      stored,
      {
        executions: session.executionCount,
        structures: await store.structureCount(stored)
      },
      {
        steps: () => store.listSteps(stored),
        structures: () => store.listStructures(stored)
      }
    );
    const steps =
      this.access.aliases.size === 0
        ? all
        : all.filter(s =>
            this.access.canReadExecution(principal, {
              id: s.executionId,
              sessionId: stored
            })
          );
    return {
      stored,
      steps,
      structures,
      orders,
      structured: structures.length > 0
    };
  }
}

/**
 * What `one` reads for each key (null where there is none), by `many` in
 * one call when the store has it, else one read per key.
 */
async function readAll<T>(
  keys: readonly (string | null | undefined)[],
  many: (keys: string[]) => Promise<(T | null)[]> | undefined,
  one: (key: string) => Promise<T | null>
): Promise<(T | null)[]> {
  const wanted = keys.filter((k): k is string => !!k);
  const read =
    wanted.length === 0
      ? []
      : ((await many(wanted)) ?? (await Promise.all(wanted.map(one))));
  let i = 0;
  return keys.map(k => (k ? read[i++] : null));
}

/** The path parameter k: a decimal integer (a 400 otherwise). */
function parseStep(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) {
    const message = 'must be a step number (an integer from 1)';
    throw new AppError(
      400,
      'invalid_request',
      `The path parameter "k" ${message}.`,
      [{ path: '/params/k', message }]
    );
  }
  return Number(raw);
}

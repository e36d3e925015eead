/**
 * What reconstructing a step needs of the sessions stepped through lately:
 * their step lists, structure snapshots and the merged cell orders of those
 * snapshots (src/records/replay/merged-order.ts).
 *
 * Stepping asks for the notebook at step k again and again, and each answer
 * needs all of them (step k's cells are the latest executions of steps
 * 1..k, placed in the order of the snapshots up to k). On a 10,000-execution
 * session read afresh each time, building the step list took more than
 * half of a step's time; parsing ~226 snapshots and merging their orders
 * took ~14 ms of a 33 ms step, and most of its garbage. A session's steps
 * and snapshots only grow (each is stored once and never changes), so what
 * was read stays right while the session holds as many of each as when it
 * was read.
 */
import { MergedOrders } from '../../src/records/replay/merged-order';
import type { StepRecord, StructureSnapshotRecord } from '../store/types';

/** Sessions kept (a few people stepping at once). */
const KEPT_SESSIONS = 8;

/** How to read a session's parts afresh. */
export interface StepSources {
  /** The session's steps (null: unknown session, no steps). */
  steps: () => Promise<StepRecord[] | null>;
  /** The session's structure snapshots, in fromSeq order. */
  structures: () => Promise<StructureSnapshotRecord[]>;
}

/** A session's parts as read; callers must not change them. */
export interface SessionStepParts {
  steps: readonly StepRecord[];
  structures: readonly StructureSnapshotRecord[];
  /** The merged orders of `structures`, made as steps ask for them. */
  orders: MergedOrders;
}

interface Kept {
  steps?: readonly StepRecord[];
  structures?: readonly StructureSnapshotRecord[];
  orders?: MergedOrders;
}

/** See the module comment. */
export class RecentSteps {
  /** Most recently used last. */
  private readonly sessions = new Map<string, Kept>();

  constructor(private readonly kept = KEPT_SESSIONS) {}

  /**
   * The parts of stored session `sessionId`, which holds `executionCount`
   * executions and `structureCount` snapshots now: each part kept from an
   * earlier read while it still has that many, else read afresh (and kept
   * when it has that many: one read while a write was stored may not match
   * the count read before it).
   */
  async get(
    sessionId: string,
    counts: { executions: number; structures: number },
    read: StepSources
  ): Promise<SessionStepParts> {
    const kept = this.sessions.get(sessionId) ?? {};
    this.sessions.delete(sessionId);
    const [steps, structures] = await Promise.all([
      kept.steps?.length === counts.executions
        ? kept.steps
        : read.steps().then(s => s ?? []),
      kept.structures?.length === counts.structures
        ? kept.structures
        : read.structures()
    ]);
    const orders =
      kept.orders?.snapshots === structures
        ? kept.orders
        : new MergedOrders(structures);
    this.sessions.set(sessionId, {
      steps: steps.length === counts.executions ? steps : undefined,
      structures:
        structures.length === counts.structures ? structures : undefined,
      orders: structures.length === counts.structures ? orders : undefined
    });
    for (const oldest of this.sessions.keys()) {
      if (this.sessions.size <= this.kept) {
        break;
      }
      this.sessions.delete(oldest);
    }
    return { steps, structures, orders };
  }
}

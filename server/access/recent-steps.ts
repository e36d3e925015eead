/**
 * The step lists of the sessions stepped through lately. Stepping asks for
 * the notebook at step k again and again, and each answer needs the
 * session's whole step list (step k's cells are the latest executions of
 * steps 1..k): on a 10,000-execution session, building that list from the
 * store's index took more than half of a step's time, and made most of its
 * garbage. A session's steps only grow (an execution is stored once and its
 * step facts never change), so a list stays right while the session's
 * execution count is the one it was read at.
 */
import type { StepRecord } from '../store/types';

/** Sessions whose step lists are kept (a few people stepping at once). */
const KEPT_SESSIONS = 8;

/** See the module comment. */
export class RecentSteps {
  /** Most recently used last. */
  private readonly lists = new Map<string, readonly StepRecord[]>();

  constructor(private readonly kept = KEPT_SESSIONS) {}

  /**
   * The steps of stored session `sessionId`, which holds `executionCount`
   * executions now: the list kept from an earlier read when it still has
   * that many, else `read()`'s (kept when it has that many). Callers must
   * not change the list or its items.
   */
  async get(
    sessionId: string,
    executionCount: number,
    read: () => Promise<StepRecord[] | null>
  ): Promise<readonly StepRecord[]> {
    const kept = this.lists.get(sessionId);
    this.lists.delete(sessionId);
    if (kept && kept.length === executionCount) {
      this.lists.set(sessionId, kept);
      return kept;
    }
    const steps = (await read()) ?? [];
    // A list read while an execution was being stored may not match the
    // count read before it: answer it, but keep only a matching one.
    if (steps.length === executionCount) {
      this.lists.set(sessionId, steps);
      for (const oldest of this.lists.keys()) {
        if (this.lists.size <= this.kept) {
          break;
        }
        this.lists.delete(oldest);
      }
    }
    return steps;
  }
}

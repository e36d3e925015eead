/**
 * What is kept for stepping (server/access/recent-steps.ts): a session's
 * step list and structure snapshots are reused while its counts of
 * executions and snapshots are unchanged, each read again when one of its
 * kind arrives, never kept when it does not match the count, and only for
 * the sessions stepped through lately; the merged orders live as long as
 * the snapshots they were made for.
 */
import { RecentSteps } from '../../server/access/recent-steps';
import type {
  StepRecord,
  StructureSnapshotRecord
} from '../../server/store/types';

const steps = (count: number): StepRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    executionId: `exe-${i + 1}`,
    cellId: `c${i}`,
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 5
  }));

const structures = (count: number): StructureSnapshotRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    fromSeq: i + 1,
    cells: [{ id: `c${i}`, cellType: 'code', sha256: 'a'.repeat(64) }]
  }));

/** Reads that count their calls. */
function reads(stepCount: number, structureCount: number) {
  return {
    steps: jest.fn(async () => steps(stepCount)),
    structures: jest.fn(async () => structures(structureCount))
  };
}

describe('RecentSteps', () => {
  it('reads a session’s parts once while its counts stay', async () => {
    const recent = new RecentSteps();
    const read = reads(3, 2);
    const first = await recent.get(
      'ses-a',
      { executions: 3, structures: 2 },
      read
    );
    const again = await recent.get(
      'ses-a',
      { executions: 3, structures: 2 },
      read
    );
    expect(again.steps).toBe(first.steps);
    expect(again.structures).toBe(first.structures);
    expect(again.orders).toBe(first.orders);
    expect(again.orders.snapshots).toBe(again.structures);
    expect(read.steps).toHaveBeenCalledTimes(1);
    expect(read.structures).toHaveBeenCalledTimes(1);

    // A new execution: only the steps are read again.
    const grown = reads(4, 2);
    const third = await recent.get(
      'ses-a',
      { executions: 4, structures: 2 },
      grown
    );
    expect(third.steps).toHaveLength(4);
    expect(third.orders).toBe(first.orders);
    expect(grown.steps).toHaveBeenCalledTimes(1);
    expect(grown.structures).not.toHaveBeenCalled();

    // A new snapshot (even one placed between others): snapshots and
    // orders are new, the steps kept.
    const edited = reads(4, 3);
    const fourth = await recent.get(
      'ses-a',
      { executions: 4, structures: 3 },
      edited
    );
    expect(fourth.structures).toHaveLength(3);
    expect(fourth.orders).not.toBe(first.orders);
    expect(fourth.orders.snapshots).toBe(fourth.structures);
    expect(fourth.steps).toBe(third.steps);
    expect(edited.steps).not.toHaveBeenCalled();
  });

  it('answers but does not keep parts that do not match the counts', async () => {
    const recent = new RecentSteps();
    // Read while an execution and a snapshot were being stored.
    const racing = reads(5, 2);
    const counts = { executions: 4, structures: 1 };
    expect((await recent.get('ses-a', counts, racing)).steps).toHaveLength(5);
    const second = await recent.get('ses-a', counts, racing);
    expect(second.steps).toHaveLength(5);
    expect(second.structures).toHaveLength(2);
    expect(racing.steps).toHaveBeenCalledTimes(2);
    expect(racing.structures).toHaveBeenCalledTimes(2);
    // An unknown session: no steps, no snapshots.
    const gone = await recent.get(
      'ses-gone',
      { executions: 0, structures: 0 },
      { steps: async () => null, structures: async () => [] }
    );
    expect(gone.steps).toEqual([]);
    expect(gone.structures).toEqual([]);
  });

  it('keeps the sessions stepped through lately', async () => {
    const recent = new RecentSteps(2);
    const read: string[] = [];
    const get = (id: string) =>
      recent.get(
        id,
        { executions: 1, structures: 1 },
        {
          steps: async () => {
            read.push(id);
            return steps(1);
          },
          structures: async () => structures(1)
        }
      );
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // drops b
    await get('a');
    await get('b');
    expect(read).toEqual(['a', 'b', 'c', 'b']);
  });
});

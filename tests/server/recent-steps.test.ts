/**
 * The step lists kept for stepping (server/access/recent-steps.ts): one is
 * reused while its session's execution count is unchanged, read again when
 * an execution arrives, never kept when it does not match the count, and
 * only for the sessions stepped through lately.
 */
import { RecentSteps } from '../../server/access/recent-steps';
import type { StepRecord } from '../../server/store/types';

const steps = (count: number): StepRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    executionId: `exe-${i + 1}`,
    cellId: `c${i}`,
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 5
  }));

describe('RecentSteps', () => {
  it('reads a session’s steps once while its execution count stays', async () => {
    const recent = new RecentSteps();
    const read = jest.fn(async () => steps(3));
    const first = await recent.get('ses-a', 3, read);
    expect(await recent.get('ses-a', 3, read)).toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
    // A new execution: read again.
    const grown = jest.fn(async () => steps(4));
    expect(await recent.get('ses-a', 4, grown)).toHaveLength(4);
    expect(grown).toHaveBeenCalledTimes(1);
    expect(await recent.get('ses-a', 4, grown)).toHaveLength(4);
    expect(grown).toHaveBeenCalledTimes(1);
  });

  it('answers but does not keep a list that does not match the count', async () => {
    const recent = new RecentSteps();
    // Read while an execution was being stored.
    const racing = jest.fn(async () => steps(5));
    expect(await recent.get('ses-a', 4, racing)).toHaveLength(5);
    expect(await recent.get('ses-a', 4, racing)).toHaveLength(5);
    expect(racing).toHaveBeenCalledTimes(2);
    // An unknown session: no steps.
    expect(await recent.get('ses-gone', 0, async () => null)).toEqual([]);
  });

  it('keeps the sessions stepped through lately', async () => {
    const recent = new RecentSteps(2);
    const reads: string[] = [];
    const get = (id: string) =>
      recent.get(id, 1, async () => {
        reads.push(id);
        return steps(1);
      });
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // drops b
    await get('a');
    await get('b');
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });
});

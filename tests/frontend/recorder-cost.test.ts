/**
 * The recorder measures its own main-thread time per execution, which the
 * in-browser benchmark reads through a command.
 */
import { ExecutionCostSamples } from '../../src/recorder';
import { loadFixture } from './recorder/fixtures';
import { RecorderRun } from './recorder/harness';

describe('ExecutionCostSamples', () => {
  it('reports percentiles of the samples it keeps, within its capacity', () => {
    const samples = new ExecutionCostSamples(4);
    for (const ms of [5, 1, 2, 3, 4]) {
      samples.add(ms);
    }
    // The oldest sample (5) fell out of the ring.
    expect(samples.values()).toEqual([1, 2, 3, 4]);
    expect(samples.summary()).toEqual({
      count: 4,
      p50: 2,
      p90: 4,
      p99: 4,
      max: 4
    });
    samples.clear();
    expect(samples.summary().count).toBe(0);
    samples.add(7);
    expect(samples.values()).toEqual([7]);
  });

  it('records one cost sample per completed execution', async () => {
    const run = new RecorderRun(loadFixture('aborted-after-error'));
    await run.replay();
    const executions = run.events.filter(e => e.kind === 'execution.completed');
    const summary = run.recorder.costs.summary();
    expect(executions.length).toBeGreaterThan(1);
    expect(summary.count).toBe(executions.length);
    expect(summary.max).toBeGreaterThan(0);
  });

  it('marks each handler call in the trace when asked, pairing start and end', async () => {
    const marks: string[] = [];
    // The seam: the browser's trace mark API.
    // eslint-disable-next-line no-console
    const original = console.timeStamp;
    // eslint-disable-next-line no-console
    console.timeStamp = (label?: string) => void marks.push(String(label));
    try {
      const untraced = new RecorderRun(loadFixture('aborted-after-error'));
      await untraced.replay();
      expect(marks).toEqual([]);

      const run = new RecorderRun(loadFixture('aborted-after-error'));
      run.recorder.costs.traced = true;
      await run.replay();
      // Every start is followed by its end before the next start.
      expect(marks.length % 2).toBe(0);
      for (let i = 0; i < marks.length; i += 2) {
        expect(marks[i]).toBe('trail<');
        expect(marks[i + 1].startsWith('trail>')).toBe(true);
      }
      // One end per completed execution carries its request id and `!`.
      const last = marks.filter(m => m.endsWith('!'));
      expect(last.length).toBe(run.recorder.costs.summary().count);
      const completed = run.events.filter(
        e => e.kind === 'execution.completed'
      );
      expect(last.length).toBe(completed.length);
      expect(new Set(last).size).toBe(last.length);
    } finally {
      // eslint-disable-next-line no-console
      console.timeStamp = original;
    }
  });
});

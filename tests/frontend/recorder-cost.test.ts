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
});

/**
 * Execution summaries: what listings carry of an execution record.
 */
import type { ExecutionRecord } from '../../src/records/schema';
import { summarizeExecution } from '../../src/records/summary';

const record: ExecutionRecord = {
  id: 'exe-summary-0001',
  sessionId: 'ses-summary-0001',
  seq: 3,
  notebookPath: 'a.ipynb',
  cellId: 'c1',
  code: 'print(1)\n1/0',
  executionCount: 3,
  status: 'error',
  startedAt: '2026-03-01T10:00:00.000Z',
  endedAt: '2026-03-01T10:00:01.000Z',
  durationMs: 1000,
  timing: 'kernel',
  outputs: [
    { output_type: 'stream', name: 'stdout', text: '1\n' },
    { output_type: 'stream', name: 'stderr', text: 'warn\n' },
    {
      output_type: 'error',
      ename: 'ZeroDivisionError',
      evalue: '',
      traceback: []
    }
  ],
  capture: { tags: ['t'] }
};

describe('summarizeExecution', () => {
  it('keeps everything but the outputs, with their count and types once each', () => {
    const { outputs, ...rest } = record;
    expect(summarizeExecution(record)).toEqual({
      ...rest,
      outputCount: 3,
      outputTypes: ['stream', 'error']
    });
    expect(summarizeExecution(record)).not.toHaveProperty('outputs');
    expect(outputs).toHaveLength(3);
  });

  it('gives an execution without outputs an empty list of types', () => {
    const summary = summarizeExecution({ ...record, outputs: [] });
    expect(summary.outputCount).toBe(0);
    expect(summary.outputTypes).toEqual([]);
  });
});

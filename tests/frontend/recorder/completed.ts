/**
 * An execution.completed event for the redaction tests; `execution`
 * overrides the defaults.
 */
import type {
  ExecutionCompletedEvent,
  ExecutionRecord
} from '../../../src/records/schema';

export function completed(
  execution: Partial<ExecutionRecord>
): ExecutionCompletedEvent {
  return {
    id: 'e',
    kind: 'execution.completed',
    execution: {
      id: 'x',
      sessionId: 's',
      seq: 1,
      notebookPath: 'n.ipynb',
      cellId: 'c',
      code: 'x',
      executionCount: 1,
      status: 'ok',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 0,
      timing: 'kernel',
      outputs: [],
      ...execution
    }
  };
}

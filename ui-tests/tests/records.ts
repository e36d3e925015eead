/**
 * Recorded sessions made by hand, stored through the Trail API exactly as a
 * recorder sends them, for tests that need precise outputs (hostile ones).
 */
import { randomUUID } from 'crypto';

export interface IRecordedExecution {
  code: string;
  outputs: unknown[];
  cellId?: string;
  status?: 'ok' | 'error';
}

export interface IRecordedSession {
  sessionId: string;
  executionIds: string[];
  events: unknown[];
}

/**
 * The events of one session with the given executions, one second apart.
 */
export function recordedSession(
  notebookPath: string,
  executions: IRecordedExecution[],
  options: { visibility?: 'team' | 'private'; startedAt?: Date } = {}
): IRecordedSession {
  const sessionId = randomUUID();
  const start = (options.startedAt ?? new Date()).getTime();
  const events: unknown[] = [
    {
      id: randomUUID(),
      kind: 'session.started',
      session: {
        id: sessionId,
        notebookPath,
        startedAt: new Date(start).toISOString(),
        kernel: {
          name: 'python3',
          displayName: 'Python 3 (ipykernel)',
          language: 'python'
        },
        ...(options.visibility ? { visibility: options.visibility } : {})
      }
    }
  ];
  const executionIds: string[] = [];
  executions.forEach((execution, index) => {
    const id = randomUUID();
    executionIds.push(id);
    const startedAt = new Date(start + (index + 1) * 1000);
    events.push({
      id: randomUUID(),
      kind: 'execution.completed',
      execution: {
        id,
        sessionId,
        seq: index + 1,
        notebookPath,
        cellId: execution.cellId ?? `cell-${index + 1}`,
        code: execution.code,
        executionCount: index + 1,
        status: execution.status ?? 'ok',
        startedAt: startedAt.toISOString(),
        endedAt: new Date(startedAt.getTime() + 120).toISOString(),
        durationMs: 120,
        timing: 'kernel',
        outputs: execution.outputs
      }
    });
  });
  return { sessionId, executionIds, events };
}

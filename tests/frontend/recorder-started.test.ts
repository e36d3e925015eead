/**
 * The recorder tells when the kernel begins a recorded execution, on a
 * real ipykernel: with the session's previous recorded execution (none
 * for the first; a skipped cell is not one) and the code redacted as it
 * is recorded, before the execution completes.
 */
import { Kernel } from '@jupyterlab/services';
import type {
  ExecutionCompletedEvent,
  TrailEvent
} from '../../src/records/schema';
import { TrailRecorder, type IExecutionStart } from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';

jest.setTimeout(60000);

describe('TrailRecorder.executionStarted with a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({ excludeTags: ['trail-skip'] });
  const order: string[] = [];
  const starts: IExecutionStart[] = [];
  const completed: ExecutionCompletedEvent['execution'][] = [];
  recorder.executionStarted.connect((_, start) => {
    starts.push(start);
    order.push(`start ${start.seq}`);
  });
  recorder.eventRecorded.connect((_, event: TrailEvent) => {
    if (event.kind === 'execution.completed') {
      completed.push(event.execution);
      order.push(`done ${event.execution.seq}`);
    }
  });

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    recorder.observe(kernel, { notebookPath: () => 'real/started.ipynb' });
    await kernel.info;
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  async function runCell(code: string, cellId: string, tags: string[] = []) {
    const future = kernel.requestExecute({ code }, false, {
      ...(tags.length ? { tags } : {}),
      cellId
    });
    await future.done.catch(() => undefined);
  }

  it('chains each start to the previous recorded execution', async () => {
    await runCell('import time\ntime.sleep(0.2)', 'c1');
    await runCell('skipped = 1', 'c-skip', ['trail-skip']);
    await runCell('password = "hunter2-very-secret"\nx = 2', 'c2');
    for (let i = 0; i < 100 && completed.length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(completed).toHaveLength(2);
    expect(starts).toHaveLength(2);
    expect(starts[0]).toMatchObject({
      executionId: completed[0].id,
      sessionId: completed[0].sessionId,
      seq: 1,
      previousExecutionId: null,
      notebookPath: 'real/started.ipynb',
      cellId: 'c1',
      code: 'import time\ntime.sleep(0.2)'
    });
    expect(starts[1]).toMatchObject({
      executionId: completed[1].id,
      seq: 2,
      previousExecutionId: completed[0].id,
      cellId: 'c2'
    });
    // Redacted as recorded: what the server fingerprints.
    expect(starts[1].code).toBe(completed[1].code);
    expect(starts[1].code).not.toContain('hunter2');
    expect(order.indexOf('start 1')).toBeLessThan(order.indexOf('done 1'));
    expect(order.indexOf('start 2')).toBeLessThan(order.indexOf('done 2'));
  });
});

/**
 * The recorder on a real ipykernel behind a real jupyter server, through
 * @jupyterlab/services' own KernelConnection.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import type { TrailEvent } from '../../src/records/schema';
import { TrailRecorder } from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { batchErrors } from './recorder/schema';

jest.setTimeout(60000);

describe('TrailRecorder with a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' },
    excludeTags: ['trail-skip']
  });
  const events: TrailEvent[] = [];
  const sent: string[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    kernel.anyMessage.connect((_, args) => {
      if (args.direction === 'send') {
        sent.push(args.msg.header.msg_type);
      }
    });
    recorder.observe(kernel, {
      notebookPath: () => 'real/kernel.ipynb',
      kernelDisplayName: () => 'Python 3 (ipykernel)'
    });
    await kernel.info;
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  /**
   * Runs code the way a notebook cell does and waits for reply and idle.
   */
  async function runCell(
    code: string,
    cellId: string,
    extra: Partial<KernelMessage.IExecuteRequestMsg['content']> = {},
    tags: string[] = []
  ): Promise<void> {
    const future = kernel.requestExecute(
      { code, stop_on_error: true, ...extra },
      false,
      {
        ...(tags.length ? { tags } : {}),
        deletedCells: [],
        recordTiming: false,
        cellId
      }
    );
    await future.done.catch(() => undefined);
  }

  async function waitForExecutions(count: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (
        events.filter(e => e.kind === 'execution.completed').length >= count
      ) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(
      `expected ${count} executions, got ${events.length} events`
    );
  }

  it('records ok, error and rich-output executions, then a new session after a restart', async () => {
    await runCell('print("hello")', 'c-ok');
    await runCell('hidden = 1', 'c-silent', { silent: true });
    await runCell('print("skipped")', 'c-tagged', {}, ['trail-skip']);
    await runCell('1 / 0', 'c-error');
    await runCell(
      'from IPython.display import HTML, display\ndisplay(HTML("<i>x</i>"))\n40 + 2',
      'c-rich'
    );
    await waitForExecutions(3);

    await kernel.restart();
    await runCell('print("again")', 'c-after-restart');
    await waitForExecutions(4);

    const sessions = events.flatMap(e =>
      e.kind === 'session.started' ? [e.session] : []
    );
    const executions = events.flatMap(e =>
      e.kind === 'execution.completed' ? [e.execution] : []
    );
    expect(events.map(e => e.kind)).toEqual([
      'session.started',
      'execution.completed',
      'execution.completed',
      'execution.completed',
      'session.started',
      'execution.completed'
    ]);
    expect(sessions[0]).toMatchObject({
      notebookPath: 'real/kernel.ipynb',
      client: { name: 'trail-tests', version: '0.0.0' },
      kernel: {
        id: kernel.id,
        name: 'python3',
        displayName: 'Python 3 (ipykernel)',
        language: 'python',
        implementation: 'ipython',
        protocolVersion: expect.stringMatching(/^5\./)
      }
    });
    expect(
      executions.map(e => [
        e.sessionId === sessions[0].id ? 1 : 2,
        e.seq,
        e.cellId,
        e.status,
        e.executionCount,
        e.timing
      ])
    ).toEqual([
      [1, 1, 'c-ok', 'ok', 1, 'kernel'],
      [1, 2, 'c-error', 'error', 3, 'kernel'],
      [1, 3, 'c-rich', 'ok', 4, 'kernel'],
      [2, 1, 'c-after-restart', 'ok', 1, 'kernel']
    ]);
    const [ok, error, rich, again] = executions;
    expect(ok.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hello\n' }
    ]);
    expect(error.error).toEqual({
      ename: 'ZeroDivisionError',
      evalue: 'division by zero'
    });
    expect(error.outputs).toEqual([
      expect.objectContaining({
        output_type: 'error',
        ename: 'ZeroDivisionError'
      })
    ]);
    expect(rich.outputs).toEqual([
      {
        output_type: 'display_data',
        data: {
          'text/html': '<i>x</i>',
          'text/plain': '<IPython.core.display.HTML object>'
        },
        metadata: {}
      },
      {
        output_type: 'execute_result',
        execution_count: 4,
        data: { 'text/plain': '42' },
        metadata: {}
      }
    ]);
    expect(again.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'again\n' }
    ]);
    for (const execution of executions) {
      expect(Date.parse(execution.endedAt)).toBeGreaterThanOrEqual(
        Date.parse(execution.startedAt)
      );
    }
    expect(batchErrors(events)).toEqual([]);
    // Only the client's own requests went out: the recorder sent nothing.
    expect(sent.filter(type => type === 'execute_request')).toHaveLength(6);
    expect(new Set(sent)).toEqual(
      new Set(['kernel_info_request', 'execute_request'])
    );
  });
});

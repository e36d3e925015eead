/**
 * A kernel of another language (bash_kernel, a real one behind a real
 * jupyter server): the recorder records its executions with kernel info
 * only, sends it nothing (no helper injection, no comm) and hits no error.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import type { TrailEvent } from '../../src/records/schema';
import { TrailRecorder } from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { batchErrors } from './recorder/schema';

jest.setTimeout(120000);

describe('a bash kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' },
    injectHelper: true
  });
  const events: TrailEvent[] = [];
  const sent: KernelMessage.IMessage[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));

  beforeAll(async () => {
    real = await startKernel('bash');
    kernel = real.kernel;
    kernel.anyMessage.connect((_, args) => {
      if (args.direction === 'send') {
        sent.push(args.msg);
      }
    });
    recorder.observe(kernel, { notebookPath: () => 'shell.ipynb' });
    await kernel.info;
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  it('is recorded with kernel info only and never injected', async () => {
    const warn = jest.spyOn(console, 'warn');
    const future = kernel.requestExecute({ code: 'echo hello from bash' });
    const reply = await future.done;
    expect(reply.content.status).toBe('ok');
    for (let i = 0; i < 100 && events.length < 2; i++) {
      await new Promise(r => setTimeout(r, 50));
    }
    expect(recorder.helperOf(kernel)?.state ?? 'unsupported').toBe(
      'unsupported'
    );
    // The only execute_request is the user's; no comm was opened.
    const requests = sent.filter(m => m.header.msg_type === 'execute_request');
    expect(requests).toHaveLength(1);
    expect(sent.some(m => m.header.msg_type.startsWith('comm_'))).toBe(false);

    const [started, completed] = events;
    expect(started.kind).toBe('session.started');
    expect(
      started.kind === 'session.started' && started.session.kernel
    ).toMatchObject({ name: 'bash', language: 'bash' });
    expect(completed.kind).toBe('execution.completed');
    if (completed.kind === 'execution.completed') {
      expect(completed.execution.status).toBe('ok');
      expect(completed.execution.capture).toBeUndefined();
      expect(completed.execution.outputs).toEqual([
        expect.objectContaining({
          output_type: 'stream',
          text: expect.stringContaining('hello from bash')
        })
      ]);
    }
    expect(batchErrors(events)).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

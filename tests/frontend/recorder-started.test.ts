/**
 * The recorder tells when the kernel begins a recorded execution, on a
 * real ipykernel: with the session's previous recorded execution (none
 * for the first; a skipped cell is not one) and the code redacted as it
 * is recorded, before the execution completes.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import type {
  ExecutionCompletedEvent,
  TrailEvent
} from '../../src/records/schema';
import { TrailRecorder, type IExecutionStart } from '../../src/recorder';
import { loadFixture, requestsOf } from './recorder/fixtures';
import { RecorderRun, settle } from './recorder/harness';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { iopubStatus, isBusyFor, isRequest, splitAt } from './recorder/steps';

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

describe('TrailRecorder.executionStarted across a kernel start', () => {
  it('chains requests queued across a new kernel process in their new session', async () => {
    const fixture = loadFixture('aborted-after-error');
    const run = new RecorderRun(fixture);
    const starts: IExecutionStart[] = [];
    run.recorder.executionStarted.connect((_, start) => starts.push(start));
    await settle();
    const [ok] = requestsOf(fixture);
    const [before, after] = splitAt(fixture, e =>
      isBusyFor(e, ok.header.msg_id)
    );
    run.kernel.replay(before);
    run.kernel.anyMessage.emit({
      direction: 'recv',
      msg: iopubStatus('starting')
    });
    const request = fixture.events.find(e => isRequest(e, 'cell-after'))!;
    const requestId = (request as { msg: KernelMessage.IMessage }).msg.header
      .msg_id;
    const busyAt = after.findIndex(e => isBusyFor(e, requestId));
    const again = JSON.parse(
      JSON.stringify([request, after[busyAt]]).split(requestId).join('again-1')
    );
    run.kernel.replay([
      ...after.slice(0, busyAt + 1),
      ...again,
      ...after.slice(busyAt + 1)
    ]);
    const [, second] = run.sessions;
    const moved = run.executions.filter(e => e.sessionId === second.id);
    expect(moved.map(e => e.seq).slice(0, 3)).toEqual([1, 2, 3]);
    const byId = new Map(starts.map(s => [s.executionId, s]));
    // The first of the new session has none before it; each next one, the
    // one queued before it (not the old session's).
    expect(
      moved.slice(0, 3).map(e => byId.get(e.id)?.previousExecutionId)
    ).toEqual([null, moved[0].id, moved[1].id]);
    expect(moved.slice(0, 3).map(e => byId.get(e.id)?.sessionId)).toEqual([
      second.id,
      second.id,
      second.id
    ]);
    // A request made after the restart (while cell-after runs) follows
    // the last of them.
    expect(starts[starts.length - 1]).toMatchObject({
      sessionId: second.id,
      seq: 4,
      previousExecutionId: moved[2].id
    });
  });
});

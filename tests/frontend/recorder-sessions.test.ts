/**
 * Sessions and the end of executions: waiting for kernel info, new kernels,
 * kernel starts and restarts, death, lost connections and disposal.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import type { TrailEvent } from '../../src/records/schema';
import { KERNEL_DIED } from '../../src/records/status';
import { TrailRecorder } from '../../src/recorder';
import { FakeKernel } from './recorder/fake-kernel';
import { loadFixture, requestsOf } from './recorder/fixtures';
import { NOTEBOOK, RecorderRun, settle } from './recorder/harness';
import { batchErrors } from './recorder/schema';
import {
  iopubStatus,
  isBusyFor,
  isRequest,
  kinds,
  splitAt
} from './recorder/steps';

/** The interrupt fixture replayed until its first cell (a sleep) is busy. */
async function sleeping(): Promise<RecorderRun> {
  const fixture = loadFixture('interrupt');
  const run = new RecorderRun(fixture);
  await settle();
  const [first] = requestsOf(fixture);
  const [before] = splitAt(fixture, e => isBusyFor(e, first.header.msg_id));
  run.kernel.replay(before);
  return run;
}

/** Each execution as [cell id, status, error]. */
const ends = (run: RecorderRun) =>
  run.executions.map(e => [e.cellId, e.status, e.error]);

describe('TrailRecorder sessions', () => {
  it('finishes pending executions as aborted when the kernel connection is disposed', async () => {
    const run = await sleeping();
    run.kernel.dispose();
    expect(run.executions.map(e => e.status)).toEqual(['aborted', 'aborted']);
  });

  it('interrupts the running execution and aborts queued ones when the kernel dies', async () => {
    const run = await sleeping();
    // The server's word when it could not restart the kernel that died.
    run.kernel.anyMessage.emit({ direction: 'recv', msg: iopubStatus('dead') });
    run.kernel.statusChanged.emit('dead');
    expect(ends(run)).toEqual([
      ['cell-sleep', 'interrupted', KERNEL_DIED],
      ['cell-queued', 'aborted', undefined]
    ]);
  });

  it('interrupts the running execution without naming a death when someone shuts the kernel down', async () => {
    const run = await sleeping();
    // KernelConnection.shutdown() says 'dead' itself; no iopub status.
    run.kernel.statusChanged.emit('dead');
    expect(ends(run)).toEqual([
      ['cell-sleep', 'interrupted', undefined],
      ['cell-queued', 'aborted', undefined]
    ]);
  });

  it('names the death on the first request waiting for a reply even when its busy status never came', async () => {
    const fixture = loadFixture('interrupt');
    const run = new RecorderRun(fixture);
    await settle();
    // Both requests sent, nothing heard of either: the process died before
    // its IOPub thread published anything.
    run.kernel.replay(fixture.events.filter(e => isRequest(e)));
    run.kernel.anyMessage.emit({ direction: 'recv', msg: iopubStatus('dead') });
    expect(ends(run)).toEqual([
      ['cell-sleep', 'interrupted', KERNEL_DIED],
      ['cell-queued', 'aborted', undefined]
    ]);
  });

  it('interrupts the running execution without naming a death when someone restarts the kernel', async () => {
    const run = await sleeping();
    // KernelConnection.restart() says 'restarting' before it asks the
    // server; the server sends no iopub status for a restart it was asked.
    run.kernel.statusChanged.emit('restarting');
    expect(ends(run)).toEqual([
      ['cell-sleep', 'interrupted', undefined],
      ['cell-queued', 'aborted', undefined]
    ]);
  });

  it('aborts pending executions when the connection gives up', async () => {
    const fixture = loadFixture('interrupt');
    const run = new RecorderRun(fixture);
    await settle();
    const [before] = splitAt(fixture, e => isRequest(e, 'cell-queued'));
    run.kernel.replay(before);
    run.kernel.connectionStatusChanged.emit('connecting');
    expect(run.executions).toEqual([]);
    run.kernel.connectionStatusChanged.emit('disconnected');
    expect(run.executions.map(e => e.status)).toEqual(['aborted', 'aborted']);
  });

  it('holds events until kernel.info resolves, keeping session.started first', async () => {
    const fixture = loadFixture('aborted-after-error');
    const info = new PromiseDelegate<KernelMessage.IInfoReply>();
    const kernel = new FakeKernel(fixture, info.promise);
    const recorder = new TrailRecorder();
    const events: TrailEvent[] = [];
    recorder.eventRecorded.connect((_, event) => events.push(event));
    recorder.observe(kernel.connection, { notebookPath: () => NOTEBOOK });
    kernel.replay(fixture.events);
    expect(events).toEqual([]);
    info.resolve(fixture.kernel.info);
    await settle();
    expect(kinds(events)).toEqual([
      'session.started',
      'execution.completed',
      'execution.completed',
      'execution.completed',
      'execution.completed'
    ]);
    const [started] = events;
    expect(
      started.kind === 'session.started' && started.session.kernel
    ).toEqual(
      expect.objectContaining({ language: 'python', implementation: 'ipython' })
    );
  });

  it('falls back to the connection id and name when kernel info fails', async () => {
    const fixture = loadFixture('simple-print');
    const kernel = new FakeKernel(
      fixture,
      Promise.reject(new Error('Kernel info reply errored'))
    );
    const recorder = new TrailRecorder();
    const events: TrailEvent[] = [];
    recorder.eventRecorded.connect((_, event) => events.push(event));
    recorder.observe(kernel.connection, {
      notebookPath: () => NOTEBOOK,
      kernelDisplayName: () => 'Python 3 (ipykernel)'
    });
    kernel.replay(fixture.events);
    await settle();
    expect(kinds(events)).toEqual(['session.started', 'execution.completed']);
    const [started] = events;
    expect(started.kind === 'session.started' && started.session).toEqual({
      id: expect.any(String),
      notebookPath: NOTEBOOK,
      startedAt: expect.any(String),
      kernel: {
        id: fixture.kernel.id,
        name: 'python3',
        displayName: 'Python 3 (ipykernel)'
      }
    });
    expect(batchErrors(events)).toEqual([]);
  });

  it('starts a new session for a new kernel, with seq from 1', async () => {
    const recorder = new TrailRecorder();
    const events: TrailEvent[] = [];
    recorder.eventRecorded.connect((_, event) => events.push(event));
    const first = loadFixture('simple-print');
    const second = loadFixture('error');
    const kernels = [new FakeKernel(first), new FakeKernel(second)];
    recorder.observe(kernels[0].connection, { notebookPath: () => NOTEBOOK });
    recorder.observe(kernels[1].connection, { notebookPath: () => NOTEBOOK });
    await settle();
    kernels[0].replay(first.events);
    kernels[1].replay(second.events);
    const sessions = events.flatMap(e =>
      e.kind === 'session.started' ? [e.session] : []
    );
    const executions = events.flatMap(e =>
      e.kind === 'execution.completed' ? [e.execution] : []
    );
    expect(sessions.map(s => s.kernel.id)).toEqual([
      first.kernel.id,
      second.kernel.id
    ]);
    expect(executions.map(e => [e.sessionId, e.seq])).toEqual([
      [sessions[0].id, 1],
      [sessions[1].id, 1]
    ]);
  });

  it('moves queued requests to a new session when a new kernel process starts', async () => {
    const fixture = loadFixture('aborted-after-error');
    const run = new RecorderRun(fixture);
    await settle();
    const [ok] = requestsOf(fixture);
    const [before, after] = splitAt(fixture, e =>
      isBusyFor(e, ok.header.msg_id)
    );
    run.kernel.replay(before);
    // As the new process announces itself after a restart JupyterLab did
    // not report (e.g. from another client).
    run.kernel.anyMessage.emit({
      direction: 'recv',
      msg: iopubStatus('starting')
    });
    run.kernel.replay(after);
    expect(kinds(run.events)).toEqual([
      'session.started',
      'execution.completed',
      'session.started',
      'execution.completed',
      'execution.completed',
      'execution.completed'
    ]);
    const [first, second] = run.sessions;
    expect(
      run.executions.map(e => [
        e.cellId,
        e.sessionId === first.id ? 1 : 2,
        e.seq,
        e.status
      ])
    ).toEqual([
      ['cell-ok', 1, 1, 'interrupted'],
      ['cell-raise', 2, 1, 'error'],
      ['cell-skipped', 2, 2, 'aborted'],
      ['cell-after', 2, 3, 'ok']
    ]);
    expect(second.id).not.toBe(first.id);
  });

  it('finishes a replied execution when the next one starts, even without its idle', async () => {
    const fixture = loadFixture('aborted-after-error');
    const requests = requestsOf(fixture).map(r => r.header.msg_id);
    const skipped = requests[2];
    // Older kernels send no status around an aborted request's reply.
    const events = fixture.events.filter(
      e =>
        !(
          e.type === 'message' &&
          e.msg.header.msg_type === 'status' &&
          (e.msg.parent_header as { msg_id?: string }).msg_id === skipped
        )
    );
    const run = await new RecorderRun({ ...fixture, events }).replay();
    expect(run.executions.map(e => [e.cellId, e.status, e.timing])).toEqual([
      ['cell-ok', 'ok', 'kernel'],
      ['cell-raise', 'error', 'kernel'],
      ['cell-skipped', 'aborted', 'kernel'],
      ['cell-after', 'ok', 'kernel']
    ]);
  });

  it('ends the session when the server reports an auto-restart on iopub', async () => {
    const run = await sleeping();
    run.kernel.anyMessage.emit({
      direction: 'recv',
      msg: iopubStatus('restarting')
    });
    // What KernelConnection says as it handles that message.
    run.kernel.statusChanged.emit('restarting');
    run.kernel.statusChanged.emit('autorestarting');
    expect(ends(run)).toEqual([
      ['cell-sleep', 'interrupted', KERNEL_DIED],
      ['cell-queued', 'aborted', undefined]
    ]);
  });

  it('asks for a private session when the notebook says so, and only then', async () => {
    const started = async (visibility: (() => any) | undefined) => {
      const fixture = loadFixture('simple-print');
      const kernel = new FakeKernel(
        fixture,
        Promise.resolve(fixture.kernel.info)
      );
      const recorder = new TrailRecorder();
      const events: TrailEvent[] = [];
      recorder.eventRecorded.connect((_, event) => events.push(event));
      recorder.observe(kernel.connection, {
        notebookPath: () => NOTEBOOK,
        visibility
      });
      kernel.replay(fixture.events);
      await settle();
      const [first] = events;
      expect(batchErrors(events)).toEqual([]);
      return first.kind === 'session.started' ? first.session : null;
    };
    expect((await started(() => 'private'))?.visibility).toBe('private');
    // Team is the server's default: nothing is sent for it.
    expect(await started(() => 'team')).not.toHaveProperty('visibility');
    expect(await started(undefined)).not.toHaveProperty('visibility');
    expect(
      await started(() => {
        throw new Error('notebook closed');
      })
    ).not.toHaveProperty('visibility');
  });
});

/**
 * The recorder's life cycle and opt-outs, over real captures: enabled,
 * shouldRecord, context failures, dispose and observing twice.
 */
import type { TrailEvent } from '../../src/records/schema';
import { TrailRecorder } from '../../src/recorder';
import { FakeKernel } from './recorder/fake-kernel';
import { loadFixture, requestsOf } from './recorder/fixtures';
import { NOTEBOOK, RecorderRun, settle } from './recorder/harness';
import { batchErrors } from './recorder/schema';
import { isRequest, kinds, splitAt } from './recorder/steps';

describe('TrailRecorder life cycle', () => {
  it('records nothing while disabled', async () => {
    const run = new RecorderRun(loadFixture('aborted-after-error'));
    run.recorder.enabled = false;
    await run.replay();
    expect(run.events).toEqual([]);
  });

  it('skips requests sent while disabled even if re-enabled before they finish', async () => {
    const fixture = loadFixture('simple-print');
    const run = new RecorderRun(fixture);
    await settle();
    const [before, after] = splitAt(fixture, event => isRequest(event));
    run.recorder.enabled = false;
    run.kernel.replay(before);
    run.recorder.enabled = true;
    run.kernel.replay(after);
    expect(run.events).toEqual([]);
  });

  it('drops executions that finish while disabled', async () => {
    const fixture = loadFixture('simple-print');
    const run = new RecorderRun(fixture);
    await settle();
    const [before, after] = splitAt(fixture, event => isRequest(event));
    run.kernel.replay(before);
    run.recorder.enabled = false;
    run.kernel.replay(after);
    expect(kinds(run.events)).toEqual(['session.started']);
  });

  it('asks shouldRecord and notebookPath at request time', async () => {
    const fixture = loadFixture('aborted-after-error');
    let record = true;
    let path = 'first.ipynb';
    const run = new RecorderRun(
      fixture,
      {},
      { shouldRecord: () => record, notebookPath: () => path }
    );
    await settle();
    const [first, rest] = splitAt(fixture, e => isRequest(e, 'cell-ok'));
    run.kernel.replay(first);
    record = false;
    const [second, rest2] = splitAt({ ...fixture, events: rest }, e =>
      isRequest(e, 'cell-raise')
    );
    run.kernel.replay(second);
    record = true;
    path = 'renamed.ipynb';
    run.kernel.replay(rest2);
    expect(run.executions.map(e => [e.seq, e.cellId, e.notebookPath])).toEqual([
      [1, 'cell-ok', 'first.ipynb'],
      [2, 'cell-skipped', 'renamed.ipynb'],
      [3, 'cell-after', 'renamed.ipynb']
    ]);
    expect(run.sessions.map(s => s.notebookPath)).toEqual(['first.ipynb']);
  });

  it('stops recording when the observation is disposed', async () => {
    const fixture = loadFixture('simple-print');
    const kernel = new FakeKernel(fixture);
    const recorder = new TrailRecorder();
    const events: TrailEvent[] = [];
    recorder.eventRecorded.connect((_, event) => events.push(event));
    const observation = recorder.observe(kernel.connection, {
      notebookPath: () => NOTEBOOK
    });
    await settle();
    observation.dispose();
    observation.dispose();
    kernel.replay(fixture.events);
    expect(events).toEqual([]);
    expect(observation.isDisposed).toBe(true);
  });

  it('finishes pending executions as aborted when the recorder is disposed, then stops', async () => {
    const fixture = loadFixture('interrupt');
    const run = new RecorderRun(fixture);
    await settle();
    const [sleeping] = requestsOf(fixture);
    const [before, after] = splitAt(fixture, event => {
      return (
        event.type === 'message' &&
        event.msg.header.msg_type === 'stream' &&
        (event.msg.parent_header as { msg_id?: string }).msg_id ===
          sleeping.header.msg_id
      );
    });
    run.kernel.replay(before);
    run.recorder.dispose();
    run.recorder.dispose();
    expect(run.recorder.isDisposed).toBe(true);
    expect(run.executions.map(e => [e.cellId, e.status, e.outputs])).toEqual([
      [
        'cell-sleep',
        'aborted',
        [{ output_type: 'stream', name: 'stdout', text: 'sleeping\n' }]
      ],
      ['cell-queued', 'aborted', []]
    ]);
    expect(run.executions[0].timing).toBe('client');
    expect(batchErrors(run.events)).toEqual([]);
    const count = run.events.length;
    run.kernel.replay(after);
    expect(run.events).toHaveLength(count);
    expect(() =>
      run.recorder.observe(run.kernel.connection, {
        notebookPath: () => NOTEBOOK
      })
    ).toThrow(/disposed/);
  });

  it('does not record twice when the same kernel is observed twice', async () => {
    const fixture = loadFixture('simple-print');
    const run = new RecorderRun(fixture);
    const again = run.recorder.observe(run.kernel.connection, {
      notebookPath: () => 'moved.ipynb'
    });
    await run.replay();
    expect(run.executions.map(e => e.notebookPath)).toEqual(['moved.ipynb']);
    again.dispose();
    run.kernel.replay(fixture.events);
    expect(run.executions).toHaveLength(1);
  });

  it('applies excludeTags changed after construction', async () => {
    const fixture = loadFixture('mixed-requests');
    const run = new RecorderRun(fixture);
    run.recorder.excludeTags = ['keep', 'trail-skip'];
    expect(run.recorder.excludeTags).toEqual(['keep', 'trail-skip']);
    await run.replay();
    expect(run.executions.map(e => e.cellId)).toEqual([null]);
  });

  it('warns instead of throwing when the context fails, and keeps recording', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      let fail = true;
      const run = new RecorderRun(
        loadFixture('aborted-after-error'),
        {},
        {
          notebookPath: () => {
            if (fail) {
              fail = false;
              throw new Error('no path yet');
            }
            return NOTEBOOK;
          }
        }
      );
      await run.replay();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(run.executions.map(e => [e.seq, e.cellId])).toEqual([
        [1, 'cell-raise'],
        [2, 'cell-skipped'],
        [3, 'cell-after']
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

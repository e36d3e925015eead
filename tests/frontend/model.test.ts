import {
  ExecutionDetailModel,
  SessionListModel,
  SessionTimelineModel,
  TrailBrowserModel
} from '../../src/model';
import type { ExecutionRecord } from '../../src/records/schema';
import { FakeNetworkError, FakeReader } from './model-fake-reader';

function sessionsReader(count: number): FakeReader {
  const reader = new FakeReader();
  for (let i = 1; i <= count; i++) {
    reader.addSession({
      id: `s${i}`,
      // Later ids start later, so s<count> is the newest.
      startedAt: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString()
    });
  }
  return reader;
}

function timelineReader(count: number): FakeReader {
  const reader = new FakeReader();
  reader.addSession({ id: 's1' });
  for (let i = 1; i <= count; i++) {
    reader.addExecution({ id: `e${i}`, sessionId: 's1' });
  }
  return reader;
}

describe('SessionListModel', () => {
  it('loads the first page newest first, then older pages', async () => {
    const reader = sessionsReader(5);
    const model = new SessionListModel({ reader, pageSize: 2 });
    expect(model.loaded).toBe(false);

    await model.refresh();
    expect(model.loaded).toBe(true);
    expect(model.items.map(s => s.id)).toEqual(['s5', 's4']);
    expect(model.hasMore).toBe(true);

    await model.loadMore();
    await model.loadMore();
    expect(model.items.map(s => s.id)).toEqual(['s5', 's4', 's3', 's2', 's1']);
    expect(model.hasMore).toBe(false);

    const before = reader.calls.length;
    await model.loadMore();
    expect(reader.calls.length).toBe(before);
  });

  it('puts new sessions on top on refresh and keeps older pages', async () => {
    const reader = sessionsReader(4);
    const model = new SessionListModel({ reader, pageSize: 2 });
    await model.refresh();
    await model.loadMore();
    reader.addSession({ id: 's-new', startedAt: '2027-01-01T00:00:00.000Z' });

    await model.refresh();
    expect(model.items.map(s => s.id)).toEqual([
      's-new',
      's4',
      's3',
      's2',
      's1'
    ]);
  });

  it('updates known sessions on refresh', async () => {
    const reader = sessionsReader(1);
    const model = new SessionListModel({ reader });
    await model.refresh();
    expect(model.items[0].executionCount).toBe(0);
    reader.addExecution({ id: 'e1', sessionId: 's1' });
    await model.refresh();
    expect(model.items).toHaveLength(1);
    expect(model.items[0].executionCount).toBe(1);
  });

  it('asks for one notebook when filtered and reloads on a filter change', async () => {
    const reader = new FakeReader();
    reader.addSession({ id: 'a', notebookPath: 'a.ipynb' });
    reader.addSession({ id: 'b', notebookPath: 'b.ipynb' });
    const model = new SessionListModel({ reader, notebook: 'a.ipynb' });
    await model.refresh();
    expect(model.items.map(s => s.id)).toEqual(['a']);
    expect(reader.callsOf('listSessions')[0].args[0]).toMatchObject({
      notebook: 'a.ipynb'
    });

    model.notebook = 'b.ipynb';
    expect(model.items).toEqual([]);
    expect(model.loaded).toBe(false);
    await model.refresh();
    expect(model.items.map(s => s.id)).toEqual(['b']);
  });

  it('reports loading, keeps items on failure and clears the error on success', async () => {
    const reader = sessionsReader(2);
    const model = new SessionListModel({ reader });
    const states: boolean[] = [];
    model.changed.connect(() => states.push(model.loading));
    await model.refresh();
    expect(states[0]).toBe(true);
    expect(model.loading).toBe(false);

    reader.failure = new FakeNetworkError('connect ECONNREFUSED 127.0.0.1:1');
    await expect(model.refresh()).resolves.toBeUndefined();
    expect(model.error?.message).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(model.error?.name).toBe('TrailNetworkError');
    expect(model.items).toHaveLength(2);
    expect(model.loading).toBe(false);

    reader.failure = null;
    await model.refresh();
    expect(model.error).toBeNull();
  });

  it('drops results that arrive after disposal', async () => {
    const reader = sessionsReader(2);
    const model = new SessionListModel({ reader });
    const pending = model.refresh();
    model.dispose();
    await pending;
    expect(model.items).toEqual([]);
    expect(model.isDisposed).toBe(true);
  });
});

/** A timeline of `count` executions, two a page, with every page loaded. */
async function fullyLoaded(count: number) {
  const reader = timelineReader(count);
  const model = new SessionTimelineModel({
    reader,
    sessionId: 's1',
    pageSize: 2
  });
  await model.refresh();
  while (model.hasMore) {
    await model.loadMore();
  }
  return { reader, model };
}

describe('SessionTimelineModel', () => {
  it('loads executions in seq order, a page at a time', async () => {
    const reader = timelineReader(5);
    const model = new SessionTimelineModel({
      reader,
      sessionId: 's1',
      pageSize: 2
    });
    await model.refresh();
    expect(model.items.map(e => e.seq)).toEqual([1, 2]);
    expect(model.hasMore).toBe(true);
    await model.loadMore();
    await model.loadMore();
    expect(model.items.map(e => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(model.hasMore).toBe(false);
    expect(model.items[0]).toMatchObject({ outputCount: 0, outputTypes: [] });
  });

  it('appends only new executions on refresh, reading from the last page', async () => {
    const { reader, model } = await fullyLoaded(5);
    const tailCursor = (
      reader.callsOf('listExecutions').at(-1)!.args[1] as { cursor?: string }
    ).cursor;
    reader.addExecution({ id: 'e6', sessionId: 's1' });
    reader.addExecution({ id: 'e7', sessionId: 's1' });
    reader.addExecution({ id: 'e8', sessionId: 's1' });
    const callsBefore = reader.callsOf('listExecutions').length;

    await model.refresh();

    const calls = reader.callsOf('listExecutions').slice(callsBefore);
    // Read from the last page received (not from the start), following
    // the cursor to the end.
    expect((calls[0].args[1] as { cursor?: string }).cursor).toBe(tailCursor);
    expect(calls.every(c => (c.args[1] as { cursor?: string }).cursor)).toBe(
      true
    );
    expect(model.items.map(e => e.id)).toEqual([
      'e1',
      'e2',
      'e3',
      'e4',
      'e5',
      'e6',
      'e7',
      'e8'
    ]);
    expect(model.hasMore).toBe(false);
  });

  it('makes no request on refresh while earlier pages are still unread', async () => {
    const reader = timelineReader(5);
    const model = new SessionTimelineModel({
      reader,
      sessionId: 's1',
      pageSize: 2
    });
    await model.refresh();
    const before = reader.calls.length;
    await model.refresh();
    expect(reader.calls.length).toBe(before);
  });

  it('keeps seq order when an earlier execution arrives late', async () => {
    const reader = new FakeReader();
    reader.addSession({ id: 's1' });
    reader.addExecution({ id: 'e2', sessionId: 's1', seq: 2 });
    const model = new SessionTimelineModel({ reader, sessionId: 's1' });
    await model.refresh();
    reader.addExecution({ id: 'e1', sessionId: 's1', seq: 1 });
    reader.addExecution({ id: 'e3', sessionId: 's1', seq: 3 });
    await model.refresh();
    expect(model.items.map(e => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('shows a capture completed late, on the last page and on earlier ones', async () => {
    const { reader, model } = await fullyLoaded(5);
    const hashed = (sha256: string) =>
      ({
        files: [{ path: 'data.csv', access: 'read', sha256 }]
      }) as ExecutionRecord['capture'];
    // Hashes computed after the executions were stored: e1 (first page)
    // and e5 (the last page).
    const [e1, , , , e5] = reader.executionsOf('s1');
    e1.capture = hashed('a'.repeat(64));
    e5.capture = hashed('b'.repeat(64));
    const before = reader.callsOf('listExecutions').length;

    await model.refreshExecutions(['e1', 'e5', 'unknown']);

    expect(model.find('e1')?.capture).toEqual(e1.capture);
    expect(model.find('e5')?.capture).toEqual(e5.capture);
    expect(model.items.map(e => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    // The first page again, and the last as any refresh does.
    const cursors = reader
      .callsOf('listExecutions')
      .slice(before)
      .map(call => (call.args[1] as { cursor?: string }).cursor);
    expect(cursors).toHaveLength(2);
    expect(cursors[0]).toBeUndefined();
  });

  it('keeps what it has when a refresh fails', async () => {
    const reader = timelineReader(2);
    const model = new SessionTimelineModel({ reader, sessionId: 's1' });
    await model.refresh();
    reader.failure = new Error('boom');
    await model.refresh();
    expect(model.error?.message).toBe('boom');
    expect(model.items).toHaveLength(2);
  });
});

describe('ExecutionDetailModel', () => {
  it('loads the record with blob references replaced by their values', async () => {
    const reader = timelineReader(0);
    reader.blobs.set('ab12', '<p>big table</p>');
    reader.addExecution({
      id: 'e1',
      sessionId: 's1',
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'hi\n' },
        {
          output_type: 'display_data',
          data: { 'text/html': { $blob: 'ab12', size: 16, encoding: 'text' } },
          metadata: {}
        }
      ]
    });
    const model = new ExecutionDetailModel({ reader, executionId: 'e1' });
    await model.refresh();
    expect(model.record?.id).toBe('e1');
    expect(model.record?.outputs[1]).toMatchObject({
      data: { 'text/html': '<p>big table</p>' }
    });

    await model.refresh();
    expect(reader.callsOf('getExecution')).toHaveLength(1);
  });

  it('shows the error and loads on retry', async () => {
    const reader = timelineReader(1);
    reader.failure = new Error('server down');
    const model = new ExecutionDetailModel({ reader, executionId: 'e1' });
    await model.refresh();
    expect(model.record).toBeNull();
    expect(model.error?.message).toBe('server down');
    reader.failure = null;
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.record?.code).toBe('x = 1');
  });
});

describe('TrailBrowserModel', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is not configured without a reader and loads once one is set', async () => {
    const model = new TrailBrowserModel();
    expect(model.configured).toBe(false);
    expect(model.sessions).toBeNull();
    let changes = 0;
    model.changed.connect(() => changes++);

    const reader = sessionsReader(2);
    model.reader = reader;
    expect(model.configured).toBe(true);
    expect(changes).toBeGreaterThan(0);
    await model.refreshNow();
    expect(model.sessions?.items.map(s => s.id)).toEqual(['s2', 's1']);

    model.reader = null;
    expect(model.sessions).toBeNull();
    model.dispose();
  });

  it('gathers refresh calls within the delay into one', async () => {
    jest.useFakeTimers();
    const reader = sessionsReader(1);
    const model = new TrailBrowserModel({ reader, refreshDelayMs: 300 });
    await jest.advanceTimersByTimeAsync(0);
    const before = reader.callsOf('listSessions').length;

    for (let i = 0; i < 10; i++) {
      model.refresh();
      await jest.advanceTimersByTimeAsync(20);
    }
    await jest.advanceTimersByTimeAsync(300);
    expect(reader.callsOf('listSessions').length - before).toBe(1);

    // A steady stream still refreshes once per delay.
    for (let i = 0; i < 10; i++) {
      model.refresh();
      await jest.advanceTimersByTimeAsync(100);
    }
    await jest.advanceTimersByTimeAsync(300);
    expect(reader.callsOf('listSessions').length - before).toBeGreaterThan(2);
    model.dispose();
  });

  it('defers refreshes while inactive and runs one when shown', async () => {
    const reader = sessionsReader(1);
    const model = new TrailBrowserModel({ refreshDelayMs: 0 });
    model.active = false;
    model.reader = reader;
    await model.refreshNow();
    expect(reader.calls).toHaveLength(0);

    model.active = true;
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(reader.callsOf('listSessions')).toHaveLength(1);
    model.dispose();
  });

  it('navigates sessions, timeline and execution, and refreshes the open levels', async () => {
    const reader = timelineReader(2);
    const model = new TrailBrowserModel({ reader });
    expect(model.view).toBe('sessions');

    await model.openSession('s1');
    expect(model.view).toBe('timeline');
    expect(model.selectedSession?.id).toBe('s1');
    expect(model.timeline?.items.map(e => e.id)).toEqual(['e1', 'e2']);

    await model.openExecution('e2');
    expect(model.view).toBe('execution');
    expect(model.detail?.record?.id).toBe('e2');

    reader.addExecution({ id: 'e3', sessionId: 's1' });
    await model.refreshNow();
    expect(model.timeline?.items.map(e => e.id)).toEqual(['e1', 'e2', 'e3']);

    model.back();
    expect(model.view).toBe('timeline');
    expect(model.detail).toBeNull();
    model.back();
    expect(model.view).toBe('sessions');
    expect(model.timeline).toBeNull();
    model.dispose();
  });

  it('selects the session of an execution opened directly', async () => {
    const reader = timelineReader(1);
    reader.addSession({ id: 's2' });
    reader.addExecution({ id: 'x1', sessionId: 's2' });
    const model = new TrailBrowserModel({ reader });
    await model.openSession('s1');
    await model.openExecution('x1');
    expect(model.selectedSessionId).toBe('s2');
    expect(model.timeline?.sessionId).toBe('s2');
    model.back();
    expect(model.view).toBe('timeline');
    expect(model.timeline?.items.map(e => e.id)).toEqual(['x1']);
    model.dispose();
  });

  it('keeps the selection when the reader is replaced', async () => {
    const model = new TrailBrowserModel({ reader: timelineReader(1) });
    await model.openSession('s1');
    const second = timelineReader(2);
    model.reader = second;
    await model.refreshNow();
    expect(model.view).toBe('timeline');
    expect(model.timeline?.items).toHaveLength(2);
    model.dispose();
  });
});

/**
 * The team workspace models: who "me" is, people, notebooks, visibility,
 * search, cell history, and the per-area navigation of the panel.
 */
import {
  CellHistoryModel,
  SearchModel,
  TrailBrowserModel
} from '../../src/model';
import { FakeReader } from './model-fake-reader';

const ALICE = { id: 'u-alice', name: 'alice', displayName: 'Alice Archer' };
const BOB = { id: 'u-bob', name: 'bob', displayName: 'Bob Baker' };

/** Alice's and Bob's work, read as `me`. */
function teamReader(me = ALICE): FakeReader {
  const reader = new FakeReader();
  reader.me = { ...me, role: 'member' };
  reader.users = [
    { ...ALICE, role: 'admin' },
    { ...BOB, role: 'member' }
  ];
  reader.addSession({
    id: 'a1',
    author: ALICE,
    notebookPath: 'alice/model.ipynb',
    startedAt: '2026-11-20T09:00:00.000Z',
    lastExecutionAt: '2026-11-20T09:10:00.000Z'
  });
  reader.addSession({
    id: 'a2',
    author: ALICE,
    notebookPath: 'alice/secret.ipynb',
    startedAt: '2026-11-20T11:00:00.000Z',
    lastExecutionAt: '2026-11-20T11:10:00.000Z',
    visibility: 'private'
  });
  reader.addSession({
    id: 'b1',
    author: BOB,
    notebookPath: 'bob/explore.ipynb',
    startedAt: '2026-11-20T10:00:00.000Z',
    lastExecutionAt: '2026-11-20T12:00:00.000Z'
  });
  reader.addSession({
    id: 'b2',
    author: BOB,
    notebookPath: 'bob/explore.ipynb',
    startedAt: '2026-11-21T10:00:00.000Z',
    lastExecutionAt: '2026-11-21T12:00:00.000Z'
  });
  // One cell of Bob's notebook, run in two sessions with changing code.
  reader.addExecution({
    id: 'x1',
    sessionId: 'b1',
    cellId: 'train',
    notebookPath: 'bob/explore.ipynb',
    code: 'fit(lr=0.1)',
    startedAt: '2026-11-20T10:01:00.000Z'
  });
  reader.addExecution({
    id: 'x2',
    sessionId: 'b1',
    cellId: 'train',
    notebookPath: 'bob/explore.ipynb',
    code: 'fit(lr=0.1)',
    startedAt: '2026-11-20T10:02:00.000Z'
  });
  reader.addExecution({
    id: 'x3',
    sessionId: 'b2',
    cellId: 'train',
    notebookPath: 'bob/explore.ipynb',
    code: 'fit(lr=0.01)',
    startedAt: '2026-11-21T10:01:00.000Z',
    outputs: [{ output_type: 'stream', name: 'stdout', text: 'loss 0.2\n' }]
  });
  reader.addExecution({
    id: 'y1',
    sessionId: 'b2',
    cellId: 'other',
    notebookPath: 'bob/explore.ipynb',
    code: 'plot(history)',
    startedAt: '2026-11-21T10:02:00.000Z'
  });
  return reader;
}

describe('TrailBrowserModel in a team', () => {
  it('lists only my sessions under "my sessions" once it knows who I am', async () => {
    const reader = teamReader(BOB);
    const model = new TrailBrowserModel({ reader });
    await model.refreshNow();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.me?.id).toBe('u-bob');
    expect(model.sessions?.author).toBe('u-bob');
    expect(model.sessions?.items.map(s => s.id)).toEqual(['b2', 'b1']);
    expect(reader.callsOf('getMe')).toHaveLength(1);
    await model.refreshNow();
    expect(reader.callsOf('getMe')).toHaveLength(1);
    model.dispose();
  });

  it('treats every session as mine on a server that does not say who I am', async () => {
    const reader = teamReader();
    reader.me = null;
    const model = new TrailBrowserModel({ reader });
    await model.refreshNow();
    expect(model.me).toBeNull();
    expect(model.sessions?.author).toBeNull();
    expect(model.isMine({})).toBe(true);
    model.dispose();
  });

  it('goes people → notebooks → sessions → timeline → execution, and back', async () => {
    const reader = teamReader(ALICE);
    const model = new TrailBrowserModel({ reader });
    model.area = 'team';
    await model.refreshNow();
    expect(model.view).toBe('people');
    // Bob was active last; Alice's private session counts for her only.
    expect(model.people?.items.map(p => p.id)).toEqual(['u-bob', 'u-alice']);

    await model.openPerson(BOB);
    expect(model.view).toBe('notebooks');
    expect(model.notebooks?.items.map(n => n.notebookPath)).toEqual([
      'bob/explore.ipynb'
    ]);
    await model.openNotebook(BOB, 'bob/explore.ipynb');
    expect(model.view).toBe('notebookSessions');
    expect(model.notebookSessions?.items.map(s => s.id)).toEqual(['b2', 'b1']);

    const b2 = model.notebookSessions!.find('b2')!;
    await model.openSession('b2', b2);
    expect(model.view).toBe('timeline');
    expect(model.selectedSession?.author?.id).toBe('u-bob');
    expect(model.isMine(model.selectedSession!)).toBe(false);
    await model.openExecution('x3');
    expect(model.levels.map(l => l.view)).toEqual([
      'people',
      'notebooks',
      'notebookSessions',
      'timeline',
      'execution'
    ]);

    // Each area keeps its own place.
    model.area = 'mine';
    expect(model.view).toBe('sessions');
    model.area = 'team';
    expect(model.view).toBe('execution');

    model.goTo(1);
    expect(model.view).toBe('notebooks');
    model.back();
    expect(model.view).toBe('people');
    model.back();
    expect(model.view).toBe('people');
    model.dispose();
  });

  it('opens a search result in its session', async () => {
    const reader = teamReader(ALICE);
    const model = new TrailBrowserModel({ reader });
    model.area = 'search';
    await model.search!.search({ q: 'LR=0.01' });
    expect(model.search!.items.map(h => h.execution.id)).toEqual(['x3']);
    await model.openExecution('x3');
    expect(model.levels.map(l => l.view)).toEqual([
      'search',
      'timeline',
      'execution'
    ]);
    expect(model.selectedSessionId).toBe('b2');
    model.back();
    expect(model.view).toBe('timeline');
    expect(model.timeline?.items.map(e => e.id)).toEqual(['x3', 'y1']);
    model.back();
    expect(model.view).toBe('search');
    expect(model.search!.items).toHaveLength(1);
    model.dispose();
  });

  it('opens the history of the cell of an execution, and a run from it', async () => {
    const reader = teamReader(ALICE);
    const model = new TrailBrowserModel({ reader });
    await model.openExecution('x3');
    expect(await model.openCellHistory()).toBe(true);
    expect(model.view).toBe('cellHistory');
    const history = model.cellHistory!;
    expect(history.items.map(e => e.id)).toEqual(['x3', 'x2', 'x1']);
    // The run opened, against the latest earlier run with other code.
    expect(history.right).toBe('x3');
    expect(history.left).toBe('x2');
    expect(history.rightRecord?.outputs).toHaveLength(1);
    expect(history.leftRecord?.code).toBe('fit(lr=0.1)');
    expect(history.codeChange('x3')).toBe('changed');
    expect(history.codeChange('x2')).toBe('same');
    // The cell's first run changed nothing: it is the first.
    expect(history.codeChange('x1')).toBe('first');
    expect(history.sessionOf('b1')?.author?.id).toBe('u-bob');

    await model.openExecution('x1');
    expect(model.levels.map(l => l.view)).toEqual([
      'sessions',
      'timeline',
      'execution',
      'cellHistory',
      'timeline',
      'execution'
    ]);
    model.back();
    model.back();
    expect(model.view).toBe('cellHistory');
    model.dispose();
  });

  it('changes the visibility of my session and of my notebook', async () => {
    const reader = teamReader(ALICE);
    const model = new TrailBrowserModel({ reader });
    await model.refreshNow();
    await model.openSession('a1');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.isMine(model.selectedSession!)).toBe(true);

    await model.setSessionVisibility('a1', 'private');
    expect(model.selectedSession?.visibility).toBe('private');
    expect(model.sessions?.find('a1')?.visibility).toBe('private');

    const changed = await model.setNotebookVisibility(
      'alice/secret.ipynb',
      'team'
    );
    expect(changed).toBe(1);
    expect(model.sessions?.find('a2')?.visibility).toBe('team');

    // Someone else's session: the server refuses, the model says so.
    await expect(model.setSessionVisibility('b1', 'private')).rejects.toThrow(
      'Not your session'
    );
    model.dispose();
  });

  it('keeps a private session of someone else out of every list', async () => {
    const reader = teamReader(BOB);
    const model = new TrailBrowserModel({ reader });
    model.area = 'team';
    await model.refreshNow();
    await model.openPerson(ALICE);
    expect(model.notebooks?.items.map(n => n.notebookPath)).toEqual([
      'alice/model.ipynb'
    ]);
    const search = new SearchModel({ reader });
    await search.search({ q: 'x', author: 'u-alice' });
    expect(search.items).toEqual([]);
    model.dispose();
  });
});

describe('SearchModel', () => {
  it('clears on an empty query, keeps the query, pages and reports errors', async () => {
    const reader = teamReader();
    const search = new SearchModel({ reader, pageSize: 1 });
    await search.search({ q: '   ' });
    expect(search.query).toBeNull();
    expect(reader.callsOf('search')).toHaveLength(0);

    await search.search({ q: ' fit ', author: 'u-bob' });
    expect(search.query).toEqual({ q: 'fit', author: 'u-bob' });
    expect(search.items).toHaveLength(1);
    expect(search.hasMore).toBe(true);
    await search.loadMore();
    await search.loadMore();
    expect(search.items.map(h => h.execution.id)).toEqual(['x1', 'x2', 'x3']);

    reader.failure = new Error('down');
    await search.refresh();
    expect(search.error?.message).toBe('down');
    reader.failure = null;
    await search.refresh();
    expect(search.error).toBeNull();
    expect(search.items).toHaveLength(1);
    search.dispose();
  });
});

describe('CellHistoryModel', () => {
  it('compares what is picked, and says why it could not load', async () => {
    const reader = teamReader();
    const history = new CellHistoryModel({
      reader,
      notebookPath: 'bob/explore.ipynb',
      cellId: 'train'
    });
    await history.refresh();
    // Opened without a run: the newest against the latest other code.
    expect([history.left, history.right]).toEqual(['x2', 'x3']);
    await history.compare('x1', 'x2');
    expect(history.leftRecord?.id).toBe('x1');
    expect(history.rightRecord?.id).toBe('x2');

    reader.addExecution({
      id: 'x4',
      sessionId: 'b2',
      cellId: 'train',
      notebookPath: 'bob/explore.ipynb',
      code: 'fit(lr=0.001)',
      startedAt: '2026-11-21T11:00:00.000Z'
    });
    await history.refresh();
    expect(history.items[0].id).toBe('x4');
    // The choice made stays.
    expect([history.left, history.right]).toEqual(['x1', 'x2']);
    reader.failure = new Error('gone');
    await history.compare('x3', 'x4');
    expect(history.compareError?.message).toBe('gone');
    expect(history.comparing).toBe(false);
    reader.failure = null;
    await history.compare('x3', 'x4');
    expect(history.compareError).toBeNull();
    expect(history.rightRecord?.code).toBe('fit(lr=0.001)');
    history.dispose();
  });

  it('opened from the oldest run, compares it as A with the next run of other code as B', async () => {
    const reader = teamReader();
    reader.addExecution({
      id: 'x4',
      sessionId: 'b2',
      cellId: 'train',
      notebookPath: 'bob/explore.ipynb',
      code: 'fit(lr=0.001)',
      startedAt: '2026-11-21T11:00:00.000Z'
    });
    const history = new CellHistoryModel({
      reader,
      notebookPath: 'bob/explore.ipynb',
      cellId: 'train',
      executionId: 'x1'
    });
    await history.refresh();
    expect(history.items.map(e => e.id)).toEqual(['x4', 'x3', 'x2', 'x1']);
    expect([history.left, history.right]).toEqual(['x1', 'x3']);
    expect(history.leftRecord?.code).toBe('fit(lr=0.1)');
    expect(history.rightRecord?.code).toBe('fit(lr=0.01)');
    history.dispose();
  });

  it('does not call the oldest run loaded "first" while older runs remain', async () => {
    const reader = teamReader();
    const history = new CellHistoryModel({
      reader,
      notebookPath: 'bob/explore.ipynb',
      cellId: 'train',
      pageSize: 2
    });
    await history.refresh();
    expect(history.items.map(e => e.id)).toEqual(['x3', 'x2']);
    expect(history.codeChange('x3')).toBe('changed');
    expect(history.codeChange('x2')).toBeNull();
    await history.loadMore();
    expect(history.codeChange('x2')).toBe('same');
    expect(history.codeChange('x1')).toBe('first');
    history.dispose();
  });

  it('has nothing to compare for a cell that ran once', async () => {
    const reader = teamReader();
    const history = new CellHistoryModel({
      reader,
      notebookPath: 'bob/explore.ipynb',
      cellId: 'other',
      executionId: 'y1'
    });
    await history.refresh();
    expect(history.right).toBe('y1');
    expect(history.left).toBeNull();
    expect(history.leftRecord).toBeNull();
    history.dispose();
  });
});

/**
 * Browsing a cell's history back and forth keeps the panel's place bounded,
 * and the "My sessions" tab does not claim a teammate's work as mine.
 */
import { TrailBrowserModel } from '../../src/model';
import { FakeReader } from './model-fake-reader';

const ALICE = { id: 'u-alice', name: 'alice', displayName: 'Alice Archer' };
const BOB = { id: 'u-bob', name: 'bob', displayName: 'Bob Baker' };

/** One cell of a shared notebook, run by Alice (a1) and by Bob (b1). */
function reader(): FakeReader {
  const reader = new FakeReader();
  reader.me = { ...ALICE, role: 'member' };
  reader.users = [
    { ...ALICE, role: 'member' },
    { ...BOB, role: 'member' }
  ];
  for (const [id, author, hour] of [
    ['a1', ALICE, '09'],
    ['b1', BOB, '10']
  ] as const) {
    reader.addSession({
      id,
      author,
      notebookPath: 'shared/model.ipynb',
      startedAt: `2026-11-20T${hour}:00:00.000Z`,
      lastExecutionAt: `2026-11-20T${hour}:10:00.000Z`
    });
  }
  reader.addExecution({
    id: 'xa',
    sessionId: 'a1',
    cellId: 'train',
    notebookPath: 'shared/model.ipynb',
    code: 'fit(lr=0.1)',
    startedAt: '2026-11-20T09:01:00.000Z'
  });
  reader.addExecution({
    id: 'xb',
    sessionId: 'b1',
    cellId: 'train',
    notebookPath: 'shared/model.ipynb',
    code: 'fit(lr=0.01)',
    startedAt: '2026-11-20T10:01:00.000Z'
  });
  return reader;
}

describe('TrailBrowserModel: cell history back and forth', () => {
  it('keeps the levels bounded when alternating a cell history and a run from it', async () => {
    const model = new TrailBrowserModel({ reader: reader() });
    await model.refreshNow();
    await model.openExecution('xa');
    const depths: number[] = [];
    for (let round = 0; round < 5; round++) {
      expect(await model.openCellHistory()).toBe(true);
      depths.push(model.levels.length);
      await model.openExecution(round % 2 ? 'xa' : 'xb');
      depths.push(model.levels.length);
    }
    expect(Math.max(...depths)).toBeLessThanOrEqual(6);
    expect(depths.slice(-4)).toEqual(depths.slice(-8, -4));
    // The history shown is of the run it was opened from.
    await model.openCellHistory();
    expect(model.levels.map(l => l.view)).toEqual([
      'sessions',
      'timeline',
      'execution',
      'cellHistory'
    ]);
    expect(model.cellHistory?.executionId).toBe('xb');
    model.dispose();
  });

  it('does not show "my sessions" as the place while it shows a teammate\'s cell history', async () => {
    const model = new TrailBrowserModel({ reader: reader() });
    await model.refreshNow();
    await model.openExecution('xa');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.area).toBe('mine');
    expect(model.showsOthersWork).toBe(false);
    await model.openCellHistory();
    expect(model.showsOthersWork).toBe(false);

    await model.openExecution('xb');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.showsOthersWork).toBe(true);
    await model.openCellHistory();
    expect(model.view).toBe('cellHistory');
    expect(model.showsOthersWork).toBe(true);
    // Back to my own run, which the history was first opened from.
    model.back();
    expect(model.view).toBe('execution');
    expect(model.detail?.record?.id).toBe('xa');
    expect(model.showsOthersWork).toBe(false);
    model.dispose();
  });
});

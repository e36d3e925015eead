/**
 * The leaderboard model (#16 item 2) over a fake runs reader (the seam the
 * client satisfies): paging by cursor, sorting by header, columns, groups,
 * the selection, filter problems and live refresh from the change feed.
 */
import {
  automaticColumns,
  FIXED_COLUMNS,
  leaderboardColumns,
  LeaderboardModel,
  pickedColumn,
  runField,
  sortKeys,
  toggledSort
} from '../../src/model/runs';
import type { RunNames } from '../../src/model/runs';
import { FakeFeed, FakeRuns, run } from './runs-support';

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

async function until(test: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) {
      throw new Error('condition not met in time');
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

describe('leaderboard columns and sort text', () => {
  it('quotes names the filter language cannot take bare', () => {
    expect(runField('metrics', 'accuracy')).toBe('metrics.accuracy');
    expect(runField('params', 'learning rate')).toBe('params.`learning rate`');
    // A metric literally named x.min is backquoted (contract 2).
    expect(runField('metrics', 'loss.min')).toBe('metrics.`loss.min`');
    expect(runField('params', 'loss.min')).toBe('params.loss.min');
  });

  it('picks the most common metrics then params while none is chosen', () => {
    const names: RunNames = {
      metrics: [
        { name: 'rare', count: 1 },
        { name: 'accuracy', count: 9 }
      ],
      params: [{ name: 'lr', count: 4 }],
      tags: [],
      authors: []
    };
    expect(automaticColumns(names)).toEqual([
      'metrics.accuracy',
      'metrics.rare',
      'params.lr'
    ]);
    const columns = leaderboardColumns([
      'metrics.accuracy',
      'bogus',
      'params.lr'
    ]);
    // The params and metrics come right after the run and its author.
    expect(columns.map(c => c.id)).toEqual([
      'notebook',
      'author',
      'metrics.accuracy',
      'params.lr',
      ...FIXED_COLUMNS.filter(c => !c.sticky).map(c => c.id)
    ]);
    expect(columns.filter(c => c.sticky).map(c => c.id)).toEqual([
      'notebook',
      'author'
    ]);
  });

  it('sorts by a header, and reverses on the second click', () => {
    const accuracy = pickedColumn('metrics.accuracy')!;
    const lr = pickedColumn('params.lr')!;
    expect(toggledSort('', accuracy)).toBe('-metrics.accuracy');
    expect(toggledSort('-metrics.accuracy', accuracy)).toBe('metrics.accuracy');
    expect(toggledSort('-metrics.accuracy', lr)).toBe('params.lr');
    const started = FIXED_COLUMNS.find(c => c.id === 'started')!;
    // The default sort is newest first: the first click on started reverses it.
    expect(toggledSort('', started)).toBe('started');
    expect(sortKeys('-params.`a,b`, metrics.x')).toEqual([
      { field: 'params.`a,b`', descending: true },
      { field: 'metrics.x', descending: false }
    ]);
  });
});

describe('LeaderboardModel', () => {
  it('asks only the automatic columns once the names are known', async () => {
    const reader = new FakeRuns();
    reader.runs = [run('run-a', { accuracy: 0.5 })];
    reader.names = {
      metrics: [
        { name: 'accuracy', count: 2 },
        { name: 'loss.min', count: 1 }
      ],
      params: [{ name: 'learning rate', count: 1 }],
      tags: [],
      authors: []
    };
    const model = new LeaderboardModel({ reader });
    await model.start();
    await until(() => model.names !== null && !model.loading);
    await model.refresh();
    // As fields of the filter language: backquoted where they must be.
    expect(reader.queries[reader.queries.length - 1].columns).toBe(
      'metrics.accuracy,metrics.`loss.min`,params.`learning rate`'
    );
    model.dispose();
  });

  it('reads a page at a time by cursor, with the total', async () => {
    const reader = new FakeRuns();
    reader.runs = Array.from({ length: 25 }, (_, i) => run(`run-${i}`));
    const model = new LeaderboardModel({ reader, pageSize: 10 });
    await model.start();
    expect(model.items.map(r => r.id)).toEqual(
      reader.runs.slice(0, 10).map(r => r.id)
    );
    expect(model.total).toBe(25);
    expect(model.hasMore).toBe(true);
    await model.loadMore();
    await model.loadMore();
    expect(model.items).toHaveLength(25);
    expect(model.hasMore).toBe(false);
    expect(reader.queries.map(q => q.cursor)).toEqual([undefined, '10', '20']);
    model.dispose();
  });

  it('sends the filter, sort and picked columns, and remembers preferences', async () => {
    const reader = new FakeRuns();
    const model = new LeaderboardModel({ reader, filter: ' tag = "x" ' });
    const remembered: unknown[] = [];
    model.preferencesChanged.connect((_, p) => remembered.push(p));
    await model.start();
    expect(reader.queries[0]).toEqual({ limit: 100, filter: 'tag = "x"' });
    model.sortBy(pickedColumn('metrics.accuracy')!);
    model.setColumns(['metrics.accuracy', 'params.lr']);
    model.setGroupByNotebook(true);
    await until(() => !model.loading);
    const last = reader.queries[reader.queries.length - 1];
    expect(last).toEqual({
      limit: 100,
      filter: 'tag = "x"',
      sort: '-metrics.accuracy',
      columns: 'metrics.accuracy,params.lr'
    });
    expect(remembered[remembered.length - 1]).toEqual({
      columns: ['metrics.accuracy', 'params.lr'],
      sort: '-metrics.accuracy',
      groupByNotebook: true
    });
    model.dispose();
  });

  it('keeps a filter that does not parse out, with its position', async () => {
    const reader = new FakeRuns();
    reader.runs = [run('run-a')];
    const model = new LeaderboardModel({
      reader,
      validateFilter: text =>
        text.endsWith('>')
          ? {
              message: `at ${text.length}: expected a value`,
              position: text.length
            }
          : null
    });
    await model.start();
    expect(model.applyFilter('metrics.accuracy >')).toBe(false);
    expect(model.filterError).toEqual({
      message: 'at 18: expected a value',
      position: 18
    });
    // Nothing was asked: the runs of the last filter stay.
    expect(reader.queries).toHaveLength(1);
    expect(model.items).toHaveLength(1);
    expect(model.applyFilter('metrics.accuracy > 0.5')).toBe(true);
    expect(model.filterError).toBeNull();
    await until(() => model.loaded && !model.loading);
    expect(reader.queries[1].filter).toBe('metrics.accuracy > 0.5');
    model.dispose();
  });

  it('shows the server’s filter error under the box', async () => {
    const reader = new FakeRuns();
    reader.fail = Object.assign(
      new Error('filter: at 4: expected an operator'),
      {
        status: 400,
        details: [
          {
            path: '/query/filter',
            message: 'filter: at 4: expected an operator'
          }
        ]
      }
    );
    const model = new LeaderboardModel({ reader, filter: 'tag x' });
    await model.start();
    expect(model.filterError).toEqual({
      message: 'at 4: expected an operator',
      position: 4
    });
    expect(model.error).toBeNull();
    expect(model.loaded).toBe(true);
    model.dispose();
  });

  it('drops a sort or columns the server refuses for the default, and says so', async () => {
    const reader = new FakeRuns();
    reader.runs = [run('run-a')];
    const answer = reader.listRuns.bind(reader);
    reader.listRuns = async query => {
      if (query.sort === 'params.`x') {
        throw Object.assign(new Error('sort: at 7: expected a closing `'), {
          status: 400,
          details: [
            { path: '/query/sort', message: 'at 7: expected a closing `' }
          ]
        });
      }
      return answer(query);
    };
    const model = new LeaderboardModel({ reader, sort: 'params.`x' });
    const remembered: unknown[] = [];
    model.preferencesChanged.connect((_, p) => remembered.push(p));
    await model.start();
    await until(() => model.loaded && !model.loading);
    expect(model.refused).toEqual({
      part: 'sort',
      value: 'params.`x',
      message: 'at 7: expected a closing `'
    });
    expect(model.sort).toBe('');
    expect(model.error).toBeNull();
    expect(model.items).toHaveLength(1);
    // The setting loses the bad sort.
    expect(remembered).toEqual([
      { columns: [], sort: '', groupByNotebook: false }
    ]);
    model.sortBy(pickedColumn('metrics.accuracy')!);
    expect(model.refused).toBeNull();
    model.dispose();
  });

  it('groups runs under notebooks in the order of their best run', async () => {
    const reader = new FakeRuns();
    reader.runs = [
      run('r1', { notebookPath: 'b.ipynb' }),
      run('r2', { notebookPath: 'a.ipynb' }),
      run('r3', { notebookPath: 'b.ipynb' })
    ];
    const model = new LeaderboardModel({ reader, groupByNotebook: true });
    await model.start();
    expect(model.rows.map(r => r.key)).toEqual([
      'group:b.ipynb',
      'run:r1',
      'run:r3',
      'group:a.ipynb',
      'run:r2'
    ]);
    model.toggleGroup('b.ipynb');
    expect(model.rows.map(r => r.key)).toEqual([
      'group:b.ipynb',
      'group:a.ipynb',
      'run:r2'
    ]);
    const header = model.rows[0];
    expect(header.kind === 'group' && header.count).toBe(2);
    // Every run was read: the counts are whole.
    expect(header.kind === 'group' && header.partial).toBe(false);
    model.dispose();
  });

  it('picks two to ten runs for a comparison', async () => {
    const model = new LeaderboardModel({ reader: new FakeRuns() });
    model.toggleSelected('a');
    expect(model.canCompare).toBe(false);
    model.toggleSelected('b');
    expect(model.canCompare).toBe(true);
    for (let i = 0; i < 9; i++) {
      model.toggleSelected(`x${i}`);
    }
    expect(model.selected).toHaveLength(11);
    expect(model.canCompare).toBe(false);
    model.toggleSelected('a');
    expect(model.canCompare).toBe(true);
    expect(model.selected[0]).toBe('b');
    model.dispose();
  });

  it('reads the loaded rows again when the feed reports a session, keeping their number', async () => {
    const reader = new FakeRuns();
    reader.runs = Array.from({ length: 30 }, (_, i) =>
      run(`run-${i}`, { accuracy: 0.5 - i / 100 })
    );
    const feed = new FakeFeed();
    const model = new LeaderboardModel({
      reader,
      feed,
      pageSize: 10,
      refreshDelayMs: 1
    });
    await model.start();
    await model.loadMore();
    expect(model.items).toHaveLength(20);
    expect(feed.running).toBe(true);
    // A new best run arrives.
    reader.runs = [run('new-best', { accuracy: 0.99 }), ...reader.runs];
    const asked = reader.queries.length;
    feed.changed.emit([{ sessionId: 'new-best' }]);
    await until(() => reader.queries.length > asked && !model.loading);
    expect(reader.queries[asked].limit).toBe(20);
    expect(reader.queries[asked].cursor).toBeUndefined();
    expect(model.items[0].id).toBe('new-best');
    expect(model.items).toHaveLength(20);
    expect(model.total).toBe(31);
    expect(model.hasMore).toBe(true);

    // Hidden, the feed stops; a change is read once shown again.
    model.active = false;
    expect(feed.running).toBe(false);
    const before = reader.queries.length;
    feed.changed.emit([{ sessionId: 'run-3' }]);
    await settle();
    expect(reader.queries.length).toBe(before);
    model.active = true;
    await until(() => reader.queries.length > before && !model.loading);
    model.dispose();
    expect(feed.running).toBe(false);
  });
});

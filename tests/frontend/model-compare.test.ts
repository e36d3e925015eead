/**
 * Runs compared side by side (#16 item 3): the pure rules (params that
 * differ, the best metric, input and schema differences, cells matched
 * across notebooks) and the compare model over a fake reader (the seam the
 * Trail client satisfies): a run that is private or gone is not found in
 * its own column only, and the plots' series and population are read.
 */
import type {
  CellAtStep,
  InputFile,
  InputList,
  NotebookAtStep,
  RunMetrics,
  RunPage,
  RunSummary
} from '../../src/client/api-schema';
import type { RunsQuery } from '../../src/client/types';
import { Signal } from '@lumino/signaling';
import {
  cellRows,
  CompareModel,
  inputRows,
  matchCells,
  metricDirection,
  metricRows,
  paramRows,
  tableSchemaDiff
} from '../../src/model/compare';
import type { ICompareReader } from '../../src/model/compare';
import type { EnvironmentSnapshot } from '../../src/records/schema';
import {
  compareIdsFrom,
  takeCompareLinkFromUrl
} from '../../src/ui/compare/permalink';
import { run } from './runs-support';

function metric(
  last: number | null,
  extra: Partial<RunSummary['metrics'][string]> = {}
) {
  return { last, min: last, max: last, count: 1, lastStep: null, ...extra };
}

function cell(
  cellId: string | null,
  code: string,
  extra: Partial<CellAtStep> = {}
): CellAtStep {
  return {
    cellId,
    cellType: 'code',
    state: 'ran',
    current: false,
    source: code,
    ...extra
  };
}

function file(
  path: string,
  sha: string,
  extra: Partial<InputFile> = {}
): InputFile {
  return { path, sha256: sha.repeat(64).slice(0, 64), step: 1, ...extra };
}

function env(packages: Record<string, string>): EnvironmentSnapshot {
  return {
    language: { name: 'python', version: '3.11.4' },
    platform: { system: 'Linux' },
    packages: Object.entries(packages).map(([name, version]) => ({
      name,
      version
    }))
  } as unknown as EnvironmentSnapshot;
}

describe('compare rules', () => {
  it('marks the params that differ from the base run', () => {
    const rows = paramRows([
      run('a', { params: { lr: 0.1, model: 'rf', seed: 1 } }),
      run('b', { params: { lr: 0.1, model: 'gbm', seed: 1 } }),
      null,
      run('d', { params: { lr: 0.2, seed: 1, depth: 3 } })
    ]);
    const byName = Object.fromEntries(rows.map(r => [r.name, r]));
    expect(rows.map(r => r.name)).toEqual(['depth', 'lr', 'model', 'seed']);
    expect(byName.lr.differs).toEqual([false, false, false, true]);
    expect(byName.model.values).toEqual(['rf', 'gbm', undefined, undefined]);
    // A param the base did not log differs where another run logged it.
    expect(byName.depth.differs).toEqual([false, false, false, true]);
    // The unreadable run never differs; a missing param does.
    expect(byName.model.differs).toEqual([false, true, false, true]);
    expect(byName.seed.anyDiffers).toBe(false);
    // Numbers compare as numbers, not as text: 1 and '1' differ.
    expect(
      paramRows([
        run('a', { params: { n: 1 } }),
        run('b', { params: { n: '1' } })
      ])[0].differs
    ).toEqual([false, true]);
  });

  it('marks the best last value of a metric in its direction', () => {
    expect(metricDirection('accuracy')).toBe('higher');
    expect(metricDirection('val_loss')).toBe('lower');
    expect(metricDirection('rmse')).toBe('lower');
    expect(metricDirection('f1')).toBe('higher');
    const runs = [
      run('a', { metrics: { accuracy: metric(0.8), val_loss: metric(0.5) } }),
      run('b', { metrics: { accuracy: metric(0.9), val_loss: metric(0.3) } }),
      run('c', { metrics: { accuracy: metric(0.9), val_loss: metric(null) } })
    ];
    const [accuracy, loss] = metricRows(runs);
    expect(accuracy.best).toEqual([1, 2]);
    expect(loss.best).toEqual([1]);
    // Said otherwise, the other way wins.
    expect(metricRows(runs, { accuracy: 'lower' })[0].best).toEqual([0]);
    // All equal: no best, and nothing differs.
    const same = metricRows([
      run('a', { metrics: { m: metric(1) } }),
      run('b', { metrics: { m: metric(1) } })
    ])[0];
    expect(same.best).toEqual([]);
    expect(same.anyDiffers).toBe(false);
  });

  it('tells a table whose columns were added, removed or retyped', () => {
    const before = {
      format: 'csv' as const,
      columns: [
        { name: 'x', type: 'int64' },
        { name: 'y', type: 'float64' },
        { name: 'gone', type: 'object' }
      ]
    };
    const after = {
      format: 'csv' as const,
      columns: [
        { name: 'x', type: 'float64' },
        { name: 'y', type: 'float64' },
        { name: 'new', type: 'bool' }
      ]
    };
    expect(tableSchemaDiff(before, after)).toEqual({
      added: [{ name: 'new', type: 'bool' }],
      removed: [{ name: 'gone', type: 'object' }],
      changed: [{ name: 'x', before: 'int64', after: 'float64' }]
    });
    expect(tableSchemaDiff(before, before)).toBeNull();
    expect(tableSchemaDiff(undefined, undefined)).toBeNull();
  });

  it('compares the input files by hash and schema, per path', () => {
    const table = (type: string) => ({
      format: 'csv' as const,
      columns: [{ name: 'x', type }]
    });
    const rows = inputRows([
      [
        file('data/train.csv', 'a', { table: table('int64') }),
        file('labels.csv', 'c')
      ],
      [
        file('data/train.csv', 'a', { table: table('int64') }),
        file('labels.csv', 'd')
      ],
      null,
      [file('data/train.csv', 'b', { table: table('float64') })]
    ]);
    const [train, labels] = rows;
    expect(rows.map(r => r.path)).toEqual(['data/train.csv', 'labels.csv']);
    expect(train.path).toBe('data/train.csv');
    expect(train.hashDiffers).toEqual([false, false, false, true]);
    expect(train.schema[3]?.changed).toEqual([
      { name: 'x', before: 'int64', after: 'float64' }
    ]);
    expect(train.schema[1]).toBeNull();
    expect(train.same).toBe(false);
    // Not read by run 4: that is a difference too.
    expect(labels.hashDiffers).toEqual([false, true, false, true]);
    expect(
      inputRows([[file('a.csv', 'a')], [file('a.csv', 'a')]])[0].same
    ).toBe(true);
  });

  it('matches cells by id, then the rest by position', () => {
    const base = [
      cell('c1', 'a = 1'),
      cell('c2', 'b = 2'),
      cell(null, 'c = 3')
    ];
    const other = [
      cell('x9', 'c = 4'),
      cell('c2', 'b = 2'),
      cell('c1', 'a = 10'),
      cell('x8', 'extra()')
    ];
    expect(matchCells(base, other)).toEqual({
      matches: [2, 1, 0],
      unmatched: [3]
    });
  });

  it('lines up each code cell across the notebooks, the code as it ran', () => {
    const rows = cellRows([
      [
        cell('c1', 'import pandas'),
        cell('md', 'notes', { cellType: 'markdown', state: 'not-run' }),
        cell('c2', 'fit(lr=0.1)')
      ],
      [
        cell('c1', 'import pandas'),
        // Edited after it ran: the code that ran is compared.
        cell('c2', 'fit(lr=0.5) # edited', {
          execution: { code: 'fit(lr=0.2)' } as CellAtStep['execution']
        }),
        cell('c3', 'plot()')
      ],
      null
    ]);
    expect(rows.map(r => r.key)).toEqual(['c1', 'c2', 'c3']);
    expect(rows[0].anyDiffers).toBe(false);
    expect(rows[1].code).toEqual(['fit(lr=0.1)', 'fit(lr=0.2)', undefined]);
    expect(rows[1].differs).toEqual([false, true, false]);
    expect(rows[2].code).toEqual([undefined, 'plot()', undefined]);
    expect(rows[2].differs).toEqual([false, true, false]);
  });
});

class FakeReader implements ICompareReader {
  runs = new Map<string, RunSummary>();
  inputs = new Map<string, InputList>();
  steps = new Map<string, NotebookAtStep>();
  series = new Map<string, RunMetrics['series']>();
  population: RunSummary[] = [];
  queries: RunsQuery[] = [];
  asked: string[] = [];

  async getRun(id: string): Promise<RunSummary> {
    this.asked.push(`run:${id}`);
    const found = this.runs.get(id);
    if (!found) {
      throw Object.assign(new Error('not found'), { status: 404 });
    }
    return found;
  }
  async runMetrics(id: string, names?: readonly string[]): Promise<RunMetrics> {
    this.asked.push(`metrics:${id}:${names?.join(',')}`);
    return { series: this.series.get(id) ?? {} };
  }
  async getInputs(id: string, upto: number): Promise<InputList> {
    this.asked.push(`inputs:${id}:${upto}`);
    const found = this.inputs.get(id);
    if (!found) {
      throw Object.assign(new Error('boom'), { status: 500 });
    }
    return found;
  }
  async getStep(id: string, k: number): Promise<NotebookAtStep> {
    this.asked.push(`step:${id}:${k}`);
    return (
      this.steps.get(id) ?? {
        sessionId: id,
        step: k,
        total: k,
        structured: true,
        cells: []
      }
    );
  }
  async listRuns(query: RunsQuery): Promise<RunPage> {
    this.queries.push(query);
    return {
      items: this.population,
      next: null,
      total: this.population.length + 7
    };
  }
}

function seeded(): FakeReader {
  const reader = new FakeReader();
  const add = (
    id: string,
    fields: Partial<RunSummary>,
    files: InputFile[],
    environment: EnvironmentSnapshot,
    cells: CellAtStep[]
  ) => {
    reader.runs.set(id, run(id, { executionCount: cells.length, ...fields }));
    reader.inputs.set(id, {
      sessionId: id,
      upto: cells.length,
      inputs: files,
      environment
    });
    reader.steps.set(id, {
      sessionId: id,
      step: cells.length,
      total: cells.length,
      structured: true,
      cells
    });
  };
  add(
    'run-aaaa1',
    {
      params: { lr: 0.1 },
      metrics: { accuracy: metric(0.8) },
      environmentId: 'e'.repeat(64)
    },
    [file('train.csv', 'a')],
    env({ numpy: '1.26.0', pandas: '2.1.0' }),
    [cell('c1', 'load()'), cell('c2', 'fit(0.1)')]
  );
  add(
    'run-bbbb2',
    {
      params: { lr: 0.3 },
      metrics: { accuracy: metric(0.9) },
      environmentId: 'f'.repeat(64)
    },
    [file('train.csv', 'b')],
    env({ numpy: '2.0.0', pandas: '2.1.0' }),
    [cell('c1', 'load()'), cell('c2', 'fit(0.3)')]
  );
  add(
    'run-cccc3',
    {
      params: { lr: 0.1 },
      metrics: { accuracy: metric(0.7) },
      environmentId: 'e'.repeat(64)
    },
    [file('train.csv', 'a')],
    env({ numpy: '1.26.0', pandas: '2.1.0' }),
    [cell('c1', 'load()'), cell('c2', 'fit(0.1)')]
  );
  return reader;
}

describe('CompareModel', () => {
  it('refuses fewer than two runs and more than ten, reading nothing', async () => {
    const reader = seeded();
    const one = new CompareModel({ ids: ['run-aaaa1', ' run-aaaa1 '], reader });
    expect(one.ids).toEqual(['run-aaaa1']);
    expect(one.state).toBe('too-few');
    await one.refresh();
    const many = new CompareModel({
      ids: Array.from({ length: 11 }, (_, i) => `run-${i}-xxxxxx`),
      reader
    });
    expect(many.state).toBe('too-many');
    await many.refresh();
    expect(reader.asked).toEqual([]);
  });

  it('reads each run, its inputs and its notebook at its last step', async () => {
    const reader = seeded();
    const model = new CompareModel({
      ids: ['run-aaaa1', 'run-bbbb2', 'run-cccc3'],
      reader
    });
    expect(model.state).toBe('idle');
    await model.refresh();
    expect(model.state).toBe('ready');
    expect(reader.asked).toEqual(
      expect.arrayContaining(['inputs:run-bbbb2:2', 'step:run-bbbb2:2'])
    );
    expect(model.params[0].differs).toEqual([false, true, false]);
    expect(model.metrics[0].best).toEqual([1]);
    expect(model.inputs[0].hashDiffers).toEqual([false, true, false]);
    expect(model.cells.map(row => row.differs)).toEqual([
      [false, false, false],
      [false, true, false]
    ]);
    const envs = model.environments;
    expect(envs.map(e => e.state)).toEqual(['base', 'different', 'same']);
    expect(envs[1].diff?.changed).toEqual([
      { name: 'numpy', before: '1.26.0', after: '2.0.0' }
    ]);
  });

  it('starts from the directions said before, says each new one, and follows those said elsewhere', async () => {
    const said: [string, string][] = [];
    const model = new CompareModel({
      ids: ['run-aaaa1', 'run-bbbb2', 'run-cccc3'],
      reader: seeded(),
      directions: { accuracy: 'lower' },
      onDirectionSet: (metric, direction) => said.push([metric, direction])
    });
    await model.refresh();
    // Said before: lower is better, so run 3's 0.7 is the best.
    expect(model.direction('accuracy')).toBe('lower');
    expect(model.metrics[0].best).toEqual([2]);
    model.setDirection('accuracy', 'higher');
    expect(model.metrics[0].best).toEqual([1]);
    expect(said).toEqual([['accuracy', 'higher']]);
    // Said in another comparison (or the Settings Editor): followed, and
    // not said back.
    let changes = 0;
    model.changed.connect(() => changes++);
    model.useDirections({ accuracy: 'lower' });
    expect(model.metrics[0].best).toEqual([2]);
    expect(changes).toBe(1);
    model.useDirections({ accuracy: 'lower' });
    expect(changes).toBe(1);
    // Gone from the settings: the guess from the name again.
    model.useDirections({});
    expect(model.direction('accuracy')).toBe('higher');
    expect(said).toHaveLength(1);
  });

  it('follows the feed: a change to a compared run reads the runs and drawn series again without clearing them; other sessions are ignored', async () => {
    const reader = seeded();
    reader.series.set('run-aaaa1', {
      accuracy: [{ seq: 1, step: 0, value: 0.8, at: '2026-12-01T10:00:00Z' }]
    });
    const feed = {
      changed: new Signal<unknown, readonly { sessionId?: string }[]>({}),
      started: 0,
      start: async () => {
        feed.started++;
      },
      stop: () => undefined
    };
    const model = new CompareModel({
      ids: ['run-aaaa1', 'run-bbbb2'],
      reader,
      feed,
      followDelayMs: 0
    });
    await model.refresh();
    await model.loadSeries('accuracy');
    expect(feed.started).toBe(1);
    const settled = () => new Promise(resolve => setTimeout(resolve, 20));

    // Another session changed: nothing is read.
    reader.asked.length = 0;
    feed.changed.emit([{ sessionId: 'run-zzzz9' }]);
    await settled();
    expect(reader.asked).toEqual([]);

    // A compared run logged a better accuracy: read again, never shown as
    // loading meanwhile, and its series with it.
    reader.runs.set(
      'run-aaaa1',
      run('run-aaaa1', {
        executionCount: 2,
        params: { lr: 0.1 },
        metrics: { accuracy: metric(0.95) }
      })
    );
    reader.series.set('run-aaaa1', {
      accuracy: [
        { seq: 1, step: 0, value: 0.8, at: '2026-12-01T10:00:00Z' },
        { seq: 2, step: 1, value: 0.95, at: '2026-12-01T10:01:00Z' }
      ]
    });
    const states: string[] = [];
    model.changed.connect(() => states.push(model.state));
    feed.changed.emit([{ sessionId: 'run-aaaa1' }]);
    await settled();
    await settled();
    expect(states).not.toContain('loading');
    expect(reader.asked).toEqual(
      expect.arrayContaining(['run:run-aaaa1', 'metrics:run-aaaa1:accuracy'])
    );
    expect(model.metrics[0].best).toEqual([0]);
    expect(model.series('accuracy')?.[0]).toHaveLength(2);

    // Hidden, it reads nothing; shown again, it catches up once.
    model.active = false;
    reader.asked.length = 0;
    feed.changed.emit([{ sessionId: 'run-bbbb2' }]);
    await settled();
    expect(reader.asked).toEqual([]);
    model.active = true;
    await settled();
    expect(reader.asked).toContain('run:run-bbbb2');
    model.dispose();
  });

  it('shows a private or gone run as not found in its column only', async () => {
    const reader = seeded();
    reader.inputs.delete('run-cccc3');
    const model = new CompareModel({
      ids: ['private-run-x', 'run-bbbb2', 'run-cccc3'],
      reader
    });
    await model.refresh();
    expect(model.runs.map(r => r.state)).toEqual([
      'not-found',
      'ready',
      'ready'
    ]);
    expect(model.runs[0].error).toBeNull();
    // The first readable run is the base.
    expect(model.baseIndex).toBe(1);
    expect(model.params[0].differs).toEqual([false, false, true]);
    // Inputs that failed to read are said, the rest still compared.
    expect(model.runs[2].error?.message).toBe('boom');
    expect(model.environments[2].state).toBe('unreadable');
    expect(model.cells[1].differs).toEqual([false, false, true]);
  });

  it('reads a metric series per run once, and the filter’s runs for the plots', async () => {
    const reader = seeded();
    reader.series.set('run-aaaa1', {
      accuracy: [{ seq: 1, step: 0, value: 0.5, at: '2026-12-01T10:00:00Z' }]
    });
    const model = new CompareModel({
      ids: ['run-aaaa1', 'missing-run-1', 'run-cccc3'],
      reader
    });
    await model.refresh();
    await Promise.all([
      model.loadSeries('accuracy'),
      model.loadSeries('accuracy')
    ]);
    expect(reader.asked.filter(a => a.startsWith('metrics:'))).toEqual([
      'metrics:run-aaaa1:accuracy',
      'metrics:run-cccc3:accuracy'
    ]);
    expect(model.series('accuracy')?.map(s => s?.length ?? null)).toEqual([
      1,
      null,
      0
    ]);

    // No filter given: the base run's notebook.
    expect(model.populationFilter).toBe('notebook = "train.ipynb"');
    reader.population = [reader.runs.get('run-bbbb2')!];
    await model.loadPopulation();
    expect(reader.queries[0]).toEqual({
      filter: 'notebook = "train.ipynb"',
      columns: 'params.*,metrics.*',
      limit: 500
    });
    expect(model.population?.total).toBe(8);

    const filtered = new CompareModel({
      ids: ['run-aaaa1', 'run-bbbb2'],
      filter: 'metrics.accuracy > 0.5',
      reader
    });
    expect(filtered.populationFilter).toBe('metrics.accuracy > 0.5');
  });
});

describe('compare links', () => {
  it('reads the ids of ?trail-compare= and removes it from the address', () => {
    expect(compareIdsFrom(' a1,, b2 ,c3')).toEqual(['a1', 'b2', 'c3']);
    const replaced: string[] = [];
    const ids = takeCompareLinkFromUrl(
      { href: 'http://x/lab?trail-compare=run-1%2Crun-2&other=1' } as Location,
      {
        state: null,
        replaceState: (_: unknown, __: string, url: string) =>
          replaced.push(url)
      } as unknown as History
    );
    expect(ids).toEqual(['run-1', 'run-2']);
    expect(replaced).toEqual(['http://x/lab?other=1']);
  });
});

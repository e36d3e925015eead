/**
 * The slicing rule of an export (#15, contract 2) on recorded sequences:
 * what produced the result is kept in execution order, each kept step with
 * why, each dropped step with its reason and detail.
 */
import {
  ExportError,
  sliceRun,
  type Slice
} from '../../src/records/export/slice';
import { KERNEL_DIED } from '../../src/records/status';
import { recorded, type Run } from './export-fixture';

const session = { kind: 'session' } as const;

function slice(runs: Run[], target: Slice['target'] = session): Slice {
  const { executions, facts } = recorded(runs);
  return sliceRun(executions, facts, target);
}
const keptSteps = (s: Slice) => s.kept.map(k => k.step);
const drops = (s: Slice) => s.dropped.map(d => [d.step, d.reason, d.detail]);

function exportError(run: () => unknown): ExportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExportError);
    return error as ExportError;
  }
  throw new Error('no ExportError');
}

describe('sliceRun on a training notebook', () => {
  // import; load; a look at the data; features; model; fit; score; save; plot.
  const notebook: Run[] = [
    { cell: 'imports', defines: ['pd', 'LinearRegression', 'joblib', 'plt'] },
    { cell: 'load', defines: ['df'], uses: ['pd'], reads: ['data/houses.csv'] },
    { cell: 'look', uses: ['df'], effects: 'display' },
    { cell: 'features', defines: ['X', 'y'], uses: ['df'] },
    {
      cell: 'model',
      defines: ['model', 'alpha'],
      uses: ['LinearRegression'],
      params: { alpha: 0.5 },
      paramTargets: { alpha: 'alpha' }
    },
    { cell: 'fit', defines: ['model'], uses: ['model', 'X', 'y'] },
    {
      cell: 'score',
      defines: ['mse', 'trail'],
      uses: ['model', 'X', 'y', 'trail'],
      metrics: { mse: 0.25 }
    },
    {
      cell: 'save',
      defines: ['joblib'],
      uses: ['joblib', 'model'],
      writes: ['model.pkl']
    },
    { cell: 'plot', defines: ['plt'], uses: ['plt', 'y'], effects: 'display' }
  ];

  it('keeps what wrote the model and logged the metric and param, with why, and drops the looks', () => {
    const s = slice(notebook);
    expect(keptSteps(s)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    const reason = (step: number) => s.kept.find(k => k.step === step)!.reason;
    expect(reason(1)).toBe(
      'defines pd used by step 2; defines LinearRegression used by step 5; defines joblib used by step 8'
    );
    expect(reason(2)).toBe('defines df used by step 4');
    expect(reason(4)).toBe('defines X and y used by steps 6 and 7');
    expect(reason(5)).toBe('logs param alpha; defines model used by step 6');
    expect(reason(6)).toBe('defines model used by steps 7 and 8');
    expect(reason(7)).toBe('logs metric mse');
    expect(reason(8)).toBe('writes model.pkl');
    expect(s.kept[0]).toEqual({
      step: 1,
      executionId: 'exec-1',
      cellId: 'imports',
      reason: reason(1)
    });
    expect(drops(s)).toEqual([
      [3, 'display', 'only shows output: binds no name and writes no file'],
      [9, 'unused', 'defines plt, which no kept step uses']
    ]);
    expect(s.inputs.map(i => [i.path, i.step])).toEqual([
      ['data/houses.csv', 2]
    ]);
    expect(s.outputs).toEqual(['model.pkl']);
    expect(s.unresolved).toEqual([]);
    expect(s.target).toEqual(session);
  });

  it('for a file target keeps only what produced it', () => {
    const s = slice(notebook, { kind: 'file', path: './model.pkl' });
    // The scoring step logs a metric the model file does not need.
    expect(keptSteps(s)).toEqual([1, 2, 4, 5, 6, 8]);
    expect(s.kept.find(k => k.step === 5)!.reason).toBe(
      'defines model used by step 6'
    );
    expect(s.kept.find(k => k.step === 4)!.reason).toBe(
      'defines X and y used by step 6'
    );
    expect(s.dropped.find(d => d.step === 7)).toEqual({
      step: 7,
      executionId: 'exec-7',
      cellId: 'score',
      reason: 'unused',
      detail: 'defines mse, which no kept step uses; logs mse, not the target'
    });
    expect(s.target).toEqual({ kind: 'file', path: './model.pkl' });
  });

  it('for a metric target keeps only what produced the metric', () => {
    const s = slice(notebook, { kind: 'metric', name: 'mse' });
    expect(keptSteps(s)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(s.kept.find(k => k.step === 7)!.reason).toBe('logs metric mse');
    expect(s.dropped.find(d => d.step === 8)!.detail).toBe(
      'defines joblib, which no kept step uses; writes model.pkl, which no kept step reads'
    );
    expect(s.outputs).toEqual([]);
  });
});

describe('sliceRun: re-runs and order', () => {
  it('drops the first run of a cell run twice as superseded by the second', () => {
    const s = slice([
      { cell: 'a', defines: ['lr'] },
      { cell: 'a', defines: ['lr'] },
      { cell: 'b', uses: ['lr'], metrics: { loss: 0.1 } }
    ]);
    expect(keptSteps(s)).toEqual([2, 3]);
    expect(drops(s)).toEqual([
      [1, 'superseded', 'superseded by step 2 (the same cell run again)']
    ]);
  });

  it('drops a training run edited and run again (both logged and wrote the same) as superseded', () => {
    const train = {
      cell: 'train',
      defines: ['model', 'C'],
      params: { C: 1.0 },
      metrics: { acc: 0.8 },
      writes: ['model.pkl']
    };
    const s = slice([
      train,
      { ...train, params: { C: 0.5 }, metrics: { acc: 0.9 } },
      { cell: 'plot', uses: ['model'], writes: ['plot.png'] }
    ]);
    expect(keptSteps(s)).toEqual([2, 3]);
    expect(drops(s)).toEqual([
      [1, 'superseded', 'superseded by step 2 (the same cell run again)']
    ]);
  });

  it('keeps a logging run a kept step used before the cell ran again, and one whose re-run logged less', () => {
    const used = slice([
      { cell: 'a', defines: ['w'], metrics: { loss: 0.3 } },
      { cell: 'b', uses: ['w'], writes: ['w1.txt'] },
      { cell: 'a', defines: ['w'], metrics: { loss: 0.1 } }
    ]);
    expect(keptSteps(used)).toEqual([1, 2, 3]);
    const less = slice([
      { cell: 'a', defines: ['w'], metrics: { loss: 0.3, acc: 0.7 } },
      { cell: 'a', defines: ['w'], metrics: { loss: 0.1 } }
    ]);
    expect(keptSteps(less)).toEqual([1, 2]);
  });

  it('keeps both runs of a cell when a kept step used the first in between', () => {
    const s = slice([
      { cell: 'a', defines: ['lr'] },
      { cell: 'b', uses: ['lr'], metrics: { loss: 0.3 } },
      { cell: 'a', defines: ['lr'] },
      // Another cell: a re-run of b would have redone step 2.
      { cell: 'c', uses: ['lr'], metrics: { loss: 0.1 } }
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 3, 4]);
    expect(s.kept[0].reason).toBe('defines lr used by step 2');
    expect(s.kept[2].reason).toBe('defines lr used by step 4');
  });

  it('an edit that bound other names is not a re-run of the same thing: the first run is unused', () => {
    const s = slice([
      { cell: 'a', defines: ['lr', 'epochs'] },
      { cell: 'a', defines: ['lr'] },
      { cell: 'b', uses: ['lr'], metrics: { loss: 0.1 } }
    ]);
    expect(drops(s)).toEqual([
      [1, 'unused', 'defines lr and epochs, which no kept step uses']
    ]);
  });

  it('follows the order the cells ran in, not the notebook order (cell 3 run before cell 2)', () => {
    const s = slice([
      { cell: 'c1', defines: ['df'], reads: ['raw.csv'] },
      { cell: 'c3', defines: ['cols'], uses: ['df'] },
      { cell: 'c2', uses: ['df', 'cols'], writes: ['clean.csv'] }
    ]);
    expect(s.kept.map(k => [k.step, k.cellId])).toEqual([
      [1, 'c1'],
      [2, 'c3'],
      [3, 'c2']
    ]);
    expect(s.kept[1].reason).toBe('defines cols used by step 3');
  });

  it('keeps both definitions of a shadowed variable, each for the step that used it', () => {
    const s = slice([
      { cell: 'one', defines: ['np'] },
      { cell: 'two', defines: ['x'], uses: ['np'] },
      { cell: 'three', uses: ['x'], metrics: { first: 1 } },
      { cell: 'four', defines: ['x'], uses: ['np'] },
      { cell: 'five', uses: ['x'], writes: ['x.npy'] }
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 3, 4, 5]);
    expect(s.kept[1].reason).toBe('defines x used by step 3');
    expect(s.kept[3].reason).toBe('defines x used by step 5');
    expect(s.kept[0].reason).toBe('defines np used by steps 2 and 4');
  });

  it('keeps a mutation in its own cell (model.fit) and what it read', () => {
    const s = slice(
      [
        { cell: 'data', defines: ['X', 'y'] },
        { cell: 'make', defines: ['model'] },
        { cell: 'other', defines: ['scaler'] },
        { cell: 'fit', defines: ['model'], uses: ['model', 'X', 'y'] },
        { cell: 'save', uses: ['model'], writes: ['model.pkl'] }
      ],
      { kind: 'file', path: 'model.pkl' }
    );
    expect(keptSteps(s)).toEqual([1, 2, 4, 5]);
    expect(s.kept.map(k => k.reason)).toEqual([
      'defines X and y used by step 4',
      'defines model used by step 4',
      'defines model used by step 5',
      'writes model.pkl'
    ]);
    expect(drops(s)).toEqual([
      [3, 'unused', 'defines scaler, which no kept step uses']
    ]);
  });

  it('does not chain steps through the trail object they log with', () => {
    const s = slice(
      [
        {
          cell: 'p',
          defines: ['trail', 'lr'],
          uses: ['trail'],
          params: { lr: 0.1 }
        },
        {
          cell: 'm',
          defines: ['trail'],
          uses: ['trail', 'lr'],
          metrics: { acc: 0.9 }
        },
        {
          cell: 'q',
          defines: ['trail'],
          uses: ['trail'],
          metrics: { other: 1 }
        }
      ],
      { kind: 'metric', name: 'acc' }
    );
    expect(keptSteps(s)).toEqual([1, 2]);
    expect(s.kept[0].reason).toBe('defines lr used by step 2');
  });
});

describe('sliceRun: dead ends', () => {
  it('drops failed, interrupted and aborted executions with what happened, a death named', () => {
    const s = slice([
      { cell: 'a', defines: ['df'], reads: ['raw.csv'] },
      {
        cell: 'b',
        status: 'error',
        uses: ['df', 'y'],
        error: { ename: 'NameError', evalue: "name 'y' is not defined" }
      },
      { cell: 'c', status: 'aborted', defines: ['z'] },
      { cell: 'd', status: 'interrupted', defines: ['model'], uses: ['df'] },
      { cell: 'e', uses: ['df'], writes: ['out.csv'] },
      {
        cell: 'f',
        status: 'interrupted',
        defines: ['big'],
        uses: ['df'],
        error: { ...KERNEL_DIED }
      }
    ]);
    expect(keptSteps(s)).toEqual([1, 5]);
    expect(drops(s)).toEqual([
      [2, 'failed', "failed: NameError: name 'y' is not defined"],
      [3, 'aborted', 'never ran: the kernel skipped it after an earlier error'],
      [4, 'interrupted', 'interrupted before it finished'],
      [6, 'interrupted', 'the kernel died while it ran']
    ]);
  });

  it('never keeps a failed step, even when it was the only one to bind a name: the name is reported', () => {
    const s = slice([
      {
        cell: 'a',
        status: 'error',
        defines: ['w'],
        error: { ename: 'ValueError', evalue: 'bad\nsecond line' }
      },
      { cell: 'b', uses: ['w', 'display', '_3'], metrics: { m: 1 } }
    ]);
    expect(keptSteps(s)).toEqual([2]);
    expect(s.dropped[0].detail).toBe('failed: ValueError: bad');
    expect(s.unresolved).toEqual([
      { step: 2, executionId: 'exec-2', name: 'w' }
    ]);
  });

  it('a file a failed step wrote and a kept step read is an input of the pipeline', () => {
    const s = slice([
      { cell: 'a', status: 'error', writes: ['tmp.csv'] },
      { cell: 'b', reads: ['tmp.csv'], metrics: { rows: 10 } }
    ]);
    expect(keptSteps(s)).toEqual([2]);
    expect(s.inputs.map(i => [i.path, i.step])).toEqual([['tmp.csv', 2]]);
  });

  it('drops a cell that only plots as display', () => {
    const s = slice([
      { cell: 'a', defines: ['x'] },
      { cell: 'plot', uses: ['x'], effects: 'display' },
      { cell: 'b', uses: ['x'], metrics: { mean: 2 } }
    ]);
    expect(drops(s)).toEqual([
      [2, 'display', 'only shows output: binds no name and writes no file']
    ]);
  });

  it('drops a step the analysis could not parse, saying what was lost', () => {
    const s = slice([
      { cell: 'a', defines: ['x'] },
      {
        cell: 'b',
        syntaxError: 'SyntaxError: invalid syntax (line 2)',
        writes: ['b.txt']
      },
      { cell: 'c', uses: ['x'], metrics: { m: 1 } }
    ]);
    expect(keptSteps(s)).toEqual([1, 3]);
    expect(drops(s)).toEqual([
      [
        2,
        'unparsable',
        'does not parse: SyntaxError: invalid syntax (line 2); what it did (writes b.txt) is not in the pipeline'
      ]
    ]);
  });
});

describe('sliceRun: files', () => {
  it('a step reading a file keeps the step that wrote it, and the file is neither input nor output', () => {
    const s = slice(
      [
        {
          cell: 'clean',
          defines: ['pd'],
          reads: ['raw.csv'],
          writes: ['clean.csv']
        },
        { cell: 'chart', writes: ['chart.png'] },
        { cell: 'train', reads: ['clean.csv'], writes: ['model.pkl'] }
      ],
      { kind: 'file', path: 'model.pkl' }
    );
    expect(keptSteps(s)).toEqual([1, 3]);
    expect(s.kept[0].reason).toBe('writes clean.csv read by step 3');
    expect(s.inputs.map(i => [i.path, i.step])).toEqual([['raw.csv', 1]]);
    expect(s.outputs).toEqual(['clean.csv', 'model.pkl']);
    expect(drops(s)).toEqual([
      [2, 'unused', 'writes chart.png, which no kept step reads']
    ]);
  });

  it('keeps the latest writer of a file written twice, and each writer of a folder read', () => {
    const s = slice(
      [
        { cell: 'w', writes: ['parts/a.csv'] },
        { cell: 'w', writes: ['parts/a.csv'] },
        { cell: 'v', writes: ['parts/b.csv'] },
        {
          cell: 'r',
          files: [
            { path: 'parts', access: 'read', kind: 'folder', fileCount: 2 }
          ],
          writes: ['all.csv']
        }
      ],
      { kind: 'file', path: 'all.csv' }
    );
    expect(keptSteps(s)).toEqual([2, 3, 4]);
    expect(s.dropped).toEqual([
      expect.objectContaining({
        step: 1,
        reason: 'superseded',
        detail: 'superseded by step 2 (the same cell run again)'
      })
    ]);
    expect(s.inputs).toEqual([]);
    expect(s.outputs).toEqual(['parts/a.csv', 'parts/b.csv', 'all.csv']);
  });

  it('a folder read that held more files than the run wrote into it stays an input', () => {
    const s = slice([
      { cell: 'w', writes: ['parts/a.csv'] },
      {
        cell: 'r',
        files: [
          { path: 'parts', access: 'read', kind: 'folder', fileCount: 3 }
        ],
        metrics: { rows: 30 }
      }
    ]);
    expect(keptSteps(s)).toEqual([1, 2]);
    expect(s.kept[0].reason).toBe('writes parts/a.csv read by step 2');
    expect(s.inputs.map(i => [i.path, i.kind, i.step])).toEqual([
      ['parts', 'folder', 2]
    ]);
  });

  it('a file inside a folder a step wrote counts as written by it (target under a written folder)', () => {
    const s = slice(
      [
        {
          cell: 'a',
          files: [{ path: 'out/', access: 'write', kind: 'folder' }]
        },
        { cell: 'b', writes: ['other.txt'] }
      ],
      { kind: 'file', path: 'out/model.pkl' }
    );
    expect(keptSteps(s)).toEqual([1]);
    expect(s.kept[0].reason).toBe('writes out/model.pkl');
  });
});

describe('sliceRun: requirements', () => {
  it('collects %pip requirements of kept and dropped steps, one per package, the last installed', () => {
    const s = slice([
      {
        cell: 'pip',
        effects: 'display',
        requirements: ['pandas', 'scikit-learn==1.4.0']
      },
      {
        cell: 'pip2',
        effects: 'display',
        requirements: ['Scikit_Learn==1.5.0', 'git+https://example.org/x.git']
      },
      { cell: 'bad', status: 'error', requirements: ['nonexistent-pkg'] },
      {
        cell: 'work',
        defines: ['np'],
        requirements: ['numpy>=1.26'],
        metrics: { m: 1 }
      }
    ]);
    expect(keptSteps(s)).toEqual([4]);
    expect(s.dropped.map(d => d.reason)).toEqual([
      'display',
      'display',
      'failed'
    ]);
    expect(s.requirements).toEqual([
      'pandas',
      'Scikit_Learn==1.5.0',
      'git+https://example.org/x.git',
      'numpy>=1.26'
    ]);
  });
});

describe('sliceRun: a run that logged nothing', () => {
  it('keeps the last run of every cell that changed state, and drops the rest', () => {
    const s = slice([
      { cell: 'a', defines: ['x'] },
      { cell: 'b', defines: ['y'], uses: ['x'] },
      { cell: 'a', defines: ['x'] },
      { cell: 'show', uses: ['y'], effects: 'display' }
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 3]);
    expect(s.kept[0].reason).toBe('defines x used by step 2');
    expect(s.kept[2].reason).toMatch(/^the last run of its cell/);
    expect(drops(s)).toEqual([
      [4, 'display', 'only shows output: binds no name and writes no file']
    ]);
  });
});

describe('sliceRun: bad input', () => {
  it('refuses a session with no successful execution', () => {
    const error = exportError(() =>
      slice([
        {
          status: 'error',
          error: { ename: 'ImportError', evalue: 'no torch' }
        },
        { status: 'aborted' }
      ])
    );
    expect(error.code).toBe('no-success');
    expect(error.message).toBe(
      'None of the 2 executions up to step 2 succeeded: nothing produced a result to export.'
    );
    expect(exportError(() => slice([])).code).toBe('no-success');
  });

  it('refuses a file or metric nothing produced, naming it', () => {
    const runs: Run[] = [
      { defines: ['x'], writes: ['a.csv'], metrics: { acc: 0.5 } },
      { status: 'error', writes: ['model.pkl'], metrics: { loss: 1 } }
    ];
    const file = exportError(() =>
      slice(runs, { kind: 'file', path: 'model.pkl' })
    );
    expect(file.code).toBe('target-not-produced');
    expect(file.message).toBe(
      'No successful step up to step 2 wrote model.pkl (step 2 did, but failed).'
    );
    const metric = exportError(() =>
      slice(runs, { kind: 'metric', name: 'f1' })
    );
    expect(metric.code).toBe('target-not-produced');
    expect(metric.message).toBe(
      'No successful step up to step 2 logged metric f1.'
    );
    expect(
      exportError(() => slice(runs, { kind: 'file', path: ' ' })).code
    ).toBe('bad-target');
  });

  it('refuses a target whose producer does not parse', () => {
    const error = exportError(() =>
      slice(
        [
          {
            syntaxError: 'SyntaxError: unexpected EOF (line 3)',
            metrics: { acc: 1 }
          }
        ],
        { kind: 'metric', name: 'acc' }
      )
    );
    expect(error.code).toBe('target-unparsable');
    expect(error.message).toBe(
      'Step 1, which logged metric acc, cannot be exported: SyntaxError: unexpected EOF (line 3).'
    );
  });

  it('refuses a session whose only results come from unparsable steps', () => {
    const error = exportError(() =>
      slice([
        { syntaxError: 'SyntaxError: x', writes: ['a'] },
        { effects: 'display' }
      ])
    );
    expect(error.code).toBe('nothing-to-export');
    expect(error.message).toBe(
      'No step that produced a result can be exported: step 1 does not parse.'
    );
  });
});

describe('sliceRun on a long session', () => {
  it('slices 10,000 executions, each using the one before, in well under two seconds (an index, not a scan of the run per kept step)', () => {
    const runs: Run[] = Array.from({ length: 10_000 }, (_, i) => ({
      cell: `c${i % 50}`,
      defines: [`v${i}`],
      uses: i ? [`v${i - 1}`] : [],
      reads: i % 10 === 1 ? [`f${i - 1}.csv`] : [],
      writes: i % 10 === 0 ? [`f${i}.csv`] : []
    }));
    runs.push({ cell: 'end', uses: ['v9999'], metrics: { done: 1 } });
    const { executions, facts } = recorded(runs);
    // Warmed up on a tenth, so what is timed is the rule, not the JIT.
    sliceRun(executions.slice(0, 1000), facts, { kind: 'session' });
    // CPU time, not wall time (see export-slice-side-effects).
    const started = process.cpuUsage();
    const s = sliceRun(executions, facts, { kind: 'metric', name: 'done' });
    const { user, system } = process.cpuUsage(started);
    const elapsed = (user + system) / 1000;
    expect(s.kept).toHaveLength(10_001);
    expect(s.kept[0].reason).toBe(
      'defines v0 used by step 2; writes f0.csv read by step 2'
    );
    expect(s.outputs).toHaveLength(1000);
    expect(elapsed).toBeLessThan(2000);
  });
});

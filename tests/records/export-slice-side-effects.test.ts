/**
 * The side-effect rule of the slice (#15 F1): a step that seeds a random
 * generator, changes the working folder, makes a folder, sets environment
 * variables or global settings before the last kept step is kept, with the
 * reason said; after it, or redone by the same cell before anything kept
 * ran, it is dropped.
 */
import type { SideEffect } from '../../src/records/export/facts';
import { sliceRun, type Slice } from '../../src/records/export/slice';
import { recorded, type Run } from './export-fixture';

function slice(
  runs: Run[],
  target: Slice['target'] = { kind: 'session' }
): Slice {
  const { executions, facts } = recorded(runs);
  return sliceRun(executions, facts, target);
}
const keptSteps = (s: Slice) => s.kept.map(k => k.step);
const reasonOf = (s: Slice, step: number) =>
  s.kept.find(k => k.step === step)?.reason;
const dropOf = (s: Slice, step: number) => {
  const d = s.dropped.find(x => x.step === step);
  return d && [d.reason, d.detail];
};

const seed: SideEffect = { kind: 'seed', call: 'np.random.seed', line: 1 };
const imports: Run = { cell: 'imports', defines: ['np', 'train_test_split'] };
// np.random.seed(7): the receiver np counts as changed (a define).
const seeding: Run = {
  cell: 'seed',
  defines: ['np'],
  uses: ['np'],
  sideEffects: [seed]
};
const load: Run = { cell: 'load', defines: ['X', 'y'], uses: ['np'] };
// train_test_split(X, y): draws from numpy's global generator, names no np.
const split: Run = {
  cell: 'split',
  defines: ['X_train', 'y_train'],
  uses: ['train_test_split', 'X', 'y'],
  metrics: { n_train: 75 }
};

describe('sliceRun: side effects on the process', () => {
  it('keeps a seed set in its own cell before a step that draws without naming numpy, saying why', () => {
    // The seed cell comes after load, so nothing the split uses is bound by it.
    const s = slice([imports, load, seeding, split]);
    expect(keptSteps(s)).toEqual([1, 2, 3, 4]);
    expect(reasonOf(s, 3)).toBe(
      'sets the random seed (np.random.seed) that later steps draw from'
    );
    expect(s.dropped).toEqual([]);
  });

  it('the side-effect step keeps what it reads (the seed value from a params cell)', () => {
    const s = slice([
      imports,
      { cell: 'params', defines: ['SEED'] },
      load,
      { ...seeding, uses: ['np', 'SEED'] },
      split
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 3, 4, 5]);
    expect(reasonOf(s, 2)).toBe('defines SEED used by step 4');
  });

  it('drops a seed set after the last kept step, saying so', () => {
    const s = slice([imports, load, split, seeding]);
    expect(keptSteps(s)).toEqual([1, 2, 3]);
    expect(dropOf(s, 4)).toEqual([
      'unused',
      'sets the random seed (np.random.seed) after the last kept step (step 3)'
    ]);
  });

  it('drops a seed cell run twice as superseded when nothing kept ran in between, keeps it when something did', () => {
    // from numpy.random import seed; seed(7): changes no name, so the
    // second run does not keep the first through a name (np.random.seed(7)
    // would: both "change" np, and the second reads it).
    const imports = {
      cell: 'imports',
      defines: ['np', 'seed', 'train_test_split']
    };
    const seeding: Run = {
      cell: 'seed',
      uses: ['seed'],
      sideEffects: [{ kind: 'seed', call: 'seed', line: 1 }]
    };
    const twice = slice([imports, load, seeding, seeding, split]);
    expect(keptSteps(twice)).toEqual([1, 2, 4, 5]);
    expect(dropOf(twice, 3)).toEqual([
      'superseded',
      'superseded by step 4 (the same cell run again)'
    ]);
    // Three runs: the first two are both replaced by the last.
    const thrice = slice([imports, load, seeding, seeding, seeding, split]);
    expect(keptSteps(thrice)).toEqual([1, 2, 5, 6]);
    expect(dropOf(thrice, 3)).toEqual([
      'superseded',
      'superseded by step 4 (the same cell run again, itself dropped)'
    ]);
    // A kept step drew between the two seeds: both matter.
    const between = slice([
      imports,
      load,
      seeding,
      { ...split, metrics: { first: 1 } },
      seeding,
      { ...split, cell: 'split-2', metrics: { second: 2 } }
    ]);
    expect(keptSteps(between)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a re-run that set another seed does not supersede the first', () => {
    const other: SideEffect = { kind: 'seed', call: 'random.seed', line: 1 };
    const s = slice([
      imports,
      load,
      seeding,
      { ...seeding, defines: [], uses: [], sideEffects: [other] },
      split
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps a folder made before a kept step writes into it, naming the writer; drops one nothing writes into', () => {
    const makedirs = (path: string): Run => ({
      cell: `mkdir-${path}`,
      defines: ['os'],
      uses: ['os'],
      sideEffects: [{ kind: 'filesystem', call: 'os.makedirs', line: 1, path }]
    });
    const s = slice([
      { cell: 'imports', defines: ['os', 'pd'] },
      makedirs('out/models'),
      makedirs('scratch'),
      { cell: 'load', defines: ['df'], uses: ['pd'] },
      { cell: 'save', uses: ['df'], writes: ['out/models/model.csv'] }
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 4, 5]);
    expect(reasonOf(s, 2)).toBe(
      'creates the folder out/models/ that step 5 writes into'
    );
    expect(dropOf(s, 3)).toEqual([
      'unused',
      'creates the folder scratch/, which no kept step writes into'
    ]);
  });

  it('keeps a folder made with a path it cannot read, or made after the working folder changed', () => {
    const unnamed = slice([
      { cell: 'imports', defines: ['os'] },
      {
        cell: 'mkdir',
        uses: ['os', 'root'],
        sideEffects: [{ kind: 'filesystem', call: 'os.makedirs', line: 1 }]
      },
      { cell: 'save', writes: ['elsewhere/x.csv'] }
    ]);
    expect(keptSteps(unnamed)).toEqual([1, 2, 3]);
    expect(reasonOf(unnamed, 2)).toBe(
      'creates a folder (os.makedirs) later steps may write into'
    );
    const moved = slice([
      { cell: 'imports', defines: ['os'] },
      {
        cell: 'cd',
        uses: ['os'],
        sideEffects: [{ kind: 'cwd', call: 'os.chdir', line: 1, path: 'runs' }]
      },
      {
        cell: 'mkdir',
        uses: ['os'],
        sideEffects: [
          { kind: 'filesystem', call: 'os.makedirs', line: 1, path: 'out' }
        ]
      },
      // Written as out/x.csv in the new folder: captured as runs/out/x.csv.
      { cell: 'save', writes: ['runs/out/x.csv'] }
    ]);
    expect(keptSteps(moved)).toEqual([1, 2, 3, 4]);
    expect(reasonOf(moved, 2)).toBe(
      'changes the working folder to runs (os.chdir) for later steps'
    );
  });

  it('says each kind of side effect of a step kept for other reasons too', () => {
    const s = slice([
      {
        cell: 'setup',
        defines: ['np', 'pd'],
        sideEffects: [
          seed,
          { kind: 'seed', call: 'random.seed', line: 2 },
          { kind: 'environment', call: "os.environ['MODE']", line: 3 },
          { kind: 'settings', call: 'pd.set_option', line: 4 }
        ]
      },
      { cell: 'use', uses: ['np', 'pd'], metrics: { m: 1 } }
    ]);
    expect(reasonOf(s, 1)).toBe(
      'sets the random seed (np.random.seed and random.seed) that later steps draw from; ' +
        "sets environment variables (os.environ['MODE']) later steps may read; " +
        'changes global settings (pd.set_option) later steps run under; ' +
        'defines np and pd used by step 2'
    );
  });

  it('applies to a metric target: the seed before its producer is kept, a later one is not', () => {
    const s = slice(
      [
        imports,
        load,
        seeding,
        split,
        { ...seeding, cell: 'seed-2' },
        { cell: 'other', uses: ['np'], metrics: { other: 1 } }
      ],
      { kind: 'metric', name: 'n_train' }
    );
    expect(keptSteps(s)).toEqual([1, 2, 3, 4]);
  });

  it('never keeps a failed or unparsable step for its side effects', () => {
    const s = slice([
      imports,
      load,
      { ...seeding, status: 'error' },
      { ...seeding, cell: 'seed-2', syntaxError: 'SyntaxError: x (line 1)' },
      split
    ]);
    expect(keptSteps(s)).toEqual([1, 2, 5]);
    expect(dropOf(s, 3)?.[0]).toBe('failed');
    expect(dropOf(s, 4)?.[0]).toBe('unparsable');
  });
});

describe('sliceRun: side effects on a long session', () => {
  it('slices 10,000 executions, a seed cell re-run before every draw, in well under two seconds', () => {
    const runs: Run[] = [{ cell: 'imports', defines: ['seed', 'draw', 'x0'] }];
    for (let i = 1; i <= 5000; i++) {
      runs.push({
        cell: 'seed',
        uses: ['seed'],
        sideEffects: [{ kind: 'seed', call: 'seed', line: 1 }]
      });
      // Each draw reads the one before; the last logs the result.
      runs.push({
        cell: `draw-${i}`,
        defines: [`x${i}`],
        uses: ['draw', `x${i - 1}`],
        ...(i === 5000 ? { metrics: { m: 1 } } : {})
      });
    }
    const { executions, facts } = recorded(runs);
    // CPU time, not wall time: other processes on a loaded machine do not
    // count, a slicer gone quadratic does.
    const started = process.cpuUsage();
    const s = sliceRun(executions, facts, { kind: 'session' });
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(2000);
    // Every seed is followed by a kept draw: each one matters.
    expect(s.kept).toHaveLength(10001);
  });
});

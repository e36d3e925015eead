/**
 * The params and metrics of a slice (#15): the last value of each over the
 * kept steps only, which params a pipeline can take as `--name value`, and
 * where their literal is rewritten to PARAMS["name"].
 */
import { resultsOf } from '../../src/records/export/params';
import { sliceRun } from '../../src/records/export/slice';
import { recorded, type Run } from './export-fixture';

function results(
  runs: Run[],
  target: Parameters<typeof sliceRun>[2] = { kind: 'session' }
) {
  const { executions, facts } = recorded(runs);
  const slice = sliceRun(executions, facts, target);
  return { slice, ...resultsOf(slice, executions, facts) };
}

describe('resultsOf', () => {
  it('gives the last value of each param and metric over the kept steps', () => {
    const r = results([
      {
        cell: 'a',
        defines: ['lr'],
        params: { lr: 0.1, seed: 1 },
        paramTargets: { lr: 'lr' }
      },
      { cell: 'b', uses: ['lr'], metrics: { loss: [0.9, 0.5, 0.4] } },
      {
        cell: 'a',
        defines: ['lr'],
        params: { lr: 0.01 },
        paramTargets: { lr: 'lr' }
      },
      // Another cell: a re-run of b would have redone (superseded) step 2.
      { cell: 'c', uses: ['lr'], metrics: { loss: [0.8, 0.3], acc: 0.7 } }
    ]);
    expect(r.params).toEqual([
      {
        name: 'seed',
        value: 1,
        step: 1,
        executionId: 'exec-1',
        overridable: false,
        note: 'logged from an expression, not from a name bound to a literal in its cell'
      },
      {
        name: 'lr',
        value: 0.01,
        step: 3,
        executionId: 'exec-3',
        target: 'lr',
        overridable: true
      }
    ]);
    expect(r.metrics).toEqual([
      { name: 'loss', value: 0.3, step: 4, executionId: 'exec-4', points: 5 },
      { name: 'acc', value: 0.7, step: 4, executionId: 'exec-4', points: 1 }
    ]);
  });

  it('rewrites a param only where the step logged its final value, so the defaults reproduce the run', () => {
    const r = results([
      {
        cell: 'a',
        defines: ['lr'],
        params: { lr: 0.1 },
        paramTargets: { lr: 'lr' }
      },
      { cell: 'b', uses: ['lr'], metrics: { loss: 0.5 } },
      {
        cell: 'c',
        defines: ['lr', 'epochs'],
        params: { lr: 0.01, epochs: 5 },
        paramTargets: { lr: 'lr', epochs: 'n_epochs' }
      },
      { cell: 'b', uses: ['lr'], metrics: { loss: 0.2 } }
    ]);
    expect(r.rewrites).toEqual(
      new Map([['exec-3', { lr: 'lr', epochs: 'n_epochs' }]])
    );
  });

  it('ignores what dropped steps logged', () => {
    const r = results(
      [
        {
          cell: 'a',
          defines: ['x'],
          params: { x: 1 },
          paramTargets: { x: 'x' }
        },
        {
          cell: 'b',
          status: 'error',
          params: { x: 5 },
          metrics: { acc: 0.99 }
        },
        { cell: 'c', defines: ['n'], params: { n: 3 }, metrics: { acc: 0.1 } },
        { cell: 'd', uses: ['x'], metrics: { acc: 0.5 } }
      ],
      { kind: 'metric', name: 'acc' }
    );
    expect(r.slice.kept.map(k => k.step)).toEqual([1, 4]);
    expect(r.params.map(p => [p.name, p.value])).toEqual([['x', 1]]);
    expect(r.metrics).toEqual([
      { name: 'acc', value: 0.5, step: 4, executionId: 'exec-4', points: 1 }
    ]);
    expect(r.rewrites).toEqual(new Map([['exec-1', { x: 'x' }]]));
  });

  it('does not offer a param logged as None for override', () => {
    const r = results([
      {
        cell: 'a',
        defines: ['limit'],
        params: { limit: null },
        paramTargets: { limit: 'limit' }
      }
    ]);
    expect(r.params[0]).toMatchObject({
      name: 'limit',
      value: null,
      target: 'limit',
      overridable: false,
      note: 'logged as None: no type to read an override with'
    });
    expect(r.rewrites.size).toBe(0);
  });
});

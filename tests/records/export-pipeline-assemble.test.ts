/**
 * pipelineSpecOf: the spec the writer gets from the slicing rule's answer,
 * the params and metrics of the kept steps, and the analysis's facts.
 */
import { resultsOf } from '../../src/records/export/params';
import {
  buildPipeline,
  pipelineSpecOf
} from '../../src/records/export/pipeline';
import { sliceRun } from '../../src/records/export/slice';
import { recorded } from './export-fixture';
import { ENVIRONMENT, fileOf } from './export-pipeline-support';

function exported() {
  const { executions, facts, id } = recorded([
    {
      cell: 'load',
      code: 'rows = load()',
      defines: ['rows'],
      reads: ['data/train.csv']
    },
    { cell: 'peek', code: 'rows', effects: 'display' },
    {
      cell: 'fit',
      code: 'lr = 0.1\ntrail.log_param("lr", lr)\nseed = pick()\ntrail.log_param("seed", seed)\nfit(rows, lr)',
      uses: ['rows'],
      defines: ['lr', 'seed'],
      params: { lr: 0.1, seed: 7 },
      paramTargets: { lr: 'lr' },
      metrics: { mse: 0.25 },
      writes: ['model.pkl']
    }
  ]);
  const fit = facts.get(id(3))!;
  fit.imports = ['sklearn'];
  fit.translations = [
    {
      line: 6,
      magic: '%custom',
      action: 'untranslated',
      reason: 'unknown magic'
    }
  ];
  const slice = sliceRun(executions, facts, { kind: 'session' });
  const results = resultsOf(slice, executions, facts);
  const spec = pipelineSpecOf({
    source: {
      sessionId: 'session-1',
      notebookPath: 'train.ipynb',
      step: 3,
      target: slice.target
    },
    slice,
    results,
    facts,
    rewritten: new Map([
      [id(3), fit.python.replace('lr = 0.1', 'lr = PARAMS["lr"]')]
    ]),
    environment: { id: 'env-1', snapshot: ENVIRONMENT }
  });
  return { spec, id };
}

describe('pipelineSpecOf', () => {
  it('keeps the sliced steps with their rewritten code, and what was dropped', () => {
    const { spec, id } = exported();
    expect(spec.steps.map(s => [s.step, s.executionId, s.cellId])).toEqual([
      [1, id(1), 'load'],
      [3, id(3), 'fit']
    ]);
    expect(spec.steps[1].python).toContain('lr = PARAMS["lr"]');
    expect(spec.steps[0].python).toBe('rows = load()');
    expect(spec.dropped.map(d => [d.step, d.reason])).toEqual([[2, 'display']]);
    expect(spec.inputs.map(i => i.path)).toEqual(['data/train.csv']);
    expect(spec.outputs).toEqual(['model.pkl']);
    expect(spec.untranslated).toEqual([
      { step: 3, line: 6, magic: '%custom', reason: 'unknown magic' }
    ]);
  });

  it('carries the params with which ones the code reads, and the metrics', () => {
    const { spec } = exported();
    expect(spec.params).toEqual({ lr: 0.1, seed: 7 });
    expect(spec.wiredParams).toEqual(['lr']);
    expect(Object.keys(spec.paramNotes ?? {})).toEqual(['seed']);
    expect(spec.metrics).toEqual(['mse']);
    expect(spec.metricValues).toEqual({ mse: 0.25 });
  });

  it('is a spec buildPipeline writes a folder from', () => {
    const pipeline = buildPipeline(exported().spec);
    expect(fileOf(pipeline, 'requirements.txt')).toContain(
      'scikit-learn==1.5.0'
    );
    expect(fileOf(pipeline, 'dvc.yaml')).toContain('      - data/train.csv\n');
    expect(fileOf(pipeline, 'README.md')).toContain('| 2 | `peek` | display |');
    expect(fileOf(pipeline, 'README.md')).toMatch(/\| `seed` \| `7` \| no: /);
  });
});

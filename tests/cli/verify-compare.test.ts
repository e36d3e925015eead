/**
 * The comparisons of a verification (src/cli/verify-compare.ts) and what it
 * reads from a pipeline folder (verify-folder.ts): pure, no venv.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  badTolerance,
  compareFiles,
  compareMetrics,
  compareParams,
  toleranceOf
} from '../../src/cli/verify-compare';
import { inputsOfDvcYaml, notebookDirOf } from '../../src/cli/verify-folder';
import { requirementLines } from '../../src/cli/verify-venv';
import { buildPipeline } from '../../src/records/export/pipeline';
import { fileOf, sampleSpec } from '../records/export-pipeline-support';

describe('metrics', () => {
  it('are the same exactly unless a tolerance is given, per metric before the default', () => {
    const tolerance = { default: 0.5, metrics: { acc: 0 } };
    expect(toleranceOf('acc', tolerance)).toBe(0);
    expect(toleranceOf('loss', tolerance)).toBe(0.5);
    expect(toleranceOf('loss', {})).toBe(0);
    const [acc, loss] = compareMetrics(
      [
        { name: 'acc', value: 0.9 },
        { name: 'loss', value: 1 }
      ],
      { acc: 0.9000001, loss: 1.5 },
      tolerance
    );
    const [exact] = compareMetrics(
      [{ name: 'f1', value: 0.1 + 0.2 }],
      { f1: 0.3 },
      {}
    );
    expect(acc).toMatchObject({ within: false, tolerance: 0 });
    // |a - b| <= tolerance: the bound itself is within.
    expect(loss).toMatchObject({
      within: true,
      tolerance: 0.5,
      difference: 0.5
    });
    // 0.1 + 0.2 is not 0.3: exactly means exactly.
    expect(exact.within).toBe(false);
  });

  it('a metric not logged, or not a number, is not within; null (NaN, inf) matches only null', () => {
    const checks = compareMetrics(
      [
        { name: 'gone', value: 1 },
        { name: 'text', value: 1 },
        { name: 'nan', value: null },
        { name: 'became-nan', value: 2 }
      ],
      { text: '1', nan: null, 'became-nan': null },
      { default: 100 }
    );
    expect(checks.map(c => [c.name, c.reproduced, c.within])).toEqual([
      ['gone', undefined, false],
      ['text', undefined, false],
      ['nan', null, true],
      ['became-nan', null, false]
    ]);
  });

  it('a tolerance must be a finite number >= 0', () => {
    expect(badTolerance({ default: 0, metrics: { a: 1e-9 } })).toBeNull();
    expect(badTolerance({ default: -0.1 })).toBe(
      'the default tolerance must be a number >= 0, got -0.1'
    );
    expect(badTolerance({ metrics: { acc: Number.NaN } })).toBe(
      'the tolerance of acc must be a number >= 0, got NaN'
    );
  });
});

describe('files and params', () => {
  it('a file is the same only when the run wrote it with the recorded hash', () => {
    const checks = compareFiles(
      [
        { path: 'a', sha256: '1' },
        { path: 'b', sha256: '2' },
        { path: 'c', sha256: '3' }
      ],
      new Map([
        ['a', '1'],
        ['b', '9'],
        ['c', undefined]
      ])
    );
    expect(checks).toEqual([
      { path: 'a', recorded: '1', reproduced: '1', same: true, within: true },
      {
        path: 'b',
        recorded: '2',
        reproduced: '9',
        same: false,
        within: false
      },
      { path: 'c', recorded: '3', same: false, within: false }
    ]);
  });

  it('a param used is what the code logged, else what it was handed; "1" is not 1', () => {
    const checks = compareParams(
      [
        { name: 'lr', value: 0.1 },
        { name: 'epochs', value: 3 },
        { name: 'name', value: '1' },
        { name: 'seed', value: null },
        { name: 'never', value: true }
      ],
      {
        logged: { lr: 0.2, name: 1 },
        given: { lr: 0.1, epochs: 3, seed: null }
      }
    );
    expect(checks).toEqual([
      { name: 'lr', recorded: 0.1, used: 0.2, same: false },
      { name: 'epochs', recorded: 3, used: 3, same: true },
      { name: 'name', recorded: '1', used: 1, same: false },
      { name: 'seed', recorded: null, used: null, same: true },
      { name: 'never', recorded: true, same: false }
    ]);
  });
});

describe('the pipeline folder', () => {
  it("reads the notebook's folder from pipeline.py and the inputs from dvc.yaml, as the writer wrote them", () => {
    const spec = sampleSpec({
      placement: { notebookDir: '../..', pipelineDir: 'pipelines/train' },
      inputs: [
        { path: 'data/train.csv', step: 1 },
        { path: 'data/with space: yes.csv', step: 2 }
      ]
    });
    const pipeline = buildPipeline(spec);
    expect(notebookDirOf(fileOf(pipeline, 'pipeline.py'))).toBe('../..');
    expect(
      notebookDirOf(fileOf(buildPipeline(sampleSpec()), 'pipeline.py'))
    ).toBe('.');
    const folder = mkdtempSync(join(tmpdir(), 'trail-verify-folder-'));
    writeFileSync(join(folder, 'dvc.yaml'), fileOf(pipeline, 'dvc.yaml'));
    expect(inputsOfDvcYaml(join(folder, 'dvc.yaml')).map(i => i.path)).toEqual([
      'data/train.csv',
      'data/with space: yes.csv'
    ]);
    expect(inputsOfDvcYaml(join(folder, 'none.yaml'))).toEqual([]);
  });

  it('counts the requirement lines pip is given (not the constraints, not comments)', () => {
    expect(
      requirementLines(
        fileOf(
          buildPipeline(
            sampleSpec({
              environment: undefined,
              steps: [],
              pipRequirements: []
            })
          ),
          'requirements.txt'
        )
      )
    ).toEqual([]);
    expect(
      requirementLines(fileOf(buildPipeline(sampleSpec()), 'requirements.txt'))
    ).toContain('xgboost==2.0.3');
  });
});

/**
 * What an export says a run of its pipeline should reproduce (#15 contract
 * A's `expected`), and where its folder goes (the default, a folder the
 * user names, one that would leave the notebook's folder).
 */
import { expectedOf } from '../../src/records/export/expected';
import {
  defaultExportFolder,
  exportFolderProblem,
  normaliseExportFolder,
  placementOf
} from '../../src/records/export/folder';
import { resultsOf } from '../../src/records/export/params';
import { sliceRun } from '../../src/records/export/slice';
import type { FileAccess } from '../../src/records/schema';
import { recorded, type Run } from './export-fixture';

const write = (path: string, sha256?: string): FileAccess => ({
  path,
  access: 'write',
  kind: 'file',
  ...(sha256 ? { sha256 } : {})
});

function expected(runs: Run[], target: Parameters<typeof sliceRun>[2]) {
  const { executions, facts } = recorded(runs);
  const slice = sliceRun(executions, facts, target);
  const kept = new Set(slice.kept.map(k => k.executionId));
  return expectedOf(
    executions.filter(e => kept.has(e.id)).reverse(),
    slice.outputs,
    resultsOf(slice, executions, facts)
  );
}

describe('expectedOf', () => {
  it('gives each output’s hash as the last kept write recorded it, the last metric values and the params', () => {
    const e = expected(
      [
        {
          cell: 'a',
          defines: ['lr'],
          params: { lr: 0.1 },
          files: [write('model.pkl', '1'.repeat(64))]
        },
        {
          cell: 'b',
          uses: ['lr'],
          metrics: { loss: [0.9, 0.4] },
          files: [write('./model.pkl', '2'.repeat(64)), write('plot.png')]
        }
      ],
      { kind: 'session' }
    );
    expect(e.files).toEqual([{ path: 'model.pkl', sha256: '2'.repeat(64) }]);
    expect(e.metrics).toEqual([{ name: 'loss', value: 0.4 }]);
    expect(e.params).toEqual([{ name: 'lr', value: 0.1 }]);
  });

  it('leaves out a file whose last write recorded no hash, and the outputs of dropped steps', () => {
    const e = expected(
      [
        { cell: 'a', defines: ['x'], files: [write('a.csv', '3'.repeat(64))] },
        { cell: 'b', uses: ['x'], files: [write('a.csv')] },
        { cell: 'c', files: [write('other.csv', '4'.repeat(64))] }
      ],
      { kind: 'file', path: 'a.csv' }
    );
    expect(e.files).toEqual([]);
    expect(e.metrics).toEqual([]);
  });
});

describe('the export folder', () => {
  it('defaults to pipelines/<notebook stem>-<UTC day>', () => {
    const day = new Date('2026-12-06T23:30:00.000Z');
    expect(defaultExportFolder('team/alice/Train Model.ipynb', day)).toBe(
      'pipelines/Train Model-2026-12-06'
    );
    expect(defaultExportFolder('C:\\work\\fit.IPYNB', day)).toBe(
      'pipelines/fit-2026-12-06'
    );
  });

  it('refuses an absolute folder, one with a .. segment, or none', () => {
    expect(exportFolderProblem('/srv/out')).toMatch(/not absolute/);
    expect(exportFolderProblem('C:/out')).toMatch(/not absolute/);
    expect(exportFolderProblem('pipelines/../../up')).toMatch(/\.\. segment/);
    expect(exportFolderProblem('./.')).toMatch(/name a folder/);
    expect(exportFolderProblem('pipelines/..x/ok')).toBeNull();
  });

  it('is normalised, and the pipeline reaches the notebook’s folder back from it', () => {
    const folder = normaliseExportFolder('./pipelines\\fit//');
    expect(folder).toBe('pipelines/fit');
    expect(placementOf(folder)).toEqual({
      notebookDir: '../..',
      pipelineDir: 'pipelines/fit'
    });
    expect(placementOf('out')).toEqual({
      notebookDir: '..',
      pipelineDir: 'out'
    });
  });
});

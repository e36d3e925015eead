/**
 * What `trail export` prints of an export: here, that inputs read by an
 * absolute path are named, since the pipeline finds them only where they
 * were (the rest of the report is checked end to end in export-cli).
 */
import { exportLines } from '../../src/cli/export-report';
import { sampleResult } from '../frontend/export-support';

const options = { dir: '/home/me/work/pipelines/train', cwd: '/home/me/work' };

describe('exportLines', () => {
  it('names the inputs read by an absolute path, after the inputs', () => {
    const result = sampleResult();
    result.inputs = [
      ...result.inputs,
      { ...result.inputs[0], path: '/mnt/shared/labels.csv', step: 3 },
      { ...result.inputs[0], path: 'C:\\data\\extra.csv', step: 4 }
    ];
    const lines = exportLines(result, options);
    const at = lines.findIndex(line => line.startsWith('Inputs: '));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe(
      'Read by an absolute path: /mnt/shared/labels.csv, C:\\data\\extra.csv. ' +
        'On another machine (or in the Docker image) the pipeline finds them only at the same path.'
    );
  });

  it('says nothing of paths when every input is relative to the notebook', () => {
    const lines = exportLines(sampleResult(), options);
    expect(lines.join('\n')).not.toContain('absolute path');
  });
});

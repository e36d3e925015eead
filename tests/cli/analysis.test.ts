/**
 * The Node runner of the export's code analysis, against the real module
 * (`python -m jupyterlab_trail.analysis` in the project's Python).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnalysisError,
  analysisPython,
  analyzeCells,
  rewriteParams
} from '../../src/cli/analysis';
import { PYTHON } from './support';
import { ROOT } from '../server/support/process';

describe('analyzeCells', () => {
  it('answers the facts of each cell in order, magics translated', async () => {
    const facts = await analyzeCells(
      PYTHON,
      [
        { id: 'e1', code: '%pip install pandas==2.2.2\nimport pandas as pd\n' },
        {
          id: 'e2',
          code: "lr = 0.1\ndf = pd.read_csv('train.csv')\ntrail.log_param('lr', lr)\n"
        },
        { id: 'e3', code: 'df.head()\n' },
        { id: 'e4', code: '!ls data\nx = (1,\n' }
      ],
      ['lr']
    );
    expect(facts.map(f => f.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(facts[0]).toMatchObject({
      ok: true,
      defines: ['pd'],
      imports: ['pandas'],
      requirements: ['pandas==2.2.2'],
      translations: [
        {
          line: 1,
          magic: '%pip install pandas==2.2.2',
          action: 'requirement'
        }
      ]
    });
    expect(facts[1]).toMatchObject({
      defines: ['lr', 'df'],
      uses: ['pd', 'trail'],
      effects: 'state',
      params: [{ name: 'lr', target: 'lr' }]
    });
    expect(facts[2]).toMatchObject({ effects: 'display', uses: ['df'] });
    expect(facts[3].ok).toBe(false);
    expect(facts[3].error).toMatch(/^SyntaxError: .*\(line 2\)$/);
  });

  it('rewrites a param literal and keeps the rest of the code', async () => {
    const code = "lr = 0.1  # rate\ntrail.log_param('lr', lr)\n";
    expect(await rewriteParams(PYTHON, code, { lr: 'lr' })).toBe(
      'lr = PARAMS["lr"]  # rate\ntrail.log_param(\'lr\', lr)\n'
    );
  });

  it('says precisely when the Python cannot be run or has no Trail', async () => {
    const missing = analyzeCells(join(ROOT, 'no-such-python'), [
      { id: 'a', code: 'x = 1' }
    ]);
    await expect(missing).rejects.toBeInstanceOf(AnalysisError);
    await expect(missing).rejects.toMatchObject({ code: 'no-python' });
    // A Python without the package (the system's, outside the checkout).
    const bare = analyzeCells(
      '/usr/bin/python3',
      [{ id: 'a', code: 'x' }],
      [],
      {
        cwd: tmpdir(),
        env: { ...process.env, PYTHONPATH: '' }
      }
    );
    await expect(bare).rejects.toMatchObject({
      code: 'no-python',
      message:
        '/usr/bin/python3 has no jupyterlab-trail; set TRAIL_PYTHON to the Python that has it'
    });
  });

  it('names TRAIL_PYTHON, else python3', () => {
    expect(analysisPython({ TRAIL_PYTHON: ' /opt/py/bin/python ' })).toBe(
      '/opt/py/bin/python'
    );
    expect(analysisPython({})).toBe('python3');
  });
});

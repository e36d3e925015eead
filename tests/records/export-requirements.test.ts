/**
 * `%pip install` requirements merged over a run (#15): one per package
 * (named as PEP 503 normalises it), the last one installed, at the place
 * the package first appeared; URLs, paths and options kept as written.
 */
import {
  mergeRequirements,
  requirementKey
} from '../../src/records/export/requirements';

describe('requirementKey', () => {
  it.each([
    ['scikit-learn==1.5.0', 'scikit-learn'],
    ['Scikit_Learn', 'scikit-learn'],
    ['zope.interface>=6', 'zope-interface'],
    ['pandas[parquet] >= 2.1', 'pandas'],
    ['requests ; python_version < "3.13"', 'requests'],
    ['torch @ https://example.org/torch.whl', 'torch'],
    [
      'git+https://github.com/org/pkg.git',
      'git+https://github.com/org/pkg.git'
    ],
    ['-r requirements.txt', '-r requirements.txt'],
    ['./libs/mine', './libs/mine']
  ])('%s is %s', (requirement, key) => {
    expect(requirementKey(requirement)).toBe(key);
  });
});

describe('mergeRequirements', () => {
  it('keeps the last install of a package at its first place, and drops blanks', () => {
    expect(
      mergeRequirements([
        'numpy',
        'pandas==2.0',
        ' ',
        'matplotlib',
        'Pandas==2.2.1',
        'numpy<2'
      ])
    ).toEqual(['numpy<2', 'Pandas==2.2.1', 'matplotlib']);
  });
});

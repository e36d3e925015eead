/**
 * How two environment snapshots differ: packages by their normalized name,
 * then the fields a person would check.
 */
import {
  diffEnvironments,
  ENVIRONMENT_FIELDS,
  packageKey
} from '../../src/records/environment';
import { env } from './environment-fixture';

describe('diffEnvironments', () => {
  it('matches package names across spellings', () => {
    const a = env([['Scikit_Learn', '1.0']]);
    const b = env([['scikit-learn', '1.1']]);
    expect(diffEnvironments(a, b).changed).toEqual([
      { name: 'scikit-learn', before: '1.0', after: '1.1' }
    ]);
  });

  it('lists added, removed and changed packages by name, then the fields that differ', () => {
    const before = env([
      ['pandas', '3.1.0'],
      ['scipy', '1.0'],
      ['numpy', '2.4.5']
    ]);
    const after = env(
      [
        ['pyarrow', '26.0.1'],
        ['pandas', '3.1.1'],
        ['numpy', '2.4.5'],
        ['polars', '1.0.0']
      ],
      {
        language: { name: 'python', version: '3.12.1' },
        git: { commit: null, branch: 'main', dirty: false }
      }
    );
    expect(diffEnvironments(before, after)).toEqual({
      added: [
        { name: 'polars', version: '1.0.0' },
        { name: 'pyarrow', version: '26.0.1' }
      ],
      removed: [{ name: 'scipy', version: '1.0' }],
      changed: [{ name: 'pandas', before: '3.1.0', after: '3.1.1' }],
      fields: [
        { label: 'Language', before: 'python 3.11.7', after: 'python 3.12.1' },
        { label: 'Implementation', before: 'CPython', after: '' },
        {
          label: 'Git commit',
          before: '0123456789abcdef0123456789abcdef01234567',
          after: ''
        },
        { label: 'Uncommitted changes', before: 'yes', after: 'no' }
      ]
    });
    const same = env([['numpy', '2.4.5']]);
    expect(diffEnvironments(same, env([['NumPy', '2.4.5']]))).toEqual({
      added: [],
      removed: [],
      changed: [],
      fields: []
    });
  });

  it('normalizes package names as package indexes do', () => {
    expect(packageKey('Scikit_Learn')).toBe('scikit-learn');
    expect(packageKey('zope.interface')).toBe('zope-interface');
    expect(packageKey('a-_.b')).toBe('a-b');
    expect(ENVIRONMENT_FIELDS.map(([label]) => label)).toContain('CPU');
  });
});

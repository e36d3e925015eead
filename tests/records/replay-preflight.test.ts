/**
 * The preflight of a replay: its inputs (read by steps 1..k, not written
 * by an earlier step), packages compared as pip orders versions, files by
 * hash and table columns, and the one pip line to match.
 */
import { inputsOf } from '../../src/records/replay/inputs';
import { preflight } from '../../src/records/replay/preflight';
import { compareVersions } from '../../src/records/replay/versions';
import type { EnvironmentSnapshot, FileAccess } from '../../src/records/schema';

const SHA = (c: string) => c.repeat(64);

function step(seq: number, files: FileAccess[]) {
  return { seq, capture: { files } };
}
const read = (
  path: string,
  sha256: string | null,
  extra: Partial<FileAccess> = {}
): FileAccess => ({
  path,
  access: 'read',
  kind: 'file',
  sha256,
  ...extra
});
const write = (path: string): FileAccess => ({
  path,
  access: 'write',
  kind: 'file',
  sha256: SHA('f')
});

const HOUSES_SCHEMA = {
  format: 'csv' as const,
  columns: [
    { name: 'price', type: 'int64' },
    { name: 'city', type: 'object' },
    { name: 'rooms', type: 'int64' }
  ],
  rows: null
};

function environment(
  python: string,
  packages: [string, string][]
): EnvironmentSnapshot {
  return {
    capturedAt: '2026-11-02T09:15:00.000Z',
    language: { name: 'python', version: python },
    platform: { system: 'Linux' },
    packages: packages.map(([name, version]) => ({ name, version }))
  };
}

describe('inputsOf', () => {
  const executions = [
    // Out of seq order on purpose: steps follow seq.
    step(3, [
      read('clean.parquet', SHA('c')),
      read('data/houses.csv', SHA('b'))
    ]),
    step(1, [
      read('data/houses.csv', SHA('a'), { size: 1200, schema: HOUSES_SCHEMA })
    ]),
    step(2, [
      read('data/houses.csv', SHA('a')),
      write('clean.parquet'),
      read('lookup.json', null, { hashPending: true })
    ]),
    step(4, [
      {
        path: 'notes.txt',
        access: 'readwrite',
        kind: 'file',
        sha256: SHA('d')
      },
      read('late.csv', SHA('e'))
    ])
  ];

  it('keeps the first read of each file, with its hash, size and schema, and the step that read it', () => {
    expect(inputsOf(executions, 4)).toEqual([
      {
        path: 'data/houses.csv',
        sha256: SHA('a'),
        size: 1200,
        table: HOUSES_SCHEMA,
        step: 1,
        kind: 'file'
      },
      { path: 'lookup.json', step: 2, kind: 'file' },
      { path: 'notes.txt', sha256: SHA('d'), step: 4, kind: 'file' },
      { path: 'late.csv', sha256: SHA('e'), step: 4, kind: 'file' }
    ]);
  });

  it('leaves out a file an earlier step wrote, and steps past upto', () => {
    const inputs = inputsOf(executions, 3);
    expect(inputs.map(i => i.path)).toEqual(['data/houses.csv', 'lookup.json']);
    expect(inputsOf(executions, 0)).toEqual([]);
    expect(inputsOf([], 5)).toEqual([]);
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.10.0', '1.9.3', 1],
    ['2.0', '2.0.0', 0],
    ['2.1.0rc1', '2.1.0', -1],
    ['2.1.0a2', '2.1.0b1', -1],
    ['2.1.0.dev3', '2.1.0a1', -1],
    ['2.1.0.post1', '2.1.0', 1],
    ['1!0.1', '9.9', 1],
    ['2.3.0+cpu', '2.3.0', 1],
    ['1.26.4', '1.26.4', 0],
    ['0.24.1', '0.24.10', -1],
    ['2024.1', '2023.12.1', 1],
    ['1.0-beta-legacy_x', '1.0-beta-legacy_y', -1]
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });
});

describe('preflight', () => {
  const recordedEnvironment = environment('3.11.9', [
    ['numpy', '1.26.4'],
    ['pandas', '2.2.2'],
    ['scikit-learn', '1.5.0'],
    ['jupyterlab_trail', '0.1.0'],
    ['matplotlib', '3.9.0']
  ]);
  const inputs = [
    {
      path: 'data/houses.csv',
      sha256: SHA('a'),
      size: 1200,
      table: HOUSES_SCHEMA,
      step: 1
    },
    { path: 'data/cities.csv', sha256: SHA('b'), step: 2 },
    { path: 'lookup.json', step: 3 },
    { path: 'weights.bin', size: 10, step: 4 }
  ];

  it('is ready when everything matches', () => {
    const report = preflight(
      { environment: recordedEnvironment, inputs: inputs.slice(0, 2) },
      {
        environment: environment('3.11.9', [
          ['NumPy', '1.26.4'],
          ['pandas', '2.2.2.0'],
          ['scikit_learn', '1.5.0'],
          ['jupyterlab-trail', '0.1.0'],
          ['matplotlib', '3.9.0'],
          ['extra-package', '1.0']
        ]),
        files: [
          {
            path: 'data/houses.csv',
            exists: true,
            sha256: SHA('a'),
            size: 1200,
            table: HOUSES_SCHEMA
          },
          { path: 'data/cities.csv', exists: true, sha256: SHA('b') }
        ]
      }
    );
    expect(report).toEqual({
      python: { recorded: '3.11.9', target: '3.11.9', same: true },
      packages: { missing: [], older: [], newer: [], same: 5 },
      pipInstall: null,
      files: [
        {
          path: 'data/houses.csv',
          step: 1,
          state: 'same',
          columns: { added: [], removed: [], retyped: [] }
        },
        { path: 'data/cities.csv', step: 2, state: 'same' }
      ],
      ready: true
    });
  });

  it('reports packages, files and columns that differ, with one pip line to match', () => {
    const report = preflight(
      { environment: recordedEnvironment, inputs },
      {
        environment: environment('3.12.1', [
          ['numpy', '2.0.1'],
          ['pandas', '2.1.4'],
          ['jupyterlab_trail', '0.2.0'],
          ['matplotlib', '3.9.0']
        ]),
        files: [
          {
            path: 'data/houses.csv',
            exists: true,
            sha256: SHA('9'),
            size: 1300,
            table: {
              format: 'csv',
              columns: [
                { name: 'price', type: 'float64' },
                { name: 'city', type: 'object' },
                { name: 'surface', type: 'int64' }
              ]
            }
          },
          { path: 'data/cities.csv', exists: false },
          { path: 'lookup.json', exists: true, sha256: SHA('e') },
          { path: 'weights.bin', exists: true, size: 11 }
        ]
      }
    );
    expect(report.python).toEqual({
      recorded: '3.11.9',
      target: '3.12.1',
      same: false
    });
    expect(report.packages).toEqual({
      missing: [{ name: 'scikit-learn', recorded: '1.5.0' }],
      older: [{ name: 'pandas', recorded: '2.2.2', target: '2.1.4' }],
      newer: [
        { name: 'jupyterlab_trail', recorded: '0.1.0', target: '0.2.0' },
        { name: 'numpy', recorded: '1.26.4', target: '2.0.1' }
      ],
      same: 1
    });
    // Trail itself is not on the package index.
    expect(report.pipInstall).toBe(
      'pip install numpy==1.26.4 pandas==2.2.2 scikit-learn==1.5.0'
    );
    expect(report.files).toEqual([
      {
        path: 'data/houses.csv',
        step: 1,
        state: 'changed',
        columns: {
          added: [{ name: 'surface', type: 'int64' }],
          removed: [{ name: 'rooms', type: 'int64' }],
          retyped: [{ name: 'price', recorded: 'int64', target: 'float64' }]
        }
      },
      { path: 'data/cities.csv', step: 2, state: 'missing' },
      // No recorded hash: nothing to compare.
      { path: 'lookup.json', step: 3, state: 'unknown' },
      // No hash on either side, but the sizes differ.
      { path: 'weights.bin', step: 4, state: 'changed' }
    ]);
    expect(report.ready).toBe(false);
  });

  it('is not held back by what the recording does not know', () => {
    const report = preflight(
      { inputs: [{ path: 'a.csv', step: 1 }] },
      {
        environment: environment('3.11.9', [['numpy', '2.0.1']]),
        files: [{ path: 'a.csv', exists: true }]
      }
    );
    expect(report).toEqual({
      python: { recorded: undefined, target: '3.11.9', same: true },
      packages: { missing: [], older: [], newer: [], same: 0 },
      pipInstall: null,
      files: [{ path: 'a.csv', step: 1, state: 'unknown' }],
      ready: true
    });
  });
});

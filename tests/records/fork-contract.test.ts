/**
 * The data contract of a fork (#14, contract 3): each substituted input's
 * new file against what the recording read, on CSV, TSV and Parquet schemas
 * as the kernel's tables.py writes them (int64, float64, bool, datetime,
 * string, null for CSV/TSV with rows null; Arrow's names and a row count
 * for Parquet). Messages are asserted whole: a reader sees them alone.
 */
import {
  checkContract,
  formatBytes,
  parseMapping,
  type ContractReport
} from '../../src/records/fork';
import type { InputFile } from '../../src/records/replay/inputs';
import type { TargetFile } from '../../src/records/replay/preflight';
import type { TableSchema } from '../../src/records/schema';

const SHA = (c: string) => c.repeat(64);

const CSV: TableSchema = {
  format: 'csv',
  columns: [
    { name: 'id', type: 'int64' },
    { name: 'price', type: 'int64' },
    { name: 'city', type: 'string' },
    { name: 'sold_at', type: 'datetime' }
  ],
  rows: null
};
const TSV: TableSchema = {
  format: 'tsv',
  columns: [
    { name: 'word', type: 'string' },
    { name: 'count', type: 'int64' }
  ],
  rows: null
};
const PARQUET: TableSchema = {
  format: 'parquet',
  columns: [
    { name: 'user_id', type: 'int64' },
    { name: 'score', type: 'float64' },
    { name: 'active', type: 'bool' }
  ],
  rows: 5000
};

const inputs: InputFile[] = [
  {
    path: 'data/houses.csv',
    step: 1,
    kind: 'file',
    size: 1200,
    sha256: SHA('a'),
    table: CSV
  },
  { path: 'data/words.tsv', step: 1, kind: 'file', size: 300, table: TSV },
  {
    path: 'data/users.parquet',
    step: 2,
    kind: 'file',
    size: 80_000,
    table: PARQUET
  },
  { path: 'config.json', step: 1, kind: 'file', size: 90 },
  { path: 'images', step: 3, kind: 'folder', fileCount: 40, size: 10_000 }
];

const target = (path: string, extra: Partial<TargetFile> = {}): TargetFile => ({
  path,
  exists: true,
  kind: 'file',
  ...extra
});

function only(report: ContractReport) {
  expect(report.entries).toHaveLength(1);
  return report.entries[0].problems.map(p => [p.level, p.code, p.message]);
}

describe('checkContract on tables', () => {
  it('passes a CSV with the same columns and types, with a note on its rows and size', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/houses.csv', path: '/home/bob/mine.csv' }],
      [
        target('/home/bob/mine.csv', {
          size: 2400,
          table: { ...CSV, rows: 40 }
        })
      ]
    );
    expect(report.ok).toBe(true);
    expect([report.errors, report.warnings, report.notes]).toEqual([0, 0, 1]);
    expect(only(report)).toEqual([
      [
        'note',
        'size',
        '"/home/bob/mine.csv" is 2.4 KB; "data/houses.csv" was 1.2 KB.'
      ]
    ]);
    expect(report.entries[0].columns).toEqual({
      added: [],
      removed: [],
      retyped: []
    });
    expect(report.entries[0].rows).toEqual({ recorded: null, target: 40 });
    expect(report.entries[0].size).toEqual({ recorded: 1200, target: 2400 });
    expect(report.entries[0].input?.path).toBe('data/houses.csv');
  });

  it('is an error when a CSV lacks columns, naming the file and the columns', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/houses.csv', path: 'bob.csv' }],
      [
        target('bob.csv', {
          size: 1200,
          table: {
            ...CSV,
            columns: CSV.columns.filter(
              c => c.name === 'id' || c.name === 'city'
            )
          }
        })
      ]
    );
    expect(report.ok).toBe(false);
    expect(report.errors).toBe(1);
    const problem = report.entries[0].problems[0];
    expect(problem).toEqual({
      level: 'error',
      code: 'missing-columns',
      message:
        '"bob.csv" (for "data/houses.csv") lacks 2 columns the recording read: "price", "sold_at". The code would break.',
      columns: ['price', 'sold_at']
    });
  });

  it('warns on type changes naming the columns, and notes extra columns (TSV)', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/words.tsv', path: 'mine/words.tsv' }],
      [
        target('mine/words.tsv', {
          size: 300,
          table: {
            format: 'tsv',
            columns: [
              { name: 'word', type: 'string' },
              { name: 'count', type: 'float64' },
              { name: 'lang', type: 'string' }
            ],
            rows: 12
          }
        })
      ]
    );
    expect(report.ok).toBe(true);
    expect(only(report)).toEqual([
      [
        'warning',
        'retyped',
        'In "mine/words.tsv" (for "data/words.tsv") 1 column changed type: "count" int64 → float64. Results may differ.'
      ],
      [
        'note',
        'extra-columns',
        '"mine/words.tsv" (for "data/words.tsv") has 1 extra column the recording did not have: "lang".'
      ]
    ]);
    expect(report.entries[0].problems.map(p => p.columns)).toEqual([
      ['count'],
      ['lang']
    ]);
    expect(report.entries[0].columns).toEqual({
      added: [{ name: 'lang', type: 'string' }],
      removed: [],
      retyped: [{ name: 'count', recorded: 'int64', target: 'float64' }]
    });
  });

  it('compares Parquet schemas: missing, retyped and extra columns, and the row count', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/users.parquet', path: 'users-2025.parquet' }],
      [
        target('users-2025.parquet', {
          size: 80_000,
          table: {
            format: 'parquet',
            columns: [
              { name: 'user_id', type: 'string' },
              { name: 'score', type: 'float64' },
              { name: 'country', type: 'string' }
            ],
            rows: 12_500
          }
        })
      ]
    );
    expect([report.errors, report.warnings, report.notes]).toEqual([1, 1, 2]);
    expect(only(report)).toEqual([
      [
        'error',
        'missing-columns',
        '"users-2025.parquet" (for "data/users.parquet") lacks 1 column the recording read: "active". The code would break.'
      ],
      [
        'warning',
        'retyped',
        'In "users-2025.parquet" (for "data/users.parquet") 1 column changed type: "user_id" int64 → string. Results may differ.'
      ],
      [
        'note',
        'extra-columns',
        '"users-2025.parquet" (for "data/users.parquet") has 1 extra column the recording did not have: "country".'
      ],
      [
        'note',
        'rows',
        '"users-2025.parquet" has 12,500 data rows; "data/users.parquet" had 5,000 data rows.'
      ]
    ]);
  });

  it('warns when a table comes in another format (CSV for Parquet)', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/users.parquet', path: 'users.csv' }],
      [
        target('users.csv', {
          size: 80_000,
          table: {
            format: 'csv',
            columns: [
              { name: 'user_id', type: 'int64' },
              { name: 'score', type: 'float64' },
              { name: 'active', type: 'bool' }
            ],
            rows: 5000
          }
        })
      ]
    );
    expect(report.ok).toBe(true);
    expect(only(report)).toEqual([
      [
        'warning',
        'format',
        '"data/users.parquet" was PARQUET but "users.csv" is CSV: the code\'s reader (e.g. read_parquet) may not read it.'
      ]
    ]);
  });

  it('warns when no table schema could be read from the new file', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/houses.csv', path: 'houses.xlsx' }],
      [target('houses.xlsx', { size: 1200 })]
    );
    expect(only(report)).toEqual([
      [
        'warning',
        'format',
        '"data/houses.csv" was a CSV table but no table schema could be read from "houses.xlsx": the code\'s reader may not read it.'
      ]
    ]);
  });
});

describe('checkContract: empty files', () => {
  it('is an error for a CSV with a header and no data rows (the probe counts rows: 0), without type noise', () => {
    const header = {
      ...CSV,
      columns: CSV.columns.map(c => ({ name: c.name, type: 'null' })),
      rows: 0
    };
    const report = checkContract(
      inputs,
      [{ recorded: 'data/houses.csv', path: 'empty.csv' }],
      [target('empty.csv', { size: 25, table: header })]
    );
    expect(report.ok).toBe(false);
    expect(only(report)).toEqual([
      [
        'error',
        'empty',
        '"empty.csv" (for "data/houses.csv") is an empty table (a header and no data rows).'
      ],
      ['note', 'size', '"empty.csv" is 25 bytes; "data/houses.csv" was 1.2 KB.']
    ]);
  });

  it('is an error for a 0-byte file and an empty Parquet table', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'config.json', path: 'blank.json' },
        { recorded: 'data/users.parquet', path: 'none.parquet' }
      ],
      [
        target('blank.json', { size: 0 }),
        target('none.parquet', { size: 900, table: { ...PARQUET, rows: 0 } })
      ]
    );
    expect(report.errors).toBe(2);
    expect(report.entries[0].problems[0].message).toBe(
      '"blank.json" (for "config.json") is empty (0 bytes).'
    );
    expect(report.entries[1].problems[0].message).toBe(
      '"none.parquet" (for "data/users.parquet") is an empty table (0 rows).'
    );
  });

  it('is an error for an empty folder', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'images', path: '/data/bob/images' }],
      [target('/data/bob/images', { kind: 'folder', fileCount: 0, size: 0 })]
    );
    expect(only(report)).toEqual([
      [
        'error',
        'empty',
        '"/data/bob/images" (for "images") is an empty folder.'
      ]
    ]);
  });
});

describe('checkContract: the map itself', () => {
  it('rejects a path the experiment did not read, listing its inputs', () => {
    const report = checkContract(
      inputs,
      [{ recorded: 'data/house.csv', path: 'mine.csv' }],
      [target('mine.csv', { size: 10 })]
    );
    expect(report.ok).toBe(false);
    expect(only(report)).toEqual([
      [
        'error',
        'unknown-input',
        '"data/house.csv" (mapped to "mine.csv") is not a file this experiment read: its inputs are "data/houses.csv", "data/words.tsv", "data/users.parquet", "config.json", "images".'
      ]
    ]);
    expect(report.entries[0].input).toBeUndefined();
    expect(
      checkContract([], [{ recorded: 'a.csv', path: 'b.csv' }], []).entries[0]
        .problems[0].message
    ).toBe(
      '"a.csv" (mapped to "b.csv") is not a file this experiment read: it read no data file.'
    );
  });

  it('matches a recorded path written with ./ or a trailing /', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: './data/words.tsv', path: 'w.tsv' },
        { recorded: 'images/', path: 'pics' }
      ],
      [
        target('w.tsv', { size: 300, table: { ...TSV, rows: 3 } }),
        target('pics', { kind: 'folder', fileCount: 40, size: 10_000 })
      ]
    );
    expect(report.ok).toBe(true);
    expect(report.entries.map(e => e.input?.path)).toEqual([
      'data/words.tsv',
      'images'
    ]);
  });

  it('rejects the same input mapped twice', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'config.json', path: 'a.json' },
        { recorded: 'config.json', path: 'b.json' }
      ],
      [target('a.json', { size: 90 }), target('b.json', { size: 90 })]
    );
    expect(report.errors).toBe(1);
    expect(report.entries[1].problems).toEqual([
      {
        level: 'error',
        code: 'duplicate',
        message:
          '"config.json" is mapped twice, to "a.json" and to "b.json": map each input once.'
      }
    ]);
  });

  it('rejects a missing file, an unreadable one, and one the probe did not answer for', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'data/houses.csv', path: 'gone.csv' },
        { recorded: 'data/words.tsv', path: 'locked.tsv' },
        { recorded: 'config.json', path: 'unprobed.json' }
      ],
      [
        { path: 'gone.csv', exists: false },
        target('locked.tsv', {
          readable: false,
          error: 'PermissionError: [Errno 13] Permission denied'
        })
      ]
    );
    expect(report.errors).toBe(3);
    expect(
      report.entries.map(e => e.problems.map(p => [p.code, p.message]))
    ).toEqual([
      [['missing', '"gone.csv" (for "data/houses.csv") does not exist.']],
      [
        [
          'unreadable',
          '"locked.tsv" (for "data/words.tsv") exists but cannot be read: PermissionError: [Errno 13] Permission denied.'
        ]
      ],
      [
        [
          'missing',
          '"unprobed.json" (for "config.json") was not checked: the kernel\'s probe said nothing about it.'
        ]
      ]
    ]);
  });

  it('rejects a folder mapped to a file and a file mapped to a folder', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'images', path: 'one.png' },
        { recorded: 'data/houses.csv', path: 'houses/' }
      ],
      [
        target('one.png', { size: 10 }),
        target('houses/', { kind: 'folder', fileCount: 3 })
      ]
    );
    expect(
      report.entries.map(e => e.problems.map(p => [p.code, p.message]))
    ).toEqual([
      [
        [
          'kind-mismatch',
          '"images" is a folder in the recording but "one.png" is a file: map a folder to a folder.'
        ]
      ],
      [
        [
          'kind-mismatch',
          '"data/houses.csv" is a file in the recording but "houses/" is a folder: map a file to a file.'
        ]
      ]
    ]);
  });

  it('checks other files by format and size, and folders by file count', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'config.json', path: 'config.yaml' },
        { recorded: 'images', path: 'photos' }
      ],
      [
        target('config.yaml', { size: 90 }),
        target('photos', { kind: 'folder', fileCount: 55, size: 10_000 })
      ]
    );
    expect(
      report.entries.map(e => e.problems.map(p => [p.level, p.code, p.message]))
    ).toEqual([
      [
        [
          'warning',
          'format',
          '"config.json" is a .json file but "config.yaml" is a .yaml file: the code\'s reader may not read it.'
        ]
      ],
      [
        [
          'note',
          'size',
          'The folder "photos" holds 55 files; "images" held 40 files.'
        ]
      ]
    ]);
  });

  it('every message names the recorded path and the new path', () => {
    const report = checkContract(
      inputs,
      [
        { recorded: 'data/houses.csv', path: 'h.csv' },
        { recorded: 'data/users.parquet', path: 'u.parquet' },
        { recorded: 'nope.csv', path: 'n.csv' }
      ],
      [
        target('h.csv', {
          size: 5,
          table: {
            format: 'tsv',
            columns: [{ name: 'x', type: 'int64' }],
            rows: 0
          }
        }),
        target('u.parquet', { size: 1, table: { ...PARQUET, rows: 7 } })
      ]
    );
    for (const entry of report.entries) {
      for (const problem of entry.problems) {
        expect(problem.message).toContain(`"${entry.recorded}"`);
        expect(problem.message).toContain(`"${entry.path}"`);
      }
    }
  });
});

describe('parseMapping', () => {
  it('splits at the first "=" and trims both sides', () => {
    expect(parseMapping('data/train.csv=/home/bob/train.csv')).toEqual({
      recorded: 'data/train.csv',
      path: '/home/bob/train.csv'
    });
    expect(parseMapping(' a.csv = b=c.csv ')).toEqual({
      recorded: 'a.csv',
      path: 'b=c.csv'
    });
  });

  it.each([
    [
      'train.csv',
      'A mapping is RECORDED=NEW (e.g. data/train.csv=/home/me/train.csv); "train.csv" has no "=".'
    ],
    [
      '=mine.csv',
      'In the mapping "=mine.csv" the recorded path, before "=", is empty.'
    ],
    [
      'train.csv=',
      'In the mapping "train.csv=" the new path, after "=", is empty: name the file or folder to read instead of "train.csv".'
    ]
  ])('rejects %p with a precise message', (text, message) => {
    expect(() => parseMapping(text)).toThrow(message);
  });

  it('rejects a path longer than the records allow', () => {
    expect(() => parseMapping(`a=${'x'.repeat(4097)}`)).toThrow(
      'In a mapping the new path is 4097 characters long; at most 4096.'
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1200, '1.2 KB'],
    [250_000, '250 KB'],
    [3_400_000, '3.4 MB'],
    [1_100_000_000, '1.1 GB']
  ])('%p is %p', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

/**
 * Files that cannot match byte for byte: `--tolerance file:PATH=...`
 * parsed, the verdict of a file whose hash differs (the hash decides unless
 * the user said content or exists), the hint for an id() and the report's
 * lines (pure); and the content comparison as verify runs it, with a REAL
 * Python (the project's .venv standing in for the verification venv) on
 * files written by real pickle/numpy: the recorded file kept aside only
 * while it is the one the recording wrote.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from '../../src/cli/exit-codes';
import { parseTolerance } from '../../src/cli/export';
import { fileLines, verifyLines } from '../../src/cli/export-verify';
import type { VerifyReport } from '../../src/cli/verify';
import {
  badTolerance,
  compareFiles,
  idHint,
  type ContentComparison
} from '../../src/cli/verify-compare';
import {
  compareContents,
  keepRecorded,
  NOT_ON_DISK,
  trailPackageLink
} from '../../src/cli/verify-content';
import { PYTHON } from '../records/export-pipeline-support';

const PACKAGE = resolve(__dirname, '../../jupyterlab_trail');

function failure(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    return error as CliError;
  }
  throw new Error('expected a failure');
}

describe('--tolerance file:PATH=...', () => {
  it('parses content, content:X and exists beside the metric tolerances', () => {
    expect(
      parseTolerance([
        '0.01',
        'loss=0.5',
        'file:out/model.pkl=exists',
        'file:./out/table.csv=content:1e-6',
        'file:out/a=b.json=content'
      ])
    ).toEqual({
      default: 0.01,
      metrics: { loss: 0.5 },
      files: {
        'out/model.pkl': { mode: 'exists' },
        // The path as recorded: ./ dropped.
        'out/table.csv': { mode: 'content', tolerance: 1e-6 },
        'out/a=b.json': { mode: 'content', tolerance: 0 }
      }
    });
  });

  it('refuses what it cannot read, saying the forms', () => {
    expect(failure(() => parseTolerance(['file:m.pkl=same'])).message).toBe(
      '--tolerance file:m.pkl=same: a file is accepted as content (the same content), content:X (numbers within X) or exists (written, not compared); got "same".'
    );
    expect(
      failure(() => parseTolerance(['file:m.pkl=content:-1'])).message
    ).toContain('content:X expects X a number >= 0');
    expect(
      failure(() => parseTolerance(['file:m.pkl=content:abc'])).message
    ).toContain('content:X expects X a number >= 0');
    expect(failure(() => parseTolerance(['file:=exists'])).message).toContain(
      'expected file:PATH=content'
    );
    expect(failure(() => parseTolerance(['file:m.pkl'])).message).toContain(
      'expected file:PATH=content'
    );
    expect(
      failure(() =>
        parseTolerance(['file:m.pkl=exists', 'file:./m.pkl=content'])
      ).message
    ).toContain('the file m.pkl is given twice');
  });

  it('a file tolerance must name a file the recorded run wrote', () => {
    const files = [{ path: 'out/model.pkl', sha256: 'a' }];
    expect(
      badTolerance({ files: { './out/model.pkl': { mode: 'exists' } } }, files)
    ).toBeNull();
    expect(
      badTolerance({ files: { 'model.pkl': { mode: 'exists' } } }, files)
    ).toBe(
      'model.pkl is not a file the recorded run wrote (it wrote out/model.pkl): its tolerance would accept nothing'
    );
    expect(
      badTolerance(
        { files: { 'out/model.pkl': { mode: 'content', tolerance: -1 } } },
        files
      )
    ).toContain('must be a number >= 0');
  });
});

const ID_ONLY: ContentComparison = {
  comparable: true,
  same: false,
  format: 'pickle',
  differences: [
    {
      path: 'steps[0][1]._stop_words_id',
      recorded: '140021949156784',
      reproduced: '140093300952496'
    }
  ],
  count: 1,
  complete: true
};

const SAME: ContentComparison = {
  comparable: true,
  same: true,
  format: 'csv',
  differences: [],
  count: 0,
  complete: true
};

describe('the verdict of a file whose hash differs', () => {
  const expected = [
    { path: 'model.pkl', sha256: 'r1' },
    { path: 'table.csv', sha256: 'r2' },
    { path: 'plot.png', sha256: 'r3' },
    { path: 'gone.json', sha256: 'r4' }
  ];
  const hashes = new Map([
    ['model.pkl', 'x1'],
    ['table.csv', 'x2'],
    ['plot.png', 'x3'],
    ['gone.json', 'x4']
  ]);
  const contents = new Map([
    ['model.pkl', ID_ONLY],
    ['table.csv', SAME],
    ['gone.json', { error: NOT_ON_DISK }]
  ]);

  it('is the hash without a tolerance, the content compared and said all the same', () => {
    const [model, table, plot, gone] = compareFiles(
      expected,
      hashes,
      {},
      contents
    );
    expect(model).toMatchObject({
      same: false,
      within: false,
      sameContent: false,
      differences: ID_ONLY.differences,
      differenceCount: 1,
      hint: 'looks like a memory address (id()); `--tolerance file:model.pkl=exists` accepts it'
    });
    // The same content does not make the verdict: the hash does.
    expect(table).toMatchObject({
      same: false,
      within: false,
      sameContent: true
    });
    expect(table.hint).toBeUndefined();
    expect(plot).toEqual({
      path: 'plot.png',
      recorded: 'r3',
      reproduced: 'x3',
      same: false,
      within: false
    });
    expect(gone).toMatchObject({
      within: false,
      contentNote: 'cannot compare by content: the recorded file is not on disk'
    });
  });

  it('content accepts the same content only; exists accepts any written file', () => {
    const [model, table, plot, gone] = compareFiles(
      expected,
      hashes,
      {
        files: {
          'model.pkl': { mode: 'content', tolerance: 0 },
          'table.csv': { mode: 'content', tolerance: 0 },
          'plot.png': { mode: 'exists' },
          'gone.json': { mode: 'content', tolerance: 1e-6 }
        }
      },
      contents
    );
    // An id() is a difference: never ignored silently.
    expect(model).toMatchObject({ within: false, sameContent: false });
    expect(table).toMatchObject({ within: true, sameContent: true });
    expect(plot).toMatchObject({
      within: true,
      contentNote: 'written, not compared (exists)'
    });
    expect(gone.within).toBe(false);
    // Not written at all: exists does not accept it.
    const [unwritten] = compareFiles(
      [{ path: 'plot.png', sha256: 'r3' }],
      new Map([['plot.png', undefined]]),
      { files: { 'plot.png': { mode: 'exists' } } }
    );
    expect(unwritten.within).toBe(false);
  });

  it('hints at an id() only when every difference is an int in an attribute named *_id, all listed', () => {
    expect(idHint('m.pkl', ID_ONLY)).toContain('memory address');
    const withWeight: ContentComparison = {
      ...ID_ONLY,
      differences: [
        ...ID_ONLY.differences,
        { path: 'coef_', recorded: '1.5', reproduced: '1.25' }
      ],
      count: 2
    };
    expect(idHint('m.pkl', withWeight)).toBeUndefined();
    expect(idHint('m.pkl', { ...ID_ONLY, count: 11 })).toBeUndefined();
    expect(
      idHint('m.pkl', {
        ...ID_ONLY,
        differences: [{ path: 'row_id', recorded: "'a'", reproduced: "'b'" }]
      })
    ).toBeUndefined();
    expect(
      idHint('m.pkl', {
        ...ID_ONLY,
        differences: [{ path: 'valid', recorded: '1', reproduced: '2' }]
      })
    ).toBeUndefined();
  });

  it('the text report lists at most 5 differences, the hint and the tolerance used', () => {
    const many: ContentComparison = {
      ...ID_ONLY,
      differences: Array.from({ length: 10 }, (_, i) => ({
        path: `[${i}]`,
        recorded: String(i),
        reproduced: String(i + 1)
      })),
      count: 12
    };
    const [file] = compareFiles(
      [{ path: 'a.pkl', sha256: 'aaaaaaaaaaaaaaaa' }],
      new Map([['a.pkl', 'bbbbbbbbbbbbbbbb']]),
      {},
      new Map([['a.pkl', many]])
    );
    expect(fileLines(file)).toEqual([
      '  DIFFERS a.pkl: recorded aaaaaaaaaaaa, reproduced bbbbbbbbbbbb',
      '    the content differs in 12 places:',
      '      [0]: recorded 0, reproduced 1',
      '      [1]: recorded 1, reproduced 2',
      '      [2]: recorded 2, reproduced 3',
      '      [3]: recorded 3, reproduced 4',
      '      [4]: recorded 4, reproduced 5',
      '      … and 7 more'
    ]);
    const [model] = compareFiles(
      [{ path: 'model.pkl', sha256: 'r1' }],
      new Map([['model.pkl', 'x1']]),
      {},
      new Map([['model.pkl', ID_ONLY]])
    );
    expect(fileLines(model).slice(1)).toEqual([
      '    the content differs in 1 place:',
      '      steps[0][1]._stop_words_id: recorded 140021949156784, reproduced 140093300952496',
      '    hint: looks like a memory address (id()); `--tolerance file:model.pkl=exists` accepts it'
    ]);
    const [table, plot] = compareFiles(
      [
        { path: 'table.csv', sha256: 'r2' },
        { path: 'plot.png', sha256: 'r3' }
      ],
      hashes,
      {
        files: {
          'table.csv': { mode: 'content', tolerance: 1e-6 },
          'plot.png': { mode: 'exists' }
        }
      },
      contents
    );
    expect(fileLines(table)).toEqual([
      '  content table.csv: recorded r2, reproduced x2 (--tolerance file:table.csv=content:0.000001)',
      '    the same content (the bytes differ)'
    ]);
    expect(fileLines(plot)).toEqual([
      '  written plot.png: recorded r3, reproduced x3 (--tolerance file:plot.png=exists)',
      '    written, not compared (exists)'
    ]);
    const report = {
      environment: { venv: '/v', installed: true, requirements: 0 },
      inputs: [],
      files: [table, plot],
      metrics: [],
      params: [],
      reproduced: true,
      durationMs: 1000
    } as VerifyReport;
    expect(verifyLines(report).slice(-1)).toEqual([
      'Reproduced: every recorded file and metric, 2 files as --tolerance accepts (1.0 s).'
    ]);
  });
});

const sha = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

function python(code: string, ...args: string[]): void {
  execFileSync(PYTHON, ['-c', code, ...args], {
    env: { ...process.env, PYTHONHASHSEED: 'random' }
  });
}

// A pickle holding an id(), as CountVectorizer's _stop_words_id: two
// processes write the same model as different bytes.
const WRITE_MODEL = `
import pickle, sys, types
words = frozenset(["a", "the"])
model = types.SimpleNamespace(coef=[0.5, float(sys.argv[2])], _words_id=id(words))
with open(sys.argv[1], "wb") as f:
    pickle.dump(model, f)
`;

jest.setTimeout(60_000);

describe('the content comparison as verify runs it (a real Python)', () => {
  it('keeps the recorded file aside, then names where the reproduced one differs', async () => {
    const notebook = mkdtempSync(join(tmpdir(), 'trail-content-'));
    const scratch = mkdtempSync(join(tmpdir(), 'trail-content-scratch-'));
    const model = join(notebook, 'model.pkl');
    python(WRITE_MODEL, model, '1.5');
    writeFileSync(join(notebook, 'moved.json'), '{"a": 1}');
    const files = [
      { path: 'model.pkl', sha256: sha(model) },
      // Not the file the recording wrote any more: nothing to compare with.
      { path: 'moved.json', sha256: 'f'.repeat(64) },
      { path: 'plot.png', sha256: 'e'.repeat(64) }
    ];
    const kept = keepRecorded(files, notebook, join(scratch, 'recorded'), {});
    expect(kept.get('moved.json')).toEqual({ error: NOT_ON_DISK });
    expect(kept.has('plot.png')).toBe(false);
    const copy = kept.get('model.pkl') as string;
    expect(sha(copy)).toBe(files[0].sha256);
    // exists: never kept (never compared).
    expect(
      keepRecorded(files, notebook, join(scratch, 'other'), {
        files: { 'model.pkl': { mode: 'exists' } }
      }).has('model.pkl')
    ).toBe(false);

    // The run writes the same model again in another process.
    python(WRITE_MODEL, model, '1.5');
    writeFileSync(join(notebook, 'moved.json'), '{"a": 2}');
    const hashes = new Map([
      ['model.pkl', sha(model)],
      ['moved.json', sha(join(notebook, 'moved.json'))],
      ['plot.png', undefined]
    ]);
    expect(hashes.get('model.pkl')).not.toBe(files[0].sha256);
    let linked = 0;
    const link = () => {
      linked += 1;
      return trailPackageLink(PYTHON, scratch, process.env, PACKAGE);
    };
    const contents = await compareContents({
      python: PYTHON,
      link,
      files,
      hashes,
      kept,
      notebookFolder: notebook,
      pipelineFolder: notebook,
      tolerance: {},
      env: process.env
    });
    expect(contents.get('moved.json')).toEqual({ error: NOT_ON_DISK });
    expect(contents.has('plot.png')).toBe(false);
    expect(contents.get('model.pkl')).toMatchObject({
      comparable: true,
      same: false,
      count: 1,
      differences: [
        expect.objectContaining({
          path: '_words_id',
          recorded: expect.stringMatching(/^\d+$/),
          reproduced: expect.stringMatching(/^\d+$/)
        })
      ]
    });
    expect(linked).toBe(1);
    expect(existsSync(join(scratch, 'trail-path', 'jupyterlab_trail'))).toBe(
      true
    );
    const [check] = compareFiles(files, hashes, {}, contents);
    expect(check.hint).toBe(
      'looks like a memory address (id()); `--tolerance file:model.pkl=exists` accepts it'
    );

    // A model that really changed: its weight named, within a content tolerance or not.
    python(WRITE_MODEL, model, '1.5000001');
    const changed = await compareContents({
      python: PYTHON,
      link,
      files: [files[0]],
      hashes: new Map([['model.pkl', sha(model)]]),
      kept,
      notebookFolder: notebook,
      pipelineFolder: notebook,
      tolerance: {
        files: { 'model.pkl': { mode: 'content', tolerance: 1e-3 } }
      },
      env: process.env
    });
    const paths = (
      changed.get('model.pkl') as ContentComparison
    ).differences.map(d => d.path);
    expect(paths).toEqual(['_words_id']);

    // Without the package, the file says why it was not compared.
    const none = await compareContents({
      python: PYTHON,
      link: async () => ({ why: 'python3 cannot import jupyterlab_trail' }),
      files: [files[0]],
      hashes: new Map([['model.pkl', sha(model)]]),
      kept,
      notebookFolder: notebook,
      pipelineFolder: notebook,
      tolerance: {},
      env: process.env
    });
    expect(none.get('model.pkl')).toEqual({
      error:
        'the comparison cannot be run: python3 cannot import jupyterlab_trail'
    });
  });
});

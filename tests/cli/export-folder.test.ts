/**
 * How `trail export` writes its folder and reads its options, on a real
 * disk: the folder appears whole or not at all (nothing left beside it), a
 * non-empty one is refused unless forced and then replaced whole, a path in
 * the server's answer that leaves the folder is never written, and the
 * --target / --tolerance / --out forms.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiFolder, parseTarget, parseTolerance } from '../../src/cli/export';
import { checkDestination, writeFolder } from '../../src/cli/export-folder';
import { CliError, ExitCode } from '../../src/cli/exit-codes';

let root: string;
let work: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'trail-export-folder-'));
  work = join(root, 'work');
  mkdirSync(work);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const FILES = [
  { path: 'pipeline.py', content: 'print(1)\n' },
  { path: 'sub/notes.md', content: 'n\n' }
];

function failure(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) {
      return error;
    }
    throw error;
  }
  throw new Error('it did not fail');
}

it('writes a new folder whole, its parents made, nothing left beside it', () => {
  const dir = join(work, 'pipelines', 'train');
  expect(checkDestination(dir, { force: false, cwd: work })).toBe('absent');
  writeFolder(dir, FILES, { force: false, cwd: work });
  expect(readdirSync(join(work, 'pipelines'))).toEqual(['train']);
  expect(readFileSync(join(dir, 'sub', 'notes.md'), 'utf8')).toBe('n\n');
});

it('takes an empty folder; refuses a non-empty one unless forced, then replaces it whole', () => {
  const dir = join(work, 'out');
  mkdirSync(dir);
  expect(checkDestination(dir, { force: false, cwd: work })).toBe('empty');
  writeFolder(dir, FILES, { force: false, cwd: work });

  writeFileSync(join(dir, 'mine.txt'), 'keep');
  const refused = failure(() =>
    writeFolder(dir, [{ path: 'x.py', content: '' }], {
      force: false,
      cwd: work
    })
  );
  expect(refused.code).toBe(ExitCode.BadInput);
  expect(refused.message).toContain('exists and is not empty');
  expect(readdirSync(dir).sort()).toEqual(['mine.txt', 'pipeline.py', 'sub']);
  expect(readdirSync(work)).toEqual(['out']);

  writeFolder(dir, [{ path: 'x.py', content: '' }], { force: true, cwd: work });
  expect(readdirSync(dir)).toEqual(['x.py']);
  expect(readdirSync(work)).toEqual(['out']);

  // What verify keeps in the folder (the user's outputs a killed
  // verification moved aside, the reproduced files) goes over.
  const aside = join(dir, '.trail-verify', 'run-1', 'recorded');
  mkdirSync(aside, { recursive: true });
  writeFileSync(join(aside, 'model.pkl'), 'the user');
  writeFolder(dir, [{ path: 'y.py', content: '' }], { force: true, cwd: work });
  expect(readdirSync(dir).sort()).toEqual(['.trail-verify', 'y.py']);
  expect(readFileSync(join(aside, 'model.pkl'), 'utf8')).toBe('the user');
  expect(readdirSync(work)).toEqual(['out']);
});

it('never replaces the folder the command runs in, nor a file', () => {
  writeFileSync(join(work, 'data.csv'), 'x\n');
  const holding = failure(() =>
    checkDestination(root, { force: true, cwd: work })
  );
  expect(holding.message).toContain('holds the current folder');
  const file = failure(() =>
    checkDestination(join(work, 'data.csv'), { force: true, cwd: work })
  );
  expect(file.message).toContain('is a file, not a folder');
});

it.each(['../escape.py', '/etc/passwd', 'a/../../b', 'a//b', ''])(
  'refuses the answer path %j and writes nothing',
  path => {
    const dir = join(work, 'out');
    const error = failure(() =>
      writeFolder(dir, [...FILES, { path, content: 'x' }], {
        force: false,
        cwd: work
      })
    );
    expect(error.code).toBe(ExitCode.Incomplete);
    expect(readdirSync(work)).toEqual([]);
    expect(readdirSync(root)).toEqual(['work']);
  }
);

it('reads --target, --tolerance and --out', () => {
  expect(parseTarget(undefined)).toEqual({ kind: 'session' });
  expect(parseTarget('model.pkl')).toEqual({ kind: 'file', path: 'model.pkl' });
  expect(parseTarget('metric:val acc')).toEqual({
    kind: 'metric',
    name: 'val acc'
  });
  expect(failure(() => parseTarget('metric:')).message).toContain('no name');

  expect(parseTolerance(['0.01', 'loss=0.5', 'a=b=1e-3'])).toEqual({
    default: 0.01,
    metrics: { loss: 0.5, 'a=b': 1e-3 }
  });
  expect(failure(() => parseTolerance(['-1'])).message).toContain('>= 0');
  expect(failure(() => parseTolerance(['x=abc'])).message).toContain(
    '--tolerance x=abc'
  );
  expect(failure(() => parseTolerance(['1', '2'])).message).toContain(
    'given twice'
  );

  expect(apiFolder(join(work, 'pipelines', 'a b'), work)).toBe('pipelines/a b');
  expect(failure(() => apiFolder(work, work)).message).toContain(
    'the current folder'
  );
  expect(failure(() => apiFolder(root, work)).message).toContain(
    'outside the current folder'
  );
});

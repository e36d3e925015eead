/**
 * The inputs of an experiment a fork may substitute (#14, contract 1): what
 * steps 1..k read that no earlier step wrote, folders as one entry with
 * their file count, what trail.dataset named with its role, and never a
 * declared output or an intermediate.
 */
import { inputsOf } from '../../src/records/replay/inputs';
import type { FileAccess } from '../../src/records/schema';

const SHA = (c: string) => c.repeat(64);
const step = (seq: number, files: FileAccess[]) => ({
  seq,
  capture: { files }
});
const file = (
  path: string,
  access: FileAccess['access'],
  extra: Partial<FileAccess> = {}
): FileAccess => ({ path, access, kind: 'file', ...extra });

describe('inputsOf for a fork', () => {
  it('lists a folder read file by file as one folder input with its file count', () => {
    const inputs = inputsOf(
      [
        step(1, [
          file('images/train', 'read', {
            kind: 'folder',
            fileCount: 120,
            size: 48_000,
            sha256: SHA('a')
          })
        ])
      ],
      1
    );
    expect(inputs).toEqual([
      {
        path: 'images/train',
        step: 1,
        kind: 'folder',
        fileCount: 120,
        size: 48_000,
        sha256: SHA('a')
      }
    ]);
  });

  it('keeps the role trail.dataset gave a read, and fills it in when named after the first read', () => {
    const inputs = inputsOf(
      [
        step(1, [
          file('train.csv', 'read', { role: 'train', sha256: SHA('a') })
        ]),
        step(2, [file('test.csv', 'read')]),
        step(3, [file('test.csv', 'read', { role: 'test' })])
      ],
      3
    );
    expect(inputs.map(i => [i.path, i.role, i.step])).toEqual([
      ['train.csv', 'train', 1],
      ['test.csv', 'test', 2]
    ]);
  });

  it('never lists what trail.dataset declared as output, whatever its access says', () => {
    const inputs = inputsOf(
      [
        step(1, [
          file('model.pkl', 'write', { role: 'output' }),
          file('report.csv', 'read', { role: 'output' }),
          file('raw.csv', 'read')
        ]),
        // A declared output read back later is an intermediate.
        step(2, [file('report.csv', 'read'), file('model.pkl', 'read')])
      ],
      2
    );
    expect(inputs.map(i => i.path)).toEqual(['raw.csv']);
  });

  it('leaves out intermediates: files an earlier step wrote, and files under a folder it wrote', () => {
    const inputs = inputsOf(
      [
        step(1, [file('raw.csv', 'read'), file('clean.parquet', 'write')]),
        step(2, [
          file('features', 'write', { kind: 'folder', fileCount: 3 }),
          file('clean.parquet', 'read')
        ]),
        step(3, [
          file('features/part-0.parquet', 'read'),
          file('features', 'read', { kind: 'folder', fileCount: 3 }),
          file('features-extra.csv', 'read')
        ])
      ],
      3
    );
    expect(inputs.map(i => i.path)).toEqual(['raw.csv', 'features-extra.csv']);
  });

  it('counts a write from the next step on: a file read, then written by the same step, is an input', () => {
    const inputs = inputsOf(
      [step(1, [file('cache.csv', 'read'), file('cache.csv', 'write')])],
      1
    );
    expect(inputs).toEqual([{ path: 'cache.csv', step: 1, kind: 'file' }]);
  });
});

/**
 * How the files of an execution compare with the previous run of its cell
 * (the change badges of the panel).
 */
import { fileChange } from '../../src/records/files';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

describe('fileChange', () => {
  it('tells changed, new, same, pending and unknown files apart', () => {
    const file = {
      path: 'a.csv',
      access: 'read' as const,
      kind: 'file' as const,
      sha256: SHA_A
    };
    expect(fileChange(file, undefined)).toBe('unknown');
    expect(fileChange(file, [])).toBe('new');
    expect(fileChange(file, [{ ...file }])).toBe('same');
    expect(fileChange(file, [{ ...file, sha256: SHA_B }])).toBe('changed');
    expect(fileChange({ ...file, sha256: null, hashPending: true }, [])).toBe(
      'pending'
    );
    expect(
      fileChange({ ...file, sha256: null, hashError: 'denied' }, [file])
    ).toBe('unknown');
    // A hash beside a stale pending flag (kept by older merges) is done.
    expect(fileChange({ ...file, hashPending: true }, [file])).toBe('same');
    // A file written before and read now is the same file.
    expect(
      fileChange(file, [{ ...file, access: 'write', sha256: SHA_B }])
    ).toBe('changed');
  });

  it('counts an empty hash error as the end of hashing', () => {
    const file = {
      path: 'a.csv',
      access: 'read' as const,
      kind: 'file' as const
    };
    expect(fileChange({ ...file, hashError: '' }, [])).toBe('new');
    expect(fileChange({ ...file, sha256: null }, [])).toBe('pending');
  });
});

/**
 * The capture rules of the records floor: how captures merge (the recorder
 * merges the helper's captures with them, the server a record's capture
 * with its annotations) and when a file's hashing is over.
 */
import type { ExecutionCapture, FileAccess } from '../../src/records/schema';
import {
  endsPendingHash,
  hashSettled,
  isEmptyCapture,
  mergeCaptures
} from '../../src/records/capture';
import { MAX_FILES, MAX_METRICS, MAX_PARAMS } from '../../src/records/limits';
import { pendingRead, SHA_A } from './capture-fixture';

const AT = '2026-03-01T10:00:01.000Z';

describe('mergeCaptures', () => {
  it('merges files by (path, access), later non-null values winning', () => {
    const merged = mergeCaptures([
      {
        files: [
          pendingRead,
          { path: 'data/train.csv', access: 'write', kind: 'file' }
        ]
      },
      {
        files: [
          {
            path: 'data/train.csv',
            access: 'read',
            kind: 'file',
            size: null,
            sha256: SHA_A,
            hashPending: false
          },
          { path: 'out/model.pkl', access: 'write', kind: 'file' }
        ]
      }
    ]);
    expect(merged!.files).toEqual([
      { ...pendingRead, sha256: SHA_A, hashPending: false },
      { path: 'data/train.csv', access: 'write', kind: 'file' },
      { path: 'out/model.pkl', access: 'write', kind: 'file' }
    ]);
  });

  it('ends a pending hash when the final capture reports it without the flag', () => {
    // What the kernel helper sends when a background hash is done: the
    // entry with its hash (or error) and no hashPending at all.
    const merged = mergeCaptures([
      { files: [pendingRead, { ...pendingRead, path: 'big/broken.bin' }] },
      {
        files: [
          {
            path: 'data/train.csv',
            access: 'read',
            kind: 'file',
            sha256: SHA_A
          },
          {
            path: 'big/broken.bin',
            access: 'read',
            kind: 'file',
            sha256: null,
            hashError: 'PermissionError: denied'
          }
        ]
      }
    ]);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { hashPending, ...settled } = pendingRead;
    expect(merged!.files![0]).toEqual({ ...settled, sha256: SHA_A });
    expect(merged!.files![1].hashPending).toBeUndefined();
    expect(merged!.files![1].hashError).toBe('PermissionError: denied');
    // A capture that is itself still pending keeps the flag.
    const still = mergeCaptures([
      { files: [pendingRead] },
      { files: [{ ...pendingRead, size: 12 }] }
    ]);
    expect(still!.files![0].hashPending).toBe(true);
  });

  it('lets the later param win, appends metrics, keeps tags as a set', () => {
    const at = '2026-03-01T10:00:01.000Z';
    const merged = mergeCaptures([
      {
        params: { lr: 0.1, epochs: 3 },
        metrics: [{ name: 'loss', value: 0.9, step: 1, at }],
        tags: ['baseline', 'gpu']
      },
      undefined,
      {
        params: { lr: 0.05, note: null },
        metrics: [{ name: 'loss', value: null, step: 2, at }],
        tags: ['gpu', 'final']
      }
    ]);
    expect(merged).toEqual({
      params: { lr: 0.05, epochs: 3, note: null },
      metrics: [
        { name: 'loss', value: 0.9, step: 1, at },
        { name: 'loss', value: null, step: 2, at }
      ],
      tags: ['baseline', 'gpu', 'final']
    });
    // Field order follows the schema; nothing absent is invented.
    expect(
      Object.keys(mergeCaptures([{ tags: ['a'] }, { files: [] }])!)
    ).toEqual(['files', 'tags']);
    expect(mergeCaptures([undefined, undefined])).toBeUndefined();
  });

  it('keeps a param named __proto__ as a param', () => {
    const merged = mergeCaptures([
      { params: JSON.parse('{"__proto__": "a"}') },
      { params: { other: 1 } }
    ]);
    expect(JSON.stringify(merged)).toBe(
      '{"params":{"__proto__":"a","other":1}}'
    );
  });

  it('keeps a merged capture within the schema maxima', () => {
    const tags = (from: number) =>
      Array.from({ length: 150 }, (_, i) => `tag-${from + i}`);
    const merged = mergeCaptures([{ tags: tags(0) }, { tags: tags(150) }]);
    expect(merged!.tags).toHaveLength(200);
    expect(merged!.tags![199]).toBe('tag-199');
  });
});

describe('mergeCaptures at the schema maxima', () => {
  it('keeps the first files, params and metrics and still updates known ones', () => {
    const file = (i: number): FileAccess => ({
      path: `f/${i}`,
      access: 'read',
      kind: 'file'
    });
    const files = Array.from({ length: MAX_FILES }, (_, i) => file(i));
    const params = Object.fromEntries(
      Array.from({ length: MAX_PARAMS }, (_, i) => [`p${i}`, i])
    );
    const metrics = Array.from({ length: MAX_METRICS - 1 }, (_, i) => ({
      name: 'loss',
      value: i,
      at: AT
    }));
    const merged = mergeCaptures([
      { files, params, metrics },
      {
        files: [file(MAX_FILES), { ...file(0), sha256: SHA_A }],
        params: { late: 1, p0: 'again' },
        metrics: [
          { name: 'loss', value: -1, at: AT },
          { name: 'loss', value: -2, at: AT }
        ]
      }
    ])!;
    expect(merged.files).toHaveLength(MAX_FILES);
    expect(merged.files![0].sha256).toBe(SHA_A);
    expect(merged.files!.some(f => f.path === `f/${MAX_FILES}`)).toBe(false);
    expect(Object.keys(merged.params!)).toHaveLength(MAX_PARAMS);
    expect(merged.params!.p0).toBe('again');
    expect(merged.params).not.toHaveProperty('late');
    expect(merged.metrics).toHaveLength(MAX_METRICS);
    expect(merged.metrics![MAX_METRICS - 1].value).toBe(-1);
  });

  it('does not count a param named like an Object method as known', () => {
    const params = Object.fromEntries(
      Array.from({ length: MAX_PARAMS }, (_, i) => [`p${i}`, i])
    );
    const merged = mergeCaptures([{ params }, { params: { toString: 1 } }])!;
    expect(Object.keys(merged.params!)).toHaveLength(MAX_PARAMS);
    expect(Object.keys(merged.params!)).not.toContain('toString');
  });
});

describe('mergeCaptures, pair by pair', () => {
  it('merges captures one at a time as the recorder does, inputs unchanged', () => {
    const first: ExecutionCapture = {
      files: [pendingRead],
      params: JSON.parse('{"__proto__": 1, "lr": 0.1}')
    };
    const second: ExecutionCapture = {
      files: [{ ...pendingRead, hashPending: undefined, sha256: SHA_A }],
      tags: ['x']
    };
    const before = JSON.stringify([first, second]);
    let merged = mergeCaptures([undefined, first]);
    expect(merged).toBe(first);
    merged = mergeCaptures([merged, second])!;
    expect(JSON.stringify([first, second])).toBe(before);
    expect(merged.files![0]).not.toBe(first.files![0]);
    expect(merged.files![0]).not.toHaveProperty('hashPending');
    expect(merged.files![0].sha256).toBe(SHA_A);
    expect(JSON.stringify(merged.params)).toBe('{"__proto__":1,"lr":0.1}');
    expect(Object.getPrototypeOf(merged.params)).toBe(Object.prototype);
    // A new entry is a copy too: redacting the merged capture in place
    // leaves the inputs alone.
    const third = mergeCaptures([{}, { files: [pendingRead] }])!;
    expect(third.files![0]).toEqual(pendingRead);
    expect(third.files![0]).not.toBe(pendingRead);
  });
});

describe('hash settled', () => {
  it('is over with a hash or an error, even beside a stale pending flag', () => {
    expect(hashSettled(pendingRead)).toBe(false);
    expect(hashSettled({ ...pendingRead, sha256: SHA_A })).toBe(true);
    expect(hashSettled({ ...pendingRead, hashError: 'denied' })).toBe(true);
    // An error without a message is still how the hashing ended.
    expect(hashSettled({ ...pendingRead, hashError: '' })).toBe(true);
    expect(hashSettled({ path: 'a', access: 'read', kind: 'file' })).toBe(
      false
    );
  });

  it('ends an earlier pending flag only from a capture without one', () => {
    const final = { ...pendingRead, sha256: SHA_A };
    delete final.hashPending;
    expect(endsPendingHash(final)).toBe(true);
    expect(endsPendingHash({ ...final, hashPending: false })).toBe(false);
    expect(endsPendingHash({ ...final, hashPending: true })).toBe(false);
    expect(
      endsPendingHash({ path: 'a', access: 'read', kind: 'file', sha256: null })
    ).toBe(false);
  });
});

describe('isEmptyCapture', () => {
  it('is empty without files, params, metrics or tags', () => {
    expect(isEmptyCapture(undefined)).toBe(true);
    expect(isEmptyCapture({})).toBe(true);
    expect(isEmptyCapture({ files: [], params: {}, tags: [] })).toBe(true);
    expect(isEmptyCapture({ params: JSON.parse('{"__proto__": 1}') })).toBe(
      false
    );
    expect(isEmptyCapture({ tags: ['t'] })).toBe(false);
  });
});

/**
 * Fingerprints: equal for the same code, data, environment and path;
 * different when any of them differs; unknown from a read without a hash on.
 */
import { createHash } from 'node:crypto';
import type { FileAccess } from '../../src/records/schema';
import {
  environmentAt,
  environmentKey,
  fingerprintOf,
  nextPathKey,
  readHashes,
  sessionFingerprints,
  type FingerprintInput
} from '../../src/records/fingerprint';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const ENV = [{ id: 'env-1', fromSeq: 1 }];

function read(
  path: string,
  sha256: string | null,
  access: FileAccess['access'] = 'read'
): FileAccess {
  return { path, access, kind: 'file', sha256 };
}

function steps(...xs: [string, FileAccess[]?][]): FingerprintInput[] {
  return xs.map(([code, files], i) => ({
    seq: i + 1,
    code,
    ...(files ? { capture: { files } } : {})
  }));
}

const base = () =>
  steps(
    ['import pandas as pd', []],
    ['df = pd.read_csv("a.csv")', [read('a.csv', H1)]],
    ['model = fit(df)', []]
  );

describe('fingerprint', () => {
  it('is the sha256 of the contract JSON', () => {
    const expected = createHash('sha256')
      .update(JSON.stringify(['trail-fp-1', 'x = 1', [H1], 'env-1', null]))
      .digest('hex');
    expect(fingerprintOf('x = 1', [H1], 'env-1', null)).toBe(expected);
    const [first] = sessionFingerprints(
      steps(['x = 1', [read('a.csv', H1)]]),
      ENV
    );
    expect(first.fingerprint).toBe(expected);
    expect(first.pathKey).toBe(
      createHash('sha256')
        .update(JSON.stringify(['trail-path-1', 'x = 1', 'env-1', null]))
        .digest('hex')
    );
  });

  it('is equal for the same code, data, environment and path', () => {
    const a = sessionFingerprints(base(), ENV);
    const b = sessionFingerprints(base(), [{ id: 'env-1', fromSeq: 1 }]);
    expect(a).toEqual(b);
    expect(a.every(f => f.fingerprint && f.pathKey)).toBe(true);
    expect(new Set(a.map(f => f.fingerprint)).size).toBe(3);
  });

  it('differs when the code differs, and at every later step', () => {
    const a = sessionFingerprints(base(), ENV);
    const changed = base();
    changed[0].code = 'import pandas as pd  # v2';
    const b = sessionFingerprints(changed, ENV);
    for (let i = 0; i < 3; i++) {
      expect(b[i].fingerprint).not.toBe(a[i].fingerprint);
      expect(b[i].pathKey).not.toBe(a[i].pathKey);
    }
  });

  it('differs when a read hash differs, from that step on; its pathKey stays', () => {
    const a = sessionFingerprints(base(), ENV);
    const changed = base();
    changed[1].capture = { files: [read('a.csv', H2)] };
    const b = sessionFingerprints(changed, ENV);
    expect(b[0]).toEqual(a[0]);
    expect(b[1].fingerprint).not.toBe(a[1].fingerprint);
    // What is known before the cell runs: the same.
    expect(b[1].pathKey).toBe(a[1].pathKey);
    expect(b[2].fingerprint).not.toBe(a[2].fingerprint);
    expect(b[2].pathKey).not.toBe(a[2].pathKey);
  });

  it('differs when the environment differs, from the version on', () => {
    const a = sessionFingerprints(base(), ENV);
    const b = sessionFingerprints(base(), [
      { id: 'env-1', fromSeq: 1 },
      { id: 'env-2', fromSeq: 3 }
    ]);
    expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
    expect(b[2].fingerprint).not.toBe(a[2].fingerprint);
    const none = sessionFingerprints(base(), undefined);
    expect(none[0].fingerprint).not.toBe(a[0].fingerprint);
  });

  it('differs when an earlier step differs (the path)', () => {
    const a = sessionFingerprints(base(), ENV);
    const longer = sessionFingerprints(
      steps(
        ['import numpy as np', []],
        ['import pandas as pd', []],
        ['df = pd.read_csv("a.csv")', [read('a.csv', H1)]],
        ['model = fit(df)', []]
      ),
      [{ id: 'env-1', fromSeq: 1 }]
    );
    expect(longer[1].fingerprint).not.toBe(a[0].fingerprint);
    expect(longer[3].fingerprint).not.toBe(a[2].fingerprint);
  });

  it('ignores written files, duplicates and the order of reads', () => {
    const one = sessionFingerprints(
      steps(['x', [read('a', H1), read('b', H2), read('c', H1)]]),
      ENV
    );
    const other = sessionFingerprints(
      steps(['x', [read('z', H2), read('y', H1), read('out', null, 'write')]]),
      ENV
    );
    expect(one[0].fingerprint).toBe(other[0].fingerprint);
    expect(
      readHashes({ files: [read('b', H2), read('a', H1, 'readwrite')] })
    ).toEqual([H1, H2]);
  });

  it('is null for a read without a hash, and for every later step', () => {
    const pending = base();
    pending[1].capture = {
      files: [
        {
          path: 'a.csv',
          access: 'read',
          kind: 'file',
          sha256: null,
          hashPending: true
        }
      ]
    };
    const fps = sessionFingerprints(pending, ENV);
    const a = sessionFingerprints(base(), ENV);
    expect(fps[0]).toEqual(a[0]);
    expect(fps[1].fingerprint).toBeNull();
    expect(fps[1].pathKey).toBe(a[1].pathKey);
    expect(fps[2]).toEqual({ fingerprint: null, pathKey: null });
    const absent = base();
    absent[1].capture = {
      files: [{ path: 'a.csv', access: 'read', kind: 'file' }]
    };
    expect(sessionFingerprints(absent, ENV)[1].fingerprint).toBeNull();
  });

  it('takes the environment in effect at a seq', () => {
    const versions = [
      { id: 'e3', fromSeq: 3 },
      { id: 'e1', fromSeq: 1 }
    ];
    expect(environmentAt(versions, 1)).toBe('e1');
    expect(environmentAt(versions, 2)).toBe('e1');
    expect(environmentAt(versions, 5)).toBe('e3');
    expect(environmentAt([{ id: 'e2', fromSeq: 2 }], 1)).toBeNull();
    expect(environmentAt(undefined, 1)).toBeNull();
  });

  it('keys an environment by what decides a result, not by the machine', () => {
    const base = {
      language: {
        name: 'python',
        version: '3.11.7',
        implementation: 'CPython'
      },
      platform: {
        system: 'Linux',
        machine: 'x86_64',
        hostname: 'a',
        cwd: '/a'
      },
      packages: [
        { name: 'pandas', version: '2.2.3' },
        { name: 'scikit_learn', version: '1.5.0' }
      ]
    };
    const key = environmentKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // Another host, folder, and package order and spelling: the same.
    expect(
      environmentKey({
        ...base,
        platform: { ...base.platform, hostname: 'b', cwd: '/home/b' },
        packages: [
          { name: 'Scikit-Learn', version: '1.5.0' },
          { name: 'pandas', version: '2.2.3' }
        ]
      })
    ).toBe(key);
    // Another package version, Python or architecture: different.
    for (const other of [
      {
        ...base,
        packages: [{ name: 'pandas', version: '2.2.4' }, base.packages[1]]
      },
      { ...base, language: { ...base.language, version: '3.12.1' } },
      { ...base, platform: { ...base.platform, machine: 'arm64' } }
    ]) {
      expect(environmentKey(other)).not.toBe(key);
    }
    // The server's node:crypto hash gives the same digests.
    const nodeHash = (text: string) =>
      createHash('sha256').update(text).digest('hex');
    expect(environmentKey(base, nodeHash)).toBe(key);
  });

  it('gives a lookup the pathKey the execution will have', () => {
    const a = sessionFingerprints(base(), ENV);
    expect(nextPathKey('model = fit(df)', 'env-1', a[1].fingerprint)).toBe(
      a[2].pathKey
    );
    expect(nextPathKey('import pandas as pd', 'env-1', null)).toBe(
      a[0].pathKey
    );
  });
});

/**
 * An environment snapshot to test with: Python 3.11 on Linux, a dirty git
 * tree with its diff, and the packages a test names. The rules' tests
 * (environment.test.ts) and the panel's views (tests/frontend) read it.
 */
import type { EnvironmentSnapshot } from '../../src/records/schema';

/** When the snapshot was captured. */
export const AT = '2026-11-20T10:00:01.000Z';

/** An environment snapshot with these packages. */
export function env(
  packages: [string, string][],
  extra: Partial<EnvironmentSnapshot> = {}
): EnvironmentSnapshot {
  return {
    capturedAt: AT,
    language: { name: 'python', version: '3.11.7', implementation: 'CPython' },
    platform: {
      system: 'Linux',
      release: '6.1',
      machine: 'x86_64',
      hostname: 'lab'
    },
    cpu: { model: 'Xeon', count: 2 },
    packages: packages.map(([name, version]) => ({ name, version })),
    git: {
      commit: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
      dirty: true,
      diff: 'diff --git a/x.py b/x.py\n@@ -1 +1 @@\n-old = 1\n+new = 2\n'
    },
    ...extra
  };
}

/**
 * How two environment snapshots (environment.schema.json) differ: the
 * packages, then the fields a person would check.
 */
import type { EnvironmentSnapshot } from './schema';

/**
 * A package whose version differs between two environments.
 */
export interface IPackageChange {
  name: string;
  before: string;
  after: string;
}

/**
 * What differs between two environments, `base` → `other`.
 */
export interface IEnvironmentDiff {
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  changed: IPackageChange[];
  /** Other fields that differ: a label and both values. */
  fields: { label: string; before: string; after: string }[];
}

/**
 * A package name as package indexes compare them (PEP 503): case-folded,
 * each run of `-`, `_` and `.` one `-`, so `Scikit_Learn` is `scikit-learn`.
 */
export function packageKey(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Compares two environments: packages by {@link packageKey}, sorted by
 * name, then the {@link ENVIRONMENT_FIELDS}.
 */
export function diffEnvironments(
  base: EnvironmentSnapshot,
  other: EnvironmentSnapshot
): IEnvironmentDiff {
  const before = new Map(base.packages.map(p => [packageKey(p.name), p]));
  const after = new Map(other.packages.map(p => [packageKey(p.name), p]));
  const diff: IEnvironmentDiff = {
    added: [],
    removed: [],
    changed: [],
    fields: []
  };
  for (const [name, pkg] of after) {
    const old = before.get(name);
    if (!old) {
      diff.added.push(pkg);
    } else if (old.version !== pkg.version) {
      diff.changed.push({
        name: pkg.name,
        before: old.version,
        after: pkg.version
      });
    }
  }
  for (const [name, pkg] of before) {
    if (!after.has(name)) {
      diff.removed.push(pkg);
    }
  }
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name.localeCompare(b.name);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  for (const [label, read] of ENVIRONMENT_FIELDS) {
    const a = read(base) ?? '';
    const b = read(other) ?? '';
    if (a !== b) {
      diff.fields.push({ label, before: a, after: b });
    }
  }
  return diff;
}

/**
 * The fields compared besides packages, with how to read them as text.
 */
export const ENVIRONMENT_FIELDS: [
  string,
  (env: EnvironmentSnapshot) => string | undefined
][] = [
  ['Language', env => `${env.language.name} ${env.language.version}`],
  ['Implementation', env => env.language.implementation],
  ['Executable', env => env.language.executable],
  [
    'System',
    env => [env.platform.system, env.platform.release].filter(Boolean).join(' ')
  ],
  ['Machine', env => env.platform.machine],
  ['Host', env => env.platform.hostname],
  ['Working folder', env => env.platform.cwd],
  [
    'CPU',
    env =>
      env.cpu
        ? [
            env.cpu.model,
            env.cpu.count !== undefined ? `× ${env.cpu.count}` : ''
          ]
            .filter(Boolean)
            .join(' ')
        : undefined
  ],
  ['GPUs', env => (env.gpus ?? []).map(g => g.name).join(', ') || undefined],
  ['Conda environment', env => env.conda?.name ?? env.conda?.prefix],
  ['Git commit', env => env.git?.commit ?? undefined],
  ['Git branch', env => env.git?.branch ?? undefined],
  [
    'Uncommitted changes',
    env => (env.git ? (env.git.dirty ? 'yes' : 'no') : undefined)
  ]
];

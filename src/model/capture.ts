/**
 * Pure views of capture and environment data for the panel: how a file
 * compares with the previous run of its cell, metrics grouped by name, and
 * what differs between two environments.
 */
import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  FileAccess,
  MetricPoint
} from './types';

/**
 * How a file of an execution compares with the previous run of its cell:
 * `pending` while its hash is computed, `changed` when the content differs,
 * `new` when the previous run did not touch it, `same` when equal, and
 * `unknown` when there is no previous run (or no hash to compare).
 */
export type FileChange = 'pending' | 'changed' | 'new' | 'same' | 'unknown';

/**
 * Whether a file's hashing is over: it has a hash or a hash error. That
 * decides, even beside a stale `hashPending` (records stored before the
 * merges cleared it).
 */
export function hashSettled(file: FileAccess): boolean {
  return Boolean(file.sha256) || Boolean(file.hashError);
}

/**
 * Compares a file with the previous run's files (`undefined`: no previous
 * run known).
 */
export function fileChange(
  file: FileAccess,
  previous: readonly FileAccess[] | undefined
): FileChange {
  if (!hashSettled(file)) {
    // Still hashing in the kernel.
    return 'pending';
  }
  if (previous === undefined) {
    return 'unknown';
  }
  const before =
    previous.find(p => p.path === file.path && p.access === file.access) ??
    previous.find(p => p.path === file.path);
  if (!before) {
    return 'new';
  }
  if (!file.sha256 || !before.sha256) {
    return 'unknown';
  }
  return file.sha256 === before.sha256 ? 'same' : 'changed';
}

/**
 * A metric's points, in logging order.
 */
export interface IMetricSeries {
  name: string;
  points: MetricPoint[];
  /** The last value logged (null for NaN or an infinity). */
  last: number | null;
}

/**
 * Metrics grouped by name, in order of first appearance; points keep their
 * logging order (by step when every point has one).
 */
export function metricSeries(
  capture: ExecutionCapture | undefined
): IMetricSeries[] {
  const byName = new Map<string, MetricPoint[]>();
  for (const point of capture?.metrics ?? []) {
    const list = byName.get(point.name) ?? [];
    list.push(point);
    byName.set(point.name, list);
  }
  return [...byName].map(([name, points]) => {
    const sorted = points.every(p => typeof p.step === 'number')
      ? [...points].sort((a, b) => (a.step as number) - (b.step as number))
      : points;
    return { name, points: sorted, last: sorted[sorted.length - 1].value };
  });
}

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
 * Compares two environments: packages by name (case-insensitive), then the
 * fields a person would check (language, platform, CPU, GPUs, conda, git).
 */
export function diffEnvironments(
  base: EnvironmentSnapshot,
  other: EnvironmentSnapshot
): IEnvironmentDiff {
  const key = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
  const before = new Map(base.packages.map(p => [key(p.name), p]));
  const after = new Map(other.packages.map(p => [key(p.name), p]));
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

/**
 * The preflight of a replay: what differs between the recording and the
 * kernel about to replay it, before anything runs. The Python version, the
 * packages (missing, older, newer, with one pip line to match), and every
 * input file (same, changed, missing, unknown; a table's columns).
 */
import { packageKey } from '../environment';
import type { EnvironmentSnapshot, TableSchema } from '../schema';
import type { InputFile } from './inputs';
import { compareVersions } from './versions';

/** A file as the target kernel sees it (the kernel probe's answer). */
export interface TargetFile {
  path: string;
  exists: boolean;
  sha256?: string;
  size?: number;
  /** For CSV/TSV with the probe's detail on, `rows` counts data rows. */
  table?: TableSchema;
  /** What is at the path, when it exists. */
  kind?: 'file' | 'folder';
  /** For a folder: how many files it holds. */
  fileCount?: number;
  /** false when it exists but cannot be read; absent: readable. */
  readable?: boolean;
  /** Why it could not be read or probed (at most 1000 characters). */
  error?: string;
}

/** A package of the recording and its version in the target. */
export interface PreflightPackage {
  name: string;
  /** The version the recording ran with. */
  recorded: string;
  /** The target's version; absent when the package is missing. */
  target?: string;
}

/** How an input file of the recording stands in the target. */
export interface PreflightFile {
  path: string;
  /** The step that first read it. */
  step: number;
  /**
   * same: the sha256 matches; changed: the sha256 (or, without one, the
   * size) differs; missing: not in the target; unknown: there, but with no
   * hash on one side to compare.
   */
  state: 'same' | 'changed' | 'missing' | 'unknown';
  /** Present when both sides have a table schema. */
  columns?: {
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    retyped: { name: string; recorded: string; target: string }[];
  };
}

/** The whole report. */
export interface PreflightReport {
  python: { recorded?: string; target?: string; same: boolean };
  packages: {
    missing: PreflightPackage[];
    older: PreflightPackage[];
    newer: PreflightPackage[];
    /** How many packages have the recorded version. */
    same: number;
  };
  /** `pip install name==version ...` for the missing and different packages; null when none. */
  pipInstall: string | null;
  files: PreflightFile[];
  /** Nothing missing, older, newer or changed, and the same Python. */
  ready: boolean;
}

/** What the recording had: its environment and the inputs of steps 1..k. */
export interface PreflightRecorded {
  environment?: EnvironmentSnapshot;
  inputs: InputFile[];
}

/** What the target kernel has (the probe's answer). */
export interface PreflightTarget {
  environment?: EnvironmentSnapshot;
  files: TargetFile[];
}

/**
 * Distributions the pip line leaves out: Trail itself is not on the
 * package index, and the target has its own.
 */
const NOT_PINNED = new Set(['jupyterlab-trail']);

/** Compares the recording with the target. */
export function preflight(
  recorded: PreflightRecorded,
  target: PreflightTarget
): PreflightReport {
  const python = {
    recorded: recorded.environment?.language.version,
    target: target.environment?.language.version,
    same: false
  };
  // Nothing recorded is nothing to match.
  python.same =
    python.recorded === undefined || python.recorded === python.target;
  const packages = comparePackages(recorded.environment, target.environment);
  const pins = [...packages.missing, ...packages.older, ...packages.newer]
    .filter(p => !NOT_PINNED.has(packageKey(p.name)))
    .sort((a, b) => packageKey(a.name).localeCompare(packageKey(b.name)))
    .map(p => `${p.name}==${p.recorded}`);
  const files = recorded.inputs.map(input => compareFile(input, target.files));
  const ready =
    python.same &&
    !packages.missing.length &&
    !packages.older.length &&
    !packages.newer.length &&
    files.every(f => f.state === 'same' || f.state === 'unknown');
  return {
    python,
    packages,
    pipInstall: pins.length ? `pip install ${pins.join(' ')}` : null,
    files,
    ready
  };
}

function comparePackages(
  recorded: EnvironmentSnapshot | undefined,
  target: EnvironmentSnapshot | undefined
): PreflightReport['packages'] {
  const result: PreflightReport['packages'] = {
    missing: [],
    older: [],
    newer: [],
    same: 0
  };
  if (!recorded) {
    return result;
  }
  const installed = new Map(
    (target?.packages ?? []).map(p => [packageKey(p.name), p.version])
  );
  const byName = [...recorded.packages].sort((a, b) =>
    packageKey(a.name).localeCompare(packageKey(b.name))
  );
  for (const pkg of byName) {
    const version = installed.get(packageKey(pkg.name));
    if (version === undefined) {
      result.missing.push({ name: pkg.name, recorded: pkg.version });
      continue;
    }
    const order = compareVersions(version, pkg.version);
    const entry = { name: pkg.name, recorded: pkg.version, target: version };
    if (order < 0) {
      result.older.push(entry);
    } else if (order > 0) {
      result.newer.push(entry);
    } else {
      result.same++;
    }
  }
  return result;
}

function compareFile(
  input: InputFile,
  files: readonly TargetFile[]
): PreflightFile {
  const file: PreflightFile = {
    path: input.path,
    step: input.step,
    state: 'unknown'
  };
  const there = files.find(f => f.path === input.path);
  if (!there || !there.exists) {
    file.state = 'missing';
    return file;
  }
  if (input.sha256 && there.sha256) {
    file.state = input.sha256 === there.sha256 ? 'same' : 'changed';
  } else if (
    input.size !== undefined &&
    there.size !== undefined &&
    input.size !== there.size
  ) {
    file.state = 'changed';
  }
  if (input.table && there.table) {
    file.columns = compareColumns(input.table, there.table);
  }
  return file;
}

export function compareColumns(
  recorded: TableSchema,
  target: TableSchema
): NonNullable<PreflightFile['columns']> {
  const before = new Map(recorded.columns.map(c => [c.name, c.type]));
  const after = new Map(target.columns.map(c => [c.name, c.type]));
  return {
    added: target.columns.filter(c => !before.has(c.name)),
    removed: recorded.columns.filter(c => !after.has(c.name)),
    retyped: recorded.columns
      .filter(c => after.has(c.name) && after.get(c.name) !== c.type)
      .map(c => ({
        name: c.name,
        recorded: c.type,
        target: after.get(c.name)!
      }))
  };
}

/**
 * What the kernel helper sends, kept to the schemas' shape: a field the
 * schema would refuse is dropped or cut, never the whole record. Captures
 * merge by the rules of the records floor (src/records/capture.ts).
 */
import { isEmptyCapture } from '../records/capture';
import {
  MAX_COLUMN_NAME_LENGTH,
  MAX_COLUMN_TYPE_LENGTH,
  MAX_CONDA_NAME_LENGTH,
  MAX_CONDA_PREFIX_LENGTH,
  MAX_CPU_MODEL_LENGTH,
  MAX_CWD_LENGTH,
  MAX_EXECUTABLE_LENGTH,
  MAX_FILES,
  MAX_GIT_BRANCH_LENGTH,
  MAX_GIT_COMMIT_LENGTH,
  MAX_GIT_DIFF_LENGTH,
  MAX_GPU_DRIVER_LENGTH,
  MAX_GPU_NAME_LENGTH,
  MAX_GPUS,
  MAX_HASH_ERROR_LENGTH,
  MAX_HOSTNAME_LENGTH,
  MAX_LANGUAGE_IMPLEMENTATION_LENGTH,
  MAX_LANGUAGE_NAME_LENGTH,
  MAX_LANGUAGE_VERSION_LENGTH,
  MAX_MACHINE_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  MAX_METRICS,
  MAX_PACKAGE_NAME_LENGTH,
  MAX_PACKAGE_VERSION_LENGTH,
  MAX_PACKAGES,
  MAX_PARAM_NAME_LENGTH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_PARAMS,
  MAX_PATH_LENGTH,
  MAX_PLATFORM_LENGTH,
  MAX_RELEASE_LENGTH,
  MAX_ROLE_LENGTH,
  MAX_SYSTEM_LENGTH,
  MAX_TABLE_COLUMNS,
  MAX_TAG_LENGTH,
  MAX_TAGS
} from '../records/limits';
import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  FileAccess,
  MetricPoint,
  ParamValue
} from '../records/schema';

/**
 * A capture reduced to what the schema accepts, or null when nothing is
 * left. The helper is ours, but a record the server refused would lose the
 * whole execution, so every field is checked here.
 */
export function sanitizeCapture(raw: unknown): ExecutionCapture | null {
  if (!isRecord(raw)) {
    return null;
  }
  const capture: ExecutionCapture = {};
  if (Array.isArray(raw.files)) {
    const files = raw.files
      .map(sanitizeFile)
      .filter((file): file is FileAccess => file !== null)
      .slice(0, MAX_FILES);
    if (files.length > 0) {
      capture.files = files;
    }
  }
  if (isRecord(raw.params)) {
    // A Map, not an object: a param may be named __proto__.
    const params = new Map<string, ParamValue>();
    for (const [name, value] of Object.entries(raw.params).slice(
      0,
      MAX_PARAMS
    )) {
      if (name.length > MAX_PARAM_NAME_LENGTH) {
        continue;
      }
      params.set(
        name,
        typeof value === 'string'
          ? value.slice(0, MAX_PARAM_VALUE_LENGTH)
          : typeof value === 'number' || typeof value === 'boolean'
            ? value
            : value === null
              ? null
              : JSON.stringify(value ?? null).slice(0, MAX_PARAM_VALUE_LENGTH)
      );
    }
    if (params.size > 0) {
      capture.params = Object.fromEntries(params);
    }
  }
  if (Array.isArray(raw.metrics)) {
    const metrics: MetricPoint[] = [];
    for (const point of raw.metrics.slice(0, MAX_METRICS)) {
      if (
        !isRecord(point) ||
        !isText(point.name, 1, MAX_METRIC_NAME_LENGTH) ||
        typeof point.at !== 'string' ||
        !(point.value === null || typeof point.value === 'number')
      ) {
        continue;
      }
      const metric: MetricPoint = {
        name: point.name,
        value:
          typeof point.value === 'number' && isFinite(point.value)
            ? point.value
            : null,
        at: point.at
      };
      if (Number.isInteger(point.step) || point.step === null) {
        metric.step = point.step as number | null;
      }
      metrics.push(metric);
    }
    if (metrics.length > 0) {
      capture.metrics = metrics;
    }
  }
  if (Array.isArray(raw.tags)) {
    const tags = raw.tags
      .filter((tag): tag is string => isText(tag, 1, MAX_TAG_LENGTH))
      .slice(0, MAX_TAGS);
    if (tags.length > 0) {
      capture.tags = [...new Set(tags)];
    }
  }
  return isEmptyCapture(capture) ? null : capture;
}

/**
 * An environment snapshot with only the fields the schema knows, or null
 * when its required fields are missing.
 */
export function sanitizeEnvironment(raw: unknown): EnvironmentSnapshot | null {
  if (
    !isRecord(raw) ||
    typeof raw.capturedAt !== 'string' ||
    !isRecord(raw.language) ||
    typeof raw.language.name !== 'string' ||
    typeof raw.language.version !== 'string' ||
    !isRecord(raw.platform) ||
    typeof raw.platform.system !== 'string' ||
    !Array.isArray(raw.packages)
  ) {
    return null;
  }
  const snapshot: EnvironmentSnapshot = {
    capturedAt: raw.capturedAt,
    language: pick(raw.language, {
      name: MAX_LANGUAGE_NAME_LENGTH,
      version: MAX_LANGUAGE_VERSION_LENGTH,
      implementation: MAX_LANGUAGE_IMPLEMENTATION_LENGTH,
      executable: MAX_EXECUTABLE_LENGTH
    }) as EnvironmentSnapshot['language'],
    platform: pick(raw.platform, {
      system: MAX_SYSTEM_LENGTH,
      release: MAX_RELEASE_LENGTH,
      machine: MAX_MACHINE_LENGTH,
      platform: MAX_PLATFORM_LENGTH,
      hostname: MAX_HOSTNAME_LENGTH,
      cwd: MAX_CWD_LENGTH
    }) as EnvironmentSnapshot['platform'],
    packages: raw.packages
      .filter(
        (p): p is { name: string; version: string } =>
          isRecord(p) &&
          isText(p.name, 0, MAX_PACKAGE_NAME_LENGTH) &&
          isText(p.version, 0, MAX_PACKAGE_VERSION_LENGTH)
      )
      .slice(0, MAX_PACKAGES)
      .map(p => ({ name: p.name, version: p.version }))
  };
  if (isRecord(raw.cpu)) {
    const cpu: EnvironmentSnapshot['cpu'] = {};
    if (isText(raw.cpu.model, 0, MAX_CPU_MODEL_LENGTH)) {
      cpu.model = raw.cpu.model;
    }
    if (Number.isInteger(raw.cpu.count) && (raw.cpu.count as number) >= 0) {
      cpu.count = raw.cpu.count as number;
    }
    snapshot.cpu = cpu;
  }
  if (Array.isArray(raw.gpus)) {
    snapshot.gpus = raw.gpus
      .filter(g => isRecord(g) && isText(g.name, 0, MAX_GPU_NAME_LENGTH))
      .slice(0, MAX_GPUS)
      .map(g => {
        const gpu = g as Record<string, unknown>;
        const out: NonNullable<EnvironmentSnapshot['gpus']>[number] = {
          name: gpu.name as string
        };
        if (Number.isInteger(gpu.memoryMiB) || gpu.memoryMiB === null) {
          out.memoryMiB = gpu.memoryMiB as number | null;
        }
        if (
          isText(gpu.driver, 0, MAX_GPU_DRIVER_LENGTH) ||
          gpu.driver === null
        ) {
          out.driver = gpu.driver as string | null;
        }
        return out;
      });
  }
  if (raw.conda === null) {
    snapshot.conda = null;
  } else if (isRecord(raw.conda)) {
    snapshot.conda = pick(raw.conda, {
      name: MAX_CONDA_NAME_LENGTH,
      prefix: MAX_CONDA_PREFIX_LENGTH
    });
  }
  if (raw.git === null) {
    snapshot.git = null;
  } else if (isRecord(raw.git)) {
    const git: NonNullable<EnvironmentSnapshot['git']> = {};
    for (const [key, max] of [
      ['commit', MAX_GIT_COMMIT_LENGTH],
      ['branch', MAX_GIT_BRANCH_LENGTH]
    ] as const) {
      const value = raw.git[key];
      if (value === null || isText(value, 0, max)) {
        git[key] = value as string | null;
      }
    }
    if (typeof raw.git.dirty === 'boolean') {
      git.dirty = raw.git.dirty;
    }
    if (typeof raw.git.diff === 'string') {
      git.diff = raw.git.diff.slice(0, MAX_GIT_DIFF_LENGTH);
      if (git.diff.length < raw.git.diff.length) {
        git.diffTruncated = true;
      }
    }
    if (typeof raw.git.diffTruncated === 'boolean' && !git.diffTruncated) {
      git.diffTruncated = raw.git.diffTruncated;
    }
    snapshot.git = git;
  }
  return snapshot;
}

function sanitizeFile(raw: unknown): FileAccess | null {
  if (
    !isRecord(raw) ||
    !isText(raw.path, 1, MAX_PATH_LENGTH) ||
    !['read', 'write', 'readwrite'].includes(raw.access as string) ||
    !['file', 'folder'].includes(raw.kind as string)
  ) {
    return null;
  }
  const file: FileAccess = {
    path: raw.path,
    access: raw.access as FileAccess['access'],
    kind: raw.kind as FileAccess['kind']
  };
  if (isText(raw.role, 0, MAX_ROLE_LENGTH)) {
    file.role = raw.role;
  }
  if (raw.size === null || isCount(raw.size)) {
    file.size = raw.size as number | null;
  }
  if (raw.mtime === null || typeof raw.mtime === 'string') {
    file.mtime = raw.mtime as string | null;
  }
  if (
    raw.sha256 === null ||
    (typeof raw.sha256 === 'string' && /^[0-9a-f]{64}$/.test(raw.sha256))
  ) {
    file.sha256 = raw.sha256 as string | null;
  }
  if (typeof raw.hashPending === 'boolean') {
    file.hashPending = raw.hashPending;
  }
  if (typeof raw.hashError === 'string') {
    file.hashError = raw.hashError.slice(0, MAX_HASH_ERROR_LENGTH);
  }
  if (isCount(raw.fileCount)) {
    file.fileCount = raw.fileCount;
  }
  if (
    isRecord(raw.schema) &&
    ['csv', 'tsv', 'parquet'].includes(raw.schema.format as string) &&
    Array.isArray(raw.schema.columns)
  ) {
    file.schema = {
      format: raw.schema.format as 'csv' | 'tsv' | 'parquet',
      columns: raw.schema.columns
        .filter(
          (c): c is { name: string; type: string } =>
            isRecord(c) &&
            isText(c.name, 0, MAX_COLUMN_NAME_LENGTH) &&
            isText(c.type, 0, MAX_COLUMN_TYPE_LENGTH)
        )
        .slice(0, MAX_TABLE_COLUMNS)
        .map(c => ({ name: c.name, type: c.type }))
    };
    if (raw.schema.rows === null || isCount(raw.schema.rows)) {
      file.schema.rows = raw.schema.rows as number | null;
    }
  }
  return file;
}

/** Only the listed string fields, each cut to its maximum length. */
function pick(
  source: Record<string, unknown>,
  fields: Record<string, number>
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, max] of Object.entries(fields)) {
    const value = source[key];
    if (typeof value === 'string') {
      out[key] = value.slice(0, max);
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, min: number, max: number): value is string {
  return (
    typeof value === 'string' && value.length >= min && value.length <= max
  );
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

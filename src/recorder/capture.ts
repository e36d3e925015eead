/**
 * Execution captures from the kernel helper: kept to the schema's shape, and
 * merged as capture.schema.json describes.
 */
import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  FileAccess,
  MetricPoint,
  ParamValue
} from '../records/schema';

const MAX_FILES = 10000;
const MAX_PARAMS = 1000;
const MAX_METRICS = 100000;
const MAX_TAGS = 200;

/**
 * Merges `more` into `base` (neither is changed): files by (path, access)
 * with the later non-null values winning, params by name with the later
 * winning, metrics appended, tags as a set.
 */
export function mergeCapture(
  base: ExecutionCapture | undefined,
  more: ExecutionCapture
): ExecutionCapture {
  if (!base) {
    return cloneCapture(more);
  }
  const merged = cloneCapture(base);
  if (more.files?.length) {
    const files = merged.files ?? [];
    const index = new Map(files.map((file, i) => [fileKey(file), i]));
    for (const file of more.files) {
      const at = index.get(fileKey(file));
      if (at === undefined) {
        if (files.length < MAX_FILES) {
          index.set(fileKey(file), files.length);
          files.push({ ...file });
        }
        continue;
      }
      const target = files[at] as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(file)) {
        if (value !== null && value !== undefined) {
          target[key] = value;
        }
      }
      if (
        file.hashPending === undefined &&
        (typeof file.sha256 === 'string' || typeof file.hashError === 'string')
      ) {
        // A hash outcome without a flag of its own (the kernel's final
        // capture drops it) ends the earlier pending state.
        delete target.hashPending;
      }
    }
    merged.files = files;
  }
  if (more.params && Object.keys(more.params).length > 0) {
    const params = { ...(merged.params ?? {}) };
    for (const [name, value] of Object.entries(more.params)) {
      if (name in params || Object.keys(params).length < MAX_PARAMS) {
        params[name] = value;
      }
    }
    merged.params = params;
  }
  if (more.metrics?.length) {
    const metrics = [...(merged.metrics ?? []), ...more.metrics];
    merged.metrics = metrics.slice(0, MAX_METRICS);
  }
  if (more.tags?.length) {
    merged.tags = [...new Set([...(merged.tags ?? []), ...more.tags])].slice(
      0,
      MAX_TAGS
    );
  }
  return merged;
}

/**
 * Whether a capture has anything to say.
 */
export function isEmptyCapture(capture: ExecutionCapture | undefined): boolean {
  return (
    !capture ||
    (!capture.files?.length &&
      !capture.metrics?.length &&
      !capture.tags?.length &&
      Object.keys(capture.params ?? {}).length === 0)
  );
}

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
    const params: Record<string, ParamValue> = {};
    for (const [name, value] of Object.entries(raw.params).slice(
      0,
      MAX_PARAMS
    )) {
      if (name.length > 250) {
        continue;
      }
      params[name] =
        typeof value === 'string'
          ? value.slice(0, 5000)
          : typeof value === 'number' || typeof value === 'boolean'
            ? value
            : value === null
              ? null
              : JSON.stringify(value ?? null).slice(0, 5000);
    }
    if (Object.keys(params).length > 0) {
      capture.params = params;
    }
  }
  if (Array.isArray(raw.metrics)) {
    const metrics: MetricPoint[] = [];
    for (const point of raw.metrics.slice(0, MAX_METRICS)) {
      if (
        !isRecord(point) ||
        !isText(point.name, 1, 250) ||
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
      .filter((tag): tag is string => isText(tag, 1, 250))
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
      name: 100,
      version: 100,
      implementation: 100,
      executable: 4096
    }) as EnvironmentSnapshot['language'],
    platform: pick(raw.platform, {
      system: 100,
      release: 200,
      machine: 100,
      platform: 500,
      hostname: 255,
      cwd: 4096
    }) as EnvironmentSnapshot['platform'],
    packages: raw.packages
      .filter(
        (p): p is { name: string; version: string } =>
          isRecord(p) && isText(p.name, 0, 500) && isText(p.version, 0, 200)
      )
      .slice(0, 20000)
      .map(p => ({ name: p.name, version: p.version }))
  };
  if (isRecord(raw.cpu)) {
    const cpu: EnvironmentSnapshot['cpu'] = {};
    if (isText(raw.cpu.model, 0, 500)) {
      cpu.model = raw.cpu.model;
    }
    if (Number.isInteger(raw.cpu.count) && (raw.cpu.count as number) >= 0) {
      cpu.count = raw.cpu.count as number;
    }
    snapshot.cpu = cpu;
  }
  if (Array.isArray(raw.gpus)) {
    snapshot.gpus = raw.gpus
      .filter(g => isRecord(g) && isText(g.name, 0, 500))
      .slice(0, 64)
      .map(g => {
        const gpu = g as Record<string, unknown>;
        const out: NonNullable<EnvironmentSnapshot['gpus']>[number] = {
          name: gpu.name as string
        };
        if (Number.isInteger(gpu.memoryMiB) || gpu.memoryMiB === null) {
          out.memoryMiB = gpu.memoryMiB as number | null;
        }
        if (isText(gpu.driver, 0, 100) || gpu.driver === null) {
          out.driver = gpu.driver as string | null;
        }
        return out;
      });
  }
  if (raw.conda === null) {
    snapshot.conda = null;
  } else if (isRecord(raw.conda)) {
    snapshot.conda = pick(raw.conda, { name: 500, prefix: 4096 });
  }
  if (raw.git === null) {
    snapshot.git = null;
  } else if (isRecord(raw.git)) {
    const git: NonNullable<EnvironmentSnapshot['git']> = {};
    for (const [key, max] of [
      ['commit', 64],
      ['branch', 500]
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
      git.diff = raw.git.diff.slice(0, 1000000);
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
    !isText(raw.path, 1, 4096) ||
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
  if (isText(raw.role, 0, 100)) {
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
    file.hashError = raw.hashError.slice(0, 1000);
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
            isRecord(c) && isText(c.name, 0, 1000) && isText(c.type, 0, 200)
        )
        .slice(0, 5000)
        .map(c => ({ name: c.name, type: c.type }))
    };
    if (raw.schema.rows === null || isCount(raw.schema.rows)) {
      file.schema.rows = raw.schema.rows as number | null;
    }
  }
  return file;
}

function cloneCapture(capture: ExecutionCapture): ExecutionCapture {
  const copy: ExecutionCapture = {};
  if (capture.files) {
    copy.files = capture.files.map(file => ({ ...file }));
  }
  if (capture.params) {
    copy.params = { ...capture.params };
  }
  if (capture.metrics) {
    copy.metrics = [...capture.metrics];
  }
  if (capture.tags) {
    copy.tags = [...capture.tags];
  }
  return copy;
}

function fileKey(file: FileAccess): string {
  return `${file.access}\u0000${file.path}`;
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

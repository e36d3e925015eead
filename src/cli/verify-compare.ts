/**
 * What `trail export --verify` compares once the pipeline has run: each
 * recorded output file by sha256 (and, when the hash differs, by content:
 * jupyterlab_trail.content_compare's answer), each recorded metric exactly
 * or within a tolerance (absolute: |recorded - reproduced| <= tolerance),
 * each recorded param with the value the run used. Pure: the caller reads
 * the files and runs the content comparison.
 */
import { posix } from 'node:path';
import type { ParamValue } from '../records/schema';

/** What the recorded run produced (the export's `expected`). */
export interface VerifyExpected {
  /** The outputs the kept steps wrote, with the sha256 recorded. */
  files: { path: string; sha256: string }[];
  /** The last value of each metric the run logged (null: not a finite number). */
  metrics: { name: string; value: number | null }[];
  /** The params the run logged, with their recorded values. */
  params: { name: string; value: ParamValue }[];
}

/**
 * What a file other than byte for byte the same is accepted as (the user's
 * choice at verify time, `--tolerance file:PATH=...`): `content`, the same
 * content (numbers within `tolerance`, absolute); `exists`, written at all.
 */
export type FileTolerance =
  { mode: 'content'; tolerance: number } | { mode: 'exists' };

/**
 * How far a reproduced metric may be from the recorded one (absolute).
 * Absent: 0, the same value exactly. `files`: by recorded path, what a file
 * whose hash differs is accepted as (absent: nothing, the hash must match).
 */
export interface VerifyTolerance {
  default?: number;
  metrics?: Record<string, number>;
  files?: Record<string, FileTolerance>;
}

/** Where two files' contents differ (content_compare's answer). */
export interface ContentDifference {
  /** Where in the content, e.g. `steps[0][1]._stop_words_id`, `['price'][3]`. */
  path: string;
  recorded: string;
  reproduced: string;
  note?: string;
}

/** `python -m jupyterlab_trail.content_compare`'s answer. */
export interface ContentComparison {
  comparable: boolean;
  same: boolean;
  format?: string | null;
  /** At most 10. */
  differences: ContentDifference[];
  /** How many differences in all. */
  count: number;
  /** The whole content was walked (not stopped by time or depth). */
  complete: boolean;
  /** Why it is not comparable, or why the walk stopped. */
  reason?: string;
  notes?: string[];
}

export interface FileCheck {
  path: string;
  recorded: string;
  /** The sha256 of the file the run wrote; absent when it wrote none. */
  reproduced?: string;
  /** Where the file the run wrote is kept (`.trail-verify/<run>/reproduced/...`): the user's own is back at its path. */
  reproducedAt?: string;
  /** The same hash. */
  same: boolean;
  /** The verdict: the same hash, or accepted by the file's tolerance. */
  within: boolean;
  /** The file's tolerance, when the user gave one. */
  tolerance?: FileTolerance;
  /** When the hash differs and the content was compared: the same content. */
  sameContent?: boolean;
  /** Where the content differs (at most 10), when compared. */
  differences?: ContentDifference[];
  /** How many differences in all (more than listed when over 10). */
  differenceCount?: number;
  /** Why the content was not compared, or what the comparison noted. */
  contentNote?: string;
  /** A suggestion (the difference looks like an id()). */
  hint?: string;
}

export interface MetricCheck {
  name: string;
  recorded: number | null;
  /** The value in metrics.json; absent when the run did not log it. */
  reproduced?: number | null;
  within: boolean;
  /** The absolute tolerance it was compared with (0: exactly). */
  tolerance: number;
  /** |recorded - reproduced|, when both are numbers. */
  difference?: number;
}

export interface ParamCheck {
  name: string;
  recorded: ParamValue;
  /** The value the run used (what it logged, else what it was handed); undefined when neither. */
  used?: ParamValue;
  same: boolean;
}

/** A recorded path as a file tolerance names it (`./a/b` and `a//b` are `a/b`). */
export function tolerancePath(path: string): string {
  return posix.normalize(path.trim().replace(/\\/g, '/')).replace(/^\.\//, '');
}

/**
 * A tolerance that is not a finite number >= 0, or a file tolerance for a
 * file the recording did not write (`files`: the recorded ones), or null.
 */
export function badTolerance(
  tolerance: VerifyTolerance,
  files?: VerifyExpected['files']
): string | null {
  const recorded = files?.map(file => tolerancePath(file.path));
  for (const [path, file] of Object.entries(tolerance.files ?? {})) {
    if (file.mode === 'content') {
      const value = file.tolerance as unknown;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        return `the content tolerance of ${path} must be a number >= 0, got ${String(value)}`;
      }
    } else if (file.mode !== 'exists') {
      return `the tolerance of ${path} must be content, content:X or exists`;
    }
    if (recorded && !recorded.includes(tolerancePath(path))) {
      return recorded.length
        ? `${path} is not a file the recorded run wrote (it wrote ${recorded.join(', ')}): its tolerance would accept nothing`
        : `${path} is not a file the recorded run wrote (it wrote none): its tolerance would accept nothing`;
    }
  }
  const entries: [string, unknown][] = [
    ...(tolerance.default === undefined
      ? []
      : [['the default tolerance', tolerance.default] as [string, unknown]]),
    ...Object.entries(tolerance.metrics ?? {}).map(
      ([name, value]) =>
        [`the tolerance of ${name}`, value] as [string, unknown]
    )
  ];
  for (const [what, value] of entries) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${what} must be a number >= 0, got ${String(value)}`;
    }
  }
  return null;
}

/** The tolerance a metric is compared with. */
export function toleranceOf(name: string, tolerance: VerifyTolerance): number {
  return tolerance.metrics?.[name] ?? tolerance.default ?? 0;
}

/** Each recorded metric against metrics.json's (`reproduced`: the file's mapping). */
export function compareMetrics(
  expected: VerifyExpected['metrics'],
  reproduced: Readonly<Record<string, unknown>>,
  tolerance: VerifyTolerance
): MetricCheck[] {
  return expected.map(({ name, value }) => {
    const allowed = toleranceOf(name, tolerance);
    const check: MetricCheck = {
      name,
      recorded: value,
      within: false,
      tolerance: allowed
    };
    if (!Object.prototype.hasOwnProperty.call(reproduced, name)) {
      return check;
    }
    const found = reproduced[name];
    if (found === null || typeof found === 'number') {
      check.reproduced = found;
    } else {
      return check;
    }
    if (value === null || found === null) {
      // null stands for NaN or an infinity: the same only as itself.
      check.within = value === found;
      return check;
    }
    check.difference = Math.abs(value - found);
    check.within = check.difference <= allowed;
    return check;
  });
}

/** A file's tolerance (`files` keyed by recorded path, as given or normalised). */
export function fileToleranceOf(
  path: string,
  tolerance: VerifyTolerance
): FileTolerance | undefined {
  const files = tolerance.files ?? {};
  if (Object.prototype.hasOwnProperty.call(files, path)) {
    return files[path];
  }
  const wanted = tolerancePath(path);
  const key = Object.keys(files).find(name => tolerancePath(name) === wanted);
  return key === undefined ? undefined : files[key];
}

/** The tolerance as the CLI takes it: `content`, `content:1e-06`, `exists`. */
export function fileToleranceText(tolerance: FileTolerance): string {
  if (tolerance.mode === 'exists') {
    return 'exists';
  }
  return tolerance.tolerance ? `content:${tolerance.tolerance}` : 'content';
}

/** A content comparison, or why there is none for the file. */
export type ContentResult = ContentComparison | { error: string };

const INTEGER = /^-?\d+$/;

/**
 * A hint when every difference is an attribute named `*_id` holding an int
 * (a memory address, `id()`, kept by the object: it differs in every
 * process). Only a hint: such attributes are never ignored silently.
 */
export function idHint(
  path: string,
  content: ContentComparison
): string | undefined {
  if (
    !content.comparable ||
    content.same ||
    !content.complete ||
    content.count !== content.differences.length ||
    content.differences.length === 0
  ) {
    return undefined;
  }
  const idLike = content.differences.every(
    difference =>
      /(^|\.)[A-Za-z_]\w*_id$/.test(difference.path) &&
      INTEGER.test(difference.recorded) &&
      INTEGER.test(difference.reproduced)
  );
  return idLike
    ? `looks like a memory address (id()); \`--tolerance file:${path}=exists\` accepts it`
    : undefined;
}

/**
 * Each recorded output's hash against the hash of the file the run wrote
 * (`hashes`: by recorded path), and, for a file whose hash differs, its
 * content comparison (`contents`: by recorded path). The verdict (`within`)
 * is the hash unless the user set the file's tolerance: `exists` accepts a
 * written file, `content` a comparison that found the content the same.
 */
export function compareFiles(
  expected: VerifyExpected['files'],
  hashes: ReadonlyMap<string, string | undefined>,
  tolerance: VerifyTolerance = {},
  contents: ReadonlyMap<string, ContentResult> = new Map()
): FileCheck[] {
  return expected.map(({ path, sha256 }) => {
    const reproduced = hashes.get(path);
    const check: FileCheck = {
      path,
      recorded: sha256,
      same: false,
      within: false
    };
    const accepted = fileToleranceOf(path, tolerance);
    if (accepted) {
      check.tolerance = accepted;
    }
    if (reproduced === undefined) {
      return check;
    }
    check.reproduced = reproduced;
    check.same = reproduced === sha256;
    if (check.same) {
      check.within = true;
      return check;
    }
    if (accepted?.mode === 'exists') {
      check.within = true;
      check.contentNote = 'written, not compared (exists)';
      return check;
    }
    const content = contents.get(path);
    if (content === undefined) {
      return check;
    }
    if ('error' in content) {
      check.contentNote = `cannot compare by content: ${content.error}`;
      return check;
    }
    if (!content.comparable) {
      check.contentNote = `cannot compare by content: ${content.reason ?? 'unknown reason'}`;
      return check;
    }
    check.sameContent = content.same;
    check.differences = content.differences;
    check.differenceCount = content.count;
    const notes = [
      ...(content.reason ? [content.reason] : []),
      ...(content.notes ?? [])
    ];
    if (notes.length > 0) {
      check.contentNote = notes.join('; ');
    }
    check.within = accepted?.mode === 'content' && content.same;
    const hint = idHint(path, content);
    if (hint) {
      check.hint = hint;
    }
    return check;
  });
}

/** Two param values the same: 1 and 1.0 are, "1" and 1 are not. */
export function sameParam(a: ParamValue | undefined, b: ParamValue): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Each recorded param against the value the run used: the value its code
 * logged, else the value the pipeline handed it (params.yaml, coerced to the
 * recorded type).
 */
export function compareParams(
  expected: VerifyExpected['params'],
  used: {
    logged: Record<string, ParamValue>;
    given: Record<string, ParamValue>;
  }
): ParamCheck[] {
  return expected.map(({ name, value }) => {
    const has = (from: Record<string, ParamValue>) =>
      Object.prototype.hasOwnProperty.call(from, name);
    const check: ParamCheck = { name, recorded: value, same: false };
    if (has(used.logged)) {
      check.used = used.logged[name];
    } else if (has(used.given)) {
      check.used = used.given[name];
    }
    check.same = check.used !== undefined && sameParam(check.used, value);
    return check;
  });
}

/**
 * What `trail export --verify` compares once the pipeline has run: each
 * recorded output file by sha256, each recorded metric exactly or within a
 * tolerance (absolute: |recorded - reproduced| <= tolerance), each recorded
 * param with the value the run used. Pure: the caller reads the files.
 */
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
 * How far a reproduced metric may be from the recorded one (absolute).
 * Absent: 0, the same value exactly.
 */
export interface VerifyTolerance {
  default?: number;
  metrics?: Record<string, number>;
}

export interface FileCheck {
  path: string;
  recorded: string;
  /** The sha256 of the file the run wrote; absent when it wrote none. */
  reproduced?: string;
  same: boolean;
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

/** A tolerance that is not a finite number >= 0, or null when all are. */
export function badTolerance(tolerance: VerifyTolerance): string | null {
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

/** Each recorded output's hash against the hash of the file the run wrote (`hashes`: by recorded path). */
export function compareFiles(
  expected: VerifyExpected['files'],
  hashes: ReadonlyMap<string, string | undefined>
): FileCheck[] {
  return expected.map(({ path, sha256 }) => {
    const reproduced = hashes.get(path);
    const check: FileCheck = { path, recorded: sha256, same: false };
    if (reproduced !== undefined) {
      check.reproduced = reproduced;
      check.same = reproduced === sha256;
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

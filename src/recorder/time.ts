/**
 * Kernel timestamps: message header dates are ISO strings, often with
 * microseconds (ipykernel sends `2026-11-22T05:51:56.503954Z`).
 */

const FRACTION = /\.(\d+)/;

/**
 * Milliseconds since the epoch of a kernel header date, keeping the
 * sub-millisecond digits that `Date.parse` drops; null when the value is not
 * a date.
 */
export function parseKernelDate(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') {
    return null;
  }
  let ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    return null;
  }
  const fraction = FRACTION.exec(value);
  if (fraction !== null && fraction[1].length > 3) {
    ms += Number('0.' + fraction[1].slice(3));
  }
  return ms;
}

/**
 * An RFC 3339 date-time (UTC, millisecond precision) for a time in
 * milliseconds since the epoch.
 */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/**
 * A non-negative duration rounded to microseconds, so float noise does not
 * show up in records.
 */
export function durationBetween(start: number, end: number): number {
  return Math.max(0, Math.round((end - start) * 1000) / 1000);
}

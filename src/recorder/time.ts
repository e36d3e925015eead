/**
 * Kernel timestamps: message header dates are ISO strings, often with
 * microseconds (ipykernel sends `2026-11-22T05:51:56.503954Z`).
 */

const FRACTION = /\.(\d+)/;

/**
 * RFC 3339 as kernels send it: `2026-11-22T05:51:56.503954Z` or with an
 * offset. Parsed by hand: `Date.parse` takes a slow path on more than
 * three fraction digits, and this runs for several messages per execution.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Milliseconds since the epoch of a kernel header date, keeping the
 * sub-millisecond digits that `Date.parse` drops; null when the value is not
 * a date.
 */
export function parseKernelDate(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') {
    return null;
  }
  const m = RFC3339.exec(value);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec, frac, , sign, oh, om] = m;
    if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59) {
      return null;
    }
    if (+sec > 59 || +oh > 23 || +om > 59) {
      return null;
    }
    let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
    if (frac !== undefined) {
      ms += Number('0.' + frac) * 1000;
    }
    if (sign !== undefined) {
      const offset = (+oh * 60 + +om) * 60_000;
      ms += sign === '+' ? -offset : offset;
    }
    return Number.isNaN(ms) ? null : ms;
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

/**
 * Comparing timestamps and keys, shared by the indexes.
 */

/** An ISO timestamp in milliseconds since the epoch (0 if unparsable). */
export function timeMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Whether ISO time `a` is before `b`. Timestamps of one client have one
 * format (e.g. toISOString's), which compares correctly as text: that fast
 * path avoids a Date.parse per execution when rebuilding the index.
 */
export function isBefore(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) {
    return a < b;
  }
  return timeMs(a) < timeMs(b);
}

/**
 * The start of an ISO timestamp in milliseconds, keeping the digits past
 * the millisecond (kernels report microseconds) as a fraction, so that
 * executions a few microseconds apart keep their order. UTC timestamps
 * (`…Z`, the form clients send) are read digit by digit: several times
 * faster than Date.parse, which matters once per execution at startup.
 */
export function startMs(iso: string): number {
  const ms = utcMs(iso);
  if (!Number.isNaN(ms)) {
    return ms;
  }
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? 0 : parsed + subMillisecond(iso);
}

/** `YYYY-MM-DDTHH:MM:SS[.fff…]Z` in ms (with fraction), else NaN. */
function utcMs(iso: string): number {
  const n = iso.length;
  if (
    n < 20 ||
    iso.charCodeAt(n - 1) !== 90 || // Z
    iso.charCodeAt(4) !== 45 ||
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 || // T
    iso.charCodeAt(13) !== 58 ||
    iso.charCodeAt(16) !== 58
  ) {
    return NaN;
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 7);
  const day = digits(iso, 8, 10);
  const seconds =
    digits(iso, 11, 13) * 3600 + digits(iso, 14, 16) * 60 + digits(iso, 17, 19);
  let fraction = 0;
  if (n > 20) {
    if (iso.charCodeAt(19) !== 46) {
      return NaN; // '.'
    }
    let scale = 1000;
    for (let i = 20; i < n - 1; i++) {
      const d = iso.charCodeAt(i) - 48;
      if (d < 0 || d > 9) {
        return NaN;
      }
      scale /= 10;
      fraction += d * scale;
    }
  }
  return (daysFromCivil(year, month, day) * 86400 + seconds) * 1000 + fraction;
}

/** The number held by iso[from, to), NaN unless all digits. */
function digits(iso: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = iso.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return NaN;
    }
    value = value * 10 + d;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy =
    Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The digits past the millisecond of an ISO timestamp, in ms. */
function subMillisecond(iso: string): number {
  const dot = iso.indexOf('.', 19);
  if (dot < 0) {
    return 0;
  }
  let end = dot + 1;
  while (
    end < iso.length &&
    iso.charCodeAt(end) >= 48 &&
    iso.charCodeAt(end) <= 57
  ) {
    end++;
  }
  return end - dot - 1 > 3 ? Number(`0.${iso.slice(dot + 4, end)}`) : 0;
}

/** Text order of two ids, as a comparator. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index in `items` whose element is not less than the probe. */
export function lowerBound<T>(
  items: T[],
  isLess: (item: T) => boolean
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isLess(items[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

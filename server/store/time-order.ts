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
 * executions a few microseconds apart keep their order.
 */
export function startMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return 0;
  }
  const dot = iso.indexOf('.', 19);
  if (dot < 0) {
    return ms;
  }
  let end = dot + 1;
  while (
    end < iso.length &&
    iso.charCodeAt(end) >= 48 &&
    iso.charCodeAt(end) <= 57
  ) {
    end++;
  }
  return end - dot - 1 > 3 ? ms + Number(`0.${iso.slice(dot + 4, end)}`) : ms;
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

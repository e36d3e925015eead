/**
 * Metrics of a capture as the panel charts them. How files and
 * environments compare is a rule over records: see src/records.
 */
import type { ExecutionCapture, MetricPoint } from './types';

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

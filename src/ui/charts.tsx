/**
 * The panel's charts, behind one module: a metric's values over steps as an
 * inline SVG sparkline.
 *
 * #### Notes
 * A sidebar row has room for a line, its last point and its range, not for
 * an interactive plot. An SVG drawn with `currentColor` and `--jp-*`
 * variables follows every theme without code, renders in jsdom, and adds
 * nothing to the bundle, where plotly.js would add a megabyte (even loaded
 * lazily) and a theme of its own to keep in sync. A richer chart can
 * replace this module without touching its callers.
 */
import * as React from 'react';
import type { MetricPoint } from '../records/schema';
import { formatValue } from './format';

/**
 * A line through a metric's points (NaN points leave a gap), with its last
 * point marked and its range in the tooltip.
 */
export function Sparkline(props: {
  points: readonly MetricPoint[];
  width?: number;
  height?: number;
  label: string;
}): JSX.Element | null {
  const width = props.width ?? 120;
  const height = props.height ?? 28;
  const values = thin(
    props.points.map(p => p.value),
    MAX_CHART_POINTS
  );
  const finite = values.filter((v): v is number => v !== null);
  if (finite.length < 2) {
    return null;
  }
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const pad = 3;
  const x = (i: number) =>
    pad +
    (values.length === 1 ? 0 : (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v: number) =>
    max === min
      ? height / 2
      : height - pad - ((v - min) * (height - 2 * pad)) / (max - min);
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  let lastIndex = values.length - 1;
  while (lastIndex >= 0 && values[lastIndex] === null) {
    lastIndex--;
  }
  const last = values[lastIndex] as number;
  const steps = props.points
    .map(p => p.step)
    .filter(s => typeof s === 'number');
  const count = props.points.filter(p => p.value !== null).length;
  const title = `${props.label}: ${count} values from ${formatValue(
    min
  )} to ${formatValue(max)}${
    steps.length ? `, steps ${steps[0]}–${steps[steps.length - 1]}` : ''
  }`;
  return (
    <svg
      className="jp-Trail-Sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
    >
      <title>{title}</title>
      <path className="jp-Trail-Sparkline-line" d={path} />
      <circle
        className="jp-Trail-Sparkline-last"
        cx={x(lastIndex)}
        cy={y(last)}
        r={2}
      />
    </svg>
  );
}

/**
 * Points drawn at most: a sidebar chart is about 120 pixels wide.
 */
const MAX_CHART_POINTS = 240;

/**
 * At most `max` values with the shape kept: each bucket of consecutive
 * values gives its minimum and maximum, in order (a gap where the bucket
 * has only NaN).
 */
export function thin(
  values: readonly (number | null)[],
  max: number
): (number | null)[] {
  if (values.length <= max) {
    return [...values];
  }
  const buckets = Math.floor(max / 2);
  const out: (number | null)[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * values.length) / buckets);
    const end = Math.floor(((b + 1) * values.length) / buckets);
    let lo: number | null = null;
    let hi: number | null = null;
    let loAt = 0;
    let hiAt = 0;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (v === null) {
        continue;
      }
      if (lo === null || v < lo) {
        lo = v;
        loAt = i;
      }
      if (hi === null || v > hi) {
        hi = v;
        hiAt = i;
      }
    }
    if (lo === null) {
      out.push(null);
    } else if (loAt <= hiAt) {
      out.push(lo, hi);
    } else {
      out.push(hi, lo);
    }
  }
  return out;
}

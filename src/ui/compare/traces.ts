/**
 * The plotly figures of the compare view (#16 item 3) as pure functions of
 * the runs and a theme read from JupyterLab's CSS variables: metrics over
 * steps (one trace per run), parallel coordinates of params against a
 * metric, and a scatter of two columns. No plotly here: the figures are
 * plain data handed to Plotly.react by ./plots.
 */
import type { Data, Layout } from 'plotly.js';
import type { RunMetricPoint, RunSummary } from '../../client/api-schema';

/** The colours and font of a plot, from the JupyterLab theme. */
export interface IPlotTheme {
  background: string;
  plotBackground: string;
  fontColor: string;
  mutedColor: string;
  fontFamily: string;
  fontSize: number;
  gridColor: string;
  lineColor: string;
  /** A colour per run (cycled). */
  colorway: string[];
  /** The colour scale of the parallel coordinates' lines (low to high). */
  colorscale: [number, string][];
}

/** Colours that read on light and dark backgrounds alike (Tableau 10). */
export const RUN_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac'
];

/**
 * The plot theme from a reader of CSS custom properties (at draw time:
 * `name => getComputedStyle(document.body).getPropertyValue(name)`).
 */
export function readPlotTheme(read: (name: string) => string): IPlotTheme {
  const css = (name: string, fallback: string) => read(name).trim() || fallback;
  const size = parseFloat(css('--jp-ui-font-size1', '13px'));
  const brand = css('--jp-brand-color1', '#1976d2');
  const warn = css('--jp-warn-color1', '#f57c00');
  return {
    background: css('--jp-layout-color1', '#ffffff'),
    plotBackground: css('--jp-layout-color0', '#ffffff'),
    fontColor: css('--jp-ui-font-color1', '#212121'),
    mutedColor: css('--jp-ui-font-color2', '#616161'),
    fontFamily: css('--jp-ui-font-family', 'sans-serif'),
    fontSize: Number.isFinite(size) ? size : 13,
    gridColor: css('--jp-border-color2', '#e0e0e0'),
    lineColor: css('--jp-border-color1', '#bdbdbd'),
    colorway: RUN_COLORS,
    colorscale: [
      [0, brand],
      [1, warn]
    ]
  };
}

/** How a run is named in a legend: its label, else its short id. */
export interface IRunLabel {
  id: string;
  label: string;
}

/** The layout every plot shares: colours, font, grid, margins. */
export function baseLayout(theme: IPlotTheme, title?: string): Partial<Layout> {
  const axis = {
    gridcolor: theme.gridColor,
    zerolinecolor: theme.lineColor,
    linecolor: theme.lineColor,
    tickcolor: theme.lineColor,
    color: theme.fontColor,
    automargin: true
  };
  return {
    ...(title
      ? { title: { text: title, font: { size: theme.fontSize + 2 } } }
      : {}),
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.plotBackground,
    font: {
      family: theme.fontFamily,
      color: theme.fontColor,
      size: theme.fontSize
    },
    colorway: theme.colorway,
    margin: { l: 56, r: 24, t: title ? 48 : 24, b: 48 },
    legend: { font: { color: theme.fontColor }, bgcolor: 'rgba(0,0,0,0)' },
    hoverlabel: { font: { family: theme.fontFamily } },
    xaxis: { ...axis },
    yaxis: { ...axis }
  } as Partial<Layout>;
}

/**
 * Metric `name` over steps, one line per run. A point without a step is
 * placed at its order in the run; a null value (NaN, an infinity) leaves
 * a gap. Runs without the metric get no trace.
 */
export function metricFigure(
  name: string,
  runs: readonly IRunLabel[],
  series: readonly (readonly RunMetricPoint[] | null | undefined)[],
  theme: IPlotTheme
): { data: Data[]; layout: Partial<Layout> } {
  const data: Data[] = [];
  runs.forEach((run, i) => {
    const points = series[i];
    if (!points || points.length === 0) {
      return;
    }
    const single = points.length === 1;
    data.push({
      type: 'scatter',
      mode: single ? 'markers' : 'lines+markers',
      name: run.label,
      x: points.map((point, k) => point.step ?? k),
      y: points.map(point => point.value),
      connectgaps: false,
      line: { color: theme.colorway[i % theme.colorway.length], width: 2 },
      marker: {
        color: theme.colorway[i % theme.colorway.length],
        size: single ? 9 : 5
      },
      hovertemplate: `${escapeTemplate(run.label)}<br>step %{x}<br>${escapeTemplate(name)} %{y}<extra></extra>`
    } as Data);
  });
  const layout = baseLayout(theme);
  layout.showlegend = true;
  (layout.xaxis as Record<string, unknown>).title = { text: 'step' };
  // Steps are whole numbers: a few of them get a tick each, not 0.5s.
  const steps = data.flatMap(trace => (trace as { x: number[] }).x);
  if (steps.length > 0 && Math.max(...steps) - Math.min(...steps) <= 20) {
    (layout.xaxis as Record<string, unknown>).dtick = 1;
  }
  (layout.yaxis as Record<string, unknown>).title = { text: name };
  return { data, layout };
}

/** A column of a run a plot can draw: `params.NAME` or `metrics.NAME` (the last value). */
export type ColumnField = string;

/** The value of a column in a run (metrics: the last value), or undefined. */
export function columnValue(
  run: RunSummary,
  field: ColumnField
): string | number | boolean | null | undefined {
  if (field.startsWith('params.')) {
    const name = field.slice('params.'.length);
    return Object.prototype.hasOwnProperty.call(run.params, name)
      ? run.params[name]
      : undefined;
  }
  if (field.startsWith('metrics.')) {
    return run.metrics[field.slice('metrics.'.length)]?.last ?? undefined;
  }
  return undefined;
}

/** The columns the runs have: every param then every metric, by name. */
export function columnsOf(runs: readonly RunSummary[]): ColumnField[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params).forEach(name => params.add(name));
    Object.keys(run.metrics).forEach(name => metrics.add(name));
  }
  const sorted = (names: Set<string>) =>
    [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...sorted(params).map(name => `params.${name}`),
    ...sorted(metrics).map(name => `metrics.${name}`)
  ];
}

/** One axis of the parallel coordinates. */
export interface IParcoordsDimension {
  label: string;
  values: number[];
  range?: [number, number];
  /** For a categorical axis: where each value sits and its text. */
  tickvals?: number[];
  ticktext?: string[];
}

/** The label of a missing value on a categorical axis. */
export const MISSING_LABEL = '—';

/** The most param axes drawn (plotly draws at most 60 in all). */
export const MAX_PARAM_AXES = 30;

/**
 * One axis of the parallel coordinates: numeric when every run has a
 * finite number; otherwise categorical (booleans and text are categories),
 * numbers sorted numerically, then text by code point, the missing last.
 */
export function dimensionOf(
  label: string,
  values: readonly (string | number | boolean | null | undefined)[]
): IParcoordsDimension {
  if (
    values.length > 0 &&
    values.every(v => typeof v === 'number' && isFinite(v))
  ) {
    const numbers = values as number[];
    let lo = Math.min(...numbers);
    let hi = Math.max(...numbers);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    return { label, values: [...numbers], range: [lo, hi] };
  }
  const text = (v: (typeof values)[number]) =>
    v === undefined ? MISSING_LABEL : v === null ? 'null' : String(v);
  const numbers = new Set<number>();
  const strings = new Set<string>();
  let missing = false;
  for (const v of values) {
    if (v === undefined) {
      missing = true;
    } else if (typeof v === 'number') {
      numbers.add(v);
    } else {
      strings.add(text(v));
    }
  }
  const order = [
    ...[...numbers].sort((a, b) => a - b).map(n => String(n)),
    ...[...strings].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    ...(missing ? [MISSING_LABEL] : [])
  ];
  const position = new Map(order.map((t, i) => [t, i]));
  return {
    label,
    values: values.map(v => position.get(text(v)) ?? 0),
    tickvals: order.map((_, i) => i),
    ticktext: order,
    range: [0, Math.max(order.length - 1, 1)]
  };
}

/**
 * Parallel coordinates of the params of `runs` against `metric` (the last
 * axis, and the lines' colour). Only runs with a number for the metric
 * are drawn; params any of them logged are axes (the 30 most logged; those
 * with one value over every run left out).
 */
export function parcoordsFigure(
  runs: readonly RunSummary[],
  metric: string,
  theme: IPlotTheme
): { data: Data[]; layout: Partial<Layout>; drawn: number } {
  const drawn = runs.filter(
    run => typeof run.metrics[metric]?.last === 'number'
  );
  const counts = new Map<string, number>();
  for (const run of drawn) {
    for (const name of Object.keys(run.params)) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  // A param with one value over every run says nothing: left out (unless
  // no param varies).
  const varies = (name: string) =>
    new Set(drawn.map(run => JSON.stringify(run.params[name] ?? null))).size >
    1;
  const varying = [...counts.keys()].filter(varies);
  const params = [...counts.entries()]
    .filter(([name]) => varying.length === 0 || varying.includes(name))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_PARAM_AXES)
    .map(([name]) => name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const dimensions = [
    ...params.map(name =>
      dimensionOf(
        name,
        drawn.map(run => columnValue(run, `params.${name}`))
      )
    ),
    dimensionOf(
      metric,
      drawn.map(run => run.metrics[metric].last as number)
    )
  ];
  const metricValues = drawn.map(run => run.metrics[metric].last as number);
  const data: Data[] = [
    {
      type: 'parcoords',
      dimensions,
      line: {
        color: metricValues,
        colorscale: theme.colorscale,
        showscale: true,
        colorbar: {
          title: { text: metric, font: { color: theme.fontColor } },
          tickfont: { color: theme.fontColor },
          outlinecolor: theme.lineColor
        }
      },
      labelfont: { color: theme.fontColor, family: theme.fontFamily },
      tickfont: { color: theme.fontColor, family: theme.fontFamily },
      rangefont: { color: theme.mutedColor, family: theme.fontFamily }
    } as Data
  ];
  const layout = baseLayout(theme);
  layout.margin = { l: 64, r: 64, t: 56, b: 32 };
  return { data, layout, drawn: drawn.length };
}

/**
 * A scatter of two columns over `runs`: the runs compared in their run
 * colours and labelled, the others muted behind them. Runs missing either
 * column are left out.
 */
export function scatterFigure(
  runs: readonly RunSummary[],
  compared: readonly IRunLabel[],
  x: ColumnField,
  y: ColumnField,
  theme: IPlotTheme
): { data: Data[]; layout: Partial<Layout>; drawn: number } {
  const has = (v: unknown) => v !== undefined && v !== null;
  const points = runs.filter(
    run => has(columnValue(run, x)) && has(columnValue(run, y))
  );
  const comparedIndex = new Map(compared.map((run, i) => [run.id, i]));
  const others = points.filter(run => !comparedIndex.has(run.id));
  // In the runs' order, so the legend reads #1, #2, …
  const mine = points
    .filter(run => comparedIndex.has(run.id))
    .sort((a, b) => comparedIndex.get(a.id)! - comparedIndex.get(b.id)!);
  const value = (run: RunSummary, field: ColumnField) => {
    const v = columnValue(run, field);
    return typeof v === 'boolean' ? String(v) : v;
  };
  const data: Data[] = [];
  if (others.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'other runs',
      x: others.map(run => value(run, x)),
      y: others.map(run => value(run, y)),
      text: others.map(run => run.notebookPath),
      marker: { color: theme.mutedColor, opacity: 0.45, size: 7 },
      hovertemplate: '%{text}<br>%{x}, %{y}<extra></extra>'
    } as Data);
  }
  for (const run of mine) {
    const i = comparedIndex.get(run.id)!;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: compared[i].label,
      x: [value(run, x)],
      y: [value(run, y)],
      marker: {
        color: theme.colorway[i % theme.colorway.length],
        size: 12,
        line: { color: theme.fontColor, width: 1 }
      },
      hovertemplate: `${escapeTemplate(compared[i].label)}<br>%{x}, %{y}<extra></extra>`
    } as Data);
  }
  const layout = baseLayout(theme);
  layout.showlegend = true;
  (layout.xaxis as Record<string, unknown>).title = { text: x };
  (layout.yaxis as Record<string, unknown>).title = { text: y };
  return { data, layout, drawn: points.length };
}

/** Text for a hovertemplate, with plotly's `%{` and HTML taken literally. */
export function escapeTemplate(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/%/g, '&#37;');
}

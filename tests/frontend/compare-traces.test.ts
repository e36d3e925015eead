/**
 * The compare view's plotly figures as pure data (#16 item 3): plotly does
 * not run in jsdom, so the trace and layout builders are checked here and
 * the drawing in galata (ui-tests/tests/compare.spec.ts).
 */
import type { RunSummary } from '../../src/client/api-schema';
import {
  baseLayout,
  columnsOf,
  dimensionOf,
  metricFigure,
  MISSING_LABEL,
  parcoordsFigure,
  readPlotTheme,
  RUN_COLORS,
  scatterFigure
} from '../../src/ui/compare/traces';
import { run } from './runs-support';

const VARS: Record<string, string> = {
  '--jp-layout-color0': ' #111111',
  '--jp-layout-color1': '#222222',
  '--jp-ui-font-color1': '#eeeeee',
  '--jp-ui-font-color2': '#aaaaaa',
  '--jp-ui-font-family': 'Inter, sans-serif',
  '--jp-ui-font-size1': '13px',
  '--jp-border-color2': '#444444'
};
const theme = readPlotTheme(name => VARS[name] ?? '');

function withMetric(
  id: string,
  params: RunSummary['params'],
  accuracy?: number
) {
  return run(id, { params, accuracy });
}

describe('plot theme', () => {
  it('reads the JupyterLab variables, with fallbacks for those unset', () => {
    expect(theme.plotBackground).toBe('#111111');
    expect(theme.background).toBe('#222222');
    expect(theme.fontColor).toBe('#eeeeee');
    expect(theme.fontFamily).toBe('Inter, sans-serif');
    expect(theme.fontSize).toBe(13);
    expect(theme.gridColor).toBe('#444444');
    // Unset: a fallback, never an empty colour.
    expect(theme.lineColor).toBe('#bdbdbd');
    const layout = baseLayout(theme);
    expect(layout.paper_bgcolor).toBe('#222222');
    expect(layout.font).toEqual({
      family: 'Inter, sans-serif',
      color: '#eeeeee',
      size: 13
    });
    expect((layout.xaxis as any).gridcolor).toBe('#444444');
    expect((layout.yaxis as any).color).toBe('#eeeeee');
  });
});

describe('metric over steps', () => {
  it('draws one line per run that logged it, in the run colours', () => {
    const at = '2026-12-01T10:00:00Z';
    const { data, layout } = metricFigure(
      'loss',
      [
        { id: 'a', label: '#1 alice' },
        { id: 'b', label: '#2 bob' },
        { id: 'c', label: '#3 <carol>' }
      ],
      [
        [
          { seq: 1, step: 0, value: 1.0, at },
          { seq: 1, step: 1, value: null, at },
          { seq: 2, step: 2, value: 0.4, at }
        ],
        null,
        [
          { seq: 1, step: null, value: 0.9, at },
          { seq: 2, step: null, value: 0.7, at }
        ]
      ],
      theme
    );
    expect(data).toHaveLength(2);
    const [first, third] = data as any[];
    expect(first.name).toBe('#1 alice');
    expect(first.x).toEqual([0, 1, 2]);
    // NaN/infinity (null) leaves a gap rather than a made-up value.
    expect(first.y).toEqual([1.0, null, 0.4]);
    expect(first.line.color).toBe(RUN_COLORS[0]);
    // Points without steps are placed in order; the third run keeps its colour.
    expect(third.x).toEqual([0, 1]);
    expect(third.line.color).toBe(RUN_COLORS[2]);
    expect(third.hovertemplate).toContain('&lt;carol&gt;');
    expect((layout.yaxis as any).title.text).toBe('loss');
    expect((layout.xaxis as any).dtick).toBe(1);
  });
});

describe('parallel coordinates', () => {
  it('makes numeric axes numeric and the others categorical', () => {
    expect(dimensionOf('lr', [0.1, 0.3, 0.2])).toEqual({
      label: 'lr',
      values: [0.1, 0.3, 0.2],
      range: [0.1, 0.3]
    });
    const mixed = dimensionOf('model', ['rf', 10, undefined, 'gbm', 2, true]);
    expect(mixed.ticktext).toEqual([
      '2',
      '10',
      'gbm',
      'rf',
      'true',
      MISSING_LABEL
    ]);
    expect(mixed.values).toEqual([3, 1, 5, 2, 0, 4]);
    expect(mixed.tickvals).toEqual([0, 1, 2, 3, 4, 5]);
    // One value: a range around it, not an empty one.
    expect(dimensionOf('k', [3, 3]).range).toEqual([2.5, 3.5]);
  });

  it('draws params against the metric over the runs that logged it', () => {
    const runs = [
      withMetric('r1', { lr: 0.1, model: 'rf', seed: 1 }, 0.8),
      withMetric('r2', { lr: 0.2, model: 'gbm', seed: 1 }, 0.9),
      withMetric('r3', { lr: 0.3 }, undefined),
      withMetric('r4', { lr: 0.4, depth: 3, seed: 1 }, 0.7)
    ];
    const { data, drawn } = parcoordsFigure(runs, 'accuracy', theme);
    expect(drawn).toBe(3);
    const trace = data[0] as any;
    expect(trace.type).toBe('parcoords');
    // seed is 1 in every run drawn: no axis.
    expect(trace.dimensions.map((d: any) => d.label)).toEqual([
      'depth',
      'lr',
      'model',
      'accuracy'
    ]);
    expect(trace.dimensions[1].values).toEqual([0.1, 0.2, 0.4]);
    expect(trace.dimensions[0].ticktext).toEqual(['3', MISSING_LABEL]);
    expect(trace.line.color).toEqual([0.8, 0.9, 0.7]);
    expect(trace.labelfont.color).toBe('#eeeeee');
  });
});

describe('scatter of two columns', () => {
  it('mutes the other runs and labels the compared ones in their colours', () => {
    const runs = [
      withMetric('r1', { lr: 0.1 }, 0.8),
      withMetric('r2', { lr: 0.2 }, 0.9),
      withMetric('r3', { lr: 0.3 }, 0.6),
      withMetric('r4', { model: 'rf' }, 0.5)
    ];
    expect(columnsOf(runs)).toEqual([
      'params.lr',
      'params.model',
      'metrics.accuracy'
    ]);
    const { data, drawn } = scatterFigure(
      runs,
      [
        { id: 'r2', label: '#1 bob' },
        { id: 'r1', label: '#2 alice' }
      ],
      'params.lr',
      'metrics.accuracy',
      theme
    );
    expect(drawn).toBe(3);
    const [others, bob, alice] = data as any[];
    expect(others.x).toEqual([0.3]);
    expect(others.marker.color).toBe('#aaaaaa');
    expect(alice.name).toBe('#2 alice');
    expect(alice.marker.color).toBe(RUN_COLORS[1]);
    expect(bob.x).toEqual([0.2]);
    expect(bob.y).toEqual([0.9]);
  });
});

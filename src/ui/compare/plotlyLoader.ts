/**
 * Loads the partial plotly bundle (./plotly) the first time a plot needs
 * it, and says how long that took.
 */
import type PlotlyApi from 'plotly.js';

/** The plotly API the compare view draws with. */
export type Plotly = typeof PlotlyApi;

let loading: Promise<Plotly> | null = null;
let requestedAt: number | null = null;
let firstPlotMs: number | null = null;

/**
 * plotly, fetched once (a chunk of its own in the labextension); a failed
 * load is tried again by the next call.
 */
export function loadPlotly(): Promise<Plotly> {
  if (!loading) {
    requestedAt ??= performance.now();
    loading = import(/* webpackChunkName: "trail-plotly" */ './plotly').then(
      module => module.default as unknown as Plotly,
      reason => {
        loading = null;
        throw reason;
      }
    );
  }
  return loading;
}

/**
 * Called when a plot is drawn: the first time, how long it took from the
 * first request of plotly (fetching the chunk, evaluating it, drawing);
 * null afterwards.
 */
export function firstPlotDrawn(): number | null {
  if (firstPlotMs !== null || requestedAt === null) {
    return null;
  }
  firstPlotMs = Math.max(1, Math.round(performance.now() - requestedAt));
  return firstPlotMs;
}

/** How long the first plot took (see {@link firstPlotDrawn}), once drawn. */
export function firstPlotMilliseconds(): number | null {
  return firstPlotMs;
}

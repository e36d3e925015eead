/**
 * Loads the partial plotly bundle (./plotly) the first time a plot needs
 * it, and says how long that took.
 */
import type PlotlyApi from 'plotly.js';

/** The plotly API the compare view draws with. */
export type Plotly = typeof PlotlyApi;

let loading: Promise<Plotly> | null = null;

/**
 * plotly, fetched once (a chunk of its own in the labextension); a failed
 * load is tried again by the next call.
 */
export function loadPlotly(): Promise<Plotly> {
  if (!loading) {
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

/** Whether plotly has been asked for already (its load is then not the first). */
export function plotlyRequested(): boolean {
  return loading !== null;
}

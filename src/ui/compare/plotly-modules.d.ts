/**
 * The partial plotly.js modules (CommonJS, no declarations of their own):
 * the core has plotly's whole API, typed by the package's declarations.
 */
declare module 'plotly.js/lib/core' {
  import Plotly from 'plotly.js';
  export default Plotly;
}

declare module 'plotly.js/lib/parcoords' {
  import type { PlotlyModule } from 'plotly.js';
  /** A trace module, for Plotly.register. */
  const parcoords: PlotlyModule;
  export default parcoords;
}

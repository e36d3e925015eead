/**
 * plotly.js as the compare view uses it: the core (which brings the scatter
 * trace) and the parallel coordinates, nothing else. Only ./plotlyLoader
 * imports this module, with a dynamic import(), so the bundler keeps
 * plotly in a chunk of its own, fetched when a plot is first shown.
 */
import Plotly from 'plotly.js/lib/core';
import parcoords from 'plotly.js/lib/parcoords';

Plotly.register([parcoords]);

export default Plotly;

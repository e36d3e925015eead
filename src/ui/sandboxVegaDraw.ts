/**
 * Draws a Vega or Vega-Lite spec to an SVG string without a DOM and without
 * network. Runs inside the worker made by `scripts/build-vega-worker.mjs`
 * (never in the page: a spec may loop or allocate without end, and the
 * worker is terminated when it overruns its time, see `sandboxVega.ts`).
 */
import { loader as vegaLoader, parse, View } from 'vega';
import { compile } from 'vega-lite';

/** What a drawing gives back. */
export interface IVegaDrawing {
  /** The chart as an SVG document. */
  svg: string;
  /** The URLs the spec asked for (data, images), none of them loaded. */
  refused: string[];
}

/**
 * Draw a spec of the mime type given (Vega or Vega-Lite) to SVG. Every
 * load (data URLs, image marks, links) is refused and noted.
 */
export async function drawVega(
  spec: unknown,
  mimeType: string
): Promise<IVegaDrawing> {
  const refused: string[] = [];
  const refuse = (uri: unknown): Promise<never> => {
    refused.push(String(uri).slice(0, 200));
    return Promise.reject(
      new Error('recorded charts are drawn without network')
    );
  };
  const loader = vegaLoader();
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  const vegaSpec = /vegalite/.test(mimeType)
    ? compile(spec as any).spec
    : (spec as any);
  const view = new View(parse(vegaSpec), {
    loader,
    renderer: 'none',
    logLevel: 0
  } as any);
  try {
    await view.runAsync();
    const svg = await view.toSVG();
    return { svg, refused: Array.from(new Set(refused)) };
  } finally {
    view.finalize();
  }
}

/**
 * Recorded Vega charts: drawn by Vega without network (every load refused
 * and noted), in a worker the page terminates when it overruns its time
 * budget, and shown as an image with the spec beside it. (The browser-level
 * proof, a real worker and a real request listener, is untrusted.spec.ts.)
 */
import { drawVega } from '../../src/ui/sandboxVegaDraw';
import type { IVegaWorker } from '../../src/ui/sandboxVega';
import { drawVegaInWorker, vegaToHtml } from '../../src/ui/sandboxVega';

const HOSTILE_LITE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { url: 'http://127.0.0.1:9/remote.csv' },
  mark: 'point',
  encoding: {
    x: { field: 'a', type: 'quantitative' },
    y: { field: 'b', type: 'quantitative' }
  }
};

const IMAGE_VEGA = {
  $schema: 'https://vega.github.io/schema/vega/v5.json',
  width: 50,
  height: 50,
  marks: [
    {
      type: 'image',
      encode: {
        enter: {
          url: { value: 'http://127.0.0.1:9/image.png' },
          width: { value: 10 },
          height: { value: 10 }
        }
      }
    },
    {
      type: 'text',
      encode: { enter: { text: { value: 'drawn text' }, y: { value: 20 } } }
    }
  ]
};

/** A worker that answers with `answer` (or never, when undefined). */
function fakeWorker(answer?: unknown) {
  const worker: IVegaWorker & { terminated: boolean; sent: unknown[] } = {
    onmessage: null,
    onerror: null,
    terminated: false,
    sent: [],
    postMessage(message: unknown) {
      this.sent.push(message);
      if (answer !== undefined) {
        setTimeout(() => this.onmessage?.({ data: answer } as MessageEvent));
      }
    },
    terminate() {
      this.terminated = true;
    }
  };
  return worker;
}

describe('drawVega', () => {
  const realFetch = globalThis.fetch;
  let fetched: unknown[];

  beforeEach(() => {
    // (jsdom has no canvas: Vega measures text without one, as in a worker.)
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    fetched = [];
    globalThis.fetch = ((url: unknown) => {
      fetched.push(url);
      return Promise.reject(new Error('no network in this test'));
    }) as typeof fetch;
  });

  afterEach(() => {
    globalThis.fetch = realFetch;
    jest.restoreAllMocks();
  });

  it('draws a Vega-Lite chart with remote data to SVG, loading nothing', async () => {
    const drawing = await drawVega(
      HOSTILE_LITE,
      'application/vnd.vegalite.v5+json'
    );
    expect(drawing.svg).toMatch(/^<svg/);
    expect(drawing.refused).toEqual(['http://127.0.0.1:9/remote.csv']);
    expect(fetched).toEqual([]);
  });

  it('draws a Vega chart without loading its images', async () => {
    const drawing = await drawVega(IMAGE_VEGA, 'application/vnd.vega.v5+json');
    expect(drawing.svg).toContain('drawn text');
    expect(drawing.svg).not.toContain('127.0.0.1');
    expect(drawing.refused).toEqual(['http://127.0.0.1:9/image.png']);
    expect(fetched).toEqual([]);
  });
});

describe('drawVegaInWorker', () => {
  it('terminates a worker that overruns its time budget', async () => {
    const worker = fakeWorker();
    const started = Date.now();
    const outcome = await drawVegaInWorker(
      { signals: [] },
      'application/vnd.vega.v5+json',
      { timeoutMs: 100, createWorker: async () => worker }
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome).toEqual({
      error: 'drawing took longer than 0.1 s and was stopped'
    });
    expect(worker.terminated).toBe(true);
    expect(worker.sent).toEqual([
      { spec: { signals: [] }, mimeType: 'application/vnd.vega.v5+json' }
    ]);
  });

  it('hands back the drawing, then terminates the worker', async () => {
    const worker = fakeWorker({ svg: '<svg/>', refused: ['http://x/', 3] });
    const outcome = await drawVegaInWorker(
      {},
      'application/vnd.vegalite.v5+json',
      { createWorker: async () => worker }
    );
    expect(outcome).toEqual({ svg: '<svg/>', refused: ['http://x/'] });
    expect(worker.terminated).toBe(true);
  });
});

describe('vegaToHtml', () => {
  it('shows the drawing as an image, what was not loaded, and the spec', () => {
    const html = vegaToHtml(
      { svg: '<svg onload="x()"></svg>', refused: ['http://a/<b>'] },
      { data: { url: 'http://a/<b>' } },
      'application/vnd.vegalite.v5+json'
    );
    expect(html).toMatch(
      /^<img class="trail-vega" alt="Vega-Lite chart" src="data:image\/svg\+xml;charset=utf-8,[^"<>]+">/
    );
    expect(html).toContain('<code>http://a/&lt;b&gt;</code>');
    expect(html).toContain('<summary>Vega-Lite spec</summary>');
    expect(html).not.toMatch(/<svg|<b>/);
  });

  it('says why a chart was not drawn and opens the spec', () => {
    const html = vegaToHtml(
      { error: 'drawing took longer than 5 s and was stopped' },
      {},
      'application/vnd.vega.v5+json'
    );
    expect(html).toContain(
      'Vega chart not drawn: drawing took longer than 5 s and was stopped.'
    );
    expect(html).toContain('<details class="trail-spec" open>');
  });
});

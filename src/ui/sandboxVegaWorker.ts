/**
 * The entry of the Vega worker (bundled with Vega and Vega-Lite into a
 * string by `scripts/build-vega-worker.mjs`): one spec in, one SVG or error
 * out. The worker has no network of its own: the network APIs are removed
 * before Vega loads (imports run in order), and Vega's loader refuses every
 * load anyway.
 */
import { NETWORK_REMOVED } from './sandboxVegaNoNetwork';
import { drawVega } from './sandboxVegaDraw';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event: MessageEvent) => {
  const { spec, mimeType } = event.data as { spec: unknown; mimeType: string };
  if (!NETWORK_REMOVED.includes('fetch')) {
    scope.postMessage({ error: 'the worker could not give up its network' });
    return;
  }
  drawVega(spec, mimeType).then(
    drawing => scope.postMessage(drawing),
    (error: unknown) =>
      scope.postMessage({
        error: String((error as Error)?.message ?? error).slice(0, 500)
      })
  );
};

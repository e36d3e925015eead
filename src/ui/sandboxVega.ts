/**
 * Recorded Vega and Vega-Lite charts, drawn to a static SVG by Vega in a
 * worker of their own (never in the page) and shown as an image in the
 * sandboxed frame, with the spec beside it as JSON.
 *
 * A spec is the author's program: it may ask for remote data or images
 * (refused: the worker has no network and Vega's loader refuses every
 * load), or loop and allocate without end. The worker runs on its own
 * thread, so the page stays responsive, and it is terminated when it has
 * not answered within its time budget.
 */
import { escapeHtml, jsonToHtml, svgImage } from './sandboxContent';

/** How long a chart may take to draw before its worker is terminated, in ms. */
export const VEGA_TIME_BUDGET_MS = 5000;

/** The largest SVG shown, in characters. */
export const MAX_SVG_LENGTH = 8_000_000;

/** How many charts are drawn at once. */
const MAX_CONCURRENT = 2;

/** What the page needs of a worker (a `Worker`, or a fake in tests). */
export interface IVegaWorker {
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** The outcome of drawing one chart. */
export interface IVegaOutcome {
  /** The chart as SVG, when it was drawn. */
  svg?: string;
  /** URLs the spec asked for, none loaded. */
  refused?: string[];
  /** Why it was not drawn. */
  error?: string;
}

/** Options to draw a chart. */
export interface IVegaDrawOptions {
  /** Time budget in ms (default VEGA_TIME_BUDGET_MS). */
  timeoutMs?: number;
  /** Makes the worker (default: the bundled Vega worker). */
  createWorker?: () => Promise<IVegaWorker>;
}

let workerUrl: Promise<string> | null = null;

/** Starts the bundled Vega worker; its script is loaded on first use. */
async function bundledWorker(): Promise<IVegaWorker> {
  workerUrl ??= import('../_generated/vega-worker').then(module =>
    URL.createObjectURL(
      new Blob([module.VEGA_WORKER_SOURCE], { type: 'text/javascript' })
    )
  );
  return new Worker(await workerUrl, { name: 'trail-vega' });
}

let running = 0;
const waiting: (() => void)[] = [];

async function acquire(): Promise<void> {
  if (running < MAX_CONCURRENT) {
    running++;
    return;
  }
  await new Promise<void>(resolve => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) {
    next();
  } else {
    running--;
  }
}

/**
 * Draw a Vega or Vega-Lite spec in a worker, within a time budget.
 */
export async function drawVegaInWorker(
  spec: unknown,
  mimeType: string,
  options: IVegaDrawOptions = {}
): Promise<IVegaOutcome> {
  const timeoutMs = options.timeoutMs ?? VEGA_TIME_BUDGET_MS;
  await acquire();
  try {
    let worker: IVegaWorker;
    try {
      worker = await (options.createWorker ?? bundledWorker)();
    } catch (error) {
      console.warn('Trail: the Vega worker did not start', error);
      return { error: 'the chart could not be drawn here' };
    }
    return await new Promise<IVegaOutcome>(resolve => {
      let settled = false;
      const done = (outcome: IVegaOutcome) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        worker.onmessage = null;
        worker.onerror = null;
        worker.terminate();
        resolve(outcome);
      };
      const timer = setTimeout(
        () =>
          done({
            error: `drawing took longer than ${timeoutMs / 1000} s and was stopped`
          }),
        timeoutMs
      );
      worker.onmessage = (event: MessageEvent) => {
        const data = event.data as {
          svg?: unknown;
          refused?: unknown;
          error?: unknown;
        };
        if (typeof data?.svg === 'string') {
          const refused = Array.isArray(data.refused)
            ? data.refused.filter(
                (url): url is string => typeof url === 'string'
              )
            : [];
          done(
            data.svg.length > MAX_SVG_LENGTH
              ? { error: 'the chart is too large to show', refused }
              : { svg: data.svg, refused }
          );
        } else {
          done({
            error:
              typeof data?.error === 'string'
                ? data.error
                : 'the chart could not be drawn'
          });
        }
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault?.();
        done({ error: 'the chart could not be drawn' });
      };
      try {
        worker.postMessage({ spec, mimeType });
      } catch {
        done({ error: 'the spec could not be read' });
      }
    });
  } finally {
    release();
  }
}

/**
 * What the frame shows for a chart: the drawing (as an image), a note on
 * what was not loaded or why it was not drawn, and the spec.
 */
export function vegaToHtml(
  outcome: IVegaOutcome,
  spec: unknown,
  mimeType: string
): string {
  const kind = /vegalite/.test(mimeType) ? 'Vega-Lite' : 'Vega';
  const parts: string[] = [];
  if (outcome.svg !== undefined) {
    parts.push(svgImage(outcome.svg, 'trail-vega', `${kind} chart`));
  } else {
    parts.push(
      `<p class="trail-note">${kind} chart not drawn: ${escapeHtml(
        outcome.error ?? 'unknown error'
      )}.</p>`
    );
  }
  const refused = outcome.refused ?? [];
  if (refused.length) {
    parts.push(
      `<p class="trail-note">Not loaded (recorded charts are drawn without network): ${refused
        .slice(0, 5)
        .map(url => `<code>${escapeHtml(url)}</code>`)
        .join(
          ', '
        )}${refused.length > 5 ? ` and ${refused.length - 5} more` : ''}.</p>`
    );
  }
  parts.push(
    `<details class="trail-spec"${outcome.svg === undefined ? ' open' : ''}>` +
      `<summary>${kind} spec</summary>${jsonToHtml(spec)}</details>`
  );
  return parts.join('');
}

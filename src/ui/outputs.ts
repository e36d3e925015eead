import type * as nbformat from '@jupyterlab/nbformat';
import type { Output } from '../records/schema';

/**
 * Which recorded mime types go to which renderer. Recorded outputs may come
 * from a teammate, so only these renderers ever see them (never the
 * application's own, some of which run scripts or fetch in the page):
 *
 * - `SANDBOXED`: drawn into a sandboxed frame with no network and no access
 *   to the page (see `sandbox.ts`); Vega charts are drawn to a static image
 *   in a worker with a time budget first (see `sandboxVega.ts`).
 * - `IMAGES`: bitmaps, shown as `data:` images by JupyterLab's renderer.
 * - `TEXT`: plain text, streams and errors, by JupyterLab's renderers (links
 *   in them open only as web links, without referrer: `recordedOutputs.ts`).
 *
 * An output with none of these is shown as a note naming its types.
 */
export const RECORDED_MIME_TYPES = {
  /** Mime type → rank (lower wins) of the sandboxed renderer. */
  SANDBOXED: {
    'text/html': 50,
    'text/vnd.mermaid': 55,
    'application/vnd.vega.v5+json': 56,
    'application/vnd.vega.v4+json': 56,
    'application/vnd.vega.v3+json': 56,
    'application/vnd.vegalite.v6+json': 57,
    'application/vnd.vegalite.v5+json': 57,
    'application/vnd.vegalite.v4+json': 57,
    'application/vnd.vegalite.v3+json': 57,
    'application/vnd.vegalite.v2+json': 57,
    'text/markdown': 60,
    'text/latex': 70,
    'image/svg+xml': 80,
    'application/json': 100
  } as Record<string, number>,
  IMAGES: ['image/bmp', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  TEXT: [
    'text/plain',
    'application/vnd.jupyter.stdout',
    'application/vnd.jupyter.stderr'
  ]
};

/**
 * Whether a recorded mime type has a renderer for recorded outputs.
 */
export function isRecordedMimeType(mime: string): boolean {
  return (
    mime in RECORDED_MIME_TYPES.SANDBOXED ||
    RECORDED_MIME_TYPES.IMAGES.includes(mime) ||
    RECORDED_MIME_TYPES.TEXT.includes(mime)
  );
}

/**
 * Whether a mime type is a Vega or Vega-Lite spec.
 */
export function isVegaMimeType(mime: string): boolean {
  return /^application\/vnd\.vega(lite)?\.v\d+\+json$/.test(mime);
}

/**
 * Outputs as JupyterLab's output area expects them, with nbformat's
 * multiline strings (lists of lines) joined into one string.
 *
 * #### Notes
 * nbformat joins the lines of a multiline string with '' (each line keeps
 * its own newline), but the output area joins stream lines with '\n' and
 * leaves list-valued mime data as lists, which renderers then show
 * wrongly. Joining here keeps recorded outputs exactly as they were.
 *
 * A display with no type that recorded outputs are rendered as gets a
 * plain-text note naming its types, rather than showing nothing.
 */
export function toRenderableOutputs(outputs: Output[]): nbformat.IOutput[] {
  return outputs.map(output => {
    if (output.output_type === 'stream') {
      return { ...output, text: joinLines(output.text) } as nbformat.IOutput;
    }
    if (
      output.output_type === 'display_data' ||
      output.output_type === 'execute_result'
    ) {
      const data: Record<string, unknown> = {};
      for (const [mime, value] of Object.entries(output.data ?? {})) {
        data[mime] = isJsonMime(mime) ? value : joinLines(value);
      }
      const types = Object.keys(data);
      if (types.length && !types.some(isRecordedMimeType)) {
        data['text/plain'] = `[output not shown: ${types.join(', ')}]`;
      }
      return { ...output, data } as nbformat.IOutput;
    }
    return output as nbformat.IOutput;
  });
}

/**
 * Whether a mime type carries JSON values (kept as they are).
 */
function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || /\+json$/.test(mime);
}

/**
 * Join a list of strings with ''; anything else is returned unchanged.
 */
function joinLines<T>(value: T): T | string {
  return Array.isArray(value) && value.every(line => typeof line === 'string')
    ? value.join('')
    : value;
}

import type * as nbformat from '@jupyterlab/nbformat';
import type { Output } from '../_schema/records';

/**
 * Outputs as JupyterLab's output area expects them, with nbformat's
 * multiline strings (lists of lines) joined into one string.
 *
 * #### Notes
 * nbformat joins the lines of a multiline string with '' (each line keeps
 * its own newline), but the output area joins stream lines with '\n' and
 * leaves list-valued mime data as lists, which renderers then show
 * wrongly. Joining here keeps recorded outputs exactly as they were.
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

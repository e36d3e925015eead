/**
 * Builds the nbformat v4 outputs of one execution from its iopub messages,
 * the way a notebook's output area would end up showing them.
 */
import { JSONExt, JSONValue } from '@lumino/coreutils';
import type { KernelMessage } from '@jupyterlab/services';
import type {
  DisplayDataOutput,
  ExecuteResultOutput,
  MimeBundle,
  Output,
  StreamOutput
} from '../records/schema';
// Outputs past MAX_OUTPUTS are counted and replaced by one notice, so that
// a chatty cell cannot make the server reject a whole batch.
import { MAX_OUTPUTS } from '../records/limits';

/**
 * The iopub message types that add an output.
 */
export type OutputMessageType =
  'stream' | 'display_data' | 'execute_result' | 'error';

/**
 * The content of a display_data, execute_result or update_display_data
 * message, as far as outputs are concerned.
 */
interface IDisplayContent {
  data?: unknown;
  metadata?: unknown;
  transient?: { display_id?: unknown };
  execution_count?: unknown;
}

/**
 * The outputs of one execution, in nbformat v4 form.
 *
 * Consecutive chunks of the same stream are merged, `clear_output` is applied
 * (with `wait`, on the next output), and `update_display_data` replaces the
 * data of every output shown under the same display id. Display ids are kept
 * beside the outputs rather than in them, so no `transient` field leaks into
 * the record.
 */
export class OutputList {
  /**
   * The number of outputs held.
   */
  get length(): number {
    return this._outputs.length;
  }

  /**
   * Adds the output carried by an iopub message's content.
   *
   * The message is never changed: mime bundles are copied (strings are
   * shared, which is free since they are immutable).
   */
  add(type: OutputMessageType, content: unknown): void {
    if (this._clearNext) {
      this._clear();
    }
    if (type === 'stream') {
      this._addStream(content as KernelMessage.IStreamMsg['content']);
      return;
    }
    if (this._outputs.length >= MAX_OUTPUTS - 1) {
      this._dropped++;
      return;
    }
    if (type === 'error') {
      const error = content as KernelMessage.IErrorMsg['content'];
      this._push(
        {
          output_type: 'error',
          ename: String(error.ename ?? ''),
          evalue: String(error.evalue ?? ''),
          traceback: Array.isArray(error.traceback)
            ? error.traceback.map(String)
            : []
        },
        null
      );
      return;
    }
    const display = content as IDisplayContent;
    const output: DisplayDataOutput | ExecuteResultOutput =
      type === 'execute_result'
        ? {
            output_type: 'execute_result',
            execution_count:
              typeof display.execution_count === 'number'
                ? display.execution_count
                : null,
            data: copyObject(display.data),
            metadata: copyObject(display.metadata)
          }
        : {
            output_type: 'display_data',
            data: copyObject(display.data),
            metadata: copyObject(display.metadata)
          };
    this._push(output, displayIdOf(display));
  }

  /**
   * Applies a `clear_output` message: now, or with `wait` when the next
   * output arrives (so a cell that ends waiting keeps its outputs).
   */
  clear(wait: boolean): void {
    if (wait) {
      this._clearNext = true;
    } else {
      this._clear();
    }
  }

  /**
   * Applies an `update_display_data` content to the outputs shown under its
   * display id.
   *
   * @returns whether any output was updated.
   */
  update(content: unknown): boolean {
    const display = content as IDisplayContent;
    const displayId = displayIdOf(display);
    if (displayId === null || this._displayCount === 0) {
      return false;
    }
    let updated = false;
    for (let i = 0; i < this._displayIds.length; i++) {
      if (this._displayIds[i] !== displayId) {
        continue;
      }
      const target = this._outputs[i] as
        DisplayDataOutput | ExecuteResultOutput;
      // Each target gets its own copy: consumers may change one record's
      // outputs without touching another's.
      target.data = copyObject(display.data);
      target.metadata = copyObject(display.metadata);
      updated = true;
    }
    return updated;
  }

  /**
   * The outputs, plus one stderr notice if some were dropped past
   * {@link MAX_OUTPUTS}. The returned array is the list's own: call this
   * once, when the execution is complete.
   */
  toJSON(): Output[] {
    if (this._dropped > 0) {
      this._outputs.push({
        output_type: 'stream',
        name: 'stderr',
        text: `[Trail: ${this._dropped} more outputs were not recorded]\n`
      });
      this._displayIds.push(null);
      this._dropped = 0;
      this._last = null;
    }
    return this._outputs;
  }

  private _addStream(content: KernelMessage.IStreamMsg['content']): void {
    const text = Array.isArray(content.text)
      ? (content.text as string[]).join('')
      : String(content.text ?? '');
    const last = this._last;
    if (last !== null && last.name === content.name) {
      // `last` is an object this list made, so appending in place is safe.
      last.text = (last.text as string) + text;
      return;
    }
    if (this._outputs.length >= MAX_OUTPUTS - 1) {
      this._dropped++;
      return;
    }
    const name = content.name === 'stderr' ? 'stderr' : 'stdout';
    const stream: StreamOutput = { output_type: 'stream', name, text };
    this._push(stream, null);
    this._last = stream;
  }

  private _push(output: Output, displayId: string | null): void {
    this._outputs.push(output);
    this._displayIds.push(displayId);
    if (displayId !== null) {
      this._displayCount++;
    }
    this._last = null;
  }

  private _clear(): void {
    this._outputs = [];
    this._displayIds = [];
    this._displayCount = 0;
    this._dropped = 0;
    this._last = null;
    this._clearNext = false;
  }

  private _outputs: Output[] = [];
  private _displayIds: (string | null)[] = [];
  private _displayCount = 0;
  private _dropped = 0;
  private _last: StreamOutput | null = null;
  private _clearNext = false;
}

/**
 * The display id of a display message, or null.
 */
export function displayIdOf(content: IDisplayContent): string | null {
  const id = content.transient?.display_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * One copy of a mime bundle or metadata object: a new top-level object whose
 * string values are shared and whose other values (JSON mime types) are
 * deep-copied, so the record never aliases the kernel message.
 */
function copyObject(value: unknown): MimeBundle {
  const copy: MimeBundle = {};
  if (value === null || typeof value !== 'object') {
    return copy;
  }
  const source = value as Record<string, unknown>;
  for (const key in source) {
    const item = source[key];
    copy[key] =
      item === null || typeof item !== 'object'
        ? item
        : JSONExt.deepCopy(item as JSONValue);
  }
  return copy;
}

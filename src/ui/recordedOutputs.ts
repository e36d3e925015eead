import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator } from '@jupyterlab/translation';
import type { Output } from '../_schema/records';
import { toRenderableOutputs } from './outputs';

/**
 * The recorded outputs of one execution, rendered by JupyterLab's own
 * output area as untrusted: HTML is sanitized, SVG and JavaScript outputs
 * are not rendered, and no script runs.
 *
 * #### Notes
 * Outputs were produced by code the user may not have written (a shared
 * server, someone else's notebook). Give it the recorded-output registry
 * (`recordedOutputRendermime`), so that HTML and Markdown also render in
 * sandboxed, network-less frames.
 *
 * The area owns its output model: disposing the area disposes it.
 */
export class RecordedOutputArea extends SimplifiedOutputArea {
  /**
   * Create an area that shows recorded outputs.
   */
  constructor(options: RecordedOutputArea.IOptions) {
    super({
      model: new OutputAreaModel({
        values: toRenderableOutputs(options.outputs),
        trusted: false
      }),
      rendermime: options.rendermime,
      translator: options.translator,
      maxNumberOutputs: options.maxNumberOutputs
    });
    this.addClass('jp-Trail-RecordedOutputs');
  }

  /**
   * Dispose the area, then its output model.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const model = this.model;
    super.dispose();
    model.dispose();
  }
}

/**
 * The namespace for `RecordedOutputArea` statics.
 */
export namespace RecordedOutputArea {
  /**
   * Options to create the area.
   */
  export interface IOptions {
    /** The outputs as recorded (nbformat, multiline strings as lists). */
    outputs: Output[];
    /** Renders them; used with an untrusted output model only. */
    rendermime: IRenderMimeRegistry;
    translator?: ITranslator;
    /** Outputs shown before the area offers to show the rest. */
    maxNumberOutputs?: number;
  }
}

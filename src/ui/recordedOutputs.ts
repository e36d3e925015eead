import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator } from '@jupyterlab/translation';
import type { Output } from '../records/schema';
import { toRenderableOutputs } from './outputs';
import { openLink } from './sandbox';

/**
 * The recorded outputs of one execution, rendered by JupyterLab's own
 * output area as untrusted: no script runs, JavaScript outputs show their
 * text fallback.
 *
 * #### Notes
 * Outputs were produced by code the user may not have written (a shared
 * server, someone else's notebook). Give it the recorded-output registry
 * (`recordedOutputRendermime`), so that everything but text and bitmaps
 * renders in sandboxed, network-less frames.
 *
 * Text outputs are drawn in the page, with their web addresses made into
 * links: a click on one opens it in a new tab without opener or referrer
 * (absolute http(s) links only; others do nothing), and every link says
 * `noreferrer`, so opening one from the context menu tells nothing either.
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
    this.node.addEventListener('click', this._onLink, true);
    this.node.addEventListener('auxclick', this._onLink, true);
    this._links = new MutationObserver(this._hardenLinks);
    this._links.observe(this.node, { childList: true, subtree: true });
    this._hardenLinks();
  }

  /**
   * Dispose the area, then its output model.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const model = this.model;
    this._links.disconnect();
    this.node.removeEventListener('click', this._onLink, true);
    this.node.removeEventListener('auxclick', this._onLink, true);
    super.dispose();
    model.dispose();
  }

  private _onLink = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    const anchor = target?.closest?.('a');
    if (!anchor || !this.node.contains(anchor)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.button === 0 || event.button === 1) {
      openLink(anchor.getAttribute('href') ?? '');
    }
  };

  private _hardenLinks = (): void => {
    for (const anchor of Array.from(this.node.querySelectorAll('a'))) {
      if (anchor.rel !== 'noopener noreferrer') {
        anchor.rel = 'noopener noreferrer';
        anchor.referrerPolicy = 'no-referrer';
      }
    }
  };

  private _links: MutationObserver;
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

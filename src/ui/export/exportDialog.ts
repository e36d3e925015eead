/**
 * The body of the "Export as pipeline" dialog: what is exported, and the
 * workspace folder the pipeline goes to (an editable path).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

export class ExportDialogBody extends Widget {
  constructor(options: {
    trans: TranslationBundle;
    /** "train.ipynb · the run up to step 4". */
    summary: string;
    folder: string;
  }) {
    super();
    const { trans } = options;
    this.addClass('jp-Trail-ExportDialog');
    const summary = document.createElement('p');
    summary.className = 'jp-Trail-ExportDialog-summary';
    summary.textContent = options.summary;
    const label = document.createElement('label');
    label.className = 'jp-Trail-ExportDialog-label';
    label.textContent = trans.__('Pipeline folder (in the workspace)');
    this._input = document.createElement('input');
    this._input.className = 'jp-mod-styled jp-Trail-ExportDialog-folder';
    this._input.type = 'text';
    this._input.value = options.folder;
    this._input.spellcheck = false;
    label.appendChild(this._input);
    const note = document.createElement('p');
    note.className = 'jp-Trail-ExportDialog-note';
    note.textContent = trans.__(
      'pipeline.py, params.yaml, requirements.txt, dvc.yaml, MLproject, a Dockerfile, a papermill notebook and a README go there. A folder that is not empty is replaced only if you confirm.'
    );
    this.node.append(summary, label, note);
  }

  /** The folder typed. */
  getValue(): string {
    return this._input.value.trim();
  }

  protected onAfterAttach(): void {
    this._input.focus();
    this._input.select();
  }

  private _input: HTMLInputElement;
}

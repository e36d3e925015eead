import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import type { CellAtStep } from '../../model/replay';
import type { ExecutionRecord, Output } from '../../records/schema';
import { executionPrompt } from '../format';
import { toRenderableOutputs } from '../outputs';
import { RecordedOutputArea } from '../recordedOutputs';

/** Outputs shown before the area offers the rest, as the notebook does. */
const MAX_OUTPUTS_SHOWN = 50;

/**
 * What a cell shows; two steps giving the same key show the same thing,
 * and the cell is left as it is.
 */
export function cellContentKey(cell: CellAtStep): string {
  return [
    cell.cellType,
    cell.state,
    cell.execution?.id ?? '',
    cell.source ?? ''
  ].join('\u0000');
}

/**
 * The key a cell keeps across steps: its id, or for a run from no cell
 * (a console, a pre-structure session) its execution.
 */
export function cellIdentity(cell: CellAtStep, index: number): string {
  if (cell.cellId) {
    return `cell:${cell.cellId}`;
  }
  return cell.execution ? `run:${cell.execution.id}` : `index:${index}`;
}

/**
 * One cell of the notebook at a step: its prompt, code (read-only,
 * highlighted) or markdown, and recorded outputs.
 *
 * Markdown is a teammate's text: it is rendered like a recorded Markdown
 * output, sanitized in a sandboxed, network-less frame, never in the page.
 * Outputs go through the recorded-output renderer only. Both are made
 * when the cell first comes into view (`reveal()`), so a long notebook
 * does not build hundreds of frames at once.
 */
export class ReplayCellView extends Panel {
  constructor(options: ReplayCellView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-ReplayCell');
    this._head = document.createElement('div');
    this._head.className = 'jp-Trail-ReplayCell-head';
    this._prompt = document.createElement('div');
    this._prompt.className = 'jp-Trail-ReplayCell-prompt';
    this._badges = document.createElement('div');
    this._badges.className = 'jp-Trail-ReplayCell-badges';
    this._code = document.createElement('pre');
    this._code.className = 'jp-Trail-ReplayCell-code cm-s-jupyter';
    this._head.append(this._prompt, this._code, this._badges);
    const head = new Widget({ node: this._head });
    this.addWidget(head);
  }

  /** The key of what is shown (see `cellContentKey`). */
  get contentKey(): string | null {
    return this._key;
  }

  /** Whether the cell's rich parts (markdown, outputs) are made. */
  get revealed(): boolean {
    return this._revealed;
  }

  /**
   * Show the cell as it is at a step; nothing is rebuilt when it shows the
   * same content as before (only whether it is the current one).
   */
  showCell(cell: CellAtStep): void {
    this.toggleClass('jp-mod-current', cell.current);
    this.node.dataset.current = String(cell.current);
    const key = cellContentKey(cell);
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._cell = cell;
    const { trans } = this._options;
    const run = cell.execution;
    this.node.dataset.cellType = cell.cellType;
    this.node.dataset.state = cell.state;
    this.node.dataset.executionId = run?.id ?? '';
    for (const state of ['ran', 'not-run', 'deleted']) {
      this.toggleClass(`jp-mod-${state}`, cell.state === state);
    }
    this.toggleClass('jp-mod-markdown', cell.cellType === 'markdown');
    this.toggleClass('jp-mod-raw', cell.cellType === 'raw');

    // A cell edited after its last run shows what ran.
    const code =
      cell.cellType === 'code' ? (run?.code ?? cell.source ?? '') : '';
    const edited =
      run !== undefined &&
      cell.source !== undefined &&
      cell.source !== run.code;
    this._prompt.textContent =
      cell.cellType === 'code'
        ? run
          ? executionPrompt(run.executionCount)
          : '[ ]:'
        : '';
    this._badges.replaceChildren();
    const badge = (text: string, className: string, title?: string) => {
      const span = document.createElement('span');
      span.className = `jp-Trail-ReplayBadge ${className}`;
      span.textContent = text;
      if (title) {
        span.title = title;
      }
      this._badges.append(span);
    };
    if (cell.state === 'deleted') {
      badge(trans.__('deleted later'), 'jp-mod-deleted');
    } else if (cell.cellType === 'code' && cell.state === 'not-run') {
      badge(trans.__('not run yet'), 'jp-mod-not-run');
    }
    if (edited) {
      badge(
        trans.__('edited since this run'),
        'jp-mod-edited',
        trans.__('The cell now reads:\n%1', cell.source ?? '')
      );
    }
    if (run && run.status !== 'ok') {
      badge(trans.__(run.status), `jp-mod-${run.status}`);
    }
    this._code.hidden = cell.cellType === 'markdown';
    if (cell.cellType === 'markdown') {
      this._code.textContent = '';
    } else {
      const text = cell.cellType === 'raw' ? (cell.source ?? '') : code;
      if (text !== this._codeText) {
        this._codeText = text;
        this._code.textContent = text;
        this._highlighted = false;
      }
    }
    // Made again by `reveal()` when the viewer finds the cell in or near
    // the visible part: a far jump changes most cells, and remaking the
    // outputs of every cell ever seen would cost it what only the visible
    // ones need. The old area is hidden now (without Lumino's hide
    // messages through it) and, when revealed, takes the new outputs in
    // place if it can: its renderers, and their sandboxed frames, show the
    // new content (making frames anew was most of a far jump).
    if (this._rich) {
      this._rich.node.style.display = 'none';
    }
    this._revealed = false;
  }

  /**
   * Make the cell's highlighting, markdown and outputs (it came into
   * view). Done once per content.
   */
  reveal(): void {
    if (this._revealed) {
      return;
    }
    this._revealed = true;
    this._makeRich();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clearRich();
    super.dispose();
  }

  private _makeRich(): void {
    const cell = this._cell;
    if (!cell) {
      return;
    }
    if (!this._highlighted && cell.cellType === 'code') {
      this._highlighted = true;
      void this._highlight(this._codeText);
    }
    let outputs: Output[] = [];
    if (cell.cellType === 'markdown') {
      outputs = [
        {
          output_type: 'display_data',
          data: { 'text/markdown': cell.source ?? '' },
          metadata: {}
        }
      ];
    } else if (cell.cellType === 'code' && cell.execution) {
      outputs = (cell.execution as ExecutionRecord).outputs;
    }
    if (outputs.length === 0) {
      this._clearRich(true);
      return;
    }
    const kind =
      cell.cellType === 'markdown'
        ? 'jp-Trail-ReplayCell-markdown'
        : 'jp-Trail-ReplayCell-outputs';
    if (this._rich && reuseArea(this._rich, outputs, kind)) {
      this._rich.node.style.display = '';
      return;
    }
    this._clearRich(true);
    this._rich = new RecordedOutputArea({
      outputs,
      rendermime: this._options.rendermime,
      translator: this._options.translator,
      maxNumberOutputs: MAX_OUTPUTS_SHOWN
    });
    this._rich.addClass(kind);
    this.addWidget(this._rich);
  }

  private _clearRich(later = false): void {
    const rich = this._rich;
    this._rich = null;
    if (!rich) {
      return;
    }
    if (later) {
      // Out of sight without Lumino's hide messages through the area.
      rich.node.style.display = 'none';
      Private.disposeSoon(rich);
    } else {
      rich.dispose();
    }
  }

  private async _highlight(code: string): Promise<void> {
    const { languages, language } = this._options;
    if (!languages || !code) {
      return;
    }
    const spec = languages.findBest(language() ?? 'python');
    if (!spec) {
      return;
    }
    const target = document.createElement('pre');
    try {
      await languages.highlight(code, spec, target);
    } catch {
      return;
    }
    if (this._codeText === code && !this.isDisposed) {
      this._code.replaceChildren(...Array.from(target.childNodes));
    }
  }

  private _badges: HTMLElement;
  private _cell: CellAtStep | null = null;
  private _code: HTMLElement;
  private _codeText = '';
  private _head: HTMLElement;
  private _highlighted = false;
  private _key: string | null = null;
  private _options: ReplayCellView.IOptions;
  private _prompt: HTMLElement;
  private _revealed = false;
  private _rich: RecordedOutputArea | null = null;
}

/**
 * Give an area of the cell new outputs in place, when it can take them as
 * a new area would show them: the same part of the cell (markdown or
 * outputs), as many outputs, all shown, and no stream whose text the
 * model would have rewritten when adding it (`\r`, `\b`, or two streams
 * of one name in a row, which it joins). Each output replaces the one at
 * its place: the area keeps a renderer whose mime type stays (a sandboxed
 * frame takes the new content by message, `sandbox.ts`) and makes the
 * others anew. Otherwise false, and nothing changed.
 */
export function reuseArea(
  area: RecordedOutputArea,
  outputs: Output[],
  kind: string
): boolean {
  const values = toRenderableOutputs(outputs);
  const model = area.model;
  if (
    !area.hasClass(kind) ||
    values.length !== model.length ||
    values.length > MAX_OUTPUTS_SHOWN
  ) {
    return false;
  }
  let lastStream = '';
  for (const value of values) {
    if (value.output_type === 'stream') {
      const text = String(value.text);
      if (
        value.name === lastStream ||
        text.includes('\r') ||
        text.includes('\b')
      ) {
        return false;
      }
      lastStream = String(value.name);
    } else {
      lastStream = '';
    }
  }
  values.forEach((value, index) => model.set(index, value));
  return true;
}

/**
 * The namespace for `ReplayCellView` statics.
 */
export namespace ReplayCellView {
  export interface IOptions {
    /** The recorded-output registry (sandboxed frames, untrusted). */
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
    translator?: ITranslator;
    /** Highlights code, when available. */
    languages: IEditorLanguageRegistry | null;
    /** The session's kernel language (e.g. `python`), when known. */
    language: () => string | null;
  }
}

namespace Private {
  /** Disposed per task, after the step is drawn. */
  const CHUNK = 8;
  const waiting: Widget[] = [];
  let timer = 0;

  /** Dispose a widget (already hidden) in a task after this one. */
  export function disposeSoon(widget: Widget): void {
    waiting.push(widget);
    if (!timer) {
      timer = window.setTimeout(drain, 0);
    }
  }

  const drain = (): void => {
    timer = 0;
    for (const widget of waiting.splice(0, CHUNK)) {
      widget.dispose();
    }
    if (waiting.length > 0) {
      timer = window.setTimeout(drain, 0);
    }
  };
}

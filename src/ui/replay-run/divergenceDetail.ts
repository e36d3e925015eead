/**
 * What differs at one replayed step: each difference the divergence rule
 * found (text and tables as a diff in CodeMirror's merge view, images side
 * by side), then every recorded and replayed output side by side. Outputs
 * render only through the sandboxed recorded-output renderer: the recorded
 * ones may come from a teammate.
 */
import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import type { IStepResult, OutputDifference } from '../../model/replay-run';
import type { Output } from '../../records/schema';
import { CodeDiffWidget } from '../codeDiff';
import { RecordedOutputArea } from '../recordedOutputs';

/** At most this many differences get a view of their own. */
const MAX_DIFFERENCES_SHOWN = 5;

/** Outputs shown per side before the area offers the rest. */
const MAX_OUTPUTS_SHOWN = 20;

/**
 * The replayed output the rule compared with recorded output `index`: the
 * rule pairs the outputs that are not streams in order.
 */
export function replayedCounterpart(
  recorded: readonly Output[],
  replayed: readonly Output[],
  index: number
): Output | undefined {
  const rank = recorded
    .slice(0, index)
    .filter(output => output.output_type !== 'stream').length;
  return replayed.filter(output => output.output_type !== 'stream')[rank];
}

/**
 * The detail of one step; `showStep(result)` replaces what is shown.
 */
export class DivergenceDetail extends Panel {
  constructor(options: DivergenceDetail.IOptions) {
    super();
    this.addClass('jp-Trail-ReplayDetail');
    this._rendermime = options.rendermime;
    this._languages = options.languages ?? null;
    this._translator = options.translator ?? nullTranslator;
    this._trans = this._translator.load('jupyterlab-trail');
  }

  /** The step shown, or null. */
  get result(): IStepResult | null {
    return this._result;
  }

  /**
   * Show a step's differences and outputs. The same step with the same
   * comparison is not drawn again.
   */
  showStep(result: IStepResult | null): void {
    if (
      result === this._result &&
      result?.comparison === this._comparison &&
      result?.state === this._state
    ) {
      return;
    }
    this._result = result;
    this._comparison = result?.comparison;
    this._state = result?.state;
    this._clear();
    if (!result) {
      this.hide();
      return;
    }
    this.show();
    const trans = this._trans;
    const heading = element('h3', 'jp-Trail-ReplayDetail-title');
    heading.textContent = trans.__('Step %1', result.step.step);
    this._add(heading);
    if (result.message) {
      this._add(element('p', 'jp-Trail-ReplayDetail-message', result.message));
    }
    const comparison = result.comparison;
    if (comparison) {
      if (comparison.ignored.length > 0) {
        this._add(
          element(
            'p',
            'jp-Trail-ReplayDetail-ignored',
            trans.__(
              'Not counted as differences (nondeterministic): %1',
              comparison.ignored.join(', ')
            )
          )
        );
      }
      if (comparison.verdict === 'same') {
        this._add(
          element(
            'p',
            'jp-Trail-ReplayDetail-same',
            trans.__('The replayed outputs are the recorded ones.')
          )
        );
      }
      comparison.differences
        .slice(0, MAX_DIFFERENCES_SHOWN)
        .forEach(difference => this._addDifference(result, difference));
      const more = comparison.differences.length - MAX_DIFFERENCES_SHOWN;
      if (more > 0) {
        this._add(
          element(
            'p',
            'jp-Trail-ReplayDetail-more',
            trans._n('%1 more difference', '%1 more differences', more)
          )
        );
      }
    }
    if (result.recorded || result.replayed) {
      this._addSides(
        trans.__('All outputs'),
        result.recorded?.outputs ?? [],
        result.replayed?.outputs ?? []
      );
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clear();
    super.dispose();
  }

  private _addDifference(
    result: IStepResult,
    difference: OutputDifference
  ): void {
    const box = new Panel();
    box.addClass('jp-Trail-ReplayDifference');
    box.node.dataset.kind = difference.kind;
    const summary = new Widget({
      node: element(
        'p',
        'jp-Trail-ReplayDifference-summary',
        difference.summary
      )
    });
    box.addWidget(summary);
    const recorded = result.recorded?.outputs ?? [];
    const replayed = result.replayed?.outputs ?? [];
    if (difference.kind === 'image') {
      const mine = replayedCounterpart(recorded, replayed, difference.index);
      box.addWidget(
        this._sides(
          recorded[difference.index] ? [recorded[difference.index]] : [],
          mine ? [mine] : []
        )
      );
    } else if (
      difference.recorded !== undefined &&
      difference.replayed !== undefined
    ) {
      const diff = new CodeDiffWidget({ languages: this._languages });
      void diff.showDiff(difference.recorded, difference.replayed, 'text');
      box.addWidget(labels(this._trans));
      box.addWidget(diff);
    } else if (
      difference.recorded !== undefined ||
      difference.replayed !== undefined
    ) {
      const text = element('pre', 'jp-Trail-ReplayDifference-text');
      text.textContent = difference.recorded ?? difference.replayed ?? '';
      box.addWidget(new Widget({ node: text }));
    }
    this.addWidget(box);
  }

  private _addSides(title: string, recorded: Output[], replayed: Output[]) {
    const heading = element('h4', 'jp-Trail-ReplayDetail-subtitle', title);
    this._add(heading);
    this.addWidget(this._sides(recorded, replayed));
  }

  /** Recorded and replayed outputs side by side, sandboxed. */
  private _sides(recorded: Output[], replayed: Output[]): Panel {
    const sides = new Panel();
    sides.addClass('jp-Trail-CompareOutputs');
    const trans = this._trans;
    for (const [label, outputs, side] of [
      [trans.__('Recorded'), recorded, 'recorded'],
      [trans.__('Replayed'), replayed, 'replayed']
    ] as const) {
      const column = new Panel();
      column.addClass('jp-Trail-CompareOutputs-side');
      column.node.dataset.side = side;
      column.addWidget(new Widget({ node: element('h3', '', label) }));
      if (outputs.length > 0) {
        column.addWidget(
          new RecordedOutputArea({
            outputs: [...outputs],
            rendermime: this._rendermime,
            translator: this._translator,
            maxNumberOutputs: MAX_OUTPUTS_SHOWN
          })
        );
      } else {
        column.addWidget(
          new Widget({
            node: element(
              'p',
              'jp-Trail-CompareOutputs-none',
              trans.__('No output')
            )
          })
        );
      }
      sides.addWidget(column);
    }
    return sides;
  }

  private _add(node: HTMLElement): void {
    this.addWidget(new Widget({ node }));
  }

  private _clear(): void {
    for (const widget of [...this.widgets]) {
      widget.dispose();
    }
  }

  private _comparison: IStepResult['comparison'];
  private _languages: IEditorLanguageRegistry | null;
  private _rendermime: IRenderMimeRegistry;
  private _result: IStepResult | null = null;
  private _state: IStepResult['state'] | undefined;
  private _trans: TranslationBundle;
  private _translator: ITranslator;
}

/** The namespace for `DivergenceDetail` statics. */
export namespace DivergenceDetail {
  export interface IOptions {
    /** The sandboxed registry for recorded outputs. */
    rendermime: IRenderMimeRegistry;
    languages?: IEditorLanguageRegistry | null;
    translator?: ITranslator;
  }
}

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function labels(trans: TranslationBundle): Widget {
  const node = element('div', 'jp-Trail-ReplayDifference-labels');
  node.appendChild(element('span', '', trans.__('Recorded')));
  node.appendChild(element('span', '', trans.__('Replayed')));
  return new Widget({ node });
}

import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import * as React from 'react';
import type { NotebookAtStep, ReplayModel } from '../../model/replay';
import { ReplayHeader } from './header';
import { cellIdentity, ReplayCellView } from './cellView';
import { VisualFocusOrder } from './visualOrder';

/**
 * How many cells not in the step shown are kept (hidden, frames loaded)
 * for a later step that shows them again.
 */
const HIDDEN_KEPT = 200;

/** How far outside the visible part cells are made ready, in pixels. */
const REVEAL_MARGIN_PX = 800;
const REVEAL_MARGIN = `${REVEAL_MARGIN_PX}px 0px`;

/** Cells made ready per task after a step, outside the visible part. */
const REVEAL_CHUNK = 3;

/**
 * The replay viewer: a recorded session's notebook as it stood at step k,
 * in the main area, with a stepper.
 *
 * Stepping is cheap: a cell whose content did not change between steps is
 * left as it is (its frames too), a cell's node is never moved (the order
 * is CSS `order`, see `_draw`), cells gone from a step are hidden for a
 * later one, and a cell's markdown and outputs are only made when it comes
 * near the visible part.
 *
 * Measuring hook (tests, the benchmark): after each step is drawn the node
 * says `data-trail-step` (the step drawn), `data-trail-step-ms` (from the
 * ask to the drawn step) and, once, `data-trail-open-ms` (from the widget's
 * creation to its first step drawn); `performance` gets the measures
 * `trail-replay-step` and `trail-replay-open`.
 */
export class ReplayViewer extends Panel {
  constructor(options: ReplayViewer.IOptions) {
    super();
    this._created = performance.now();
    this.model = options.model;
    this._options = options;
    this.addClass('jp-Trail-ReplayViewer');
    this.node.tabIndex = 0;
    this.node.dataset.trailStep = '0';
    this.addWidget(
      ReactWidget.create(
        <UseSignal signal={this.model.changed}>
          {() => <ReplayHeader model={this.model} trans={options.trans} />}
        </UseSignal>
      )
    );
    this._cells = new Panel();
    this._cells.addClass('jp-Trail-ReplayCells');
    this._cells.node.setAttribute('role', 'list');
    this._cells.node.setAttribute('aria-label', options.trans.__('Cells'));
    this._focus = new VisualFocusOrder(this._cells.node, () =>
      this._order.map(view => view.node)
    );
    this.addWidget(this._cells);
    if (typeof IntersectionObserver !== 'undefined') {
      this._observer = new IntersectionObserver(this._onIntersect, {
        root: this._cells.node,
        rootMargin: REVEAL_MARGIN
      });
    }
    this.model.changed.connect(this._onModelChanged, this);
    this._asked = performance.now();
    this._onModelChanged();
  }

  /** The session stepped through. */
  readonly model: ReplayModel;

  /**
   * Show step `k`, measuring from now until it is drawn.
   */
  goTo(k: number): Promise<void> {
    this._asked = performance.now();
    return this.model.goTo(k);
  }

  /** Handle the DOM events of the viewer (the stepping keys). */
  handleEvent(event: Event): void {
    if (event.type === 'focusin') {
      this._focus.handleFocusIn(event as FocusEvent);
      return;
    }
    if (event.type === 'pointerdown') {
      this._focus.pointerDown();
      return;
    }
    if (event.type !== 'keydown') {
      return;
    }
    const key = event as KeyboardEvent;
    if (this._focus.handleTab(key)) {
      return;
    }
    const target = key.target as HTMLElement | null;
    if (
      key.altKey ||
      key.ctrlKey ||
      key.metaKey ||
      (target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'TEXTAREA' ||
          target.isContentEditable))
    ) {
      return;
    }
    const model = this.model;
    const moves: Record<string, number> = {
      ArrowLeft: model.step - 1,
      ArrowRight: model.step + 1,
      Home: 1,
      End: model.total
    };
    if (!(key.key in moves) || model.total === 0) {
      return;
    }
    key.preventDefault();
    key.stopPropagation();
    void this.goTo(moves[key.key]);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer?.disconnect();
    window.clearTimeout(this._revealTimer);
    this._pending = [];
    this.model.changed.disconnect(this._onModelChanged, this);
    this.model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('keydown', this);
    this._cells.node.addEventListener('focusin', this);
    this._cells.node.addEventListener('pointerdown', this);
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('keydown', this);
    this._cells.node.removeEventListener('focusin', this);
    this._cells.node.removeEventListener('pointerdown', this);
    super.onBeforeDetach(msg);
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) {
      this.node.focus();
    }
  }

  private _onModelChanged(): void {
    const model = this.model;
    this.node.dataset.state = model.state;
    this.toggleClass('jp-mod-loadingStep', model.stepLoading);
    const notebook = model.notebook;
    if (notebook === this._shown) {
      if (model.stepLoading && this._asked === 0) {
        // Moved by the header (buttons, slider): measure from now.
        this._asked = performance.now();
      }
      if (model.stepLoading) {
        // The last step's outputs near the view are not worth making now.
        this._pending = [];
      }
      return;
    }
    this._shown = notebook;
    if (notebook) {
      this._draw(notebook);
    }
  }

  /**
   * Draw a step: reuse, add, hide and drop cell views. A view's node stays
   * where it was first appended; its place is its CSS `order` (moving a
   * node reloads its frames, see `visualOrder.ts`). Views not in this step
   * are hidden, kept for when a step shows them again, at most
   * `HIDDEN_KEPT` of them (the longest hidden are dropped).
   */
  private _draw(notebook: NotebookAtStep): void {
    const started = this._asked || performance.now();
    const views = new Map<string, ReplayCellView>();
    const order: ReplayCellView[] = [];
    const setSize = String(notebook.cells.length);
    let current: ReplayCellView | null = null;
    notebook.cells.forEach((cell, index) => {
      let id = cellIdentity(cell, index);
      for (let n = 2; views.has(id); n++) {
        // The same cell twice in one step: a view of its own per place.
        id = `${cellIdentity(cell, index)}#${n}`;
      }
      let view = this._views.get(id) ?? this._hidden.get(id);
      this._hidden.delete(id);
      if (!view) {
        view = new ReplayCellView({
          rendermime: this._options.rendermime,
          trans: this._options.trans,
          translator: this._options.translator,
          languages: this._options.languages,
          language: () => this.model.session?.kernel?.language ?? null
        });
        view.node.dataset.cellKey = id;
        view.node.id = Private.cellElementId();
        view.node.setAttribute('role', 'listitem');
        this._cells.addWidget(view);
        // Observed as long as it lives: revealed when scrolled near.
        this._observer?.observe(view.node);
      }
      views.set(id, view);
      order.push(view);
      view.showCell(cell);
      const style = view.node.style;
      if (style.order !== String(index)) {
        style.order = String(index);
      }
      view.node.setAttribute('aria-posinset', String(index + 1));
      view.node.setAttribute('aria-setsize', setSize);
      if (view.isHidden) {
        view.show();
      }
      if (cell.current) {
        current = view;
      }
    });
    for (const [id, view] of this._views) {
      if (views.get(id) !== view) {
        view.hide();
        this._hidden.set(id, view);
      }
    }
    for (const [id, view] of this._hidden) {
      if (this._hidden.size <= HIDDEN_KEPT) {
        break;
      }
      this._hidden.delete(id);
      this._observer?.unobserve(view.node);
      view.dispose();
    }
    this._views = views;
    this._order = order;
    // Screen readers read the cells in the order they are seen.
    this._cells.node.setAttribute(
      'aria-owns',
      order.map(view => view.node.id).join(' ')
    );
    const shown = current as ReplayCellView | null;
    if (shown) {
      shown.reveal();
      shown.node.scrollIntoView?.({ block: 'nearest' });
    }
    this._revealVisible();
    this._measure(notebook.step, started);
  }

  /**
   * Make the outputs of the cells in view now (part of the step's time),
   * those near it in small tasks after, the others when scrolled near
   * (the observer). The observer alone would miss a cell that stayed near
   * while its content changed: its intersection did not change.
   */
  private _revealVisible(): void {
    this._pending = [];
    if (!this._observer) {
      this._order.forEach(view => view.reveal());
      return;
    }
    // Measured first, all at once: revealing changes the layout, and a
    // measure after each would lay the page out again each time.
    const box = this._cells.node.getBoundingClientRect();
    const waiting = this._order
      .filter(view => !view.revealed)
      .map(view => [view, view.node.getBoundingClientRect()] as const);
    for (const [view, rect] of waiting) {
      if (rect.bottom >= box.top && rect.top <= box.bottom) {
        view.reveal();
      } else if (
        rect.bottom >= box.top - REVEAL_MARGIN_PX &&
        rect.top <= box.bottom + REVEAL_MARGIN_PX
      ) {
        this._pending.push(view);
      }
    }
    if (this._pending.length > 0) {
      this._revealPending();
    }
  }

  private _revealPending = (): void => {
    if (this._revealTimer) {
      return;
    }
    this._revealTimer = window.setTimeout(() => {
      this._revealTimer = 0;
      if (this.isDisposed) {
        return;
      }
      for (const view of this._pending.splice(0, REVEAL_CHUNK)) {
        if (!view.isDisposed && !view.isHidden) {
          view.reveal();
        }
      }
      if (this._pending.length > 0) {
        this._revealPending();
      }
    }, 0);
  };

  private _measure(step: number, started: number): void {
    const now = performance.now();
    const dataset = this.node.dataset;
    dataset.trailStep = String(step);
    dataset.trailStepMs = (now - started).toFixed(1);
    if (dataset.trailOpenMs === undefined) {
      dataset.trailOpenMs = (now - this._created).toFixed(1);
      performance.measure?.('trail-replay-open', {
        start: this._created,
        end: now
      });
    }
    performance.measure?.('trail-replay-step', { start: started, end: now });
    this._asked = 0;
  }

  private _onIntersect = (entries: IntersectionObserverEntry[]): void => {
    for (const entry of entries) {
      const key = (entry.target as HTMLElement).dataset.cellKey ?? '';
      const view = this._views.get(key) ?? this._hidden.get(key);
      if (!view) {
        continue;
      }
      if (entry.isIntersecting && !view.isHidden) {
        view.reveal();
      }
    }
  };

  private _asked = 0;
  private _cells: Panel;
  private _focus: VisualFocusOrder;
  private _hidden = new Map<string, ReplayCellView>();
  private _order: ReplayCellView[] = [];
  private _pending: ReplayCellView[] = [];
  private _revealTimer = 0;
  private _created: number;
  private _observer: IntersectionObserver | null = null;
  private _options: ReplayViewer.IOptions;
  private _shown: NotebookAtStep | null = null;
  private _views = new Map<string, ReplayCellView>();
}

namespace Private {
  let counter = 0;

  /** A cell's element id (for `aria-owns`), unique in the page. */
  export function cellElementId(): string {
    return `jp-Trail-ReplayCell-${++counter}`;
  }
}

/**
 * The namespace for `ReplayViewer` statics.
 */
export namespace ReplayViewer {
  export interface IOptions {
    model: ReplayModel;
    /** The recorded-output registry (sandboxed frames, untrusted). */
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
    translator?: ITranslator;
    languages: IEditorLanguageRegistry | null;
  }
}

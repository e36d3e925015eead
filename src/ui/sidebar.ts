import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import {
  refreshIcon,
  SidePanel,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import type { TrailBrowserModel, TrailView } from '../model';
import { TrailBreadcrumbs } from './breadcrumbs';
import { ExecutionDetailView } from './executionDetail';
import { recordedOutputRendermime } from './sandbox';
import { trailIcon } from './icons';
import { SessionListView } from './sessionList';
import { TimelineView } from './timeline';

/**
 * The Trail side panel: recorded sessions, a session's timeline, and one
 * execution's code and outputs.
 *
 * #### Notes
 * The sidebar tells the model whether it is showing (`model.active`), so
 * that refreshes asked while it is hidden cost nothing until it shows.
 */
export class TrailSidebar extends SidePanel {
  /**
   * Create the panel.
   */
  constructor(options: TrailSidebar.IOptions) {
    const translator = options.translator ?? nullTranslator;
    super({ content: new Panel(), translator });
    const trans = translator.load('jupyterlab-trail');
    this.model = options.model;
    this.id = 'jp-trail-sidebar';
    this.addClass('jp-Trail-Sidebar');
    this.title.icon = trailIcon;
    this.title.caption = trans.__('Trail');

    this.toolbar.addItem(
      'breadcrumbs',
      new TrailBreadcrumbs({ model: this.model, trans })
    );
    this.toolbar.addItem('spacer', Toolbar.createSpacerItem());
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        className: 'jp-Trail-RefreshButton',
        tooltip: trans.__('Refresh'),
        onClick: () => void this.model.refreshNow()
      })
    );

    // Recorded outputs may come from a teammate: HTML and Markdown render
    // sanitized in sandboxed, network-less frames.
    this._rendermime = recordedOutputRendermime(options.rendermime);
    this._views = {
      sessions: new SessionListView({
        model: this.model,
        trans,
        onReconnect: options.onReconnect
      }),
      timeline: new TimelineView({ model: this.model, trans }),
      execution: new ExecutionDetailView({
        model: this.model,
        rendermime: this._rendermime,
        trans,
        translator
      })
    };
    for (const view of Object.values(this._views)) {
      // Focusable, so the focus can move to a view when it opens.
      view.node.tabIndex = -1;
      this.addWidget(view);
    }
    this.node.addEventListener('keydown', this);
    this.model.changed.connect(this._onModelChanged, this);
    this._onModelChanged();
  }

  /**
   * The panel state shown.
   */
  readonly model: TrailBrowserModel;

  /**
   * Show a session's timeline.
   */
  openSession(id: string): Promise<void> {
    return this.model.openSession(id);
  }

  /**
   * Show one execution's detail.
   */
  openExecution(id: string): Promise<void> {
    return this.model.openExecution(id);
  }

  /**
   * Handle DOM events: Escape goes up one level.
   */
  handleEvent(event: Event): void {
    if (
      event.type === 'keydown' &&
      (event as KeyboardEvent).key === 'Escape' &&
      this.model.view !== 'sessions'
    ) {
      event.preventDefault();
      event.stopPropagation();
      this.model.back();
    }
  }

  /**
   * Dispose the panel (the model belongs to whoever made it).
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.node.removeEventListener('keydown', this);
    this.model.changed.disconnect(this._onModelChanged, this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.active = this.isVisible;
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.active = false;
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.active = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.active = false;
  }

  /**
   * Show the view of the current level and move the focus sensibly when
   * the level changed: to the item just left when going back, to the new
   * view when going forward.
   */
  private _onModelChanged(): void {
    const view = this.model.view;
    if (view === this._view) {
      return;
    }
    const previous = this._view;
    const left = {
      session: this._lastSessionId,
      execution: this._lastExecutionId
    };
    this._view = view;
    this.node.dataset.view = view;
    for (const [name, widget] of Object.entries(this._views)) {
      widget.setHidden(name !== view);
    }
    this._lastSessionId = this.model.selectedSessionId;
    this._lastExecutionId = this.model.selectedExecutionId;
    if (previous === null || !this.node.contains(document.activeElement)) {
      return;
    }
    const order: TrailView[] = ['sessions', 'timeline', 'execution'];
    const goingBack = order.indexOf(view) < order.indexOf(previous);
    const target = this._views[view].node;
    // The view renders asynchronously (React); focus once it has.
    setTimeout(() => {
      const item = goingBack
        ? findItem(target, view, left.session, left.execution)
        : null;
      (item ?? target).focus();
    }, 0);
  }

  private _lastExecutionId: string | null = null;
  private _rendermime: IRenderMimeRegistry;
  private _lastSessionId: string | null = null;
  private _view: TrailView | null = null;
  private _views: {
    sessions: SessionListView;
    timeline: TimelineView;
    execution: ExecutionDetailView;
  };
}

/**
 * The namespace for `TrailSidebar` statics.
 */
export namespace TrailSidebar {
  /**
   * Options to create the panel.
   */
  export interface IOptions {
    /** The panel state. */
    model: TrailBrowserModel;
    /** Renders execution outputs (always as untrusted). */
    rendermime: IRenderMimeRegistry;
    /** The application translator. */
    translator?: ITranslator;
    /**
     * Asks for the server configuration again; when given, the "not
     * configured" state offers a Retry button that calls it.
     */
    onReconnect?: () => void;
  }
}

/**
 * The item of the level being returned to that leads where the user was.
 */
function findItem(
  root: HTMLElement,
  view: TrailView,
  sessionId: string | null,
  executionId: string | null
): HTMLElement | null {
  const [selector, key, id] =
    view === 'sessions'
      ? ['.jp-Trail-SessionItem', 'sessionId', sessionId]
      : ['.jp-Trail-ExecutionItem', 'executionId', executionId];
  if (id === null) {
    return null;
  }
  const items = root.querySelectorAll<HTMLElement>(selector);
  return Array.from(items).find(item => item.dataset[key] === id) ?? null;
}

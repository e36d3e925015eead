import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
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
import { Panel, Widget } from '@lumino/widgets';
import type { TrailArea, TrailBrowserModel, TrailView } from '../model';
import type { IPanelViewOptions, ITrailView, IViewRegistry } from '../tokens';
import { TrailAreaSwitch } from './areaSwitch';
import { TrailBreadcrumbs } from './breadcrumbs';
import { trailIcon } from './icons';
import { recordedOutputRendermime } from './sandbox';
import type { SearchView } from './search';
import { builtinViewRegistry } from './views';

/**
 * The Trail side panel: my sessions, the team (people, their notebooks and
 * sessions) and search; then a session's timeline, one execution's code and
 * outputs, and the history of its cell.
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
    this.views = options.views ?? builtinViewRegistry();
    this.id = 'jp-trail-sidebar';
    this.addClass('jp-Trail-Sidebar');
    this.title.icon = trailIcon;
    this.title.caption = trans.__('Trail');

    this.header.addWidget(new TrailAreaSwitch({ model: this.model, trans }));
    this.toolbar.addItem(
      'breadcrumbs',
      new TrailBreadcrumbs({ model: this.model, views: this.views, trans })
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
    this.viewOptions = {
      model: this.model,
      trans,
      translator,
      rendermime: recordedOutputRendermime(options.rendermime),
      languages: options.languages ?? null,
      onReconnect: options.onReconnect,
      onCopyLink: options.onCopyLink,
      onOpenReplay: options.onOpenReplay,
      onCompareWithParent: options.onCompareWithParent,
      onFork: options.onFork,
      onExport: options.onExport
    };
    for (const view of this.views.views) {
      this._addView(view);
    }
    this.views.added.connect(this._onViewAdded, this);
    this.node.addEventListener('keydown', this);
    this.model.changed.connect(this._onModelChanged, this);
    this._onModelChanged();
  }

  /**
   * The panel state shown.
   */
  readonly model: TrailBrowserModel;

  /**
   * The views shown, one widget per kind of level.
   */
  readonly views: IViewRegistry;

  /**
   * What the views are made with (main-area widgets too).
   */
  readonly viewOptions: IPanelViewOptions;

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
   * Show the search area with the focus in its search box.
   */
  focusSearch(): void {
    this.model.area = 'search';
    (this._views.get('search') as SearchView | undefined)?.focusInput();
  }

  /**
   * Handle DOM events: Escape goes up one level.
   */
  handleEvent(event: Event): void {
    if (
      event.type === 'keydown' &&
      (event as KeyboardEvent).key === 'Escape' &&
      this.model.levels.length > 1
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
    this.views.added.disconnect(this._onViewAdded, this);
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
   * view when going forward or to another area.
   */
  private _onModelChanged(): void {
    const view = this.model.view;
    const area = this.model.area;
    const depth = this.model.levels.length;
    if (view === this._view && area === this._area && depth === this._depth) {
      return;
    }
    const previous = this._view;
    const goingBack = area === this._area && depth < this._depth;
    const left = {
      session: this._lastSessionId,
      execution: this._lastExecutionId
    };
    this._view = view;
    this._area = area;
    this._depth = depth;
    this.node.dataset.view = view;
    this.node.dataset.area = area;
    for (const [name, widget] of this._views) {
      widget.setHidden(name !== view);
    }
    this._lastSessionId = this.model.selectedSessionId;
    this._lastExecutionId = this.model.selectedExecutionId;
    if (previous === null || !this.node.contains(document.activeElement)) {
      return;
    }
    if (this.header.node.contains(document.activeElement)) {
      // Switching areas from the tab list: the focus stays on the tabs.
      return;
    }
    const target = this._views.get(view)?.node ?? this.node;
    // The view renders asynchronously (React); focus once it has.
    setTimeout(() => {
      const item = goingBack
        ? findItem(target, view, left.session, left.execution)
        : null;
      (item ?? target).focus();
    }, 0);
  }

  /** Make the widget of a view, hidden unless its level is shown. */
  private _addView(view: ITrailView): void {
    const kind = view.level.view;
    const widget = view.createPanelView(this.viewOptions);
    // Focusable, so the focus can move to a view when it opens.
    widget.node.tabIndex = -1;
    widget.setHidden(kind !== this._view);
    this._views.set(kind, widget);
    this.addWidget(widget);
  }

  private _onViewAdded(_: IViewRegistry, view: ITrailView): void {
    this._addView(view);
  }

  private _area: TrailArea | null = null;
  private _depth = 0;
  private _lastExecutionId: string | null = null;
  private _lastSessionId: string | null = null;
  private _view: TrailView | null = null;
  private _views = new Map<TrailView, Widget>();
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
    /**
     * The views shown (the panel's own when absent); the panel model must
     * know the same kinds (give it the same registry).
     */
    views?: IViewRegistry;
    /** Renders execution outputs (always as untrusted). */
    rendermime: IRenderMimeRegistry;
    /** The application translator. */
    translator?: ITranslator;
    /**
     * Asks for the server configuration again; when given, the "not
     * configured" state offers a Retry button that calls it.
     */
    onReconnect?: () => void;
    /** Highlights code in cell history diffs. */
    languages?: IEditorLanguageRegistry | null;
    /** Copies a link to an execution; offered on each execution when given. */
    onCopyLink?: (executionId: string) => void;
    /** Opens the replay viewer; offered on sessions and executions when given. */
    onOpenReplay?: (target: {
      sessionId?: string;
      executionId?: string;
    }) => void;
    /** Opens a replay's or fork's comparison with its parent, when given. */
    onCompareWithParent?: (sessionId: string) => void;
    /** Opens the Fork widget; offered on sessions and executions when given. */
    onFork?: (target: { sessionId?: string; executionId?: string }) => void;
    /** Exports as a pipeline; offered on sessions, executions, files and metrics when given. */
    onExport?: IPanelViewOptions['onExport'];
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
    view === 'timeline'
      ? ['.jp-Trail-ExecutionItem', 'executionId', executionId]
      : ['.jp-Trail-SessionItem', 'sessionId', sessionId];
  if (id === null) {
    return null;
  }
  const items = root.querySelectorAll<HTMLElement>(selector);
  return Array.from(items).find(item => item.dataset[key] === id) ?? null;
}

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
import { TrailAreaSwitch } from './areaSwitch';
import { TrailBreadcrumbs } from './breadcrumbs';
import { CellHistoryView } from './cellHistory';
import { ExecutionDetailView } from './executionDetail';
import { trailIcon } from './icons';
import { recordedOutputRendermime } from './sandbox';
import { SearchView } from './search';
import { SessionListView } from './sessionList';
import { NotebookSessionsView, NotebooksView, PeopleView } from './team';
import { TimelineView } from './timeline';

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
    this.id = 'jp-trail-sidebar';
    this.addClass('jp-Trail-Sidebar');
    this.title.icon = trailIcon;
    this.title.caption = trans.__('Trail');

    this.header.addWidget(new TrailAreaSwitch({ model: this.model, trans }));
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
    const views = { model: this.model, trans };
    this._views = {
      sessions: new SessionListView({
        ...views,
        onReconnect: options.onReconnect
      }),
      people: new PeopleView(views),
      notebooks: new NotebooksView(views),
      notebookSessions: new NotebookSessionsView(views),
      search: new SearchView(views),
      timeline: new TimelineView(views),
      execution: new ExecutionDetailView({
        ...views,
        rendermime: this._rendermime,
        translator,
        onCopyLink: options.onCopyLink
      }),
      cellHistory: new CellHistoryView({
        ...views,
        rendermime: this._rendermime,
        languages: options.languages ?? null,
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
   * Show the search area with the focus in its search box.
   */
  focusSearch(): void {
    this.model.area = 'search';
    (this._views.search as SearchView).focusInput();
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
    for (const [name, widget] of Object.entries(this._views)) {
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
    const target = this._views[view].node;
    // The view renders asynchronously (React); focus once it has.
    setTimeout(() => {
      const item = goingBack
        ? findItem(target, view, left.session, left.execution)
        : null;
      (item ?? target).focus();
    }, 0);
  }

  private _area: TrailArea | null = null;
  private _depth = 0;
  private _lastExecutionId: string | null = null;
  private _lastSessionId: string | null = null;
  private _rendermime: IRenderMimeRegistry;
  private _view: TrailView | null = null;
  private _views: Record<TrailView, Widget>;
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
    /** Highlights code in cell history diffs. */
    languages?: IEditorLanguageRegistry | null;
    /** Copies a link to an execution; offered on each execution when given. */
    onCopyLink?: (executionId: string) => void;
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

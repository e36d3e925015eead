import type { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { DeliveryQueue, TrailClient } from './client';
import type {
  ILevelKind,
  ILevelKinds,
  ILevelModel,
  TrailBrowserModel,
  TrailLevel,
  TrailPlace,
  TrailView
} from './model';
import type { TrailRecorder } from './recorder';

/**
 * Where this user's recorder sends its events, and a client for it.
 */
export interface ITrailConnection {
  /** The client of the configured Trail server, or null while none is known. */
  readonly client: TrailClient | null;
  /** Where the configuration came from: settings, environment or embedded. */
  readonly source: string;
  /** Why no server is known, when `client` is null. */
  readonly error: string | null;
  /** Emitted when the server URL or token change. */
  readonly changed: ISignal<ITrailConnection, void>;
  /** Fetches the configuration again (e.g. after the local server started). */
  reload(): Promise<void>;
}

/** The Trail server connection: URL, token and client. */
export const ITrailConnection = new Token<ITrailConnection>(
  'jupyterlab-trail:ITrailConnection',
  'The Trail server this JupyterLab records to, and its HTTP client.'
);

/** The recorder that observes every notebook kernel. */
export const ITrailRecorder = new Token<TrailRecorder>(
  'jupyterlab-trail:ITrailRecorder',
  'Observes the kernels of all notebooks and emits one event per session start and cell execution.'
);

/** The persistent queue that delivers recorded events to the Trail server. */
export const ITrailDelivery = new Token<DeliveryQueue>(
  'jupyterlab-trail:ITrailDelivery',
  'Delivers recorded events to the Trail server; survives reloads and outages.'
);

/**
 * What a view of the panel is given to render with.
 */
export interface IPanelViewOptions {
  /** The panel state. */
  readonly model: TrailBrowserModel;
  /** The extension's strings. */
  readonly trans: TranslationBundle;
  /** The application translator. */
  readonly translator: ITranslator;
  /** Renders recorded outputs: the sandboxed, untrusted registry. */
  readonly rendermime: IRenderMimeRegistry;
  /** Highlights code (cell history diffs), when available. */
  readonly languages: IEditorLanguageRegistry | null;
  /** Asks for the server configuration again, when offered. */
  readonly onReconnect?: () => void;
  /** Copies a link to an execution, when offered. */
  readonly onCopyLink?: (executionId: string) => void;
  /**
   * Opens the replay viewer on a session (at an execution's step), when
   * offered (`trail:open-replay`).
   */
  readonly onOpenReplay?: (target: {
    sessionId?: string;
    executionId?: string;
  }) => void;
  /**
   * Opens a replay's or fork's comparison with its parent, when offered
   * (`trail:compare-with-parent`).
   */
  readonly onCompareWithParent?: (sessionId: string) => void;
  /**
   * Opens the Fork widget on a session (up to an execution's step), when
   * offered (`trail:fork-session`).
   */
  readonly onFork?: (target: {
    sessionId?: string;
    executionId?: string;
  }) => void;
  /**
   * Exports a session (up to an execution's step, or what produced a file
   * or metric of it) as a pipeline, when offered (`trail:export-pipeline`).
   */
  readonly onExport?: (target: IExportTarget) => void;
}

/** What "Export as pipeline…" is asked on (`trail:export-pipeline`'s args). */
export interface IExportTarget {
  sessionId?: string;
  /** Up to this execution's step (and its file or metric). */
  executionId?: string;
  /** What produced this file (as recorded). */
  file?: string;
  /** What produced this metric. */
  metric?: string;
}

/**
 * What a breadcrumb says: its text, and a tooltip.
 */
export interface ITrailCrumb {
  /** The text of the crumb. */
  label: string;
  /** Its tooltip, when the label is short for something longer. */
  title?: string;
}

/**
 * A view that also opens in the main area, by a command.
 */
export interface IMainAreaView {
  /** The id of the command that opens it (e.g. `trail:open-replay`). */
  readonly commandId: string;
  /** The command's label in menus and the palette. */
  readonly label: string;
  /** The command's caption. */
  readonly caption?: string;
  /** Make the widget (with a unique `id`); `args` are the command's. */
  createWidget(
    options: IPanelViewOptions,
    args: ReadonlyPartialJSONObject
  ): Widget;
}

/**
 * One kind of level of the Trail panel, as registered: how its models are
 * made and read again (`level`), how it shows in the panel and in the
 * breadcrumbs, and optionally in the main area.
 */
export interface ITrailView<
  P extends TrailPlace = TrailPlace,
  M extends ILevelModel = ILevelModel
> {
  /** The model half: its kind (the name it is registered under) and models. */
  readonly level: ILevelKind<P, M>;
  /** What the level is called in the breadcrumbs; `parent` is the one before. */
  label(
    level: TrailLevel<P, M>,
    context: {
      model: TrailBrowserModel;
      parent: TrailLevel | null;
      trans: TranslationBundle;
    }
  ): ITrailCrumb;
  /** Make the panel's widget of the view (shown while a level of it is). */
  createPanelView(options: IPanelViewOptions): Widget;
  /** How it opens in the main area, if it does. */
  readonly mainArea?: IMainAreaView;
}

/**
 * The views of the Trail panel: each registers itself, and the panel model,
 * the panel, its breadcrumbs and the commands find it here by kind.
 */
export interface IViewRegistry extends ILevelKinds {
  /** Emitted when a view is added (the panel makes its widget). */
  readonly added: ISignal<IViewRegistry, ITrailView>;
  /** The views, in the order added. */
  readonly views: readonly ITrailView[];
  /**
   * Add a view; it stays for the session.
   *
   * @throws when a view of the same kind is registered.
   */
  add(view: ITrailView): void;
  /** The view registered as `view`, if any. */
  get(view: TrailView): ITrailView | undefined;
}

/** The views of the Trail panel. */
export const IViewRegistry = new Token<IViewRegistry>(
  'jupyterlab-trail:IViewRegistry',
  'The views of the Trail panel (sessions, timeline, execution…); a new view registers itself here.'
);

/** Command ids. */
export namespace CommandIDs {
  export const toggleRecording = 'trail:toggle-recording';
  export const openPanel = 'trail:open-panel';
  export const refresh = 'trail:refresh';
  export const flush = 'trail:send-now';
  export const toggleNotebook = 'trail:toggle-notebook-recording';
  export const toggleKernelCapture = 'trail:toggle-kernel-capture';
  export const showEnvironment = 'trail:show-environment';
  export const showTeam = 'trail:show-team';
  export const search = 'trail:search';
  export const openExecution = 'trail:open-execution';
  export const copyLink = 'trail:copy-link';
  export const showCellHistory = 'trail:show-cell-history';
  export const toggleNotebookPrivate = 'trail:toggle-notebook-private';
  export const replayPreflight = 'trail:replay-preflight';
  export const replayInKernel = 'trail:replay-in-kernel';
  export const openReplay = 'trail:open-replay';
  export const openStepAsNotebook = 'trail:open-step-as-notebook';
  export const compareWithParent = 'trail:compare-with-parent';
  export const forkSession = 'trail:fork-session';
  export const forkCheck = 'trail:fork-check';
  export const runFork = 'trail:run-fork';
  export const exportPipeline = 'trail:export-pipeline';
  export const openSession = 'trail:open-session';
  export const openLeaderboard = 'trail:open-leaderboard';
  export const compareRuns = 'trail:compare-runs';
}

/** The settings plugin id (schema/settings/plugin.json). */
export const SETTINGS_ID = 'jupyterlab-trail:plugin';

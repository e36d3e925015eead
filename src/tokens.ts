import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import type { TrailRecorder } from './recorder';
import type { DeliveryQueue, TrailClient } from './client';

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
}

/** The settings plugin id (schema/settings/plugin.json). */
export const SETTINGS_ID = 'jupyterlab-trail:plugin';

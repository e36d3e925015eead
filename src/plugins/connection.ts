import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { loadTrailSettings } from './settings';
import { ISignal, Signal } from '@lumino/signaling';
import { TrailClient } from '../client';
import { ITrailConnection, SETTINGS_ID } from '../tokens';

/** What the Jupyter server extension answers at /trail/config. */
interface IServerConfig {
  url: string;
  token: string;
  source: string;
  error?: string;
}

/**
 * Resolves the Trail server from the user's settings (when set) or from the
 * Jupyter server extension (environment or embedded local server).
 */
export class TrailConnection implements ITrailConnection {
  constructor(private readonly _settings: ISettingRegistry.ISettings | null) {
    _settings?.changed.connect(() => void this.reload());
  }

  get client(): TrailClient | null {
    return this._client;
  }
  get source(): string {
    return this._source;
  }
  get error(): string | null {
    return this._error;
  }
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  async reload(): Promise<void> {
    const fromSettings = {
      url: ((this._settings?.composite.serverUrl as string) || '').trim(),
      token: ((this._settings?.composite.token as string) || '').trim()
    };
    let url = fromSettings.url;
    let token = fromSettings.token;
    let source = 'settings';
    let error: string | null = null;
    if (!url || !token) {
      try {
        const fromServer = await fetchServerConfig();
        url = url || fromServer.url;
        token = token || fromServer.token;
        source = fromSettings.url ? 'settings' : fromServer.source;
        error = fromServer.error ?? null;
      } catch (reason) {
        error = `The Trail server extension did not answer (${reason}). Set the server URL and token in Settings → Trail.`;
      }
    }
    const key = `${url}\n${token}`;
    if (key === this._key && error === this._error) {
      return;
    }
    this._key = key;
    this._source = source;
    this._error = url ? null : (error ?? 'No Trail server is configured.');
    this._client = url ? new TrailClient({ baseUrl: url, token }) : null;
    this._changed.emit();
  }

  private _client: TrailClient | null = null;
  private _source = 'none';
  private _error: string | null = null;
  private _key = '';
  private _changed = new Signal<this, void>(this);
}

async function fetchServerConfig(): Promise<IServerConfig> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'trail', 'config');
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return (await response.json()) as IServerConfig;
}

/**
 * The Trail server connection. Owns the settings schema.
 */
export const connectionPlugin: JupyterFrontEndPlugin<ITrailConnection> = {
  id: SETTINGS_ID,
  description: 'Finds the Trail server this JupyterLab records to.',
  autoStart: true,
  provides: ITrailConnection,
  optional: [ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null
  ): Promise<ITrailConnection> => {
    const settings = await loadTrailSettings(registry);
    const connection = new TrailConnection(settings);
    await connection.reload();
    if (!connection.client) {
      // The embedded server may still be starting: ask again shortly.
      const retry = window.setInterval(() => {
        if (connection.client) {
          window.clearInterval(retry);
        } else {
          void connection.reload();
        }
      }, 3000);
    }
    return connection;
  }
};

/**
 * The export report's Verify button goes to the Jupyter server
 * (`POST /trail/verify`, jupyterlab_trail/verify_handler.py), which runs
 * `trail verify <folder> --json` beside the workspace; `GET` says how a
 * folder's verification goes, `DELETE` stops it.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import {
  VerifyBusyError,
  type IPipelineVerifier,
  type IVerifyDocument,
  type IVerifyStatus,
  type IVerifyTolerance,
  type VerifyPhaseName
} from '../model/export/verifyModel';

function verifyUrl(folder?: string): {
  url: string;
  settings: ServerConnection.ISettings;
} {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'trail', 'verify');
  return {
    url:
      folder === undefined
        ? url
        : `${url}?folder=${encodeURIComponent(folder)}`,
    settings
  };
}

/** The handler's own words for a refusal (its JSON `message`), else the status line. */
async function reasonOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) {
      return body.message;
    }
  } catch {
    // Not JSON: the status line says it.
  }
  return `${response.status} ${response.statusText}`;
}

async function status(folder: string): Promise<IVerifyStatus> {
  const { url, settings } = verifyUrl(folder);
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new Error(await reasonOf(response));
  }
  return (await response.json()) as IVerifyStatus;
}

export const serverVerifier: IPipelineVerifier = {
  async verify(
    folder: string,
    tolerance: IVerifyTolerance
  ): Promise<IVerifyDocument> {
    const { url, settings } = verifyUrl();
    const response = await ServerConnection.makeRequest(
      url,
      { method: 'POST', body: JSON.stringify({ folder, tolerance }) },
      settings
    );
    if (response.status === 409) {
      // Already being verified: the model follows that one.
      const body = (await response.json().catch(() => ({}))) as {
        verification?: IVerifyStatus;
      };
      throw new VerifyBusyError({ ...body.verification, running: true });
    }
    if (!response.ok) {
      // The handler's reason (e.g. the folder is outside the server's root).
      throw new Error(
        `The Jupyter server could not verify ${folder}: ${await reasonOf(response)}`
      );
    }
    return (await response.json()) as IVerifyDocument;
  },

  status,

  async phase(folder: string): Promise<VerifyPhaseName | null> {
    return (await status(folder)).phase ?? null;
  },

  async cancel(folder: string): Promise<void> {
    const { url, settings } = verifyUrl(folder);
    const response = await ServerConnection.makeRequest(
      url,
      { method: 'DELETE' },
      settings
    );
    // 404: it had ended already; its answer says how.
    if (!response.ok && response.status !== 404) {
      throw new Error(await reasonOf(response));
    }
  }
};

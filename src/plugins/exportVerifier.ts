/**
 * The export report's Verify button goes to the Jupyter server
 * (`POST /trail/verify`, jupyterlab_trail/verify_handler.py), which runs
 * `trail verify <folder> --json` beside the workspace.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type {
  IPipelineVerifier,
  IVerifyDocument,
  IVerifyTolerance,
  VerifyPhaseName
} from '../model/export/verifyModel';

export const serverVerifier: IPipelineVerifier = {
  async verify(
    folder: string,
    tolerance: IVerifyTolerance
  ): Promise<IVerifyDocument> {
    const settings = ServerConnection.makeSettings();
    const url = URLExt.join(settings.baseUrl, 'trail', 'verify');
    const response = await ServerConnection.makeRequest(
      url,
      { method: 'POST', body: JSON.stringify({ folder, tolerance }) },
      settings
    );
    if (!response.ok) {
      // The handler's reason (e.g. the folder is outside the server's root).
      throw new Error(
        `The Jupyter server could not verify ${folder}: ${response.status} ${response.statusText}`
      );
    }
    return (await response.json()) as IVerifyDocument;
  },

  async phase(folder: string): Promise<VerifyPhaseName | null> {
    const settings = ServerConnection.makeSettings();
    const url = URLExt.join(settings.baseUrl, 'trail', 'verify');
    const response = await ServerConnection.makeRequest(
      `${url}?folder=${encodeURIComponent(folder)}`,
      {},
      settings
    );
    if (!response.ok) {
      return null;
    }
    const state = (await response.json()) as { phase?: VerifyPhaseName };
    return state.phase ?? null;
  }
};

import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { SETTINGS_ID } from '../tokens';

/**
 * Trail's settings, or null when there is no registry or they cannot be
 * loaded: recording then runs on the schema's defaults and says why once
 * per plugin in the console, never failing activation.
 */
export async function loadTrailSettings(
  registry: ISettingRegistry | null
): Promise<ISettingRegistry.ISettings | null> {
  if (!registry) {
    return null;
  }
  try {
    return await registry.load(SETTINGS_ID);
  } catch (reason) {
    console.warn('Trail: settings could not be loaded', reason);
    return null;
  }
}

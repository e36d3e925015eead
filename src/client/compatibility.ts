/**
 * The version handshake: which Trail API version this client speaks, and
 * what to upgrade when a server speaks another.
 */
import type { ServerVersion } from './api-schema';

/**
 * The version of the HTTP API this client speaks (the `apiVersion` of
 * GET /api/v1/version).
 */
export const API_VERSION = 1;

/**
 * Null when a server of this version can be used by this client, otherwise a
 * sentence that says which side to upgrade.
 */
export function compatibilityMessage(
  info: ServerVersion,
  baseUrl = 'the server'
): string | null {
  if (info.apiVersion === API_VERSION) {
    return null;
  }
  const server = `${info.name} ${info.version} at ${baseUrl}`;
  return info.apiVersion > API_VERSION
    ? `${server} speaks Trail API version ${info.apiVersion}, but this extension speaks version ${API_VERSION}: upgrade jupyterlab-trail.`
    : `${server} speaks Trail API version ${info.apiVersion}, but this extension needs version ${API_VERSION}: upgrade the Trail server.`;
}

/**
 * Links that open Trail on one execution: `<JupyterLab URL>?trail-execution=<id>`.
 * Behind JupyterHub the link goes through `/hub/user-redirect/`, so that it
 * opens in whoever follows it's own server, not the author's.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

/** The query parameter that names the execution to open. */
export const PERMALINK_PARAM = 'trail-execution';

/**
 * What an execution id may look like: the records' id pattern
 * (`definitions.id` of schema/records/session.schema.json, which the server
 * checks; a test keeps the two equal). Client-made ids are UUIDs.
 */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/;

/**
 * The link that opens Trail on an execution in this JupyterLab (or, behind
 * JupyterHub, in the JupyterLab of whoever follows it).
 */
export function executionLink(
  executionId: string,
  origin: string = window.location.origin
): string {
  const appUrl = PageConfig.getOption('appUrl') || '/lab';
  const hubPrefix = PageConfig.getOption('hubPrefix');
  const path = hubPrefix
    ? URLExt.join(hubPrefix, 'user-redirect', appUrl)
    : URLExt.join(PageConfig.getBaseUrl(), appUrl);
  const url = new URL(path, origin);
  url.searchParams.set(PERMALINK_PARAM, executionId);
  return url.href;
}

/**
 * The execution id in a link, or the id itself when given one; null when
 * the text is neither.
 */
export function executionIdFrom(text: string): string | null {
  const value = text.trim();
  if (RECORD_ID_PATTERN.test(value)) {
    return value;
  }
  try {
    const id = new URL(value).searchParams.get(PERMALINK_PARAM);
    return id && RECORD_ID_PATTERN.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * The execution the page was opened on, if any; the parameter is removed
 * from the address bar (a reload does not open it again).
 */
export function takeExecutionFromUrl(
  location: Location = window.location,
  history: History = window.history
): string | null {
  const url = new URL(location.href);
  const raw = url.searchParams.get(PERMALINK_PARAM);
  if (raw === null) {
    return null;
  }
  url.searchParams.delete(PERMALINK_PARAM);
  history.replaceState(history.state, '', url.href);
  return executionIdFrom(raw);
}

/**
 * Links that open Trail on one execution: `<JupyterLab URL>?trail-execution=<id>`.
 * Behind JupyterHub the link goes through `/hub/user-redirect/`, so that it
 * opens in whoever follows it's own server, not the author's.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

/** The query parameter that names the execution to open. */
export const PERMALINK_PARAM = 'trail-execution';

/**
 * The query parameter that says where to open it: absent, the Trail panel;
 * `replay`, the replay viewer at the execution's step.
 */
export const PERMALINK_VIEW_PARAM = 'trail-view';

/** The places a link may open an execution in. */
export type PermalinkView = 'panel' | 'replay';

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
  origin: string = window.location.origin,
  view: PermalinkView = 'panel'
): string {
  const url = new URL(appLink(origin));
  url.searchParams.set(PERMALINK_PARAM, executionId);
  if (view === 'replay') {
    url.searchParams.set(PERMALINK_VIEW_PARAM, 'replay');
  }
  return url.href;
}

/**
 * This JupyterLab's address (behind JupyterHub, the one of whoever follows
 * the link), which a permalink adds its query parameters to.
 */
export function appLink(origin: string = window.location.origin): string {
  const appUrl = PageConfig.getOption('appUrl') || '/lab';
  const hubPrefix = PageConfig.getOption('hubPrefix');
  const path = hubPrefix
    ? URLExt.join(hubPrefix, 'user-redirect', appUrl)
    : URLExt.join(PageConfig.getBaseUrl(), appUrl);
  return new URL(path, origin).href;
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
  return takeLinkFromUrl(location, history)?.executionId ?? null;
}

/**
 * The execution the page was opened on and where to show it (the panel
 * unless `trail-view=replay`); both parameters are removed from the
 * address bar.
 */
export function takeLinkFromUrl(
  location: Location = window.location,
  history: History = window.history
): { executionId: string; view: PermalinkView } | null {
  const url = new URL(location.href);
  const raw = url.searchParams.get(PERMALINK_PARAM);
  if (raw === null) {
    return null;
  }
  const view =
    url.searchParams.get(PERMALINK_VIEW_PARAM) === 'replay'
      ? 'replay'
      : 'panel';
  url.searchParams.delete(PERMALINK_PARAM);
  url.searchParams.delete(PERMALINK_VIEW_PARAM);
  history.replaceState(history.state, '', url.href);
  const executionId = executionIdFrom(raw);
  return executionId ? { executionId, view } : null;
}

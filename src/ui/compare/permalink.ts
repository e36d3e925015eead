/**
 * Links that open runs compared: `<JupyterLab URL>?trail-compare=id1,id2,…`
 * (#16 contract 5).
 */
import { appLink } from '../permalink';

/** The query parameter listing the runs compared. */
export const COMPARE_LINK_PARAM = 'trail-compare';

/** The link that opens these runs compared. */
export function compareLink(
  ids: readonly string[],
  origin: string = window.location.origin
): string {
  const url = new URL(appLink(origin));
  url.searchParams.set(COMPARE_LINK_PARAM, ids.join(','));
  return url.href;
}

/** The ids of a `trail-compare` value: split on commas, blanks dropped. */
export function compareIdsFrom(value: string): string[] {
  return value
    .split(',')
    .map(id => id.trim())
    .filter(Boolean);
}

/**
 * The runs the page was opened on to compare, if any; the parameter is
 * removed from the address bar (a reload does not open them again).
 */
export function takeCompareLinkFromUrl(
  location: Location = window.location,
  history: History = window.history
): string[] | null {
  const url = new URL(location.href);
  const value = url.searchParams.get(COMPARE_LINK_PARAM);
  if (value === null) {
    return null;
  }
  url.searchParams.delete(COMPARE_LINK_PARAM);
  history.replaceState(history.state, '', url.href);
  return compareIdsFrom(value);
}

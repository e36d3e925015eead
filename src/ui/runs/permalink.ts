/**
 * Links that open the leaderboard on a filter and sort:
 * `<JupyterLab URL>?trail-runs=<filter>&trail-sort=<sort>` (#16 contract 5).
 */
import { appLink } from '../permalink';

/** The query parameter holding the filter (empty: every run). */
export const RUNS_LINK_PARAM = 'trail-runs';

/** The query parameter holding the sort text. */
export const RUNS_SORT_PARAM = 'trail-sort';

/** What a leaderboard link opens. */
export interface ILeaderboardLink {
  filter: string;
  sort: string;
}

/**
 * The link that opens the leaderboard on a filter and sort.
 */
export function leaderboardLink(
  link: ILeaderboardLink,
  origin: string = window.location.origin
): string {
  const url = new URL(appLink(origin));
  url.searchParams.set(RUNS_LINK_PARAM, link.filter);
  if (link.sort) {
    url.searchParams.set(RUNS_SORT_PARAM, link.sort);
  }
  return url.href;
}

/**
 * The leaderboard the page was opened on, if any; its parameters are
 * removed from the address bar (a reload does not open it again).
 */
export function takeLeaderboardLinkFromUrl(
  location: Location = window.location,
  history: History = window.history
): ILeaderboardLink | null {
  const url = new URL(location.href);
  const filter = url.searchParams.get(RUNS_LINK_PARAM);
  const sort = url.searchParams.get(RUNS_SORT_PARAM);
  if (filter === null && sort === null) {
    return null;
  }
  url.searchParams.delete(RUNS_LINK_PARAM);
  url.searchParams.delete(RUNS_SORT_PARAM);
  history.replaceState(history.state, '', url.href);
  return { filter: filter ?? '', sort: sort ?? '' };
}

/**
 * What the leaderboard makes of a query the server refused (a 400
 * `invalid_request` whose details name the query parameter): a filter's
 * problem is shown under the box; a sort or columns refused are dropped
 * for the default and said.
 */

/**
 * Why a filter was refused: the parser's (or the server's) message and the
 * offset in the text it points at, when known.
 */
export interface IFilterProblem {
  message: string;
  position: number | null;
}

/**
 * A sort or list of columns the server refused, and why.
 */
export interface IRefusedQuery {
  part: 'sort' | 'columns';
  value: string;
  message: string;
}

/** The shape of the client's response error that is read here. */
interface IQueryError {
  status?: number;
  message?: string;
  details?: { path?: string; message?: string }[];
}

/** The server's word on one query parameter it refused, or null. */
function refusal(reason: unknown, name: string): string | null {
  const error = reason as IQueryError | null;
  if (error?.status !== 400) {
    return null;
  }
  const detail = error.details?.find(d => d.path === `/query/${name}`);
  if (!detail) {
    return null;
  }
  return (detail.message ?? error.message ?? '').replace(
    new RegExp(`^${name}:\\s*`),
    ''
  );
}

/**
 * The filter problem in an error of the runs API (`filter: at 23: …`),
 * with its position; null when the error is about something else.
 */
export function filterProblemOf(reason: unknown): IFilterProblem | null {
  const message = refusal(reason, 'filter');
  if (message === null) {
    return null;
  }
  const at = /^at (\d+):/.exec(message);
  return { message, position: at ? Number(at[1]) : null };
}

/**
 * Which of the sort and the columns the server refused, and why; null
 * when neither (or what was refused was not sent).
 */
export function refusedQueryOf(
  reason: unknown,
  sent: { sort: string; columns: string }
): IRefusedQuery | null {
  for (const part of ['sort', 'columns'] as const) {
    const message = refusal(reason, part);
    if (message !== null && sent[part]) {
      return { part, value: sent[part], message };
    }
  }
  return null;
}

/**
 * GET /changes: what was stored since a cursor that the caller may read,
 * at once or held open until something arrives (a long poll).
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { ChangeFeed } from '../access/change-feed';
import { AppError } from '../errors';
import { answerOtherMethods } from './methods';

/** The longest a change poll may wait, in ms. */
export const MAX_WAIT_MS = 25_000;

function parseWait(raw: unknown): number {
  if (raw === undefined) {
    return 0;
  }
  const n =
    typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= MAX_WAIT_MS)) {
    throw new AppError(
      400,
      'invalid_request',
      `The query parameter "wait" must be milliseconds from 0 to ${MAX_WAIT_MS}.`,
      [
        {
          path: '/query/wait',
          message: `must be an integer from 0 to ${MAX_WAIT_MS}`
        }
      ]
    );
  }
  return n;
}

function parseAfter(raw: unknown): string | undefined {
  if (raw !== undefined && typeof raw !== 'string') {
    throw new AppError(
      400,
      'invalid_request',
      'The query parameter "after" must be a cursor given once.',
      [{ path: '/query/after', message: 'must be a cursor given once' }]
    );
  }
  return raw;
}

/** See the module comment. */
export function changeRoutes(feed: ChangeFeed): Router {
  const router = Router();
  router.get('/changes', async (req, res) => {
    const after = parseAfter(req.query.after);
    const wait = parseWait(req.query.wait);
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const answer = await feed.poll(principalOf(res), after, wait);
    if (!closed) {
      res.json(answer);
    }
  });
  return answerOtherMethods(router);
}

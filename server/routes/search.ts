/** GET /search: code and output text across what the caller may read. */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { HistorySearch } from '../search/history-search';
import { answerOtherMethods } from './methods';

/** See the module comment. */
export function searchRoutes(search: HistorySearch): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    res.json(await search.search(principalOf(res), req.query));
  });
  return answerOtherMethods(router);
}

/**
 * Content-addressed reads: environment snapshots and blobs. Knowing the id
 * means knowing the content's hash, which only a reader of a record that
 * cites it has.
 */
import { Router } from 'express';
import type { HistoryService } from '../services/history';
import { answerOtherMethods } from './methods';

/** See the module comment. */
export function contentRoutes(history: HistoryService): Router {
  const router = Router();
  router.get('/environments/:id', async (req, res) => {
    res.json(await history.getEnvironment(req.params.id));
  });
  router.get('/blobs/:sha256', async (req, res) => {
    const blob = await history.getBlob(req.params.sha256);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('ETag', `"${req.params.sha256}"`);
    res.end(blob);
  });
  return answerOtherMethods(router);
}

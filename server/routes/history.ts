/** Read routes: sessions, executions, cells, environments, blobs. */
import { Router } from 'express';
import type { HistoryService } from '../services/history';

/**
 * GET /sessions, /sessions/:id, /sessions/:id/executions, /executions/:id,
 * /executions/:id/previous, /cells/executions, /environments/:id,
 * /blobs/:sha256.
 */
export function historyRoutes(history: HistoryService): Router {
  const router = Router();
  router.get('/sessions', (req, res) => {
    res.json(history.listSessions(req.query));
  });
  router.get('/sessions/:id', (req, res) => {
    res.json(history.getSession(req.params.id));
  });
  router.get('/sessions/:id/executions', async (req, res) => {
    res.json(await history.listExecutions(req.params.id, req.query));
  });
  router.get('/executions/:id', async (req, res) => {
    res.json(await history.getExecution(req.params.id));
  });
  router.get('/executions/:id/previous', async (req, res) => {
    res.json(await history.previousExecution(req.params.id));
  });
  router.get('/cells/executions', async (req, res) => {
    res.json(await history.listCellExecutions(req.query));
  });
  router.get('/environments/:id', async (req, res) => {
    res.json(await history.getEnvironment(req.params.id));
  });
  router.get('/blobs/:sha256', async (req, res) => {
    const blob = await history.getBlob(req.params.sha256);
    res.setHeader('Content-Type', 'application/octet-stream');
    // Content-addressed: the bytes under a hash never change.
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('ETag', `"${req.params.sha256}"`);
    res.end(blob);
  });
  return router;
}

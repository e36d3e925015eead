/** POST /events: ingest of event batches. */
import { Router } from 'express';
import { AppError } from '../errors';
import type { IngestService } from '../services/ingest';

/** POST /events; the body must be JSON (415 otherwise). */
export function eventRoutes(ingest: IngestService): Router {
  const router = Router();
  router.post('/events', async (req, res) => {
    if (!req.is('application/json')) {
      throw new AppError(
        415,
        'unsupported_media_type',
        'Send the event batch as application/json.'
      );
    }
    res.json(await ingest.ingest(req.body));
  });
  return router;
}

/**
 * POST /events: a recorder's batch, stored by the ingest service. What
 * follows a stored batch (the change feed, the search index, the access
 * bookkeeping) observes the service's `stored` signal, not this route.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import { AppError } from '../errors';
import type { IngestService } from '../services/ingest';
import { answerOtherMethods } from './methods';

/** See the module comment. */
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
    res.json(await ingest.ingest(principalOf(res), req.body));
  });
  return answerOtherMethods(router);
}

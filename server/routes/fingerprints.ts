/**
 * "Who already computed this?": the executions identical to one, the ones
 * a cell about to run would repeat, and the sessions a session's first
 * steps repeat (see access/team-fingerprints.ts).
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamFingerprints } from '../access/team-fingerprints';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function fingerprintRoutes(fingerprints: TeamFingerprints): Router {
  const router = Router();
  router.get('/executions/:id/identical', async (req, res) => {
    res.json(await fingerprints.identical(principalOf(res), req.params.id));
  });
  router.post('/fingerprints/lookup', async (req, res) => {
    res.json(await fingerprints.lookup(principalOf(res), jsonBody(req)));
  });
  router.get('/sessions/:id/identical-prefix', async (req, res) => {
    res.json(
      await fingerprints.identicalPrefix(principalOf(res), req.params.id)
    );
  });
  return answerOtherMethods(router);
}

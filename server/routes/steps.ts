/**
 * A session's steps: the listing, and the notebook as it stood at one
 * step (replay, issue #13).
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamSteps } from '../access/team-steps';
import { answerOtherMethods } from './methods';

/** See the module comment. */
export function stepRoutes(steps: TeamSteps): Router {
  const router = Router();
  router.get('/sessions/:id/steps', async (req, res) => {
    res.json(await steps.listSteps(principalOf(res), req.params.id));
  });
  router.get('/sessions/:id/steps/:k', async (req, res) => {
    res.json(
      await steps.getStep(principalOf(res), req.params.id, req.params.k)
    );
  });
  return answerOtherMethods(router);
}

/**
 * What replaying a session needs (replay, issue #13): the inputs of steps
 * 1..k, the preflight of a target kernel, and the session's replays.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamReplays } from '../access/team-replays';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function replayRoutes(replays: TeamReplays): Router {
  const router = Router();
  router.get('/sessions/:id/inputs', async (req, res) => {
    res.json(await replays.inputs(principalOf(res), req.params.id, req.query));
  });
  router.post('/sessions/:id/preflight', async (req, res) => {
    res.json(
      await replays.preflight(principalOf(res), req.params.id, jsonBody(req))
    );
  });
  router.get('/sessions/:id/replays', async (req, res) => {
    res.json(await replays.replays(principalOf(res), req.params.id, req.query));
  });
  return answerOtherMethods(router);
}

/**
 * What forking a session needs (fork, issue #14): the data-contract check
 * of a fork's substituted files, and a replay or fork compared with its
 * parent. The parent's replays and forks are listed by
 * GET /sessions/:id/replays (routes/replay.ts).
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamForks } from '../access/team-forks';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function forkRoutes(forks: TeamForks): Router {
  const router = Router();
  router.post('/sessions/:id/contract', async (req, res) => {
    res.json(
      await forks.contract(principalOf(res), req.params.id, jsonBody(req))
    );
  });
  router.get('/sessions/:id/parent-comparison', async (req, res) => {
    res.json(await forks.parentComparison(principalOf(res), req.params.id));
  });
  return answerOtherMethods(router);
}

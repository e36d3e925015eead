/**
 * The sessions a person may read: the listing, one session, its
 * executions, and its visibility.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamSessions } from '../access/team-sessions';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function sessionRoutes(sessions: TeamSessions): Router {
  const router = Router();
  router.get('/sessions', async (req, res) => {
    res.json(await sessions.listSessions(principalOf(res), req.query));
  });
  router.get('/sessions/:id', async (req, res) => {
    res.json(await sessions.getSession(principalOf(res), req.params.id));
  });
  router.patch('/sessions/:id', async (req, res) => {
    res.json(
      await sessions.setSessionVisibility(
        principalOf(res),
        req.params.id,
        jsonBody(req)
      )
    );
  });
  router.get('/sessions/:id/executions', async (req, res) => {
    res.json(
      await sessions.listExecutions(principalOf(res), req.params.id, req.query)
    );
  });
  return answerOtherMethods(router);
}

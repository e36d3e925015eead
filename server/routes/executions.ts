/**
 * The executions a person may read: one run, the run of its cell before
 * it, and one cell's runs across sessions.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamExecutions } from '../access/team-executions';
import { answerOtherMethods } from './methods';

/** See the module comment. */
export function executionRoutes(executions: TeamExecutions): Router {
  const router = Router();
  router.get('/executions/:id', async (req, res) => {
    res.json(await executions.getExecution(principalOf(res), req.params.id));
  });
  router.get('/executions/:id/previous', async (req, res) => {
    res.json(
      await executions.previousExecution(principalOf(res), req.params.id)
    );
  });
  router.get('/cells/executions', async (req, res) => {
    res.json(await executions.listCellExecutions(principalOf(res), req.query));
  });
  return answerOtherMethods(router);
}

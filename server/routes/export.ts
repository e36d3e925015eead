/**
 * A session exported as a pipeline (issue #15): the folder's files and the
 * report of what was kept, dropped and translated. The server writes
 * nothing; the caller (trail export, the panel) writes the files.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamExports } from '../access/team-exports';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function exportRoutes(exports: TeamExports): Router {
  const router = Router();
  router.post('/sessions/:id/export', async (req, res) => {
    res.json(
      await exports.export(principalOf(res), req.params.id, jsonBody(req))
    );
  });
  return answerOtherMethods(router);
}

/**
 * The team's people as a person sees them: themselves, everyone with what
 * of theirs the caller may read, one person's notebooks, and the rule a
 * person sets for their own notebook.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamPeople } from '../access/team-people';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/** See the module comment. */
export function peopleRoutes(people: TeamPeople): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json(people.me(principalOf(res)));
  });
  router.get('/users', async (_req, res) => {
    res.json(await people.listUsers(principalOf(res)));
  });
  router.get('/notebooks', async (req, res) => {
    res.json(await people.listNotebooks(principalOf(res), req.query));
  });
  router.put('/notebooks/visibility', async (req, res) => {
    res.json(
      await people.setNotebookVisibility(principalOf(res), jsonBody(req))
    );
  });
  return answerOtherMethods(router);
}

/**
 * The runs (#16): the team's sessions summarised by their params, metrics,
 * tags, inputs and status, filtered, sorted and paged; one run; the names
 * for completion and the column picker; a run's metric series.
 */
import { Router } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamRuns } from '../access/team-runs';
import { answerOtherMethods } from './methods';

/** See the module comment. */
export function runRoutes(runs: TeamRuns): Router {
  const router = Router();
  router.get('/runs', async (req, res) => {
    res.json(await runs.list(principalOf(res), req.query));
  });
  // Before /runs/:id: "names" is not a run id.
  router.get('/runs/names', async (_req, res) => {
    res.json(await runs.names(principalOf(res)));
  });
  router.get('/runs/:id', async (req, res) => {
    res.json(await runs.get(principalOf(res), req.params.id));
  });
  router.get('/runs/:id/metrics', async (req, res) => {
    res.json(
      await runs.metrics(
        principalOf(res),
        req.params.id,
        req.query as Record<string, unknown>
      )
    );
  });
  return answerOtherMethods(router);
}

/**
 * A session exported as a pipeline (issue #15): the folder's files and the
 * report of what was kept, dropped and translated. The server writes
 * nothing; the caller (trail export, the panel) writes the files.
 */
import { Router, type Request } from 'express';
import { principalOf } from '../access/authenticate';
import type { TeamExports } from '../access/team-exports';
import { answerOtherMethods } from './methods';
import { jsonBody } from './request';

/**
 * The URL the request came in on (protocol and host), for the exported
 * README's provenance; undefined when the Host header is not a plain host.
 */
function requestOrigin(req: Request): string | undefined {
  const host = req.get('host');
  return host &&
    /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
    ? `${req.protocol}://${host}`
    : undefined;
}

/** See the module comment. */
export function exportRoutes(exports: TeamExports): Router {
  const router = Router();
  router.post('/sessions/:id/export', async (req, res) => {
    res.json(
      await exports.export(principalOf(res), req.params.id, jsonBody(req), {
        serverUrl: requestOrigin(req)
      })
    );
  });
  return answerOtherMethods(router);
}

/** Routes about the server itself: health, version, the OpenAPI document. */
import { Router } from 'express';
import { SERVER_INFO } from '../version';

/** GET /health and GET /version: public, for probes and handshakes. */
export function publicRoutes(): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/version', (_req, res) => {
    res.json(SERVER_INFO);
  });
  return router;
}

/** GET /openapi.json: the API description (public, like health and version). */
export function openApiRoutes(document: object): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}

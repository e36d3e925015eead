/** Routes about the server itself: health, version, the OpenAPI document. */
import { Router } from 'express';
import type { TrailStore } from '../store/types';
import { SERVER_INFO } from '../version';
import { answerOtherMethods } from './methods';

/**
 * GET /health and GET /version: public, for probes and handshakes. Health
 * is `ok`, or `degraded` while the store's last write failed (a full disk:
 * the server keeps serving reads and retries writes by itself); it names
 * the error code only, never a path.
 */
export function publicRoutes(store?: Pick<TrailStore, 'writeFailure'>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const failure = (await store?.writeFailure?.()) ?? null;
    res.json(
      failure
        ? {
            status: 'degraded',
            storage: {
              writable: false,
              error: failure.code,
              since: failure.since
            }
          }
        : { status: 'ok' }
    );
  });
  router.get('/version', (_req, res) => {
    res.json(SERVER_INFO);
  });
  return answerOtherMethods(router);
}

/** GET /openapi.json: the API description (public, like health and version). */
export function openApiRoutes(document: object): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return answerOtherMethods(router);
}

/** Routes about the server itself: health, version, the OpenAPI document. */
import { Router } from 'express';
import type { BackendHealth } from '../app';
import type { TrailStore } from '../store/types';
import { SERVER_INFO } from '../version';
import { answerOtherMethods } from './methods';

/**
 * The health of a store that reports failing writes: `ok`, or `degraded`
 * while its last write failed (a full disk: the server keeps serving reads
 * and retries writes by itself), naming the error code only, never a path.
 */
export function storeHealth(
  store?: Pick<TrailStore, 'writeFailure'>
): () => Promise<BackendHealth> {
  return async () => {
    const failure = (await store?.writeFailure?.()) ?? null;
    return failure
      ? {
          status: 'degraded',
          storage: {
            writable: false,
            error: failure.code,
            since: failure.since
          }
        }
      : { status: 'ok' };
  };
}

/**
 * GET /health and GET /version: public, for probes and handshakes. Health
 * says what `health` reports of the backends (see {@link BackendHealth}).
 */
export function publicRoutes(health: () => Promise<BackendHealth>): Router {
  const router = Router();
  router.get('/health', async (_req, res, next) => {
    try {
      const report = await health();
      res.json(report);
    } catch (err) {
      next(err);
    }
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

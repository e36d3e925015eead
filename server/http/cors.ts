/**
 * CORS for the JupyterLab page that talks to the server from another
 * origin. Written by hand: the policy is a few lines.
 */
import type { RequestHandler } from 'express';

/** Origins allowed when none are configured: a local JupyterLab. */
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * Which origins may call the API: `undefined` or an empty list means any
 * http://localhost:<port> or http://127.0.0.1:<port>; `*` allows any origin
 * (safe here because auth is a bearer token, never a cookie).
 */
export function originPolicy(allowed?: string[]): (origin: string) => boolean {
  if (!allowed || allowed.length === 0) {
    return origin => LOCAL_ORIGIN.test(origin);
  }
  if (allowed.includes('*')) {
    return () => true;
  }
  const exact = new Set(allowed.map(o => o.replace(/\/+$/, '')));
  return origin => exact.has(origin);
}

/**
 * Adds CORS headers for allowed origins and answers every preflight with
 * 204, so preflights never meet authentication (browsers send them without
 * the Authorization header).
 */
export function cors(allowed?: string[]): RequestHandler {
  const isAllowed = originPolicy(allowed);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const ok = typeof origin === 'string' && isAllowed(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    const preflight =
      req.method === 'OPTIONS' &&
      req.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
      next();
      return;
    }
    if (ok) {
      res.setHeader(
        'Access-Control-Allow-Methods',
        'GET, POST, PUT, PATCH, OPTIONS'
      );
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type'
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

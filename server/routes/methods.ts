/**
 * 405 Method Not Allowed for the routes of a router: a path it serves,
 * asked with a method it does not serve, is answered 405 with `Allow`
 * rather than falling through to the 404 of unknown paths.
 */
import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors';

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

function notAllowed(allow: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(
      new AppError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed on ${req.baseUrl}${req.path}; allowed: ${allow}.`
      )
    );
  };
}

/**
 * Adds, after the routes `router` has, one handler per path answering the
 * methods it has no route for. Call it once all routes are added.
 */
export function answerOtherMethods(router: Router): Router {
  const methods = new Map<string, Set<string>>();
  for (const layer of router.stack as RouteLayer[]) {
    if (layer.route && typeof layer.route.path === 'string') {
      const set = methods.get(layer.route.path) ?? new Set<string>();
      for (const method of Object.keys(layer.route.methods)) {
        set.add(method.toUpperCase());
      }
      methods.set(layer.route.path, set);
    }
  }
  for (const [path, set] of methods) {
    if (set.has('GET')) {
      set.add('HEAD');
    }
    router.all(path, notAllowed([...set, 'OPTIONS'].join(', ')));
  }
  return router;
}

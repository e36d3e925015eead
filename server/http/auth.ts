/**
 * Bearer-token authentication: every request needs
 * `Authorization: Bearer <token>` unless a route before this one answered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Denies any request without the token. Tokens are compared as SHA-256
 * digests with timingSafeEqual: equal lengths, and no timing signal about
 * how much of a guess was right.
 */
export function requireBearerToken(token: string): RequestHandler {
  if (!token) {
    throw new Error('an empty token would let anyone in');
  }
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="trail"');
      next(
        new AppError(
          401,
          'unauthorized',
          'This request needs an "Authorization: Bearer <token>" header.'
        )
      );
      return;
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      res.setHeader(
        'WWW-Authenticate',
        'Bearer realm="trail", error="invalid_token"'
      );
      next(new AppError(401, 'unauthorized', 'The token is not valid.'));
      return;
    }
    next();
  };
}

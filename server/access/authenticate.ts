/**
 * Who is asking: every request past the public routes carries
 * `Authorization: Bearer <token>`, either the server's own token (its owner,
 * the single user of a laptop install) or a personal token from the team
 * directory. The principal is put on `res.locals.principal`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { userInfo } from 'node:os';
import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import { OWNER_ID, type Principal } from './directory';
import type { TeamDirectory } from './team-directory';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The owner's display name: the OS user running the server. */
export function defaultOwnerName(): string {
  try {
    return userInfo().username || 'owner';
  } catch {
    return 'owner';
  }
}

/** The principal of the server's own token. */
export function ownerPrincipal(displayName = defaultOwnerName()): Principal {
  return {
    userId: OWNER_ID,
    name: OWNER_ID,
    displayName,
    role: 'admin',
    tokenId: null
  };
}

/** The principal a request was authenticated as (after {@link authenticate}). */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) {
    throw new Error(
      'principalOf() called on a route that is not authenticated'
    );
  }
  return principal;
}

function unauthorized(
  res: Response,
  message: string,
  invalid: boolean
): AppError {
  res.setHeader(
    'WWW-Authenticate',
    invalid
      ? 'Bearer realm="trail", error="invalid_token"'
      : 'Bearer realm="trail"'
  );
  return new AppError(401, 'unauthorized', message);
}

/**
 * Denies any request without a valid token. The owner token is compared as
 * SHA-256 digests with timingSafeEqual; personal tokens are looked up by
 * their hash in the directory.
 */
export function authenticate(options: {
  ownerToken: string;
  owner?: Principal;
  directory?: TeamDirectory | null;
}): RequestHandler {
  if (!options.ownerToken) {
    throw new Error('an empty token would let anyone in');
  }
  const expected = digest(options.ownerToken);
  const owner = options.owner ?? ownerPrincipal();
  const directory = options.directory ?? null;
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) {
      next(
        unauthorized(
          res,
          'This request needs an "Authorization: Bearer <token>" header.',
          false
        )
      );
      return;
    }
    const token = match[1];
    if (timingSafeEqual(digest(token), expected)) {
      res.locals.principal = owner;
      next();
      return;
    }
    if (!directory) {
      next(unauthorized(res, 'The token is not valid.', true));
      return;
    }
    directory.authenticate(token).then(principal => {
      if (!principal) {
        next(
          unauthorized(
            res,
            'The token is not valid, revoked, or its user is disabled.',
            true
          )
        );
        return;
      }
      res.locals.principal = principal;
      next();
    }, next);
  };
}

/**
 * What several routes parse the same way: a JSON body.
 */
import type { Request } from 'express';
import { AppError } from '../errors';

/**
 * The body of a request whose body is a JSON document: a body declared of
 * another media type is a 415 (the JSON parser left it unread); without a
 * body (or a Content-Type) it is undefined, for the service to refuse
 * precisely.
 */
export function jsonBody(req: Request): unknown {
  if (
    req.headers['content-type'] !== undefined &&
    !req.is('application/json')
  ) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the body as application/json.'
    );
  }
  return req.body;
}

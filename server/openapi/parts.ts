/**
 * The pieces the operations of the OpenAPI document are made of: schema
 * references, JSON bodies, error answers and parameters.
 */
import { PAGE_LIMIT } from '../services/history';

/** A reference to a schema of components.schemas, by its title. */
export const ref = (name: string) => ({
  $ref: `#/components/schemas/${name}`
});

/** A JSON body (of a request or an answer) of the given schema. */
export const json = (schema: object, description: string) => ({
  description,
  content: { 'application/json': { schema } }
});

/** An error answer: its body is always an ErrorBody. */
export const errorResponse = (description: string) =>
  json(ref('ErrorBody'), description);

/** A JSON request body the operation cannot do without. */
export const requiredBody = (schema: object, description: string) => ({
  required: true,
  ...json(schema, description)
});

/** The answer to a body of another media type than JSON. */
export const NOT_JSON = {
  '415': errorResponse(
    'A body of another media type than application/json (unsupported_media_type).'
  )
};

/** The answer to a missing or wrong token. */
export const AUTH_ERRORS = {
  '401': errorResponse('Missing or wrong bearer token (code unauthorized).')
};

/** A required path parameter: a string of the given pattern. */
export const pathParam = (
  name: string,
  description: string,
  pattern: string
) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern }
});

/** A query parameter holding a non-empty string (optional unless `required`). */
export const textQuery = (
  name: string,
  description: string,
  required = false
) => ({
  name,
  in: 'query',
  ...(required ? { required: true } : {}),
  description,
  schema: { type: 'string', minLength: 1 }
});

/** A lowercase hex SHA-256 (blob and environment ids). */
export const SHA256_PATTERN = '^[0-9a-f]{64}$';

/** The answer to an id that does not match its pattern. */
export const BAD_ID = {
  '400': errorResponse(
    'The id does not match its pattern (invalid_request, detail /params/id).'
  )
};

/** The limit and cursor of a list endpoint. */
export const pagingParams = [
  {
    name: 'limit',
    in: 'query',
    description: `Page size, ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}.`,
    schema: {
      type: 'integer',
      minimum: PAGE_LIMIT.min,
      maximum: PAGE_LIMIT.max,
      default: PAGE_LIMIT.default
    }
  },
  {
    name: 'cursor',
    in: 'query',
    description: 'The nextCursor of the previous page (opaque).',
    schema: { type: 'string', minLength: 1 }
  }
];

/** The answer to a bad limit or cursor. */
export const BAD_QUERY = {
  '400': errorResponse('Bad limit or cursor (code invalid_request).')
};

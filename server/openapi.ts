/**
 * The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.
 * Record shapes are the schema/records documents themselves, placed under
 * components.schemas by title, with every `$ref` between them rewritten to
 * a pointer into this document (`session.schema.json#/definitions/id`
 * becomes `#/components/schemas/SessionRecord/definitions/id`) and their
 * `$id`s dropped: tools that read the document alone (schemathesis,
 * generators) resolve every reference without fetching anything.
 */
import {
  MAX_BODY_MEMBERS,
  MAX_JSON_DEPTH,
  MAX_OBJECT_MEMBERS
} from './http/json-limits';
import { recordIdPattern, type JsonSchemaDocument } from './schemas';
import { QUERY_PATTERN } from './search/search-service';
import { PAGE_LIMIT } from './services/history';
import { SERVER_INFO } from './version';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const json = (schema: object, description: string) => ({
  description,
  content: { 'application/json': { schema } }
});

const errorResponse = (description: string) =>
  json(ref('ErrorBody'), description);

/** A JSON request body the operation cannot do without. */
const requiredBody = (schema: object, description: string) => ({
  required: true,
  ...json(schema, description)
});

const NOT_JSON = {
  '415': errorResponse(
    'A body of another media type than application/json (unsupported_media_type).'
  )
};

const AUTH_ERRORS = {
  '401': errorResponse('Missing or wrong bearer token (code unauthorized).')
};

const pathParam = (name: string, description: string, pattern: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern }
});

const SHA256_PATTERN = '^[0-9a-f]{64}$';

const BAD_ID = {
  '400': errorResponse(
    'The id does not match its pattern (invalid_request, detail /params/id).'
  )
};

const pagingParams = [
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

const BAD_QUERY = {
  '400': errorResponse('Bad limit or cursor (code invalid_request).')
};

const page = (item: string) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  additionalProperties: false,
  properties: {
    items: { type: 'array', items: ref(item) },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as cursor for the next page; null on the last page.'
    }
  }
});

/**
 * A copy of the record schema `file` whose `$ref`s point into the
 * document: `<file>#<pointer>` (or `#<pointer>` within the same file) to
 * `#/components/schemas/<title of file><pointer>`.
 */
function inlineRefs(
  value: unknown,
  file: string,
  titleOf: (file: string) => string
): unknown {
  if (Array.isArray(value)) {
    return value.map(v => inlineRefs(v, file, titleOf));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      const hash = v.indexOf('#');
      const target = hash < 0 ? v : v.slice(0, hash);
      const pointer = hash < 0 ? '' : v.slice(hash + 1);
      const name =
        target === '' ? file : target.slice(target.lastIndexOf('/') + 1);
      copy.$ref = `#/components/schemas/${titleOf(name)}${pointer}`;
    } else if (key !== '$id' && key !== '$schema') {
      copy[key] = inlineRefs(v, file, titleOf);
    }
  }
  return copy;
}

/** Builds the document from the record schemas (keyed by file name). */
export function buildOpenApiDocument(
  schemas: Record<string, JsonSchemaDocument>
): object {
  const titleOf = (file: string): string => {
    const title = schemas[file]?.title;
    if (typeof title !== 'string') {
      throw new Error(`no record schema ${file} with a title`);
    }
    return title;
  };
  const recordSchemas: Record<string, object> = {};
  for (const [file, schema] of Object.entries(schemas)) {
    recordSchemas[titleOf(file)] = inlineRefs(schema, file, titleOf) as object;
  }
  const idPattern = recordIdPattern(schemas).source;
  const idParam = (name: string, description: string) =>
    pathParam(name, description, idPattern);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trail server API',
      version: SERVER_INFO.version,
      description:
        'Records of notebook cell executions. Every route except health, version and this document needs `Authorization: Bearer <token>`. Errors have the body ErrorBody. ' +
        `JSON bodies may nest at most ${MAX_JSON_DEPTH} levels deep (400 invalid_request) and hold at most ${MAX_OBJECT_MEMBERS} members in one object and ${MAX_BODY_MEMBERS} in all (413 payload_too_large). ` +
        'A known path asked with another method answers 405 method_not_allowed with Allow.'
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/health': {
        get: {
          summary: 'Liveness probe',
          security: [],
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['status'],
                properties: {
                  status: { enum: ['ok', 'degraded'] },
                  storage: {
                    description:
                      'Present when degraded: the last write failed (e.g. a full disk) and none has succeeded since. Writes answer 503 meanwhile and succeed again by themselves once there is room.',
                    type: 'object',
                    required: ['writable', 'error', 'since'],
                    properties: {
                      writable: { const: false },
                      error: {
                        type: 'string',
                        description: 'The system error code, e.g. ENOSPC.'
                      },
                      since: { type: 'string', format: 'date-time' }
                    }
                  }
                }
              },
              'The server is up (degraded: it cannot store writes now).'
            )
          }
        }
      },
      '/version': {
        get: {
          summary: 'Server name, version and API version',
          security: [],
          responses: { '200': json(ref('ServerVersion'), 'Who is answering.') }
        }
      },
      '/events': {
        post: {
          summary: 'Store a batch of events',
          description:
            "Answers once the new events are durable. Idempotent by event id: ids already stored (or carrying a session or execution already stored) are listed in duplicates and change nothing. An event naming a session or execution id that holds another person's private record is listed in accepted, as for a free id, and is not stored (so the answer does not tell a private record from a missing one); one into another person's team session is refused (403). An invalid batch is rejected whole. Mime values over 4096 bytes are moved to the blob store. execution.annotated events are merged into their execution's capture when it is read (they may arrive before it). environment.captured snapshots are stored once per content (id: SHA-256 of the canonical JSON without capturedAt) and listed in the session's environments.",
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('EventBatch') } }
          },
          responses: {
            '200': json(ref('IngestResult'), 'Stored (durably) or duplicate.'),
            '400': errorResponse(
              'Invalid batch (invalid_request, with details), nested too deep, a compressed body that does not decompress, or malformed JSON (invalid_json). Nothing was stored.'
            ),
            ...AUTH_ERRORS,
            '403': errorResponse(
              "An event of another person's team session (forbidden, details name it). Nothing was stored."
            ),
            '413': errorResponse(
              'Body over the size limit, or with too many object members (payload_too_large).'
            ),
            '415': errorResponse('Not JSON (unsupported_media_type).'),
            '503': errorResponse(
              'Storage failed or the server is stopping (storage_unavailable, shutting_down); retry.'
            )
          }
        }
      },
      '/sessions': {
        get: {
          summary: 'Sessions, newest first',
          parameters: [
            {
              name: 'notebook',
              in: 'query',
              description: 'Only sessions of this notebook path.',
              schema: { type: 'string', minLength: 1 }
            },
            {
              name: 'author',
              in: 'query',
              description: 'Only sessions recorded by this user id.',
              schema: { type: 'string', minLength: 1 }
            },
            ...pagingParams
          ],
          responses: {
            '200': json(ref('SessionPage'), 'One page of sessions.'),
            ...BAD_QUERY,
            ...AUTH_ERRORS
          }
        }
      },
      '/sessions/{id}': {
        get: {
          summary: 'One session',
          parameters: [idParam('id', 'Session id.')],
          responses: {
            '200': json(ref('SessionSummary'), 'The session.'),
            ...BAD_ID,
            ...AUTH_ERRORS,
            '404': errorResponse(
              'Unknown session, or one the caller may not read (not_found).'
            )
          }
        },
        patch: {
          summary: "Change a session's visibility",
          description:
            'Its author sets team or private; an admin may only make a team session private.',
          parameters: [idParam('id', 'Session id.')],
          requestBody: requiredBody(
            ref('VisibilityChange'),
            'The new visibility.'
          ),
          responses: {
            '200': json(ref('SessionSummary'), 'The session.'),
            '400': errorResponse(
              'Bad id, no body, a body that is not an object, or a bad visibility (invalid_request).'
            ),
            ...AUTH_ERRORS,
            ...NOT_JSON,
            '403': errorResponse('Not allowed to change it (forbidden).'),
            '404': errorResponse(
              'Unknown session, or one the caller may not read (not_found).'
            )
          }
        }
      },
      '/me': {
        get: {
          summary: 'Who the token belongs to',
          responses: {
            '200': json(ref('TeamMember'), 'The caller.'),
            ...AUTH_ERRORS
          }
        }
      },
      '/users': {
        get: {
          summary: 'The people of the team',
          description:
            'Every user of the directory (and the server owner, to others only when they may read a session of the owner), with the count of their sessions the caller may read; most recently active first.',
          responses: {
            '200': json(ref('TeamMemberList'), 'The people.'),
            ...AUTH_ERRORS
          }
        }
      },
      '/notebooks': {
        get: {
          summary: "One person's notebooks, most recently active first",
          parameters: [
            {
              name: 'author',
              in: 'query',
              required: true,
              description: 'The user id.',
              schema: { type: 'string', minLength: 1 }
            },
            ...pagingParams
          ],
          responses: {
            '200': json(ref('NotebookPage'), 'One page of notebooks.'),
            '400': errorResponse(
              'Missing author, bad limit or cursor (invalid_request).'
            ),
            ...AUTH_ERRORS
          }
        }
      },
      '/notebooks/visibility': {
        put: {
          summary: "Set the visibility of one of the caller's notebooks",
          description:
            "Applies to the caller's existing sessions of that notebook path and to the ones recorded later.",
          requestBody: requiredBody(
            ref('NotebookVisibility'),
            'Notebook and visibility.'
          ),
          responses: {
            '200': json(ref('NotebookVisibilityResult'), 'What changed.'),
            '400': errorResponse(
              'No body, a body that is not an object, or a bad notebookPath or visibility (invalid_request).'
            ),
            ...AUTH_ERRORS,
            ...NOT_JSON
          }
        }
      },
      '/search': {
        get: {
          summary: "Search the team's history",
          description:
            'Case-insensitive substrings of code and output text (all terms must match; "quoted phrases" allowed), in sessions the caller may read; most recently recorded first. truncated is true while the index of the stored history is still being built or a scan ran out of time. A page has a nextCursor only when a further hit the caller may read exists; a cursor is sealed and good only for the caller it was given to, in this server run (any other is a 400).',
          parameters: [
            {
              name: 'q',
              in: 'query',
              required: true,
              description:
                'What to search for: words or "quoted phrases", at least one character that is not white space.',
              schema: { type: 'string', pattern: QUERY_PATTERN }
            },
            {
              name: 'author',
              in: 'query',
              description: 'Only executions recorded by this user id.',
              schema: { type: 'string', minLength: 1 }
            },
            {
              name: 'notebook',
              in: 'query',
              description: 'Only notebooks whose path contains this text.',
              schema: { type: 'string', minLength: 1 }
            },
            {
              name: 'from',
              in: 'query',
              description: 'Only executions started at or after (ISO 8601).',
              schema: { type: 'string', format: 'date-time' }
            },
            {
              name: 'to',
              in: 'query',
              description: 'Only executions started at or before (ISO 8601).',
              schema: { type: 'string', format: 'date-time' }
            },
            ...pagingParams
          ],
          responses: {
            '200': json(ref('SearchPage'), 'One page of hits.'),
            '400': errorResponse(
              'Missing q, bad date, limit or cursor (invalid_request).'
            ),
            ...AUTH_ERRORS
          }
        }
      },
      '/changes': {
        get: {
          summary: 'What was stored after a cursor (long poll)',
          description:
            "Without after: the current cursor at once. With after: the changes since that the caller may read (and visibility changes of sessions they could read before or can after), at once when there are some, else after up to wait ms. Cursors are sealed: they say nothing of others' private changes. A cursor of another server run, or one not made by this run, gets a fresh cursor and no changes: reload what you show.",
          parameters: [
            {
              name: 'after',
              in: 'query',
              description: 'The cursor of the previous answer.',
              schema: { type: 'string' }
            },
            {
              name: 'wait',
              in: 'query',
              description:
                'How long to hold the request when nothing is new (ms).',
              schema: {
                type: 'integer',
                minimum: 0,
                maximum: 25000,
                default: 0
              }
            }
          ],
          responses: {
            '200': json(ref('HistoryChanges'), 'Changes and the next cursor.'),
            '400': errorResponse('Bad after or wait (invalid_request).'),
            ...AUTH_ERRORS
          }
        }
      },
      '/sessions/{id}/executions': {
        get: {
          summary: "A session's executions in seq order",
          parameters: [idParam('id', 'Session id.'), ...pagingParams],
          responses: {
            '200': json(ref('ExecutionPage'), 'One page of executions.'),
            '400': errorResponse(
              'Bad id, limit or cursor (code invalid_request).'
            ),
            ...AUTH_ERRORS,
            '404': errorResponse('Unknown session (not_found).')
          }
        }
      },
      '/cells/executions': {
        get: {
          summary: "A notebook cell's executions across sessions, newest first",
          description:
            'Every execution of the cell (notebookPath and cellId of the execution records), ordered by startedAt then id, newest first. An unknown cell has an empty page.',
          parameters: [
            {
              name: 'notebook',
              in: 'query',
              required: true,
              description: 'The notebook path, as in the execution records.',
              schema: { type: 'string', minLength: 1 }
            },
            {
              name: 'cellId',
              in: 'query',
              required: true,
              description: 'The nbformat cell id.',
              schema: { type: 'string', minLength: 1 }
            },
            ...pagingParams
          ],
          responses: {
            '200': json(ref('ExecutionPage'), 'One page of executions.'),
            '400': errorResponse(
              'Missing notebook or cellId, bad limit or cursor (code invalid_request).'
            ),
            ...AUTH_ERRORS
          }
        }
      },
      '/executions/{id}': {
        get: {
          summary: 'One execution with its outputs',
          description:
            'Mime values kept in the blob store appear as BlobRef objects in place of the value.',
          parameters: [idParam('id', 'Execution id.')],
          responses: {
            '200': json(ref('ExecutionRecord'), 'The execution.'),
            ...BAD_ID,
            ...AUTH_ERRORS,
            '404': errorResponse('Unknown execution (not_found).')
          }
        }
      },
      '/executions/{id}/previous': {
        get: {
          summary: 'The previous run of the same cell',
          description:
            'The latest execution of the same notebookPath and cellId that started before this one (startedAt, then id), in any session; null when there is none or the execution has no cell id.',
          parameters: [idParam('id', 'Execution id.')],
          responses: {
            '200': json(ref('PreviousExecution'), 'The previous run, or null.'),
            ...BAD_ID,
            ...AUTH_ERRORS,
            '404': errorResponse('Unknown execution (not_found).')
          }
        }
      },
      '/environments/{id}': {
        get: {
          summary: 'One environment snapshot',
          description:
            'The snapshot stored under this id (see SessionSummary.environments), with the capturedAt of its earliest capture.',
          parameters: [
            pathParam(
              'id',
              'SHA-256 of the canonical JSON of the snapshot without capturedAt.',
              SHA256_PATTERN
            )
          ],
          responses: {
            '200': json(ref('EnvironmentSnapshot'), 'The snapshot.'),
            ...BAD_ID,
            ...AUTH_ERRORS,
            '404': errorResponse('Unknown environment (not_found).')
          }
        }
      },
      '/blobs/{sha256}': {
        get: {
          summary: 'The bytes of a blob',
          description:
            'encoding text: the UTF-8 string value; json: the JSON text of the value.',
          parameters: [
            pathParam('sha256', 'Lowercase hex SHA-256.', SHA256_PATTERN)
          ],
          responses: {
            '200': {
              description: 'The bytes (immutable).',
              content: {
                'application/octet-stream': {
                  schema: {
                    type: 'string',
                    contentMediaType: 'application/octet-stream'
                  }
                }
              }
            },
            '400': errorResponse('Not a SHA-256 (invalid_request).'),
            ...AUTH_ERRORS,
            '404': errorResponse('Unknown blob (not_found).')
          }
        }
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: {
            '200': json({ type: 'object' }, 'OpenAPI 3.1 document.')
          }
        }
      }
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...recordSchemas,
        BlobRef: ref('Output/definitions/blobRef'),
        SessionPage: page('SessionSummary'),
        ExecutionPage: page('ExecutionSummary'),
        TeamMemberList: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: ref('TeamMember') } }
        },
        NotebookPage: page('NotebookSummary'),
        SearchPage: {
          type: 'object',
          required: ['items', 'nextCursor', 'truncated'],
          additionalProperties: false,
          properties: {
            items: { type: 'array', items: ref('SearchHit') },
            nextCursor: { type: ['string', 'null'] },
            truncated: { type: 'boolean' }
          }
        },
        VisibilityChange: {
          type: 'object',
          required: ['visibility'],
          properties: { visibility: { enum: ['team', 'private'] } }
        },
        NotebookVisibility: {
          type: 'object',
          required: ['notebookPath', 'visibility'],
          properties: {
            notebookPath: {
              type: 'string',
              minLength: 1,
              maxLength: 4096,
              description: 'Lengths count Unicode code points.'
            },
            visibility: { enum: ['team', 'private'] }
          }
        },
        NotebookVisibilityResult: {
          type: 'object',
          required: ['notebookPath', 'visibility', 'sessions'],
          properties: {
            notebookPath: { type: 'string' },
            visibility: { enum: ['team', 'private'] },
            sessions: {
              type: 'integer',
              description: 'How many existing sessions changed.'
            }
          }
        },
        PreviousExecution: {
          type: 'object',
          required: ['execution'],
          additionalProperties: false,
          properties: {
            execution: {
              oneOf: [ref('ExecutionSummary'), { type: 'null' }]
            }
          }
        },
        ServerVersion: {
          type: 'object',
          required: ['name', 'version', 'apiVersion'],
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            apiVersion: { type: 'integer' }
          }
        },
        ErrorBody: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: {
                  type: 'string',
                  description: 'snake_case, for programs.'
                },
                message: { type: 'string', description: 'For humans.' },
                details: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['path', 'message'],
                    properties: {
                      path: {
                        type: 'string',
                        description: 'JSON Pointer into the request.'
                      },
                      message: { type: 'string' }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  };
}

/**
 * The OpenAPI operations on recorded history: ingest, sessions, executions,
 * environments and blobs, and the public health, version and document.
 */
import {
  AUTH_ERRORS,
  BAD_ID,
  BAD_QUERY,
  NOT_JSON,
  SHA256_PATTERN,
  errorResponse,
  json,
  pagingParams,
  pathParam,
  ref,
  requiredBody,
  textQuery
} from './parts';

/** The paths of the recorded history; ids match `idPattern`. */
export function historyPaths(idPattern: string): Record<string, object> {
  const idParam = (name: string, description: string) =>
    pathParam(name, description, idPattern);
  return {
    '/health': {
      get: {
        summary: 'Liveness probe',
        security: [],
        responses: {
          '200': json(
            ref('HealthStatus'),
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
            'Storage failed, the server is stopping, or a session of the batch was claimed by another person at the same moment (storage_unavailable, shutting_down, access_changed); retry.'
          )
        }
      }
    },
    '/sessions': {
      get: {
        summary: 'Sessions, newest first',
        parameters: [
          textQuery('notebook', 'Only sessions of this notebook path.'),
          textQuery('author', 'Only sessions recorded by this user id.'),
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
          textQuery(
            'notebook',
            'The notebook path, as in the execution records.',
            true
          ),
          textQuery('cellId', 'The nbformat cell id.', true),
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
  };
}

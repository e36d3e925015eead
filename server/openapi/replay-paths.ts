/**
 * The OpenAPI operations that prepare a replay (issue #13): the inputs of
 * steps 1..k, the preflight of a target kernel, and a session's replays.
 */
import {
  AUTH_ERRORS,
  errorResponse,
  json,
  NOT_JSON,
  pagingParams,
  pathParam,
  ref,
  requiredBody
} from './parts';

const UNKNOWN_SESSION =
  'Unknown session, or one the caller may not read (not_found, the same answer).';

/** The replay paths; session ids match `idPattern`. */
export function replayPaths(idPattern: string): Record<string, object> {
  const sessionId = pathParam('id', 'Session id.', idPattern);
  return {
    '/sessions/{id}/inputs': {
      get: {
        summary: 'What replaying steps 1..upto needs',
        description:
          'The files steps 1..upto read that no earlier step wrote (the first read of each, with its sha256, size and table schema as captured, and the step that read it), and the environment version step upto ran with (absent when the session recorded none).',
        parameters: [
          sessionId,
          {
            name: 'upto',
            in: 'query',
            required: true,
            description: 'The last step, from 1.',
            schema: { type: 'integer', minimum: 1 }
          }
        ],
        responses: {
          '200': json(ref('InputList'), 'The inputs.'),
          '400': errorResponse(
            'A malformed session id, or upto missing or not a step number (invalid_request, detail /query/upto).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(
            `${UNKNOWN_SESSION} No step upto: past the last (step_not_found).`
          )
        }
      }
    },
    '/sessions/{id}/preflight': {
      post: {
        summary: 'Preflight of a replay of steps 1..upto',
        description:
          'Compares the recorded environment of step upto and the inputs of steps 1..upto with a target kernel as its probe saw it: Python version; packages missing, older and newer (PEP 440 order) with one pip install line to match; each input file same, changed, missing or unknown, with the columns of a table added, removed or retyped. Changes nothing.',
        parameters: [sessionId],
        requestBody: requiredBody(
          ref('PreflightRequest'),
          'The last step and the target kernel’s environment and files.'
        ),
        responses: {
          '200': json(ref('PreflightReport'), 'The report.'),
          '400': errorResponse(
            'A malformed session id, or a body that does not fit PreflightRequest (invalid_request, details from /body), or malformed JSON (invalid_json).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(
            `${UNKNOWN_SESSION} No step upto: past the last (step_not_found).`
          ),
          ...NOT_JSON
        }
      }
    },
    '/sessions/{id}/replays': {
      get: {
        summary: 'A session’s replays and forks',
        description:
          'The sessions whose lineage names this session (recorded from a notebook opened from it), those the caller may read, newest first. Another person’s private replay is never listed or counted.',
        parameters: [sessionId, ...pagingParams],
        responses: {
          '200': json(ref('SessionPage'), 'One page of sessions.'),
          '400': errorResponse(
            'A malformed session id, or a bad limit or cursor (invalid_request).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(UNKNOWN_SESSION)
        }
      }
    }
  };
}

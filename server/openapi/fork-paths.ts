/**
 * The OpenAPI operations of a fork (issue #14): the data-contract check of
 * a fork's files, and a replay or fork compared with its parent. A
 * session's forks are listed with its replays (replay-paths.ts).
 */
import {
  AUTH_ERRORS,
  errorResponse,
  json,
  NOT_JSON,
  pathParam,
  ref,
  requiredBody
} from './parts';

const UNKNOWN_SESSION =
  'Unknown session, or one the caller may not read (not_found, the same answer).';

/** The fork paths; session ids match `idPattern`. */
export function forkPaths(idPattern: string): Record<string, object> {
  const sessionId = pathParam('id', 'Session id.', idPattern);
  return {
    '/sessions/{id}/contract': {
      post: {
        summary: 'Data-contract check of a fork of steps 1..upto',
        description:
          'Checks each mapping (a recorded input of steps 1..upto and the file or folder to read in its place) against what the recording read, the new files as the forking kernel’s probe saw them (matched by path). Errors (the fork should not run): a path the experiment did not read (unknown-input), an input mapped twice, a missing, unreadable or empty file, a folder for a file or back, missing columns. Warnings: retyped columns, another format. Notes: extra columns, rows, size. Every message names the recorded and the new path. Changes nothing.',
        parameters: [sessionId],
        requestBody: requiredBody(
          ref('ContractRequest'),
          'The last step, the mappings and the probed new files.'
        ),
        responses: {
          '200': json(ref('ContractReport'), 'The report (ok: no error).'),
          '400': errorResponse(
            'A malformed session id, or a body that does not fit ContractRequest (invalid_request, details from /body), or malformed JSON (invalid_json).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(
            `${UNKNOWN_SESSION} No step upto: past the last (step_not_found).`
          ),
          ...NOT_JSON
        }
      }
    },
    '/sessions/{id}/parent-comparison': {
      get: {
        summary: 'A replay or fork compared with its parent',
        description:
          'The parent named by the session’s lineage, the substituted inputs (the parent’s and the fork’s hash, size and table schema, with the column changes), the last value of each param and metric on both sides, and each of the parent’s steps 1..k with the fork execution that ran its code (aligned in order by identical code) and its verdict (same, differs, new-error, error-gone, not-run).',
        parameters: [sessionId],
        responses: {
          '200': json(ref('LineageComparison'), 'The comparison.'),
          '400': errorResponse('A malformed session id (invalid_request).'),
          ...AUTH_ERRORS,
          '404': errorResponse(
            `${UNKNOWN_SESSION} A session with no lineage (not a replay or a fork), or whose parent is unknown or not readable by the caller (the same answer as an unknown session, naming the parent id).`
          )
        }
      }
    }
  };
}

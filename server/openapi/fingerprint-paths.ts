/**
 * The OpenAPI operations of "who already computed this?" (issue #16):
 * executions identical to one, the lookup before a cell runs, and the
 * sessions whose first steps a session repeats.
 */
import {
  AUTH_ERRORS,
  BAD_ID,
  errorResponse,
  json,
  NOT_JSON,
  pathParam,
  ref,
  requiredBody
} from './parts';

const FINGERPRINT =
  'A fingerprint is the sha256 of an execution’s code, the hashes of the files it read, its environment and the fingerprint of the execution before it in its session: equal fingerprints mean the same computation along the same path.';
const READABLE =
  'Only executions of sessions the caller may read match (another person’s private one never does, not even in a count), under the ids the caller sees; never one of the asking session.';

/** The fingerprint paths; ids match `idPattern`. */
export function fingerprintPaths(idPattern: string): Record<string, object> {
  return {
    '/executions/{id}/identical': {
      get: {
        summary: 'Executions identical to one',
        description: `${FINGERPRINT} The execution’s fingerprint (null while a file hash of it or an earlier step is pending) and the other executions with the same one, newest first, at most 20. ${READABLE}`,
        parameters: [pathParam('id', 'Execution id.', idPattern)],
        responses: {
          '200': json(
            ref('IdenticalExecutions'),
            'The fingerprint and matches.'
          ),
          ...BAD_ID,
          ...AUTH_ERRORS,
          '404': errorResponse(
            'Unknown execution, or one the caller may not read (not_found, the same answer).'
          )
        }
      }
    },
    '/fingerprints/lookup': {
      post: {
        summary: 'Who already ran this cell after the same steps?',
        description: `Before a cell runs: the executions with the pathKey it will have (the same code after the same steps on the same environment; its own reads are not known yet), newest first, at most 20. state previous-unknown (no matches) while the previous execution is not stored or its fingerprint is unknown, or the session is not stored yet or not readable by the caller (the same answer). ${READABLE} Changes nothing.`,
        requestBody: requiredBody(
          ref('FingerprintLookupRequest'),
          'The session, its previous execution (null: the first) and the code.'
        ),
        responses: {
          '200': json(ref('FingerprintLookupResult'), 'The matches.'),
          '400': errorResponse(
            'A body that does not fit FingerprintLookupRequest (invalid_request, details from /body), or malformed JSON (invalid_json).'
          ),
          ...AUTH_ERRORS,
          ...NOT_JSON
        }
      }
    },
    '/sessions/{id}/identical-prefix': {
      get: {
        summary: 'Sessions whose first steps this session repeats',
        description: `The other sessions whose steps 1..k have the same fingerprints as this session’s, each with its longest such k, longest first, at most 5. ${READABLE}`,
        parameters: [pathParam('id', 'Session id.', idPattern)],
        responses: {
          '200': json(ref('IdenticalPrefix'), 'The sessions.'),
          ...BAD_ID,
          ...AUTH_ERRORS,
          '404': errorResponse(
            'Unknown session, or one the caller may not read (not_found, the same answer).'
          )
        }
      }
    }
  };
}
